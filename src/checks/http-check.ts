/**
 * The `http` check: a URL's status, body (text, a JSON value, a number) and latency. A
 * credential comes from a variable named in the policy (`bearer-env`, `headers-env`), never
 * from the policy itself, and is never shown: not in the detail, the report or the audit log.
 * node:http/https are loaded only when an http check runs. Redirects are not followed.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { HttpCheckSpec } from "../policy/types.js";
import { REDACTED, redactOutput } from "../report/redact.js";
import { firstLine, judgeOutput, worst } from "./expect-output.js";
import { describeNetworkError } from "./network.js";
import type { CheckKind, CheckOutcome } from "./types.js";

/** More body than a health check needs; the rest is not read. */
const MAX_BODY = 1024 * 1024;

export const httpCheck: CheckKind<HttpCheckSpec> = {
  kind: "http",
  async run(spec, { env, cwd }) {
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      return { status: "fail", detail: `'${spec.url}' is not a URL` };
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return {
        status: "fail",
        detail: `'${url.protocol}' URLs cannot be checked; use http or https`,
      };
    }

    const headers: Record<string, string> = {};
    const secrets: string[] = [];
    const credentials: [string, string, (value: string) => string][] = [
      ...(spec.bearerEnv !== undefined
        ? [
            ["authorization", spec.bearerEnv, (v: string) => `Bearer ${v}`] as [
              string,
              string,
              (value: string) => string,
            ],
          ]
        : []),
      ...Object.entries(spec.headerEnv).map(
        ([header, variable]) =>
          [header, variable, (v: string) => v] as [string, string, (value: string) => string],
      ),
    ];
    for (const [header, variable, format] of credentials) {
      const value = env[variable];
      if (!value) {
        return {
          status: "fail",
          detail: `the variable ${variable} is not set (the policy takes the ${header} header from it), so the request was not sent`,
        };
      }
      headers[header] = format(value);
      secrets.push(value);
    }
    let ca: Buffer | undefined;
    if (spec.caFile !== undefined) {
      try {
        ca = await readFile(resolve(cwd, spec.caFile));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return { status: "fail", detail: `cannot read the CA file ${spec.caFile} (${code})` };
      }
    }

    const answer = await request(url, {
      method: spec.method,
      headers,
      ca,
      timeoutMs: spec.timeoutMs,
    });
    const scrub = (text: string) => redactOutput(hideSecrets(text, secrets));
    if ("failure" in answer) return { status: "fail", detail: scrub(answer.failure) };
    // Hidden before judging, not only after: the verdict quotes a cut excerpt of the body, and
    // a token cut in half would no longer be found to hide.
    const hidden: HttpAnswer = {
      ...answer,
      body: hideSecrets(answer.body, secrets),
      ...(answer.location !== undefined && { location: hideSecrets(answer.location, secrets) }),
    };
    return scrubOutcome(judgeAnswer(hidden, spec), scrub);
  },
};

export interface HttpAnswer {
  status: number;
  body: string;
  elapsedMs: number;
  location?: string;
}

/** The verdict on an answer: status first (a wrong status makes the body beside the point), then body and latency. */
export function judgeAnswer(answer: HttpAnswer, spec: HttpCheckSpec): CheckOutcome {
  const ms = Math.round(answer.elapsedMs);
  const statusOk =
    spec.status.length === 0
      ? answer.status >= 200 && answer.status < 300
      : spec.status.includes(answer.status);
  if (!statusOk) {
    const expected = spec.status.length === 0 ? "2xx" : spec.status.join(" or ");
    const said =
      answer.location !== undefined
        ? `: redirects are not followed (Location: ${answer.location})`
        : firstLine(answer.body)
          ? `: ${JSON.stringify(firstLine(answer.body).slice(0, 120))}`
          : "";
    return {
      status: "fail",
      detail: `status ${answer.status}, expected ${expected} (in ${ms} ms)${said}`,
      value: answer.status,
    };
  }
  const parts: CheckOutcome[] = [];
  const judged = judgeOutput(answer.body, spec.output, "the body");
  if (judged) parts.push(judged);
  const { max, warn } = spec.latencyMs;
  if (max !== undefined && ms > max) {
    parts.push({ status: "fail", detail: `took ${ms} ms, above the ceiling of ${max} ms` });
  } else if (warn !== undefined && ms > warn) {
    parts.push({ status: "warn", detail: `took ${ms} ms, past the warning level of ${warn} ms` });
  }
  const status = worst(parts.map((p) => p.status));
  const telling = parts.filter((p) => p.status === status && status !== "pass");
  const value = judged?.value ?? answer.status;
  if (status !== "pass") {
    return { status, detail: telling.map((p) => p.detail).join("; "), value };
  }
  return {
    status,
    detail: [`status ${answer.status} in ${ms} ms`, ...parts.map((p) => p.detail)].join("; "),
    value,
  };
}

async function request(
  url: URL,
  options: {
    method: string;
    headers: Record<string, string>;
    ca?: Buffer | undefined;
    timeoutMs: number;
  },
): Promise<HttpAnswer | { failure: string }> {
  const client = url.protocol === "https:" ? await import("node:https") : await import("node:http");
  const started = performance.now();
  return new Promise((resolvePromise) => {
    let settled = false;
    const settle = (value: HttpAnswer | { failure: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolvePromise(value);
    };
    const timer = setTimeout(
      () => settle({ failure: `no answer within ${options.timeoutMs / 1000} s` }),
      options.timeoutMs,
    );
    const req = client.request(
      url,
      {
        method: options.method,
        headers: { "user-agent": "preflight-check", ...options.headers },
        ...(options.ca && { ca: options.ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          settle({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString("utf8"),
            elapsedMs: performance.now() - started,
            ...(res.headers.location !== undefined && { location: res.headers.location }),
          });
        res.on("data", (chunk: Buffer) => {
          if (size >= MAX_BODY) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size >= MAX_BODY) done();
        });
        res.on("end", done);
        res.on("error", (error: NodeJS.ErrnoException) =>
          settle({ failure: `the answer broke off: ${describeNetworkError(error)}` }),
        );
      },
    );
    req.on("error", (error: NodeJS.ErrnoException) =>
      settle({ failure: `could not connect to ${url.host}: ${describeNetworkError(error)}` }),
    );
    req.end();
  });
}

/** Any credential the check sent, wherever the server echoed it. */
function hideSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

function scrubOutcome(outcome: CheckOutcome, scrub: (text: string) => string): CheckOutcome {
  return {
    ...outcome,
    detail: scrub(outcome.detail),
    ...(typeof outcome.value === "string" && { value: scrub(outcome.value) }),
  };
}
