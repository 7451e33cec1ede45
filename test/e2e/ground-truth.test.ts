/**
 * Ground truth: the environment is told by what the command will really talk to — read from
 * the tool's own configuration in a temporary HOME — not by the name typed. Each test runs
 * bin/preflight.js with the bundled policy and fake tools on PATH, and checks the outcome, the
 * report, and whether the fake tool ran.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  installRecordingTools,
  kubeconfig,
  toolCalls,
  writeHomeFile,
  writeWorkFile,
} from "../helpers/fake-tools.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const FLYRC = `targets:
  dev:
    api: https://ci.prod.example.com
    team: main
    token:
      type: Bearer
      value: flyrc-secret-token-1
  staging:
    api: https://ci.staging.example.com
    team: main
  lab:
    api: https://ci.staging.example.com
    team: main
`;

const KUBE = {
  clusters: {
    "k8s-prod-eu": "https://k8s-prod-eu.example.com:6443",
    lab: "https://k8s.dev.example.com:6443",
  },
  contexts: {
    "prod-eu": { cluster: "k8s-prod-eu", namespace: "payments" },
    dev: { cluster: "lab" },
  },
};

function setUp(t: Parameters<typeof useWorkspace>[0]): Workspace {
  const ws = useWorkspace(t);
  installRecordingTools(ws);
  return ws;
}

describe.concurrent("ground truth: where the command really goes", { timeout: 90_000 }, () => {
  it("fly -t dev whose api is the production Concourse is denied, and the report says both", async (t) => {
    const ws = setUp(t);
    writeHomeFile(ws, ".flyrc", FLYRC);

    const result = await ws.run([
      "--report",
      ws.reportFile,
      "--",
      "fly",
      "-t",
      "dev",
      "destroy-pipeline",
      "-p",
      "main",
    ]);

    expect(result.exitCode).toBe(66);
    expect(ws.flyRan("destroy-pipeline")).toBe(false);
    expect(result.stderr).toContain("fly → https://ci.prod.example.com, team main (target dev)");
    expect(result.stderr).toContain(
      "the name `dev` (fly target from argument -t) says development, but it points at https://ci.prod.example.com — production",
    );
    const report = ws.readReport();
    expect(report.environment).toMatchObject({
      name: "production",
      protected: true,
      source: "fly url",
      target: "https://ci.prod.example.com",
      truth: {
        tool: "fly",
        values: { url: "https://ci.prod.example.com" },
        files: [`${ws.home}/.flyrc`],
      },
      alias: { name: "development", known: true, target: "dev" },
    });
    expect(JSON.stringify(report)).not.toContain("flyrc-secret-token-1");
  });

  it("kubectl delete namespace on a production current context is denied with no flag; kubectl never runs", async (t) => {
    const ws = setUp(t);
    writeHomeFile(ws, ".kube/config", kubeconfig({ current: "prod-eu", ...KUBE }));

    const result = await ws.run([
      "--report",
      ws.reportFile,
      "--",
      "kubectl",
      "delete",
      "namespace",
      "payments",
    ]);

    expect(result.exitCode).toBe(66);
    expect(toolCalls(ws)).toEqual([]);
    expect(result.stderr).toMatch(/█+ {2}PRODUCTION/);
    expect(result.stderr).toContain(
      "kubectl → https://k8s-prod-eu.example.com:6443 (context prod-eu, cluster k8s-prod-eu), namespace payments",
    );
    expect(ws.readReport().environment).toMatchObject({
      name: "production",
      source: "kubectl server",
    });
  });

  it("kubectl --context dev asks for dev's name, and runs once it is given", async (t) => {
    const ws = setUp(t);
    writeHomeFile(ws, ".kube/config", kubeconfig({ current: "prod-eu", ...KUBE }));
    const command = ["kubectl", "--context", "dev", "delete", "namespace", "payments"];

    const asked = await ws.run(["--", ...command]);
    expect(asked.exitCode).toBe(68);
    expect(asked.stderr).toContain("re-run with --confirm development");
    expect(toolCalls(ws)).toEqual([]);

    const confirmed = await ws.run(["--confirm", "development", "--", ...command]);
    expect(confirmed.exitCode).toBe(0);
    expect(toolCalls(ws)).toEqual(["kubectl --context dev delete namespace payments"]);
  });

  it("with a KUBECONFIG list, the current context is the first file's that sets one, as kubectl reads it", async (t) => {
    const ws = setUp(t);
    // The first file defines the contexts but sets no current-context; the second sets prod-eu.
    const first = writeWorkFile(ws, "kube/a.yaml", kubeconfig(KUBE));
    const second = writeWorkFile(
      ws,
      "kube/b.yaml",
      kubeconfig({
        current: "prod-eu",
        clusters: { lab: "https://k8s.dev.example.com:6443" },
        contexts: { "prod-eu": { cluster: "lab" } },
      }),
    );
    const missing = ws.path("kube/none.yaml");

    const result = await ws.run(
      ["--report", ws.reportFile, "--", "kubectl", "delete", "ns", "payments"],
      {
        env: { KUBECONFIG: `${missing}:${first}:${second}` },
      },
    );

    // kubectl: current-context prod-eu (from b), context prod-eu as a defines it (a wins) → k8s-prod-eu.
    expect(result.exitCode).toBe(66);
    expect(ws.readReport().environment?.truth).toMatchObject({
      values: { server: "https://k8s-prod-eu.example.com:6443" },
      files: [first, second],
    });
    expect(toolCalls(ws)).toEqual([]);
  });

  it("terraform destroy in a selected production workspace is denied, also under -chdir", async (t) => {
    const ws = setUp(t);
    writeWorkFile(ws, ".terraform/environment", "production\n");
    writeWorkFile(ws, "infra/.terraform/environment", "prod-eu\n");
    writeWorkFile(ws, "staging/.terraform/environment", "staging\n");

    const here = await ws.run(["--", "terraform", "destroy", "-auto-approve"]);
    expect(here.exitCode).toBe(66);
    expect(here.stderr).toContain(
      "terraform → workspace production (.terraform/environment)".replace(
        ".terraform",
        `${ws.root}/.terraform`,
      ),
    );

    const infra = await ws.run([
      "--report",
      ws.reportFile,
      "--",
      "terraform",
      "-chdir=infra/",
      "destroy",
    ]);
    expect(infra.exitCode).toBe(66);
    expect(ws.readReport().environment).toMatchObject({
      name: "production",
      target: "prod-eu",
      source: "terraform workspace",
    });

    const staging = await ws.run([
      "--confirm",
      "staging",
      "--",
      "terraform",
      "-chdir=staging",
      "destroy",
    ]);
    expect(staging.exitCode).toBe(0);
    expect(toolCalls(ws)).toEqual(["terraform -chdir=staging destroy"]);
  });

  it("dropdb with PGSERVICE naming a service on a production host is denied", async (t) => {
    const ws = setUp(t);
    writeHomeFile(
      ws,
      ".pg_service.conf",
      "# services\n[billing]\nhost=pg-billing.prod.internal\nport=5432\nuser=app\npassword=pgservice-secret-pw-1\n",
    );

    const result = await ws.run(["--report", ws.reportFile, "--", "dropdb", "payments"], {
      env: { PGSERVICE: "billing" },
    });

    expect(result.exitCode).toBe(66);
    expect(toolCalls(ws)).toEqual([]);
    expect(ws.readReport().environment).toMatchObject({
      name: "production",
      target: "pg-billing.prod.internal",
    });
    expect(result.stderr).not.toContain("pgservice-secret-pw-1");
  });

  it("cf delete with the production API endpoint targeted is denied", async (t) => {
    const ws = setUp(t);
    writeHomeFile(
      ws,
      ".cf/config.json",
      JSON.stringify(
        {
          ConfigVersion: 3,
          Target: "https://api.sys.prod.example.com",
          AccessToken: "bearer cf-secret-access-1",
          RefreshToken: "cf-secret-refresh-1",
          OrganizationFields: { GUID: "o", Name: "payments" },
          SpaceFields: { GUID: "s", Name: "web", AllowSSH: true },
        },
        null,
        2,
      ),
    );

    const result = await ws.run(["--", "cf", "delete", "app", "-f"]);

    expect(result.exitCode).toBe(66);
    expect(result.stderr).toContain(
      "cf → https://api.sys.prod.example.com, org payments, space web",
    );
    expect(toolCalls(ws)).toEqual([]);
  });

  it("bosh delete-deployment with BOSH_ENVIRONMENT=lite aliasing the production director is denied", async (t) => {
    const ws = setUp(t);
    writeHomeFile(
      ws,
      ".bosh/config",
      "environments:\n- alias: lite\n  url: https://director.prod.example.com:25555\n  ca_cert: |\n    -----BEGIN CERTIFICATE-----\n  username: admin\n  password: bosh-secret-pw-1\n",
    );

    const result = await ws.run(
      ["--report", ws.reportFile, "--", "bosh", "delete-deployment", "-d", "cf"],
      { env: { BOSH_ENVIRONMENT: "lite" } },
    );

    expect(result.exitCode).toBe(66);
    expect(toolCalls(ws)).toEqual([]);
    expect(ws.readReport().environment).toMatchObject({
      name: "production",
      truth: { values: { url: "https://director.prod.example.com:25555" } },
    });
  });

  it("the typed word is the environment's name, never the alias", async (t) => {
    const ws = setUp(t);
    writeHomeFile(ws, ".flyrc", FLYRC);
    const command = ["fly", "-t", "lab", "destroy-pipeline", "-p", "docs"];

    const byAlias = await ws.run(["--confirm", "lab", "--", ...command]);
    expect(byAlias.exitCode).toBe(68);
    expect(ws.flyRan("destroy-pipeline")).toBe(false);

    const byName = await ws.run(["--confirm", "staging", "--", ...command]);
    expect(byName.exitCode).toBe(0);
    expect(ws.flyRan("destroy-pipeline")).toBe(true);
  });
});

describe.concurrent("unreadable configuration: unknown, handled as the policy says", {
  timeout: 90_000,
}, () => {
  const cases: {
    tool: string;
    file: string;
    text: string;
    command: string[];
    env?: Record<string, string>;
    reason: RegExp;
  }[] = [
    {
      tool: "kubectl",
      file: ".kube/config",
      text: "clusters:\n- name: a\n  cluster: {server: [\n",
      command: ["kubectl", "delete", "ns", "x"],
      reason: /~\/\.kube\/config line \d+: not valid YAML/,
    },
    {
      tool: "fly",
      file: ".flyrc",
      text: "targets:\n  prod:\n    api: [\n",
      command: ["fly", "-t", "staging", "destroy-pipeline", "-p", "main"],
      reason: /~\/\.flyrc line \d+: not valid YAML/,
    },
    {
      tool: "cf",
      file: ".cf/config.json",
      text: '{\n  "Target": "https://api.example.com",\n  oops\n}\n',
      command: ["cf", "delete", "app", "-f"],
      reason: /~\/\.cf\/config\.json line 3: not valid JSON/,
    },
    {
      tool: "bosh",
      file: ".bosh/config",
      text: "environments:\n- alias: lite\n  url: [\n",
      command: ["bosh", "-e", "lite", "delete-deployment", "-d", "cf"],
      reason: /~\/\.bosh\/config line \d+: not valid YAML/,
    },
    {
      tool: "postgres",
      file: ".pg_service.conf",
      text: "[billing]\nhost pg.internal\n",
      command: ["dropdb", "payments"],
      env: { PGSERVICE: "billing" },
      reason: /~\/\.pg_service\.conf line 2: syntax error/,
    },
    {
      tool: "kubectl",
      file: ".kube/config",
      text: kubeconfig({ current: "gone", ...KUBE }),
      command: ["kubectl", "delete", "ns", "x"],
      reason: /context 'gone' \(current-context in ~\/\.kube\/config\) is not in ~\/\.kube\/config/,
    },
  ];

  for (const c of cases) {
    it(`${c.tool}: ${c.reason.source} → unknown; protected asks for no word, deny refuses`, async (t) => {
      const ws = setUp(t);
      writeHomeFile(ws, c.file, c.text);

      const result = await ws.run(["--report", ws.reportFile, "--", ...c.command], {
        ...(c.env && { env: c.env }),
      });
      expect(result.exitCode).toBe(68);
      expect(result.stderr).toMatch(c.reason);
      expect(result.stderr).toContain("UNKNOWN ENVIRONMENT");
      expect(ws.readReport().environment).toMatchObject({
        name: "unknown",
        known: false,
        truth: { problem: expect.stringMatching(c.reason) },
      });
      expect(toolCalls(ws)).toEqual([]);
      expect(ws.flyCalls()).toEqual([]);

      const strict = writeWorkFile(
        ws,
        "deny.yaml",
        `version: 1\nenvironments:\n  production: { protected: true, match: { url: "*prod*" } }\nunknown-environment: deny\nrules:\n  - id: guard\n    match: { command: [kubectl, fly, cf, bosh, dropdb] }\n    environment: { target: ${c.tool} }\n    decision: confirm\n`,
      );
      const denied = await ws.run(
        ["--policy", strict, "--confirm", "unknown", "--", ...c.command],
        { ...(c.env && { env: c.env }) },
      );
      expect(denied.exitCode).toBe(66);
      expect(denied.stderr).toMatch(c.reason);
      expect(denied.stderr).toContain("the policy denies unknown environments");
      expect(toolCalls(ws)).toEqual([]);
    });
  }
});

describe("secrets in the tools' configuration never reach the terminal, the report or the audit log", () => {
  it("greps every output for each kind of secret", async (t) => {
    const ws = setUp(t);
    const secrets = [
      "kube-secret-token-7",
      "flyrc-secret-token-7",
      "cf-access-secret-7",
      "cf-refresh-secret-7",
      "bosh-secret-pw-7",
      "pgservice-secret-pw-7",
      "tfstate-secret-key-7",
    ];
    writeHomeFile(
      ws,
      ".kube/config",
      kubeconfig({ current: "dev", ...KUBE, secret: "kube-secret-token-7" }),
    );
    writeHomeFile(
      ws,
      ".flyrc",
      `targets:\n  lab:\n    api: https://ci.dev.example.com\n    team: main\n    token:\n      type: Bearer\n      value: flyrc-secret-token-7\n`,
    );
    writeHomeFile(
      ws,
      ".cf/config.json",
      JSON.stringify({
        Target: "https://api.dev.example.com",
        AccessToken: "bearer cf-access-secret-7",
        RefreshToken: "cf-refresh-secret-7",
        OrganizationFields: { Name: "o" },
        SpaceFields: { Name: "s" },
      }),
    );
    writeHomeFile(
      ws,
      ".bosh/config",
      "environments:\n- alias: lite\n  url: https://director.dev.example.com:25555\n  username: admin\n  password: bosh-secret-pw-7\n",
    );
    writeHomeFile(
      ws,
      ".pg_service.conf",
      "[scratch]\nhost=pg.dev.example.com\npassword=pgservice-secret-pw-7\n",
    );
    writeWorkFile(ws, ".terraform/environment", "dev");
    writeWorkFile(
      ws,
      ".terraform/terraform.tfstate",
      JSON.stringify({
        backend: {
          type: "s3",
          config: { bucket: "tf-dev", key: "dev/app", secret_key: "tfstate-secret-key-7" },
        },
      }),
    );
    const commands: [string[], Record<string, string>?][] = [
      [["kubectl", "delete", "ns", "x"]],
      [["fly", "-t", "lab", "destroy-pipeline", "-p", "main"]],
      [["cf", "delete", "app", "-f"]],
      [["bosh", "-e", "lite", "delete-deployment", "-d", "cf"]],
      [["dropdb", "payments"], { PGSERVICE: "scratch" }],
      [["terraform", "destroy"]],
    ];
    let seen = "";
    for (const [command, env] of commands) {
      const report = ws.path(`report-${command[0]}.json`);
      const run = await ws.run(["--confirm", "development", "--report", report, "--", ...command], {
        ...(env && { env }),
      });
      expect(run.exitCode).toBe(0);
      const plan = await ws.run(["plan", "--json", "--", ...command], { ...(env && { env }) });
      const explain = await ws.run(["policy", "explain", "--json", "--", ...command], {
        ...(env && { env }),
      });
      seen +=
        run.stdout +
        run.stderr +
        plan.stdout +
        plan.stderr +
        explain.stdout +
        explain.stderr +
        ws.readReport(report).environment?.truth?.where;
      seen += JSON.stringify(ws.readReport(report));
    }
    seen += ws.auditText();
    expect(toolCalls(ws).length).toBe(5);
    expect(seen).toContain("https://director.dev.example.com:25555");
    for (const secret of secrets) expect(seen).not.toContain(secret);
  }, 180_000);
});

describe("a command no rule matches reads no configuration", () => {
  it("never opens ~/.kube/config (a FIFO there would block any read forever)", async (t) => {
    const ws = setUp(t);
    mkdirSync(join(ws.home, ".kube"));
    execFileSync("mkfifo", [join(ws.home, ".kube", "config")]);

    const result = await ws.run(["--", "kubectl", "get", "pods"], { timeoutMs: 20_000 });

    expect(result.exitCode).toBe(0);
    expect(toolCalls(ws)).toEqual(["kubectl get pods"]);
  });
});
