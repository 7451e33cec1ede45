/**
 * Real PostgreSQL servers for the end-to-end tests: a primary and, on request, a streaming hot
 * standby made with `pg_basebackup -R`, in a temporary folder on free loopback ports, stopped
 * and removed afterwards. PostgreSQL refuses to run as root, so under root (as in CI) the
 * server programs run as the unprivileged `postgres` user through `runuser`, and `pg_ctl` on
 * the workspace's PATH does the same: the policy under test calls `pg_ctl` as an operator would.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** The folder of the server programs: PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function postgresBin(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb")))
    : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) {
    throw new Error(
      "PostgreSQL server programs were not found under /usr/lib/postgresql/*/bin: install the postgresql package (.ci/run does) or set PG_BIN",
    );
  }
  return join(base, newest, "bin");
}

const RUNS_AS_ROOT = process.getuid?.() === 0;
/** Who owns and runs the servers. */
const SERVER_USER = RUNS_AS_ROOT ? "postgres" : userInfo().username;

/** The argv that runs a server program as the server user. */
export function asServerUser(program: string, args: readonly string[]): [string, string[]] {
  const path = join(postgresBin(), program);
  return RUNS_AS_ROOT ? ["runuser", ["-u", SERVER_USER, "--", path, ...args]] : [path, [...args]];
}

function runAsServer(program: string, args: readonly string[]): string {
  const [file, argv] = asServerUser(program, args);
  return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface PgNode {
  name: string;
  data: string;
  port: number;
  /** Runs SQL on this node as the superuser and returns psql's unaligned output, trimmed. */
  sql(query: string): string;
  /** Whether the server answers (pg_isready exits 0). */
  isReady(): boolean;
}

export interface PgCluster {
  root: string;
  primary: PgNode;
  standby?: PgNode;
  /** A folder with a `pg_ctl` that runs as the server user: put it first on PATH. */
  bin: string;
  /** Opens a session that stays open (e.g. idle in transaction) until closed. */
  openSession(node: PgNode, statements: string): Promise<ChildProcess>;
  stop(): void;
}

function node(name: string, data: string, port: number): PgNode {
  const psql = (query: string) =>
    execFileSync(
      "psql",
      [
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
        "-U",
        "postgres",
        "-d",
        "postgres",
        "-c",
        query,
      ],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    ).trim();
  return {
    name,
    data,
    port,
    sql: psql,
    isReady: () => {
      try {
        execFileSync("pg_isready", ["-q", "-h", "127.0.0.1", "-p", String(port)], {
          stdio: "ignore",
        });
        return true;
      } catch {
        return false;
      }
    },
  };
}

const SERVER_SETTINGS = (port: number, root: string) =>
  [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${root}'`,
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "shared_buffers = 16MB",
    "max_connections = 20",
    "wal_keep_size = 64MB",
    "",
  ].join("\n");

/** Starts a primary (and a streaming standby when asked) and waits until both serve. */
export async function startPgCluster(options: { standby: boolean }): Promise<PgCluster> {
  const root = mkdtempSync(join(tmpdir(), "preflight-pg-"));
  chmodSync(root, 0o755);
  if (RUNS_AS_ROOT) {
    const uid = Number(execFileSync("id", ["-u", SERVER_USER], { encoding: "utf8" }));
    const gid = Number(execFileSync("id", ["-g", SERVER_USER], { encoding: "utf8" }));
    chownSync(root, uid, gid);
  }
  const bin = join(root, "bin");
  runAsServer("initdb", ["--version"]);
  execFileSync("mkdir", ["-p", bin]);
  // pg_ctl as the operator's shell would find it; under root it switches to the server user.
  const [file, prefix] = asServerUser("pg_ctl", []);
  writeFileSync(
    join(bin, "pg_ctl"),
    `#!/bin/sh\nexec ${[file, ...prefix].map((w) => `'${w}'`).join(" ")} "$@"\n`,
    { mode: 0o755 },
  );

  const primaryData = join(root, "primary");
  const primary = node("primary", primaryData, await freePort());
  runAsServer("initdb", [
    "-D",
    primaryData,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
  ]);
  writeFileSync(join(primaryData, "postgresql.auto.conf"), SERVER_SETTINGS(primary.port, root), {
    flag: "a",
  });
  runAsServer("pg_ctl", ["-D", primaryData, "-l", join(root, "primary.log"), "-w", "start"]);

  const cluster: PgCluster = {
    root,
    primary,
    bin,
    openSession: (target, statements) => openSession(target, statements),
    stop: () => {
      for (const n of [cluster.standby, cluster.primary]) {
        if (!n) continue;
        try {
          runAsServer("pg_ctl", ["-D", n.data, "-m", "immediate", "-w", "stop"]);
        } catch {
          // Already stopped (the switchover stops the primary).
        }
      }
      if (process.env.PREFLIGHT_E2E_KEEP !== "1") rmSync(root, { recursive: true, force: true });
    },
  };
  if (!options.standby) return cluster;

  const standbyData = join(root, "standby");
  const standby = node("standby", standbyData, await freePort());
  runAsServer("pg_basebackup", [
    "-h",
    "127.0.0.1",
    "-p",
    String(primary.port),
    "-U",
    "postgres",
    "-D",
    standbyData,
    "-R",
    "-X",
    "stream",
    "--no-sync",
  ]);
  writeFileSync(join(standbyData, "postgresql.auto.conf"), `port = ${standby.port}\n`, {
    flag: "a",
  });
  runAsServer("pg_ctl", ["-D", standbyData, "-l", join(root, "standby.log"), "-w", "start"]);
  cluster.standby = standby;
  await waitFor(
    () => primary.sql("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'") === "1",
    "the standby to stream from the primary",
  );
  return cluster;
}

async function openSession(target: PgNode, statements: string): Promise<ChildProcess> {
  const child = spawn(
    "psql",
    ["-X", "-q", "-h", "127.0.0.1", "-p", String(target.port), "-U", "postgres", "-d", "postgres"],
    { stdio: ["pipe", "ignore", "ignore"] },
  );
  child.stdin?.write(`${statements}\n`);
  // Wait until the server shows the session in its transaction.
  await waitFor(
    () =>
      target.sql(
        "SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'",
      ) !== "0" || !statements.includes("BEGIN"),
    "the session to open",
  );
  return child;
}

/** Polls until `condition` holds, up to 20 s. */
export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if (condition()) return;
    } catch {
      // Not yet answering.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
