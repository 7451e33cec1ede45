/**
 * The Chargify switchover (2017), replayed on a real PostgreSQL 15 primary and streaming
 * standby: the bundled example procedure promotes the standby only when it is ready, stops
 * before touching the primary when a session on the standby sits idle in a transaction, and
 * either resumes after a failed promote or undoes the stopped primary.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { REPO_ROOT, SYSTEM_PATH } from "../helpers/exec.js";
import {
  describeWithPostgres,
  type PgServer,
  postgresBinDir,
  serverUserPrefix,
  startPostgres,
  startStandby,
} from "../helpers/postgres.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = join(REPO_ROOT, "policies", "examples", "postgres-switchover.yaml");

let primary: PgServer;
let standby: PgServer;
let ws: Workspace;
const sessions: ChildProcess[] = [];

beforeEach(async (context) => {
  ws = useWorkspace(context);
  primary = await startPostgres();
  await primary.psql("CREATE TABLE orders (id serial PRIMARY KEY, note text)");
  await primary.psql("INSERT INTO orders (note) VALUES ('before')");
  standby = await startStandby(primary);
  // pg_ctl as the operator's shell finds it; under root it runs as the server's user.
  const bin = ws.path("pg-bin");
  mkdirSync(bin);
  const pgCtl = [...serverUserPrefix(), join(postgresBinDir()!, "pg_ctl")];
  writeFileSync(
    join(bin, "pg_ctl"),
    `#!/bin/sh\nPATH=/usr/sbin:/sbin:$PATH exec ${pgCtl.join(" ")} "$@"\n`,
    {
      mode: 0o755,
    },
  );
}, 60_000);

afterEach(async () => {
  for (const s of sessions.splice(0)) s.kill("SIGKILL");
  // The switchover stops the primary itself; stopping it again fails, harmlessly.
  await standby.stop().catch(() => {});
  await primary.stop().catch(() => {});
});

async function accepts(server: PgServer): Promise<boolean> {
  return server.psql("SELECT 1").then(
    () => true,
    () => false,
  );
}

function switchover(extra: string[] = [], policy = POLICY) {
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
      `primary-data=${primary.dataDir}`,
      "--param",
      `primary-port=${primary.port}`,
      "--param",
      `standby-data=${standby.dataDir}`,
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
      env: { PATH: `${ws.path("pg-bin")}:${postgresBinDir()}:${ws.bin}:${SYSTEM_PATH}` },
      timeoutMs: 90_000,
    },
  );
}

/** A psql session that opens a transaction on the standby and then just sits there. */
async function idleInTransaction(server: PgServer): Promise<ChildProcess> {
  const child = spawn(
    "psql",
    ["-Xq", "-h", "127.0.0.1", "-p", String(server.port), "-U", "postgres", "-d", "postgres"],
    { stdio: ["pipe", "ignore", "ignore"] },
  );
  child.stdin?.write("BEGIN; SELECT count(*) FROM orders;\n");
  for (let i = 0; i < 100; i++) {
    const idle = await server.psql(
      "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle in transaction'",
    );
    if (idle === "1") return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the session never became idle in transaction");
}

const stepOutcomes = (w: Workspace) =>
  w
    .auditRecords()
    .filter((r) => r.kind === "procedure-step")
    .map((r) => [r.step, r.outcome]);

describeWithPostgres("postgres switchover (Chargify 2017)", () => {
  it("promotes the standby: the old primary is down, the new one is out of recovery and takes writes", async () => {
    const result = await switchover();
    expect(result.stderr).toContain("all 4 steps of 'pg-switchover' ran and were verified");
    expect(result.exitCode).toBe(0);
    expect(await accepts(primary)).toBe(false);
    expect(await standby.psql("SELECT pg_is_in_recovery()")).toBe("f");
    await standby.psql("INSERT INTO orders (note) VALUES ('after')");
    expect(await standby.psql("SELECT count(*) FROM orders")).toBe("2");
    expect(stepOutcomes(ws)).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "ok"],
      [4, "ok"],
    ]);
  }, 120_000);

  it("stops at the checks, before the primary is touched, when a standby session is idle in a transaction", async () => {
    sessions.push(await idleInTransaction(standby));
    const result = await switchover();
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toContain("step 1/4 'the standby is ready to take over' failed");
    expect(result.stderr).toContain("no session on the standby is idle in a transaction");
    expect(result.stderr).toContain("No step had completed; step 1 did not run");
    await primary.psql("INSERT INTO orders (note) VALUES ('still the primary')");
    expect(await standby.psql("SELECT pg_is_in_recovery()")).toBe("t");
    expect(stepOutcomes(ws)).toEqual([[1, "check-failed"]]);
  }, 120_000);

  it("stops when the promote fails, and --resume finishes it once the cause is fixed", async () => {
    // The cause: pg_ctl cannot write the promote signal into the standby's data folder.
    chmodSync(standby.dataDir, 0o500);
    const policy = ws.path("switchover-stop.yaml");
    writeFileSync(
      policy,
      readFileSync(POLICY, "utf8").replace("on-failure: undo", "on-failure: stop"),
    );
    const failed = await switchover([], policy);
    expect(failed.stderr).toContain("step 3/4 'promote the standby' failed");
    expect(failed.stderr).toContain("Steps 1–2 completed and were verified");
    expect(failed.stderr).toContain("preflight procedure run pg-switchover --resume --policy");
    expect(failed.exitCode).toBe(70);
    expect(await accepts(primary)).toBe(false);
    expect(await standby.psql("SELECT pg_is_in_recovery()")).toBe("t");

    chmodSync(standby.dataDir, 0o700);
    const resumed = await switchover(["--resume"], policy);
    expect(resumed.stderr).toContain("resuming");
    expect(resumed.exitCode).toBe(0);
    expect(await standby.psql("SELECT pg_is_in_recovery()")).toBe("f");
    expect(stepOutcomes(ws)).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "command-failed"],
      [3, "ok"],
      [4, "ok"],
    ]);
  }, 180_000);

  it("with on-failure: undo, restarts the primary when the promote fails (exit 69)", async () => {
    chmodSync(standby.dataDir, 0o500);
    const result = await switchover();
    chmodSync(standby.dataDir, 0o700);
    expect(result.exitCode).toBe(69);
    expect(result.stderr).toContain("step 2 was reverted");
    expect(await accepts(primary)).toBe(true);
    await primary.psql("INSERT INTO orders (note) VALUES ('restored')");
    expect(await standby.psql("SELECT pg_is_in_recovery()")).toBe("t");
  }, 180_000);
});
