/**
 * Target locks in the team database: two operators start the same locked procedure, one
 * runs and the other is refused naming the holder; a holder killed with SIGKILL stops
 * renewing its lease, which runs out (PREFLIGHT_LOCK_LEASE makes it short here), and the next
 * run proceeds. The second operator is CI=true with another GITHUB_ACTOR (test/helpers/team.ts).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cleanEnv, PREFLIGHT_BIN } from "../helpers/exec.js";
import { describeWithPostgres, type PgServer, startPostgres } from "../helpers/postgres.js";
import { createWriter, runOn, urls, writeTeamPolicy } from "../helpers/team.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

describeWithPostgres("team locks on PostgreSQL", () => {
  let pg: PgServer;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  async function operator(test: Parameters<typeof useWorkspace>[0], team: string) {
    const ws = useWorkspace(test);
    writeTeamPolicy(ws, `team:\n  name: ${team}\n`);
    return ws;
  }

  const switchover = (hold: number) => [
    "procedure",
    "run",
    "pg-switchover",
    "--param",
    "env=production",
    "--param",
    `hold=${hold}`,
    "--confirm",
    "production",
  ];

  async function init(ws: Workspace) {
    const r = await runOn(ws, "admin", ["team", "init"], {
      PREFLIGHT_DATABASE_URL: urls(pg).owner,
    });
    expect(r.exitCode, r.stderr).toBe(0);
    await createWriter(pg);
  }

  const lockRows = (team: string) =>
    pg.psql(`SELECT count(*) FROM preflight_locks WHERE team = '${team}'`).then(Number);

  it("two operators start the same locked procedure: one runs, the other is refused naming the holder", async (t) => {
    const alice = await operator(t, "locks");
    const bob = await operator(t, "locks");
    await init(alice);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    const first = runOn(alice, "machine-a", switchover(6), { ...env, GITHUB_ACTOR: "alice" });
    // Bob starts once alice holds the lock (her step is running).
    for (let i = 0; i < 200 && (await lockRows("locks")) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await runOn(bob, "machine-b", switchover(0), { ...env, GITHUB_ACTOR: "bob" });
    expect(second.exitCode).toBe(66);
    expect(second.stderr).toMatch(
      /the lock production\/procedure\/pg-switchover is held by alice@github since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC for `procedure pg-switchover`/,
    );
    expect(() => readFileSync(bob.path("steps.log"), "utf8")).toThrow();
    const done = await first;
    expect(done.exitCode, done.stderr).toBe(0);
    expect(readFileSync(alice.path("steps.log"), "utf8")).toBe("promote 6\n");
    // Released at the end: bob runs now.
    expect(await lockRows("locks")).toBe(0);
    const third = await runOn(bob, "machine-b", switchover(0), { ...env, GITHUB_ACTOR: "bob" });
    expect(third.exitCode, third.stderr).toBe(0);
    // Bob's refusal is in the shared trail too, with who was refused.
    expect(
      await pg.psql(
        "SELECT string_agg(actor || ':' || outcome, ',' ORDER BY seq) FROM preflight_audit WHERE team = 'locks' AND record LIKE '%\"kind\":\"procedure\"%'",
      ),
    ).toBe("bob@github:blocked,alice@github:ok,bob@github:ok");
  }, 120_000);

  it("a holder killed with SIGKILL: its lease runs out and the next run proceeds", async (t) => {
    const alice = await operator(t, "killed");
    const bob = await operator(t, "killed");
    await init(alice);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer, PREFLIGHT_LOCK_LEASE: "10" };
    // Alice's preflight in a process group of its own, so the kill takes her step with it.
    const holder = spawn(process.execPath, [PREFLIGHT_BIN, ...switchover(60)], {
      cwd: alice.root,
      env: cleanEnv({ ...alice.env, ...env, GITHUB_ACTOR: "alice" }),
      stdio: "ignore",
      detached: true,
    });
    const exited = new Promise((resolve) => holder.on("close", resolve));
    for (let i = 0; i < 300 && (await lockRows("killed")) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await lockRows("killed")).toBe(1);
    process.kill(-holder.pid!, "SIGKILL");
    await exited;

    const early = await runOn(bob, "machine-b", switchover(0), { ...env, GITHUB_ACTOR: "bob" });
    expect(early.exitCode).toBe(66);
    expect(early.stderr).toContain("is held by alice@github");
    expect(early.stderr).toMatch(/the lease runs out at/);

    // Waiting for it (--wait is a run option; a procedure is simply run again) after the lease.
    await new Promise((r) => setTimeout(r, 10_500));
    const later = await runOn(bob, "machine-b", switchover(0), { ...env, GITHUB_ACTOR: "bob" });
    expect(later.exitCode, later.stderr).toBe(0);
    expect(later.stderr).toMatch(
      /took over production\/procedure\/pg-switchover: its lease ran out at .* \(held by alice@github/,
    );
    expect(readFileSync(bob.path("steps.log"), "utf8")).toBe("promote 0\n");
  }, 120_000);

  it("a guarded command with lock: waits with --wait, and is refused without a database", async (t) => {
    const ws = await operator(t, "rules");
    await init(ws);
    ws.installScript("switchover", '#!/bin/sh\nsleep "$2"\n');
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    const cmd = (hold: number) => [
      "run",
      "--confirm",
      "production",
      "--",
      "switchover",
      "prod",
      String(hold),
      "--cluster",
      "main",
    ];
    const holding = runOn(ws, "a", cmd(4), { ...env, GITHUB_ACTOR: "alice" });
    for (let i = 0; i < 200 && (await lockRows("rules")) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const waited = await runOn(ws, "a", ["run", "--wait", "60s", ...cmd(0).slice(1)], {
      ...env,
      GITHUB_ACTOR: "bob",
    });
    expect(waited.exitCode, waited.stderr).toBe(0);
    expect(waited.stderr).toContain("waiting: the lock production/main is held by alice@github");
    expect((await holding).exitCode).toBe(0);

    writeTeamPolicy(ws, "");
    const none = await runOn(ws, "a", cmd(0), { PREFLIGHT_DATABASE_URL: undefined });
    expect(none.exitCode).toBe(66);
    expect(none.stderr).toContain(
      "rule switchover holds a team lock on production/main while it runs, and no team database is configured",
    );
  }, 120_000);
});
