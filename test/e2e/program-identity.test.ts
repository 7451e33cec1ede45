/**
 * Another name for a guarded program does not get past its rule: a symlink (`k` → kubectl,
 * `fly-cli` → fly), a chain of them, a relative one, one found through a `PATH=` prefix, a
 * multi-call binary (`busybox rm`), a launcher (`python3 -m awscli`, `npx fly`) and a kubectl
 * plugin are each judged as the program they run, under the bundled policy. The fake programs
 * leave a marker file when they run, so every refusal also proves nothing ran.
 */

import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { useAgentWorkspace } from "../helpers/agent-events.js";
import { SYSTEM_PATH } from "../helpers/exec.js";
import { kubeconfig, writeHomeFile } from "../helpers/fake-tools.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

/** A fake program at `file` (under the workspace) that records each run in ran/NAME. */
function installFake(ws: Workspace, file: string, name: string): string {
  const path = ws.path(file);
  mkdirSync(dirname(path), { recursive: true });
  mkdirSync(ws.path("ran"), { recursive: true });
  writeFileSync(path, `#!/bin/sh\necho "$0 $*" >> '${ws.path("ran", name)}'\n`, { mode: 0o755 });
  return path;
}

function link(ws: Workspace, target: string, file: string): void {
  mkdirSync(dirname(ws.path(file)), { recursive: true });
  symlinkSync(target, ws.path(file));
}

function ran(ws: Workspace, name: string): string[] {
  const marker = ws.path("ran", name);
  return existsSync(marker) ? readFileSync(marker, "utf8").trim().split("\n") : [];
}

/** Runs under the bundled policy (no --policy and no preflight.yaml), with a report. */
function preflight(ws: Workspace, command: string[], options: string[] = []) {
  // The bundled policy reads where --context and -t really go from kubectl's and fly's files.
  writeHomeFile(
    ws,
    ".kube/config",
    kubeconfig({
      clusters: {
        prod: "https://k8s-prod.example.com:6443",
        staging: "https://k8s.staging.example.com:6443",
      },
      contexts: { prod: { cluster: "prod" }, staging: { cluster: "staging" } },
    }),
  );
  writeHomeFile(
    ws,
    ".flyrc",
    "targets:\n  prod:\n    api: https://ci.prod.example.com\n    team: main\n",
  );
  return ws.run([...options, "--report", ws.reportFile, "--", ...command]);
}

const DELETE_PROD_NS = ["--context", "prod", "delete", "namespace", "payments"];

describe.concurrent("a guarded program under another name", () => {
  it("k → kubectl: denied in production, and kubectl never runs", async (t) => {
    const ws = useWorkspace(t);
    const kubectl = installFake(ws, "opt/kubernetes/kubectl", "kubectl");
    link(ws, kubectl, "bin/k");

    const result = await preflight(ws, ["k", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "kubectl")).toEqual([]);
    expect(result.stderr).toContain(`program      k → ${kubectl}`);
    expect(ws.readReport()).toMatchObject({
      outcome: "blocked",
      decision: "deny",
      rules: ["kubectl-delete-namespace"],
      environment: { name: "production" },
      programs: [{ typed: "k", path: kubectl, as: "kubectl" }],
    });
    expect(ws.auditRecords().at(-1)).toMatchObject({ outcome: "blocked", decision: "deny" });
  });

  it("k → kubectl in staging: needs the confirmation kubectl needs, then runs as typed", async (t) => {
    const ws = useWorkspace(t);
    link(ws, installFake(ws, "opt/kubectl", "kubectl"), "bin/k");
    const command = ["k", "--context", "staging", "delete", "ns", "payments"];

    const refused = await preflight(ws, command);
    expect(refused.exitCode).toBe(68);
    expect(ran(ws, "kubectl")).toEqual([]);

    const confirmed = await preflight(ws, command, ["--confirm", "staging"]);
    expect(confirmed.exitCode).toBe(0);
    // The real file ran, under the name typed.
    expect(ran(ws, "kubectl")).toEqual([
      `${ws.path("bin", "k")} --context staging delete ns payments`,
    ]);
    expect(ws.readReport()).toMatchObject({ outcome: "ok", decision: "confirm" });
  }, 60_000);

  it("fly-cli → fly: the Concourse destroy is denied and fly never runs", async (t) => {
    const ws = useWorkspace(t);
    link(ws, ws.path("bin", "fly"), "bin/fly-cli");

    const result = await preflight(ws, ["fly-cli", "-t", "prod", "destroy-pipeline", "-p", "main"]);

    expect(result.exitCode).toBe(66);
    expect(ws.flyCalls()).toEqual([]);
    expect(ws.pipelines()).toContain("main");
    expect(ws.readReport()).toMatchObject({
      decision: "deny",
      rules: ["concourse-destroy-pipeline"],
      programs: [{ typed: "fly-cli", as: "fly" }],
    });
  });

  it("a chain of two symlinks, the second relative: kk → k → ../opt/kubectl", async (t) => {
    const ws = useWorkspace(t);
    const kubectl = installFake(ws, "opt/kubectl", "kubectl");
    link(ws, "../opt/kubectl", "bin/k");
    link(ws, ws.path("bin", "k"), "bin/kk");

    const result = await preflight(ws, ["kk", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "kubectl")).toEqual([]);
    expect(ws.readReport()).toMatchObject({
      decision: "deny",
      programs: [{ typed: "kk", path: kubectl, as: "kubectl" }],
    });
  });

  it("a relative path from the working folder to a relative symlink: ./tools/k", async (t) => {
    const ws = useWorkspace(t);
    installFake(ws, "opt/kubectl", "kubectl");
    link(ws, "../opt/kubectl", "tools/k");

    const result = await preflight(ws, ["./tools/k", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "kubectl")).toEqual([]);
    expect(ws.readReport()).toMatchObject({ programs: [{ typed: "./tools/k", as: "kubectl" }] });
  });

  it.for<[string, (dir: string) => string[]]>([
    [
      "a PATH= prefix in sh -c",
      (dir) => ["sh", "-c", `PATH=${dir}:$PATH kc ${DELETE_PROD_NS.join(" ")}`],
    ],
    ["env PATH=", (dir) => ["env", `PATH=${dir}:${SYSTEM_PATH}`, "kc", ...DELETE_PROD_NS]],
  ])("%s pointing at a folder with a symlinked kubectl", async ([_name, command], t) => {
    const ws = useWorkspace(t);
    const kubectl = installFake(ws, "opt/kubectl", "kubectl");
    // Not on the workspace's PATH: only the prefix finds it.
    link(ws, kubectl, "other-bin/kc");

    const result = await preflight(ws, command(ws.path("other-bin")));

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "kubectl")).toEqual([]);
    expect(ws.readReport()).toMatchObject({
      decision: "deny",
      programs: [{ typed: "kc", path: kubectl, as: "kubectl" }],
    });
  });

  it("busybox rm -rf / is judged as rm, and busybox never runs", async (t) => {
    const ws = useWorkspace(t);
    installFake(ws, "bin/busybox", "busybox");

    const result = await preflight(ws, ["busybox", "rm", "-rf", "/"]);

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "busybox")).toEqual([]);
    expect(ws.readReport()).toMatchObject({
      decision: "deny",
      rules: ["rm-recursive-root-or-home"],
      programs: [{ typed: "busybox", as: "rm", how: "busybox" }],
    });
  });

  it("a name linked to busybox runs the applet it names, not the first argument", async (t) => {
    const ws = useWorkspace(t);
    link(ws, installFake(ws, "opt/busybox", "busybox"), "bin/cat");

    // Linked as cat, busybox runs cat: `rm -rf /` are cat's file names, and it runs.
    const result = await preflight(ws, ["cat", "rm", "-rf", "/"]);
    expect(result.exitCode).toBe(0);
    expect(ran(ws, "busybox")).toEqual([`${ws.path("bin", "cat")} rm -rf /`]);
  });

  it.for<[string, string[]]>([
    ["python3 -m awscli", ["python3", "-m", "awscli"]],
    ["python -I -m awscli", ["python", "-I", "-m", "awscli"]],
  ])("%s is judged as aws, and python never runs", async ([_name, launcher], t) => {
    const ws = useWorkspace(t);
    installFake(ws, `bin/${launcher[0]}`, "python");
    const command = [
      ...launcher,
      "--profile",
      "prod",
      "ec2",
      "terminate-instances",
      "--instance-ids",
      "i-1",
    ];

    const result = await preflight(ws, command);

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "python")).toEqual([]);
    expect(ws.readReport()).toMatchObject({
      decision: "deny",
      rules: ["aws-ec2-terminate-instances"],
      environment: { name: "production" },
      programs: [{ typed: launcher[0], as: "aws", how: "python -m awscli" }],
    });
  });

  it("py → python3.12 -m awscli, a launcher behind a symlink, is judged as aws", async (t) => {
    const ws = useWorkspace(t);
    const python = installFake(ws, "opt/python3.12", "python");
    link(ws, python, "bin/py");

    const result = await preflight(ws, [
      "py",
      "-m",
      "awscli",
      "ec2",
      "terminate-instances",
      "--profile",
      "staging",
    ]);

    expect(result.exitCode).toBe(68);
    expect(ran(ws, "python")).toEqual([]);
    expect(ws.readReport()).toMatchObject({
      decision: "confirm",
      programs: [{ typed: "py", path: python, as: "aws", how: "python -m awscli" }],
    });
  });

  it("npx fly and pnpm dlx fly are judged as fly", async (t) => {
    const ws = useWorkspace(t);
    installFake(ws, "bin/npx", "npx");
    installFake(ws, "bin/pnpm", "pnpm");

    const npx = await preflight(ws, ["npx", "--yes", "fly", "-t", "prod", "dp", "-p", "main"]);
    expect(npx.exitCode).toBe(66);
    const pnpm = await preflight(ws, ["pnpm", "dlx", "fly", "-t", "prod", "dp", "-p", "main"]);
    expect(pnpm.exitCode).toBe(66);

    expect([...ran(ws, "npx"), ...ran(ws, "pnpm")]).toEqual([]);
    expect(ws.readReport()).toMatchObject({ programs: [{ as: "fly", how: "pnpm dlx" }] });
  }, 60_000);

  it("a kubectl plugin run by its own file name is judged as kubectl", async (t) => {
    const ws = useWorkspace(t);
    installFake(ws, "bin/kubectl-purge", "plugin");

    const result = await preflight(ws, ["kubectl-purge", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(66);
    expect(ran(ws, "plugin")).toEqual([]);
    expect(ws.readReport()).toMatchObject({
      rules: ["kubectl-delete-namespace"],
      programs: [{ typed: "kubectl-purge", as: "kubectl", how: "kubectl plugin" }],
    });
  });

  it("an unknown wrapper running k is judged as running kubectl", async (t) => {
    const ws = useWorkspace(t);
    link(ws, installFake(ws, "opt/kubectl", "kubectl"), "bin/k");
    installFake(ws, "bin/with-creds", "wrapper");

    const result = await preflight(ws, ["with-creds", "prod", "--", "k", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(66);
    expect([...ran(ws, "wrapper"), ...ran(ws, "kubectl")]).toEqual([]);
  });
});

describe.concurrent("a symlink to a program no rule names", () => {
  it("stays unguarded and runs, with nothing to say", async (t) => {
    const ws = useWorkspace(t);
    link(ws, installFake(ws, "opt/deploy-tool", "tool"), "bin/k");

    const result = await preflight(ws, ["k", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    expect(ran(ws, "tool")).toEqual([`${ws.path("bin", "k")} ${DELETE_PROD_NS.join(" ")}`]);
    const report = ws.readReport();
    expect(report).toMatchObject({ outcome: "no-rule", decision: "none", rules: [] });
    expect(report).not.toHaveProperty("programs");
  });

  it("a program found on no PATH folder is judged by its typed name, as before", async (t) => {
    const ws = useWorkspace(t);

    const result = await preflight(ws, ["k", ...DELETE_PROD_NS]);

    expect(result.exitCode).toBe(127);
    expect(ws.readReport()).toMatchObject({ decision: "none", rules: [] });
  });

  it("a k earlier on PATH than the symlink to kubectl is the one judged", async (t) => {
    const ws = useWorkspace(t);
    installFake(ws, "bin/k", "tool");
    link(ws, installFake(ws, "opt/kubectl", "kubectl"), "later/k");

    const result = await ws.run(["--report", ws.reportFile, "--", "k", ...DELETE_PROD_NS], {
      env: { PATH: `${ws.bin}:${ws.path("later")}:${SYSTEM_PATH}` },
    });

    expect(result.exitCode).toBe(0);
    expect(ran(ws, "tool")).toHaveLength(1);
    expect(ran(ws, "kubectl")).toEqual([]);
  });
});
describe("policy explain", () => {
  it("says which program k is and why the rule matches it", async (t) => {
    const ws = useWorkspace(t);
    const kubectl = installFake(ws, "opt/kubectl", "kubectl");
    link(ws, kubectl, "bin/k");

    const result = await ws.run(["policy", "explain", "--", "k", ...DELETE_PROD_NS]);

    expect(result.stdout).toContain(`k → ${kubectl}`);
    expect(result.stdout).toMatch(/kubectl-delete-namespace.*match/);
    expect(ran(ws, "kubectl")).toEqual([]);
  });
});

describe.concurrent("the agent hook", () => {
  it.for([
    ["k, a symlink to kubectl on PATH", "k"],
    ["./tools/k, relative to the folder the agent works in", "./tools/k"],
  ])("denies %s like kubectl, and runs nothing", async ([_name, program], t) => {
    const aw = useAgentWorkspace(t);
    symlinkSync(aw.ws.path("bin", "kubectl"), aw.ws.path("bin", "k"));
    mkdirSync(join(aw.project, "tools"));
    symlinkSync(aw.ws.path("bin", "kubectl"), join(aw.project, "tools", "k"));

    const result = await aw.ask("claude-code", `${program} ${DELETE_PROD_NS.join(" ")}`);

    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("rule 'kubectl-delete-namespace' denies this in production");
    expect(aw.toolCalls()).toEqual([]);
  });
});
