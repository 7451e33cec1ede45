/**
 * A blank result: nothing evaluated, nothing run. What a run that ended before the lifecycle
 * could start (an invalid policy, a usage error) reports, and what the lifecycle starts from.
 */
import { emptyDiff } from "../diff/types.js";
import { isoTime } from "../util/iso-time.js";
import { exitCodeFor, type Outcome } from "./outcome.js";
import type { RunResult } from "./result.js";

export function earlyResult(input: {
  mode: "run" | "plan";
  argv: string[];
  outcome: Outcome;
  message: string;
  hint?: string;
  reason?: string;
  startedAt: Date;
  durationMs: number;
}): RunResult {
  return {
    mode: input.mode,
    outcome: input.outcome,
    exitCode: exitCodeFor(input.outcome, null),
    commandExitCode: null,
    command: [...input.argv],
    normalised: [],
    rules: [],
    decision: "none",
    environment: null,
    checks: [],
    probes: [],
    expected: [],
    predicted: null,
    diff: emptyDiff(),
    violations: [],
    confirmation: { required: false, given: false, method: "none" },
    rollback: { attempted: false, succeeded: null },
    reason: input.reason?.trim() || null,
    message: input.message,
    ...(input.hint !== undefined && { hint: input.hint }),
    policy: null,
    startedAt: isoTime(input.startedAt.getTime()),
    durationMs: input.durationMs,
  };
}
