/** The result of running a list of checks on their own (`preflight check`, a procedure step), as data. */
import { worst } from "./expect-output.js";
import type { CheckReport } from "./run-checks.js";
import type { CheckStatus } from "./types.js";

export interface CheckRunSummary {
  outcome: CheckStatus;
  /** 0 pass (or warn), 1 warn with failOnWarn, 67 fail (the guarded run's check-failed). */
  exitCode: number;
  checks: CheckReport[];
}

export const CHECK_FAILED_EXIT = 67;
export const CHECK_WARNED_EXIT = 1;

export function summariseChecks(
  checks: readonly CheckReport[],
  options: { failOnWarn: boolean },
): CheckRunSummary {
  const outcome = worst(checks.map((c) => c.status));
  const exitCode =
    outcome === "fail"
      ? CHECK_FAILED_EXIT
      : outcome === "warn" && options.failOnWarn
        ? CHECK_WARNED_EXIT
        : 0;
  return { outcome, exitCode, checks: [...checks] };
}
