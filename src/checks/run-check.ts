/** The `run` check: a command whose exit status says whether it is safe to go ahead. */
import { redactOutput } from "../report/redact.js";
import { fillRunSpec } from "../run/fill.js";
import type { CheckKind } from "./types.js";

export const runCheck: CheckKind = {
  kind: "run",
  async run(spec, { runner, lookup, env, cwd }) {
    const command = fillRunSpec(spec.run, lookup);
    const output = await runner.capture(command, { timeoutMs: spec.timeoutMs, env, cwd });
    if (output.exitCode === null) {
      return { status: "fail", detail: `could not run: ${output.failure ?? "unknown error"}` };
    }
    const said = firstLine(output.stderr) || firstLine(output.stdout);
    if (output.exitCode === spec.expectExit) {
      // A passing command's output is usually data (a pipeline's JSON), not an explanation.
      return { status: "pass", detail: `exit ${output.exitCode}` };
    }
    return {
      status: "fail",
      detail: `exit ${output.exitCode}, expected ${spec.expectExit}${said ? `: ${redactOutput(said)}` : ""}`,
    };
  },
};

function firstLine(text: string): string {
  return text.trim().split("\n")[0]?.trim().slice(0, 200) ?? "";
}
