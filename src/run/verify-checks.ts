/**
 * A rule's `verify` checks, run once the command has run: a check that fails then is a
 * violation ("verify"), exactly like an expectation the after-state broke, so it leads to a
 * rollback and exit 70/69. A warn is recorded and shown, and is not a violation.
 */
import type { Violation } from "../diff/types.js";
import { runChecks } from "./checks.js";
import type { Guard } from "./guards.js";
import type { AnnounceStep, ProcessRunner } from "./ports.js";
import type { CheckResult } from "./result.js";

export async function runVerifyChecks(
  guards: readonly Guard[],
  options: { runner: ProcessRunner; cwd: string; now: () => Date; step?: AnnounceStep },
): Promise<{ results: CheckResult[]; violations: Violation[]; failedGuards: Guard[] }> {
  const results = await runChecks(guards, { ...options, readOnlyOnly: false, phase: "after" });
  const failed = results.filter((r) => r.status === "fail");
  return {
    results,
    violations: failed.map((r) => ({
      expectation: "verify",
      message: `check '${r.name}' failed after the command: ${r.detail}`,
      entries: [],
      rule: r.rule,
    })),
    failedGuards: guards.filter((g) => failed.some((r) => r.rule === g.rule.id)),
  };
}
