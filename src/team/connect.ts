/**
 * Connecting to the team database with `pg` (pure JavaScript; pg-native is never required).
 * The URL is a libpq URI or a `key=value` string; its password is never part of a message:
 * `describeTarget` names user, host, port and database only, and every error text passes
 * through redactText.
 */
import pg from "pg";
import { redactText } from "../report/redact.js";
import type { TeamConfig } from "./settings.js";

export type Db = pg.Client;

const CONNECT_TIMEOUT_MS = 5_000;

/** A libpq `key=value` string (`host=db port=5432 user=app password='x y'`) as pg's config. */
export function parseKeyValue(text: string): pg.ClientConfig {
  const values: Record<string, string> = {};
  const pattern = /\s*([A-Za-z_]+)\s*=\s*(?:'((?:\\.|[^'\\])*)'|(\S+))/gy;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    values[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, "$1") : match[3]!;
  }
  const config: pg.ClientConfig = {};
  if (values.host) config.host = values.host;
  if (values.hostaddr && !values.host) config.host = values.hostaddr;
  if (values.port) config.port = Number(values.port);
  if (values.user) config.user = values.user;
  if (values.password) config.password = values.password;
  if (values.dbname) config.database = values.dbname;
  if (values.application_name) config.application_name = values.application_name;
  if (values.sslmode && values.sslmode !== "disable" && values.sslmode !== "allow") {
    config.ssl = {
      rejectUnauthorized: values.sslmode === "verify-full" || values.sslmode === "verify-ca",
    };
  }
  return config;
}

function clientConfig(url: string): pg.ClientConfig {
  return /^postgres(ql)?:\/\//.test(url) ? { connectionString: url } : parseKeyValue(url);
}

/** `user@host:port/database`, never the password: what messages name. */
export function describeTarget(url: string): string {
  const config = clientConfig(url);
  let host = config.host ?? "localhost";
  let port = config.port ?? 5432;
  let user = config.user ?? "";
  let database = config.database ?? user;
  if (config.connectionString) {
    try {
      const parsed = new URL(config.connectionString);
      host = parsed.hostname || "localhost";
      port = Number(parsed.port || 5432);
      user = decodeURIComponent(parsed.username);
      database = decodeURIComponent(parsed.pathname.slice(1)) || user;
    } catch {
      return "an unreadable database URL";
    }
  }
  return `${user ? `${user}@` : ""}${host}:${port}/${database}`;
}

/** Why a connection or query failed, in words, with no secret in it. */
export function describeDbError(error: unknown, url: string): string {
  const e = error as { code?: string; message?: string };
  const where = describeTarget(url);
  switch (e.code) {
    case "ECONNREFUSED":
      return `nothing answers at ${where} (connection refused)`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `the host of ${where} is not known`;
    case "28P01":
      return `the password for ${where} was refused`;
    case "28000":
      return `${where} does not let this user in (${redactText(e.message ?? "")})`;
    case "3D000":
      return `${where}: the database does not exist`;
    case "57P01":
    case "57P03":
      return `${where} is shutting down or starting up`;
    default:
      return `${where}: ${redactText(e.message ?? String(error))}`;
  }
}

function isTransient(error: unknown): boolean {
  // Too many connections, or a server that is starting: worth a short wait.
  const code = (error as { code?: string }).code;
  return code === "53300" || code === "57P03";
}

/** A connected client; throws pg's error (describe it with describeDbError). */
export async function connect(config: Pick<TeamConfig, "url">): Promise<Db> {
  if (config.url === undefined) throw new Error("no database URL");
  for (let attempt = 0; ; attempt++) {
    const client = new pg.Client({
      ...clientConfig(config.url),
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      application_name: "preflight",
    });
    // A dropped connection emits 'error'; the query in flight rejects with it, which is where
    // it is handled. Without a listener Node would crash the process.
    client.on("error", () => {});
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => {});
      if (!isTransient(error) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + attempt * 50));
    }
  }
}

/** Runs `fn` with a connected client and closes it afterwards. */
export async function withDb<T>(
  config: Pick<TeamConfig, "url">,
  fn: (db: Db) => Promise<T>,
): Promise<T> {
  const db = await connect(config);
  try {
    return await fn(db);
  } finally {
    await db.end().catch(() => {});
  }
}
