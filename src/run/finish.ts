/**
 * Ending a run: set the outcome and exit code, and write the audit record (for `run`, not
 * `plan`). A record that cannot be written is never silently lost.
 */
import { type AuditContext, recordTime, toAuditRecord } from "../report/json.js";
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
  settle(result, ending);
  result.durationMs = Math.max(0, ending.ports.now().getTime() - ending.started.getTime());
  if (ending.input.mode === "run") {
    const context = auditContext(ending.input);
    const record = toAuditRecord(result, context);
    recordAudit(result, () => ending.ports.audit.append(record), context);
  }
  return result;
}

/**
 * finishRun in two steps, for an ending known before the run ends: the unguarded run, whose
 * command most likely exits 0, builds its record while the command runs (and so off the time
 * a user waits), then `finish` stamps the duration and writes it. The record written is
 * the one finishRun would write: the duration and the time are the only fields that wait.
 */
export function prepareFinish(result: RunResult, ending: Ending): { finish: () => RunResult } {
  settle(result, ending);
  result.durationMs = 0;
  const context = auditContext(ending.input);
  const record = ending.input.mode === "run" ? toAuditRecord(result, context) : undefined;
  // The sink's own work before the lock (redacting, the log's folder) is done ahead too.
  const prepared = record && ending.ports.audit.prepare?.(record);
  return {
    finish: () => {
      result.durationMs = Math.max(0, ending.ports.now().getTime() - ending.started.getTime());
      if (record) {
        const late = { time: recordTime(result), durationMs: result.durationMs };
        const write = prepared
          ? () => prepared.append(late)
          : () => ending.ports.audit.append({ ...record, ...late });
        recordAudit(result, write, context);
      }
      return result;
    },
  };
}

function settle(result: RunResult, { outcome, message, hint }: Ending): void {
  result.outcome = outcome;
  result.exitCode = exitCodeFor(outcome, result.commandExitCode);
  result.message = message;
  if (hint !== undefined) result.hint = hint;
}

function auditContext(input: RunInput): AuditContext {
  return {
    user: input.context.user,
    host: input.context.host,
    cwd: input.context.cwd,
    ci: input.context.ci,
  };
}

/** Writes the audit record; a record that cannot be written is never silently lost. */
function recordAudit(result: RunResult, write: () => void, context: AuditContext): void {
  try {
    write();
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
