/**
 * The result of a run that a signal stopped before its command started (Ctrl-C during a slow
 * check, SIGTERM from a CI runner): everything the run had found so far — rules, environment,
 * decision, plan — with the outcome `interrupted` and the shell's 128+N exit code.
 */
import { constants } from "node:os";
import type { RunResult } from "./result.js";

const SIGNAL_WORDS: Record<string, string> = { SIGINT: "Ctrl-C (SIGINT)" };

export function interruptedResult(
  base: RunResult,
  stop: { signal: NodeJS.Signals; during: string; now: Date },
): RunResult {
  const result: RunResult = structuredClone(base);
  const number = constants.signals[stop.signal] ?? 2;
  result.outcome = "interrupted";
  result.exitCode = 128 + number;
  result.commandExitCode = null;
  result.interruption = { signal: stop.signal, during: stop.during };
  result.message = `preflight was stopped by ${SIGNAL_WORDS[stop.signal] ?? stop.signal} while ${stop.during}; the command did not run`;
  result.hint = "nothing was changed by it; run it again when you are ready";
  result.durationMs = Math.max(0, stop.now.getTime() - Date.parse(result.startedAt));
  delete result.auditFailure;
  return result;
}
