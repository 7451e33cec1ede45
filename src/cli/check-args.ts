/**
 * `preflight check tls|http|run` flags turned into one check as a policy author would write
 * it, so that the schema validates both the same way. Malformed values are usage errors.
 */
import { parseHostPort } from "../checks/network.js";
import { formatArgv } from "../command/template.js";
import { UsageError } from "../errors.js";
import { redactArgv } from "../report/redact.js";

type Flags = Record<string, unknown>;
type Input = Record<string, unknown>;

export function tlsCheckInput(target: string, flags: Flags): Input {
  const parsed = parseHostPort(target);
  if ("problem" in parsed) throw new UsageError(parsed.problem);
  return {
    name: text(flags.name) ?? `tls ${target}`,
    tls: {
      connect: target,
      ...defined("servername", text(flags.servername)),
      ...defined("cert-file", text(flags.certFile)),
      ...defined("ca-file", text(flags.caFile)),
      ...defined("min-days", number(flags.minDays, "--min-days")),
      ...defined("warn-days", number(flags.warnDays, "--warn-days")),
      ...(flags.checkHostname === false && { "check-hostname": false }),
    },
    ...defined("timeout", number(flags.timeout, "--timeout")),
  };
}

export function httpCheckInput(url: string, flags: Flags): Input {
  // A URL typed on the command line is checked here, as `check tls` checks host:port: a typo
  // is a usage error (64), not a failed check (67). A {template} is left for --set to fill.
  if (!url.includes("{") && !/^https?:\/\/[^/]/.test(url)) {
    throw new UsageError(`'${url}' is not an http(s) URL: give it as http://HOST[:PORT]/PATH`);
  }
  const headers: Record<string, string> = {};
  for (const pair of (flags.headerEnv as string[] | undefined) ?? []) {
    const [header, variable] = splitPair(pair, "--header-env", "HEADER=VAR");
    headers[header] = variable;
  }
  const statuses = ((flags.status as string[] | undefined) ?? []).map((s) => number(s, "--status"));
  const latency = {
    ...defined("max", number(flags.maxLatencyMs, "--max-latency-ms")),
    ...defined("warn", number(flags.warnLatencyMs, "--warn-latency-ms")),
  };
  const expect = {
    ...outputExpect(flags, "body"),
    ...(statuses.length > 0 && { status: statuses }),
    ...(Object.keys(latency).length > 0 && { "latency-ms": latency }),
  };
  return {
    name: text(flags.name) ?? `http ${url}`,
    http: {
      url,
      ...defined("method", text(flags.method)?.toUpperCase()),
      ...defined("bearer-env", text(flags.bearerEnv)),
      ...(Object.keys(headers).length > 0 && { "headers-env": headers }),
      ...defined("ca-file", text(flags.caFile)),
    },
    ...(Object.keys(expect).length > 0 && { expect }),
    ...defined("timeout", number(flags.timeout, "--timeout")),
  };
}

export function runCheckInput(argv: readonly string[], flags: Flags): Input {
  if (argv.length === 0 || !argv[0]?.trim()) {
    throw new UsageError(
      "no command to check: preflight check run [options] -- <command> [args...]",
    );
  }
  const expect = {
    ...defined("exit", number(flags.exit, "--exit")),
    ...outputExpect(flags, "stdout"),
  };
  return {
    // The command line may hold a password (`--password=…`): the name shows it redacted.
    name: text(flags.name) ?? `run ${formatArgv(redactArgv(argv))}`,
    // The command runs exactly as typed: its braces are text, not {templates}.
    run: argv.map((word) => word.replace(/[{}]/g, (brace) => brace + brace)),
    ...(Object.keys(expect).length > 0 && { expect }),
    ...defined("timeout", number(flags.timeout, "--timeout")),
  };
}

/** `--set NAME=VALUE` pairs as a template lookup's table. */
export function templateValues(pairs: readonly string[]): Record<string, string> {
  return Object.fromEntries(pairs.map((pair) => splitPair(pair, "--set", "NAME=VALUE")));
}

function outputExpect(flags: Flags, textKey: "stdout" | "body"): Input {
  const textExpect = {
    ...defined("equals", text(flags.equals)),
    ...defined("contains", text(flags.contains)),
    ...defined("matches", text(flags.matches)),
  };
  const numberLimits = {
    ...defined("min", number(flags.min, "--min")),
    ...defined("max", number(flags.max, "--max")),
    ...defined("warn", number(flags.warn, "--warn")),
  };
  const jsonPath = text(flags.jsonPath);
  if (flags.jsonEquals !== undefined && jsonPath === undefined) {
    throw new UsageError("--json-equals needs --json-path: which value should equal it?");
  }
  return {
    ...(Object.keys(textExpect).length > 0 && { [textKey]: textExpect }),
    ...(jsonPath !== undefined && {
      json: { path: jsonPath, ...defined("equals", jsonValue(text(flags.jsonEquals))) },
    }),
    ...(Object.keys(numberLimits).length > 0 && { number: numberLimits }),
  };
}

/** `--json-equals true` means the JSON true, `--json-equals 5` the number; anything else is text. */
function jsonValue(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === "object" && parsed !== null ? value : parsed;
  } catch {
    return value;
  }
}

function splitPair(pair: string, flag: string, shape: string): [string, string] {
  const eq = pair.indexOf("=");
  if (eq <= 0) throw new UsageError(`${flag} '${pair}': expected ${shape}`);
  return [pair.slice(0, eq), pair.slice(eq + 1)];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function number(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n)) {
    throw new UsageError(`${flag} '${String(value)}': expected a number`);
  }
  return n;
}

function defined<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
