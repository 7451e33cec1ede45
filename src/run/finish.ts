/**
 * Ending a run: set the outcome and exit code, and write the audit record (for `run`, not
 * `plan`). A record that cannot be written is never silently lost.
 */
import { toAuditRecord } from "../report/json.js";
import { exitCodeFor, type Outcome } from "./outcome.js";
import type { RunInput, RunPorts } from "./ports.js";
import type { RunResult } from "./result.js";

export interface Ending {
  outcome: Outcome;
  message: string;
  hint?: string | undefined;
  input: RunInput;
  /** Only the clock and the audit sink: the unguarded fast path has no other port. */
  ports: Pick<RunPorts, "audit" | "now">;
  started: Date;
}

/** Sets the run's outcome, exit code and duration, and (for `run`) writes its audit record. */
export function finishRun(result: RunResult, ending: Ending): RunResult {
  const { outcome, message, hint, input, ports, started } = ending;
  result.outcome = outcome;
  result.exitCode = exitCodeFor(outcome, result.commandExitCode);
  result.message = message;
  if (hint !== undefined) result.hint = hint;
  result.durationMs = Math.max(0, ports.now().getTime() - started.getTime());
  if (input.mode === "run") recordAudit(result, input, ports);
  return result;
}

/** Writes the audit record; a record that cannot be written is never silently lost. */
function recordAudit(result: RunResult, input: RunInput, ports: Pick<RunPorts, "audit">): void {
  const context = {
    user: input.context.user,
    host: input.context.host,
    cwd: input.context.cwd,
    ci: input.context.ci,
  };
  try {
    ports.audit.append(toAuditRecord(result, context));
  } catch (error) {
    // A protected command that ran was checked for a writable log first; failing now is rare
    // and must not look like success. A refusal keeps its own exit code (nothing ran), and
    // elsewhere a warning keeps everyday commands usable. Either way the record is printed.
    const ran = result.commandExitCode !== null;
    if (ran && result.environment?.protected && result.outcome !== "internal-error") {
      const before = `${result.outcome}: ${result.message}`;
      result.outcome = "internal-error";
      result.exitCode = exitCodeFor("internal-error", result.commandExitCode);
      result.message = `the audit record could not be written (${(error as Error).message}); what happened: ${before}`;
      result.hint =
        "the record is printed above so that it is not lost; fix the audit log and keep this output";
    }
    result.auditFailure = {
      error: (error as Error).message,
      record: toAuditRecord(result, context),
    };
  }
}
