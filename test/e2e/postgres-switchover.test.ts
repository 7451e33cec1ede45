/**
 * The Chargify switchover (2017), replayed on a real PostgreSQL 15 primary and streaming
 * standby: the bundled example procedure promotes the standby only when it is ready, stops
 * before touching the primary when a session on the standby sits idle in a transaction, and
 * either resumes after a failed promote or undoes the stopped primary.
 */
import { readFileSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, SYSTEM_PATH } from "../helpers/exec.js";
import { type PgCluster, postgresBin, startPgCluster } from "../helpers/pg-cluster.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = join(REPO_ROOT, "policies", "examples", "postgres-switchover.yaml");

let cluster: PgCluster;
let ws: Workspace;
const sessions: ChildProcess[] = [];

beforeEach(async (context) => {
  ws = useWorkspace(context);
  cluster = await startPgCluster({ standby: true });
  cluster.primary.sql(
    "CREATE TABLE orders (id serial PRIMARY KEY, note text); INSERT INTO orders (note) VALUES ('before')",
  );
}, 60_000);
afterEach(() => {
  for (const s of sessions.splice(0)) s.kill("SIGKILL");
  cluster.stop();
});

function switchover(extra: string[] = [], policy = POLICY) {
  const standby = cluster.standby!;
  return ws.run(
    [
      "procedure",
      "run",
      "pg-switchover",
      "--policy",
      policy,
      "--param",
      "env=production",
      "--param",
      `primary-data=${cluster.primary.data}`,
      "--param",
      `primary-port=${cluster.primary.port}`,
      "--param",
      `standby-data=${standby.data}`,
      "--param",
      `standby-port=${standby.port}`,
      "--confirm",
      "production",
      "--reason",
      "planned switchover CHG-7",
      "--report",
      ws.reportFile,
      ...extra,
    ],
    {
      env: { PATH: `${cluster.bin}:${postgresBin()}:${ws.bin}:${SYSTEM_PATH}` },
      timeoutMs: 90_000,
    },
  );
}

describe("postgres switchover (Chargify 2017)", () => {
  it("promotes the standby: the old primary is down, the new one is out of recovery and takes writes", async () => {
    const result = await switchover();
    expect(result.stderr).toContain("all 4 steps of 'pg-switchover' ran and were verified");
    expect(result.exitCode).toBe(0);
    expect(cluster.primary.isReady()).toBe(false);
    const standby = cluster.standby!;
    expect(standby.sql("SELECT pg_is_in_recovery()")).toBe("f");
    standby.sql("INSERT INTO orders (note) VALUES ('after')");
    expect(standby.sql("SELECT count(*) FROM orders")).toBe("2");
    const steps = ws.auditRecords().filter((r) => r.kind === "procedure-step");
    expect(steps.map((r) => [r.step, r.outcome])).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "ok"],
      [4, "ok"],
    ]);
    expect(steps.every((r) => r.reason === "planned switchover CHG-7")).toBe(true);
  }, 120_000);

  it("stops at the checks, before the primary is touched, when a standby session is idle in a transaction", async () => {
    sessions.push(
      await cluster.openSession(cluster.standby!, "BEGIN; SELECT count(*) FROM orders;"),
    );
    const result = await switchover();
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toContain("step 1/4 'the standby is ready to take over' failed");
    expect(result.stderr).toContain("no session on the standby is idle in a transaction");
    expect(result.stderr).toContain("No step had completed; step 1 did not run");
    expect(cluster.primary.isReady()).toBe(true);
    cluster.primary.sql("INSERT INTO orders (note) VALUES ('still the primary')");
    expect(cluster.standby!.sql("SELECT pg_is_in_recovery()")).toBe("t");
  }, 120_000);

  it("stops when the promote fails, and --resume finishes it once the cause is fixed", async () => {
    // The cause: pg_ctl cannot write the promote signal into the standby's data folder.
    chmodSync(cluster.standby!.data, 0o500);
    const policy = ws.path("switchover-stop.yaml");
    writeFileSync(
      policy,
      readFileSync(POLICY, "utf8").replace("on-failure: undo", "on-failure: stop"),
    );
    const failed = await switchover([], policy);
    expect(failed.stderr).toContain("step 3/4 'promote the standby' failed");
    expect(failed.stderr).toContain("Steps 1–2 completed and were verified");
    expect(failed.stderr).toContain("preflight procedure run pg-switchover --resume --policy");
    expect(failed.exitCode).toBe(1);
    expect(cluster.primary.isReady()).toBe(false);
    expect(cluster.standby!.sql("SELECT pg_is_in_recovery()")).toBe("t");

    chmodSync(cluster.standby!.data, 0o700);
    const resumed = await switchover(["--resume"], policy);
    expect(resumed.stderr).toContain("resuming");
    expect(resumed.exitCode).toBe(0);
    expect(cluster.standby!.sql("SELECT pg_is_in_recovery()")).toBe("f");
    const outcomes = ws
      .auditRecords()
      .filter((r) => r.kind === "procedure-step")
      .map((r) => [r.step, r.outcome]);
    expect(outcomes).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "command-failed"],
      [3, "ok"],
      [4, "ok"],
    ]);
  }, 180_000);

  it("with on-failure: undo, restarts the primary when the promote fails (exit 69)", async () => {
    chmodSync(cluster.standby!.data, 0o500);
    const result = await switchover();
    chmodSync(cluster.standby!.data, 0o700);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain("step 2 was reverted");
    expect(cluster.primary.isReady()).toBe(true);
    cluster.primary.sql("INSERT INTO orders (note) VALUES ('restored')");
    expect(cluster.standby!.sql("SELECT pg_is_in_recovery()")).toBe("t");
  }, 180_000);
});
