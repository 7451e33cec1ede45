/**
 * Turns one validated check (as written) into the normalised `CheckSpec` the runner reads, or
 * into a `CheckUse` (`use: NAME`), which `named-checks.ts` resolves once every file is merged.
 */
import type { CheckInput } from "./check-schema.js";
import { kindOf } from "./check-schema.js";
import type { CheckCommon, CheckSpec, OutputExpectation, SourceRef } from "./types.js";

/** A rule's reference to a named check; the name and variables it sets win over the named check's. */
export interface CheckUse {
  kind: "use";
  use: string;
  name?: string;
  env: Record<string, string>;
  /** Where it is used matters for retries: after a reload, not in a cron job. */
  retryForMs?: number;
  source: SourceRef;
}

const RUN_TIMEOUT_MS = 60_000;
/** A network check that has not answered in 10 s is not going to tell us anything good. */
const NETWORK_TIMEOUT_MS = 10_000;

/** The normalised check; `fallbackName` names a check that has none of its own (a named check's key). */
export function compileCheck(
  input: CheckInput,
  source: SourceRef,
  fallbackName?: string,
): CheckSpec | CheckUse {
  const env = Object.fromEntries(Object.entries(input.env ?? {}).map(([k, v]) => [k, String(v)]));
  if (input.use !== undefined) {
    return {
      kind: "use",
      use: input.use,
      ...(input.name !== undefined && { name: input.name }),
      env,
      ...(input["retry-for"] !== undefined && { retryForMs: toMs(input["retry-for"]) }),
      source,
    };
  }
  const kind = kindOf(input);
  const common: CheckCommon = {
    name: input.name ?? fallbackName ?? kind,
    ...(input.description !== undefined && { description: input.description }),
    timeoutMs: toMs(input.timeout) ?? (kind === "run" ? RUN_TIMEOUT_MS : NETWORK_TIMEOUT_MS),
    readOnly: input["read-only"] ?? !(input.http && isWriteMethod(input.http.method)),
    env,
    retryForMs: toMs(input["retry-for"]) ?? 0,
    source,
  };
  const expect = input.expect ?? {};
  if (input.tls) {
    const tls = input.tls;
    return {
      ...common,
      kind: "tls",
      connect: tls.connect,
      ...(tls.servername !== undefined && { servername: tls.servername }),
      ...(tls["cert-file"] !== undefined && { certFile: tls["cert-file"] }),
      ...(tls["ca-file"] !== undefined && { caFile: tls["ca-file"] }),
      minDays: tls["min-days"] ?? 0,
      ...(tls["warn-days"] !== undefined && { warnDays: tls["warn-days"] }),
      checkHostname: tls["check-hostname"] ?? true,
    };
  }
  if (input.http) {
    const http = input.http;
    const status = expect.status;
    return {
      ...common,
      kind: "http",
      url: http.url,
      method: http.method ?? "GET",
      status: status === undefined ? [] : Array.isArray(status) ? status : [status],
      output: outputExpectation(expect.body, expect),
      latencyMs: {
        ...(expect["latency-ms"]?.max !== undefined && { max: expect["latency-ms"].max }),
        ...(expect["latency-ms"]?.warn !== undefined && { warn: expect["latency-ms"].warn }),
      },
      ...(http["bearer-env"] !== undefined && { bearerEnv: http["bearer-env"] }),
      headerEnv: http["headers-env"] ?? {},
      ...(http["ca-file"] !== undefined && { caFile: http["ca-file"] }),
    };
  }
  const run = input.run!;
  return {
    ...common,
    kind: "run",
    // YAML may have read `60` or `-1` in an argv list as numbers; argv words are text.
    run: typeof run === "string" ? run : run.map(String),
    expectExit: expect.exit ?? 0,
    output: outputExpectation(expect.stdout, expect),
  };
}

function outputExpectation(
  text: NonNullable<CheckInput["expect"]>["stdout"],
  expect: NonNullable<CheckInput["expect"]>,
): OutputExpectation {
  return {
    ...(text && {
      text: {
        ...(text.equals !== undefined && { equals: String(text.equals) }),
        ...(text.contains !== undefined && { contains: String(text.contains) }),
        ...(text.matches !== undefined && { matches: text.matches }),
      },
    }),
    ...(expect.json && {
      json: {
        path: expect.json.path,
        ...(expect.json.equals !== undefined && { equals: expect.json.equals }),
      },
    }),
    ...(expect.number && {
      number: {
        ...(expect.number.min !== undefined && { min: expect.number.min }),
        ...(expect.number.max !== undefined && { max: expect.number.max }),
        ...(expect.number.warn !== undefined && { warn: expect.number.warn }),
      },
    }),
  };
}

function isWriteMethod(method: string | undefined): boolean {
  return method !== undefined && !["GET", "HEAD", "OPTIONS"].includes(method);
}

function toMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.round(seconds * 1000);
}
