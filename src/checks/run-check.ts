/**
 * The `run` check: a command whose exit status, and optionally its output (text, a JSON
 * value, a number against limits), says whether it is safe to go ahead.
 */
import type { RunCheckSpec } from "../policy/types.js";
import { redactOutput } from "../report/redact.js";
import { firstLine, judgeOutput } from "./expect-output.js";
import type { CheckKind } from "./types.js";

export const runCheck: CheckKind<RunCheckSpec> = {
  kind: "run",
  async run(spec, { runner, env, cwd }) {
    const output = await runner.capture(spec.run, { timeoutMs: spec.timeoutMs, env, cwd });
    if (output.exitCode === null) {
      return { status: "fail", detail: `could not run: ${output.failure ?? "unknown error"}` };
    }
    if (output.exitCode !== spec.expectExit) {
      const said = tellingLine(output.stderr) || tellingLine(output.stdout);
      return {
        status: "fail",
        detail: `exit ${output.exitCode}, expected ${spec.expectExit}${said ? `: ${redactOutput(said)}` : ""}`,
        value: output.exitCode,
      };
    }
    const judged = judgeOutput(output.stdout, spec.output, "stdout");
    // A passing command's output is usually data (a pipeline's JSON), not an explanation.
    if (!judged)
      return { status: "pass", detail: `exit ${output.exitCode}`, value: output.exitCode };
    const line = firstLine(output.stdout);
    // The measured number alone does not say which sequence or table it is; the line does.
    const context =
      spec.output.number && !spec.output.json && line !== "" && line !== String(judged.value)
        ? ` — ${line.slice(0, 200)}`
        : "";
    return {
      status: judged.status,
      detail: redactOutput(`${judged.detail}${context}`),
      ...(judged.value !== undefined && {
        value: typeof judged.value === "string" ? redactOutput(judged.value) : judged.value,
      }),
    };
  },
};

/**
 * The line of a failed command's output that best says why: the first that reads like an
 * error (`openssl verify` prints the certificate's subject first, then `error 62 …`), else
 * the first line.
 */
export function tellingLine(text: string): string {
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const error = lines.find((line) =>
    /\b(error|fatal|failed|denied|refused|not found)\b/i.test(line),
  );
  return (error ?? lines[0] ?? "").slice(0, 200);
}
