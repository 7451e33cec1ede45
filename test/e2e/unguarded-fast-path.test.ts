/**
 * The unguarded fast path (dist/fast.cjs): once the policy is compiled and its cache entry
 * verified, a command no rule matches is run without the full CLI ever loading. These tests
 * watch which bundles a run loads (a --require probe writes them out at exit) and check that
 * the fast path writes the record the full CLI writes, and that it never lets through what the
 * full CLI would refuse: a symlinked guarded program, an edited policy, a tampered cache entry.
 */
import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { bundleProbe } from "../helpers/bundle-probe.js";
import { withoutVolatileFields } from "../helpers/report.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

/** Runs `true` until the compiled policy is cached and its entry indexed as verified. */
async function warmUp(ws: Workspace, policy: string[] = []): Promise<void> {
  expect((await ws.run([...policy, "--", "true"])).exitCode).toBe(0);
  // The index takes only files unchanged for 2 s (src/policy/stat-index.ts).
  await sleep(2_100);
  expect((await ws.run([...policy, "--", "true"])).exitCode).toBe(0);
  expect(existsSync(join(ws.home, ".local", "state", "preflight", "verified-policies.json"))).toBe(
    true,
  );
}

describe.concurrent("the unguarded fast path", { timeout: 90_000 }, () => {
  it("runs a command no rule matches without loading the full CLI, and records what the full CLI records", async (t) => {
    const ws = useWorkspace(t);
    const watch = bundleProbe(ws);
    // With the cache off, the fast path cannot vouch for the policy: the full CLI runs it.
    const full = await ws.run(["--reason", "compare", "--", "true"], {
      env: { ...watch.env, PREFLIGHT_NO_CACHE: "1" },
    });
    expect(full.exitCode).toBe(0);
    expect(watch.bundles()).toEqual(["boot.cjs", "cli.cjs", "fast.cjs"]);

    await warmUp(ws);
    const fast = await ws.run(["--reason", "compare", "--", "true"], { env: watch.env });
    expect(fast.exitCode).toBe(0);
    expect(fast.stderr).toBe("");
    expect(watch.bundles()).toEqual(["boot.cjs", "fast.cjs"]);

    const records = ws.auditRecords();
    expect(records).toHaveLength(4);
    expect(withoutVolatileFields(records[3]!)).toEqual(withoutVolatileFields(records[0]!));
    expect(records[3]).toMatchObject({ outcome: "no-rule", reason: "compare", exitCode: 0 });
    const verify = await ws.run(["audit", "verify"]);
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain("4 records");
  });

  it("passes a failing command's status through and says so, as the full CLI does", async (t) => {
    const ws = useWorkspace(t);
    const watch = bundleProbe(ws);
    await warmUp(ws);
    const missing = await ws.run(["--", "no-such-program-anywhere"], { env: watch.env });
    expect(watch.bundles()).toEqual(["boot.cjs", "fast.cjs"]);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain(
      "preflight: command-failed (exit 127) — the command could not run: 'no-such-program-anywhere' was not found",
    );
    const killed = await ws.run(["--", "sh", "-c", "kill -TERM $$"], { env: watch.env });
    expect(killed.exitCode).toBe(143);
    expect(killed.stderr).toContain("the command was stopped by SIGTERM");
    expect(
      ws
        .auditRecords()
        .slice(-2)
        .map((r) => r.outcome),
    ).toEqual(["command-failed", "command-failed"]);
  });

  it("hands a rule's command to the full CLI, a symlink to a guarded program included", async (t) => {
    const ws = useWorkspace(t);
    const watch = bundleProbe(ws);
    await warmUp(ws);
    const marker = ws.path("kubectl-ran");
    const kubectl = ws.installScript("kubectl", `#!/bin/sh\ntouch ${marker}\n`);
    symlinkSync(kubectl, join(ws.bin, "k"));

    const run = await ws.run(
      ["--", "k", "--context", "prod-eu", "delete", "namespace", "payments"],
      {
        env: watch.env,
      },
    );
    expect(run.exitCode).toBe(66);
    expect(existsSync(marker)).toBe(false);
    // The bundled kubectl rule reads the kubeconfig, so the target resolvers load too.
    expect(watch.bundles()).toEqual(["boot.cjs", "cli.cjs", "fast.cjs", "resolvers.cjs"]);
    expect(ws.auditRecords().at(-1)).toMatchObject({ outcome: "blocked", decision: "deny" });
  });

  it("believes neither an edited policy nor a tampered cache entry", async (t) => {
    const ws = useWorkspace(t);
    const marker = ws.path("mytool-ran");
    ws.installScript("mytool", `#!/bin/sh\ntouch ${marker}\n`);
    const policyFile = ws.path("policy.yaml");
    const policy = (program: string) =>
      [
        "version: 1",
        "rules:",
        "  - id: no-danger",
        `    match: { command: ${program}, args: [danger] }`,
        "    decision: deny",
        "",
      ].join("\n");
    // A rule on another program of the same length: the edit below keeps the file's size.
    writeFileSync(policyFile, policy("mytoo1"));
    const args = ["--policy", policyFile];
    await warmUp(ws, args);
    expect((await ws.run([...args, "--", "mytool", "danger"])).exitCode).toBe(0);
    rmSync(marker);

    writeFileSync(policyFile, policy("mytool"));
    expect((await ws.run([...args, "--", "mytool", "danger"])).exitCode).toBe(66);
    expect(existsSync(marker)).toBe(false);

    // Let the new entry be indexed, then change one byte of it: "danger" becomes "dangex",
    // which would let `mytool danger` through if the entry were believed.
    await sleep(2_100);
    expect((await ws.run([...args, "--", "true"])).exitCode).toBe(0);
    const entryFile = readdirSync(ws.cacheDir)
      .filter((f) => f.endsWith(".compiled"))
      .map((f) => join(ws.cacheDir, f))
      .find((f) => readFileSync(f).includes('"mytool"'));
    const bytes = readFileSync(entryFile!);
    const at = bytes.indexOf('"danger"');
    expect(at).toBeGreaterThan(0);
    bytes.write("x", at + 6);
    writeFileSync(entryFile!, bytes);
    expect((await ws.run([...args, "--", "mytool", "danger"])).exitCode).toBe(66);
    expect(existsSync(marker)).toBe(false);
  });
});
