/**
 * What `run` and `plan` print once a run has ended: the JSON report (plan --json), an audit
 * record that could not be written, and the outcome in words. Shared by the full CLI and the
 * unguarded fast path, so both say the same.
 */
import { chalkFor } from "../io/chalk.js";
import { renderOutcomeLines } from "../report/outcome-line.js";
import { redactText } from "../report/redact.js";
import type { RunResult } from "../run/result.js";
import type { CliContext } from "./context.js";

export async function renderRunResult(
  result: RunResult,
  options: { verb: "run" | "plan"; json: boolean },
  ctx: Pick<CliContext, "stdout" | "stderr" | "columns">,
  color: boolean,
): Promise<void> {
  if (options.json) {
    const { toJsonReport } = await import("../report/json.js");
    ctx.stdout(`${JSON.stringify(toJsonReport(result), null, 2)}\n`);
  }
  warnAboutAuditFailure(result, ctx);
  // A command no rule matched and that ran is none of preflight's business to talk about.
  if (result.outcome === "no-rule" && options.verb === "run") return;
  if (options.json) return;
  const { renderOutcome } = await import("../report/human.js");
  ctx.stderr(`${renderOutcome(result, await chalkFor(color), ctx.columns?.())}\n`);
}

/**
 * The same for a command no rule matched (the unguarded fast path): it has no plan, checks or
 * changes to show, so only the audit warning and, when the command failed, the outcome line.
 */
export async function renderUnguardedResult(
  result: RunResult,
  ctx: Pick<CliContext, "stderr">,
  /** Asked only when there is something to print (a terminal test costs a system call). */
  color: () => boolean,
): Promise<void> {
  warnAboutAuditFailure(result, ctx);
  if (result.outcome === "no-rule") return;
  const lines = renderOutcomeLines(result, await chalkFor(color()));
  ctx.stderr(`${redactText(lines.join("\n"))}\n`);
}

function warnAboutAuditFailure(result: RunResult, ctx: Pick<CliContext, "stderr">): void {
  if (!result.auditFailure) return;
  ctx.stderr(
    `preflight: WARNING: the audit record could not be written (${result.auditFailure.error}). The record:\n`,
  );
  ctx.stderr(`${JSON.stringify(result.auditFailure.record)}\n`);
}
