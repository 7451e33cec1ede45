/**
 * A real PostgreSQL server for tests: `initdb` and `pg_ctl` from Debian's package
 * (/usr/lib/postgresql/VERSION/bin, 15 preferred) in a temporary folder, on a free loopback
 * port, trust authentication for user `postgres`, stopped and removed afterwards.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then the server runs as the
 * `postgres` user Debian's package creates (via `runuser`), owning the temporary folder, and
 * the tests connect over TCP on 127.0.0.1 as any client would.
 *
 * `startStandby(primary)` adds a streaming hot standby (`pg_basebackup -R`), for tests of
 * switchovers.
 *
 * Without PostgreSQL installed, tests that need it are skipped on a developer's machine but
 * FAIL in CI (`CI` set): .ci/run installs it, and a skipped test there would hide that.
 */
import { execFile } from "node:child_process";
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe } from "vitest";

const run = promisify(execFile);
const ROOT = "/usr/lib/postgresql";

/** The bin folder of the newest installed PostgreSQL (15 when present), or undefined. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(ROOT)) return undefined;
  const versions = readdirSync(ROOT)
    .filter((v) => existsSync(join(ROOT, v, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a));
  const chosen = versions.includes("15") ? "15" : versions[0];
  return chosen === undefined ? undefined : join(ROOT, chosen, "bin");
}

/**
 * `describe` for suites that need PostgreSQL: skipped only when it is missing AND this is not
 * CI. In CI a missing server makes every test in the suite fail with the reason.
 */
export const describeWithPostgres =
  postgresBinDir() !== undefined || process.env.CI ? describe : describe.skip;

export interface PgServer {
  host: "127.0.0.1";
  port: number;
  /** The folder holding data, socket and log; removed by stop(). */
  dir: string;
  dataDir: string;
  /** Variables a client (psql, preflight's checks) needs to reach it. */
  env: { PGHOST: string; PGPORT: string; PGUSER: string; PGDATABASE: string };
  /** Runs SQL with psql (-XAtq, stop on error) and returns its trimmed output. */
  psql(sql: string, database?: string): Promise<string>;
  /** Stops the server (immediately) and removes its folder; safe to call twice. */
  stop(): Promise<void>;
  /** Stops the server (immediately), keeping its data: `resume()` starts it again. */
  halt(): Promise<void>;
  /** Starts a halted server again, on the same port. */
  resume(): Promise<void>;
  /** Milliseconds initdb (or pg_basebackup) plus start-up took. */
  startupMs: number;
}

interface ServerUser {
  /** Prefix that runs a program as the server's user: [] when we are not root. */
  prefix: string[];
  uid?: number;
  gid?: number;
}

function serverUser(): ServerUser {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  const entry = ["postgres", "nobody"]
    .map((name) => passwd.find((line) => line.startsWith(`${name}:`)))
    .find((line) => line !== undefined);
  if (!entry)
    throw new Error(
      "running as root, and there is no postgres or nobody user to run PostgreSQL as",
    );
  const [name, , uid, gid] = entry.split(":");
  return { prefix: ["runuser", "-u", name!, "--"], uid: Number(uid), gid: Number(gid) };
}

/**
 * The words that run a server program as the server's user ([] when not root): a test puts a
 * `pg_ctl` wrapper with them on PATH, so a policy calls `pg_ctl` as an operator would.
 */
export function serverUserPrefix(): string[] {
  return serverUser().prefix;
}

async function asServerUser(user: ServerUser, program: string, args: string[]): Promise<string> {
  const [file, ...rest] = [...user.prefix, program, ...args];
  try {
    const { stdout } = await run(file!, rest, {
      env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C.UTF-8", LC_ALL: "C.UTF-8" },
      timeout: 120_000,
    });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${program} ${args.join(" ")} failed: ${e.stderr?.trim() || e.message}`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

function requireBinDir(): string {
  const bin = postgresBinDir();
  if (!bin) {
    throw new Error(
      `PostgreSQL is not installed (no ${ROOT}/*/bin/initdb): install Debian's postgresql package; .ci/run does this in CI`,
    );
  }
  return bin;
}

function newFolder(user: ServerUser, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `preflight-pg-${label}-`));
  mkdirSync(join(dir, "socket"));
  if (user.uid !== undefined) {
    chownSync(dir, user.uid, user.gid!);
    chownSync(join(dir, "socket"), user.uid, user.gid!);
  }
  return dir;
}

// Written to the data folder's postgresql.auto.conf, as a real installation keeps them in its
// configuration: a plain `pg_ctl start` (a procedure's undo, say) brings the server back on
// the same port. Tests need speed, not durability.
const serverSettings = (port: number, socketDir: string) =>
  [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${socketDir}'`,
    "fsync = off",
    "synchronous_commit = off",
    "full_page_writes = off",
    "shared_buffers = '16MB'",
    "max_connections = 20",
    "",
  ].join("\n");

async function startServer(
  user: ServerUser,
  bin: string,
  dir: string,
  dataDir: string,
  started: number,
): Promise<PgServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // Later lines win, so a retry on another port (or a standby's own) overrides the last one.
    appendFileSync(
      join(dataDir, "postgresql.auto.conf"),
      serverSettings(port, join(dir, "socket")),
    );
    try {
      await asServerUser(user, join(bin, "pg_ctl"), [
        "-D",
        dataDir,
        "-l",
        join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "start",
      ]);
      return server(user, bin, dir, dataDir, port, Date.now() - started);
    } catch (error) {
      // Another process may have taken the port between freePort() and the start.
      lastError = error;
    }
  }
  const log = existsSync(join(dir, "server.log"))
    ? readFileSync(join(dir, "server.log"), "utf8")
    : "";
  throw new Error(`PostgreSQL did not start: ${(lastError as Error).message}\n${log.slice(-2000)}`);
}

function server(
  user: ServerUser,
  bin: string,
  dir: string,
  dataDir: string,
  port: number,
  startupMs: number,
): PgServer {
  let stopped = false;
  const env = {
    PGHOST: "127.0.0.1",
    PGPORT: String(port),
    PGUSER: "postgres",
    PGDATABASE: "postgres",
  };
  return {
    host: "127.0.0.1",
    port,
    dir,
    dataDir,
    env,
    startupMs,
    async psql(sql, database = "postgres") {
      const psql = existsSync(join(bin, "psql")) ? join(bin, "psql") : "psql";
      try {
        const { stdout } = await run(
          psql,
          [
            "-XAtq",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            env.PGHOST,
            "-p",
            env.PGPORT,
            "-U",
            "postgres",
            "-d",
            database,
            "-c",
            sql,
          ],
          { env: { PATH: "/usr/bin:/bin" }, timeout: 60_000 },
        );
        return stdout.trim();
      } catch (error) {
        const e = error as { stderr?: string; message: string };
        throw new Error(`psql failed: ${e.stderr?.trim() || e.message}\nSQL: ${sql}`);
      }
    },
    async halt() {
      await asServerUser(user, join(bin, "pg_ctl"), [
        "-D",
        dataDir,
        "-m",
        "immediate",
        "-w",
        "stop",
      ]);
    },
    async resume() {
      await asServerUser(user, join(bin, "pg_ctl"), [
        "-D",
        dataDir,
        "-l",
        join(dir, "server.log"),
        "-w",
        "-t",
        "60",
        "start",
      ]);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await asServerUser(user, join(bin, "pg_ctl"), [
          "-D",
          dataDir,
          "-m",
          "immediate",
          "-w",
          "stop",
        ]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new primary: initdb (trust, user postgres) in a temporary folder, started on a free port. */
export async function startPostgres(): Promise<PgServer> {
  const bin = requireBinDir();
  const user = serverUser();
  const started = Date.now();
  const dir = newFolder(user, "primary");
  const dataDir = join(dir, "data");
  try {
    await asServerUser(user, join(bin, "initdb"), [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
    return await startServer(user, bin, dir, dataDir, started);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * A streaming hot standby of `primary`: pg_basebackup -R (which writes standby.signal and the
 * connection to the primary), started on its own free port. Stop it before the primary.
 */
export async function startStandby(primary: PgServer): Promise<PgServer> {
  const bin = requireBinDir();
  const user = serverUser();
  const started = Date.now();
  const dir = newFolder(user, "standby");
  const dataDir = join(dir, "data");
  try {
    await asServerUser(user, join(bin, "pg_basebackup"), [
      "-h",
      primary.host,
      "-p",
      String(primary.port),
      "-U",
      "postgres",
      "-D",
      dataDir,
      "-R",
      "-X",
      "stream",
      "--no-sync",
      "-c",
      "fast",
    ]);
    return await startServer(user, bin, dir, dataDir, started);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
