import { describe, expect, it } from "vitest";
import { filesFromMap, readTarget } from "./registry.js";
import type { TargetReading, TargetTool } from "./types.js";

const HOME = "/home/op";
const CWD = "/home/op/work";

function read(
  tool: TargetTool,
  argv: string[],
  files: Record<string, string> = {},
  vars: Record<string, string> = {},
): TargetReading {
  return readTarget(tool, { argv, vars, cwd: CWD, home: HOME, files: filesFromMap(files) });
}

const kubeconfig = (
  current: string | undefined,
  clusters: Record<string, string>,
  contexts: Record<string, string>,
) =>
  [
    "apiVersion: v1",
    "kind: Config",
    ...(current ? [`current-context: ${current}`] : []),
    "clusters:",
    ...Object.entries(clusters).map(
      ([n, s]) =>
        `- name: ${n}\n  cluster:\n    server: ${s}\n    certificate-authority-data: LS0tLS1CRUdJTg==`,
    ),
    "contexts:",
    ...Object.entries(contexts).map(
      ([n, c]) => `- name: ${n}\n  context:\n    cluster: ${c}\n    user: admin`,
    ),
    "users:",
    "- name: admin",
    "  user:",
    "    token: kube-secret-token",
    "    client-key-data: a3ViZS1zZWNyZXQta2V5",
  ].join("\n");

describe("kubectl", () => {
  const config = kubeconfig(
    "prod",
    { p: "https://k8s-prod.example.com", d: "https://k8s-dev.example.com" },
    { prod: "p", dev: "d" },
  );

  it("reads the current context's cluster server and the default namespace", () => {
    const r = read("kubectl", ["kubectl", "delete", "ns", "x"], {
      [`${HOME}/.kube/config`]: config,
    });
    expect(r.truth).toEqual({ server: "https://k8s-prod.example.com" });
    expect(r.alias).toEqual({
      value: "prod",
      source: "kubectl context from current-context in ~/.kube/config",
    });
    expect(r.where).toBe(
      "https://k8s-prod.example.com (context prod, cluster p), namespace default",
    );
    expect(r.files).toEqual([`${HOME}/.kube/config`]);
  });

  it("takes --context, -n, --cluster and --server as kubectl does", () => {
    const files = { [`${HOME}/.kube/config`]: config };
    expect(
      read("kubectl", ["kubectl", "--context", "dev", "-n", "pay", "delete", "ns", "x"], files)
        .where,
    ).toBe("https://k8s-dev.example.com (context dev, cluster d), namespace pay");
    expect(
      read("kubectl", ["kubectl", "--context=dev", "--cluster", "p", "delete"], files).truth.server,
    ).toBe("https://k8s-prod.example.com");
    expect(
      read("kubectl", ["kubectl", "--server=https://10.0.0.1:6443", "delete"], files).truth.server,
    ).toBe("https://10.0.0.1:6443");
  });

  it("merges a KUBECONFIG list: the first file to set current-context or a name wins", () => {
    const first = kubeconfig(undefined, { p: "https://first.example.com" }, { dev: "p" });
    const second = kubeconfig(
      "dev",
      { p: "https://second.example.com", q: "https://q.example.com" },
      { dev: "q", prod: "p" },
    );
    const files = { "/cfg/a": first, "/cfg/b": second };
    const r = read("kubectl", ["kubectl", "delete", "ns", "x"], files, {
      KUBECONFIG: "/cfg/missing:/cfg/a::/cfg/b",
    });
    // current-context comes from b (a sets none); context dev and cluster p from a, whole.
    expect(r.alias?.value).toBe("dev");
    expect(r.alias?.source).toBe("kubectl context from current-context in /cfg/b");
    expect(r.truth.server).toBe("https://first.example.com");
    expect(r.files).toEqual(["/cfg/a", "/cfg/b"]);
    const swapped = read("kubectl", ["kubectl", "delete"], files, { KUBECONFIG: "/cfg/b:/cfg/a" });
    expect(swapped.truth.server).toBe("https://q.example.com");
  });

  it("says why when the configuration cannot be read", () => {
    expect(read("kubectl", ["kubectl", "delete"]).problem).toBe(
      "no kubeconfig: ~/.kube/config does not exist",
    );
    expect(read("kubectl", ["kubectl", "--kubeconfig", "k.yaml", "delete"]).problem).toBe(
      "~/work/k.yaml: no such file (--kubeconfig)",
    );
    const broken = read("kubectl", ["kubectl", "delete"], {
      [`${HOME}/.kube/config`]: "clusters:\n- name: a\n  cluster: {server: [\n",
    });
    expect(broken.problem).toMatch(/^~\/\.kube\/config line \d+: not valid YAML/);
    const missing = read("kubectl", ["kubectl", "--context", "qa", "delete"], {
      [`${HOME}/.kube/config`]: config,
    });
    expect(missing.problem).toBe("context 'qa' (argument --context) is not in ~/.kube/config");
    expect(missing.alias?.value).toBe("qa");
    const noCurrent = kubeconfig(undefined, { p: "https://x" }, { a: "p" });
    expect(
      read("kubectl", ["kubectl", "delete"], { [`${HOME}/.kube/config`]: noCurrent }).problem,
    ).toMatch(/sets no current-context/);
  });

  it("names the entry that is wrong", () => {
    const problem = (text: string) =>
      read("kubectl", ["kubectl", "delete"], { [`${HOME}/.kube/config`]: text }).problem;
    const ok = "- name: p\n  cluster:\n    server: https://x";
    expect(problem(`clusters:\n${ok}\n- name:\n    a: b\n`)).toBe(
      "~/.kube/config: clusters[1].name is not text",
    );
    expect(problem(`clusters:\n${ok}\n- just text\n`)).toBe(
      "~/.kube/config: clusters[1] is not a map",
    );
    expect(problem(`clusters:\n${ok}\n- cluster: {}\n`)).toBe(
      "~/.kube/config: clusters[1] has no name",
    );
    expect(problem("contexts:\n- name: c\n  context: text\n")).toBe(
      "~/.kube/config: context c is not a map",
    );
  });

  it("helm reads --kube-context and HELM_NAMESPACE", () => {
    const r = read(
      "helm",
      ["helm", "uninstall", "web", "--kube-context", "dev"],
      { [`${HOME}/.kube/config`]: config },
      { HELM_NAMESPACE: "web" },
    );
    expect(r.where).toBe("https://k8s-dev.example.com (context dev, cluster d), namespace web");
  });
});

describe("fly", () => {
  const flyrc =
    "targets:\n  dev:\n    api: https://ci.prod.example.com\n    team: main\n    token:\n      type: Bearer\n      value: fly-secret-token\n  lab:\n    api: https://ci.lab.example.com\n";
  it("reads the target's api and team from ~/.flyrc", () => {
    const r = read("fly", ["fly", "-t", "dev", "destroy-pipeline"], { [`${HOME}/.flyrc`]: flyrc });
    expect(r).toMatchObject({
      truth: { url: "https://ci.prod.example.com" },
      alias: { value: "dev" },
    });
    expect(r.where).toBe("https://ci.prod.example.com, team main (target dev)");
    expect(read("fly", ["fly", "--target=lab"], { [`${HOME}/.flyrc`]: flyrc }).where).toContain(
      "team main",
    );
    expect(JSON.stringify(r)).not.toContain("fly-secret-token");
  });
  it("says why when it cannot", () => {
    expect(read("fly", ["fly", "destroy-pipeline"]).problem).toMatch(/names no fly target/);
    expect(read("fly", ["fly", "-t", "dev"]).problem).toBe(
      "~/.flyrc does not exist, so target 'dev' is unknown",
    );
    expect(read("fly", ["fly", "-t", "qa"], { [`${HOME}/.flyrc`]: flyrc }).problem).toBe(
      "target 'qa' is not in ~/.flyrc",
    );
    expect(
      read("fly", ["fly", "-t", "dev"], { [`${HOME}/.flyrc`]: "targets:\n  dev: [\n" }).problem,
    ).toMatch(/^~\/\.flyrc line \d+: not valid YAML/);
  });
});

describe("cf", () => {
  const config = JSON.stringify(
    {
      Target: "https://api.sys.prod.example.com",
      AccessToken: "bearer cf-secret-access",
      RefreshToken: "cf-secret-refresh",
      OrganizationFields: { Name: "pay" },
      SpaceFields: { Name: "live" },
    },
    null,
    2,
  );
  it("reads Target, org and space from $CF_HOME/.cf/config.json", () => {
    const r = read(
      "cf",
      ["cf", "delete", "app"],
      { "/cf/.cf/config.json": config },
      { CF_HOME: "/cf" },
    );
    expect(r.truth).toEqual({ url: "https://api.sys.prod.example.com" });
    expect(r.where).toBe("https://api.sys.prod.example.com, org pay, space live");
    expect(JSON.stringify(r)).not.toMatch(/cf-secret/);
  });
  it("says why when it cannot", () => {
    expect(read("cf", ["cf", "delete"]).problem).toMatch(/~\/\.cf\/config\.json does not exist/);
    expect(
      read("cf", ["cf", "delete"], {
        [`${HOME}/.cf/config.json`]: '{\n  "Target": "x",\n  oops\n}',
      }).problem,
    ).toBe("~/.cf/config.json line 3: not valid JSON");
    expect(
      read("cf", ["cf", "delete"], { [`${HOME}/.cf/config.json`]: '{"Target": ""}' }).problem,
    ).toMatch(/Target is empty/);
  });
});

describe("bosh", () => {
  const config =
    "environments:\n- url: https://10.0.0.6:25555\n  alias: lite\n  ca_cert: x\n  username: admin\n  password: bosh-secret-password\n";
  it("resolves -e or BOSH_ENVIRONMENT through ~/.bosh/config or $BOSH_CONFIG", () => {
    expect(
      read("bosh", ["bosh", "-e", "lite", "delete-deployment"], {
        [`${HOME}/.bosh/config`]: config,
      }).truth.url,
    ).toBe("https://10.0.0.6:25555");
    const r = read(
      "bosh",
      ["bosh", "delete-deployment"],
      { "/b/config": config },
      { BOSH_ENVIRONMENT: "lite", BOSH_CONFIG: "/b/config" },
    );
    expect(r).toMatchObject({
      truth: { url: "https://10.0.0.6:25555" },
      alias: { value: "lite", source: "bosh alias from variable BOSH_ENVIRONMENT" },
    });
    expect(JSON.stringify(r)).not.toContain("bosh-secret");
  });
  it("takes a name that is no alias as the director's host, as bosh does", () => {
    expect(read("bosh", ["bosh", "-e", "director.prod.example.com", "deld"]).truth.url).toBe(
      "https://director.prod.example.com:25555",
    );
    expect(read("bosh", ["bosh", "-e", "https://1.2.3.4:443", "deld"]).truth.url).toBe(
      "https://1.2.3.4:443",
    );
  });
  it("says why when it cannot", () => {
    expect(read("bosh", ["bosh", "deld"]).problem).toMatch(/neither -e nor BOSH_ENVIRONMENT/);
    const broken = read("bosh", ["bosh", "-e", "lite"], {
      [`${HOME}/.bosh/config`]: "environments:\n- url: [\n",
    });
    expect(broken.problem).toMatch(/^~\/\.bosh\/config line \d+: not valid YAML/);
    expect(broken.alias?.value).toBe("lite");
    const wrongUrl = read("bosh", ["bosh", "-e", "lite"], {
      [`${HOME}/.bosh/config`]: "environments:\n- alias: a\n  url: https://a\n- url: [1]\n",
    });
    expect(wrongUrl.problem).toBe("~/.bosh/config: environments[1].url is not text");
  });
});

describe("terraform", () => {
  it("picks the workspace as terraform does", () => {
    expect(read("terraform", ["terraform", "destroy"]).truth).toEqual({ workspace: "default" });
    const files = {
      [`${CWD}/.terraform/environment`]: "production\n",
      [`${CWD}/infra/.terraform/environment`]: "staging",
    };
    expect(read("terraform", ["terraform", "destroy"], files).truth.workspace).toBe("production");
    expect(read("terraform", ["terraform", "-chdir=infra", "destroy"], files).truth.workspace).toBe(
      "staging",
    );
    expect(
      read("terraform", ["terraform", "destroy"], files, { TF_WORKSPACE: "qa" }).truth.workspace,
    ).toBe("qa");
    expect(
      read(
        "terraform",
        ["terraform", "destroy"],
        { "/data/environment": "lab" },
        { TF_DATA_DIR: "/data" },
      ).truth.workspace,
    ).toBe("lab");
  });
  it("reads the backend's identity, never its credentials", () => {
    const state = JSON.stringify({
      backend: {
        type: "s3",
        config: {
          bucket: "tf",
          key: "prod/app.tfstate",
          access_key: "AKIA",
          secret_key: "tf-secret-key",
        },
      },
    });
    const r = read("terraform", ["terraform", "destroy"], {
      [`${CWD}/.terraform/terraform.tfstate`]: state,
    });
    expect(r.truth.backend).toBe("s3://tf/prod/app.tfstate");
    expect(JSON.stringify(r)).not.toContain("tf-secret-key");
    expect(
      read("terraform", ["terraform", "destroy"], {
        [`${CWD}/.terraform/terraform.tfstate`]: "{\n\n nope",
      }).problem,
    ).toBe(
      "work/.terraform/terraform.tfstate line 3: not valid JSON".replace("work/", `${"~/work/"}`),
    );
  });
});

describe("postgres (libpq)", () => {
  it("reads flags, URIs, key=value strings and variables in libpq's order", () => {
    expect(read("postgres", ["dropdb", "-h", "db1", "-p", "6432", "payments"]).where).toBe(
      "host db1, port 6432",
    );
    expect(
      read("postgres", ["psql", "postgresql://u:pg-secret@db2.prod:5433/app?sslmode=require"]).truth
        .host,
    ).toBe("db2.prod");
    expect(
      read("postgres", ["pg_dump", "-d", "host='db3' port=5 password=pg-secret dbname=x"]).where,
    ).toBe("host db3, port 5, database x");
    expect(read("postgres", ["psql", "-h", "flag", "host=conninfo"]).truth.host).toBe("conninfo");
    expect(read("postgres", ["dropdb", "payments"], {}, { PGHOST: "env-host" }).truth.host).toBe(
      "env-host",
    );
    expect(read("postgres", ["dropdb", "payments"]).truth.host).toBe("local socket");
    expect(
      read("postgres", ["dropdb", "--maintenance-db=postgresql://m.prod/postgres", "x"]).truth.host,
    ).toBe("m.prod");
  });
  it("looks a service up in the user's file, then the system's", () => {
    const user = "# mine\n[billing]\nhost=pg-billing.prod.internal\npassword=pg-secret\n";
    const system = "[billing]\nhost=system-host\n[ops]\nhost=ops-host\nport=5999\n";
    const files = { [`${HOME}/.pg_service.conf`]: user, "/etc/pg/pg_service.conf": system };
    const vars = { PGSYSCONFDIR: "/etc/pg" };
    const billing = read("postgres", ["dropdb", "payments"], files, {
      ...vars,
      PGSERVICE: "billing",
      PGHOST: "ignored",
    });
    expect(billing.truth.host).toBe("pg-billing.prod.internal");
    expect(billing.alias).toEqual({ value: "billing", source: "libpq service from PGSERVICE" });
    expect(JSON.stringify(billing)).not.toContain("pg-secret");
    expect(read("postgres", ["psql", "service=ops"], files, vars).where).toBe(
      "host ops-host, port 5999, service ops",
    );
    expect(
      read(
        "postgres",
        ["psql", "service=billing"],
        { "/s.conf": "[billing]\nhost=from-file\n" },
        { PGSERVICEFILE: "/s.conf" },
      ).truth.host,
    ).toBe("from-file");
  });
  it("says why when it cannot", () => {
    expect(read("postgres", ["dropdb", "x"], {}, { PGSERVICE: "nope" }).problem).toBe(
      "service 'nope' is not defined in ~/.pg_service.conf or /etc/postgresql-common/pg_service.conf",
    );
    expect(
      read(
        "postgres",
        ["dropdb", "x"],
        { [`${HOME}/.pg_service.conf`]: "[a]\nhost x\n" },
        { PGSERVICE: "a" },
      ).problem,
    ).toBe('~/.pg_service.conf line 2: syntax error (no "=")');
    const windows = "# ops\r\n\r\n[a]\r\nhost=h\r\n[b\r\n";
    expect(
      read(
        "postgres",
        ["dropdb", "x"],
        { [`${HOME}/.pg_service.conf`]: windows },
        { PGSERVICE: "b" },
      ).problem,
    ).toBe('~/.pg_service.conf line 5: a section name needs a closing "]"');
  });

  it("reads CRLF service files and stops at the next section", () => {
    const text = "[a]\r\nhost = pg-a \r\nport=1\r\n[b]\r\nhost=pg-b\r\n[c]\r\nno equals sign\r\n";
    const files = { [`${HOME}/.pg_service.conf`]: text };
    expect(read("postgres", ["dropdb", "x"], files, { PGSERVICE: "a" }).where).toBe(
      "host pg-a, port 1, service a",
    );
    expect(read("postgres", ["dropdb", "x"], files, { PGSERVICE: "b" }).truth.host).toBe("pg-b");
  });
});
