/**
 * libpq connection strings: `key=value` lists (values may be single-quoted, with `\` escapes)
 * and `postgresql://` URIs (several hosts, percent-encoding, `?key=value` parameters). Only
 * what says where the connection goes is kept; a password is parsed past and dropped.
 */
import { ConfigProblem } from "./problem.js";

export type Params = Partial<Record<"host" | "hostaddr" | "port" | "dbname" | "service", string>>;
const KEPT = new Set(["host", "hostaddr", "port", "dbname", "service"]);

/** Whether libpq would read `value` (a dbname argument) as a connection string. */
export function isConnectionString(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value) || value.includes("=");
}

export function parseConnectionString(value: string, where: string): Params {
  return /^postgres(ql)?:\/\//.test(value) ? parseUri(value, where) : parseKeywords(value, where);
}

function parseKeywords(text: string, where: string): Params {
  const params: Params = {};
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const eq = text.indexOf("=", i);
    if (eq < 0)
      throw new ConfigProblem(
        `${where}: missing "=" after "${text.slice(i).split(/\s/)[0]}" in the connection string`,
      );
    const key = text.slice(i, eq).trim();
    i = eq + 1;
    while (i < text.length && /\s/.test(text[i]!)) i++;
    let value = "";
    if (text[i] === "'") {
      i++;
      for (;;) {
        if (i >= text.length)
          throw new ConfigProblem(`${where}: unterminated quoted value in the connection string`);
        const ch = text[i]!;
        if (ch === "\\" && i + 1 < text.length) {
          value += text[i + 1];
          i += 2;
        } else if (ch === "'") {
          i++;
          break;
        } else {
          value += ch;
          i++;
        }
      }
    } else {
      while (i < text.length && !/\s/.test(text[i]!)) {
        if (text[i] === "\\" && i + 1 < text.length) i++;
        value += text[i];
        i++;
      }
    }
    if (KEPT.has(key)) params[key as keyof Params] = value;
  }
  return params;
}

function parseUri(uri: string, where: string): Params {
  const params: Params = {};
  const rest = uri.replace(/^postgres(ql)?:\/\//, "");
  const queryAt = rest.indexOf("?");
  const beforeQuery = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const slash = beforeQuery.indexOf("/");
  let authority = slash < 0 ? beforeQuery : beforeQuery.slice(0, slash);
  const path = slash < 0 ? "" : beforeQuery.slice(slash + 1);
  const at = authority.lastIndexOf("@");
  if (at >= 0) authority = authority.slice(at + 1); // user:password@ — never kept
  const hosts: string[] = [];
  const ports: string[] = [];
  for (const part of authority === "" ? [] : authority.split(",")) {
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(part);
    if (!m) throw new ConfigProblem(`${where}: cannot read the host in the connection URI`);
    hosts.push(decode(m[1]!.replace(/^\[|\]$/g, ""), where));
    ports.push(m[2] ?? "");
  }
  if (hosts.some((h) => h !== "")) params.host = hosts.join(",");
  if (ports.some((p) => p !== "")) params.port = ports.join(",");
  if (path !== "") params.dbname = decode(path, where);
  if (queryAt >= 0) {
    for (const pair of rest.slice(queryAt + 1).split("&")) {
      const eq = pair.indexOf("=");
      const key = decode(eq < 0 ? pair : pair.slice(0, eq), where);
      if (KEPT.has(key)) params[key as keyof Params] = decode(pair.slice(eq + 1), where);
    }
  }
  return params;
}

function decode(text: string, where: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConfigProblem(`${where}: bad percent-encoding in the connection URI`);
  }
}
