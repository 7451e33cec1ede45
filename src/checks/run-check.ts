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
      const said = firstLine(output.stderr).slice(0, 200) || firstLine(output.stdout).slice(0, 200);
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
      spec.output.number && line !== "" && line !== String(judged.value)
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
