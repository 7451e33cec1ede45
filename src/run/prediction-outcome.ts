/** Small pieces of the guarded run's ending: violations in one sentence, and two rollback results as one. */
import type { Violation } from "../diff/types.js";
import { describeEntry } from "../report/entry-text.js";
import type { RestoreOutcome } from "./restore.js";
import type { RollbackResult } from "./rollback.js";

/** "removed.never (rule r): … — ingress icmp (all types) from sg-2 (db-peers) on db (sg-1)". */
export function describeViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => {
      const entries = v.entries.map((e) => describeEntry("entry" in e ? e.entry : e.before));
      return `${v.expectation}${v.rule ? ` (rule ${v.rule})` : ""}: ${v.message}${entries.length > 0 ? ` — ${entries.join("; ")}` : ""}`;
    })
    .join("; ");
}

/** Why a run was refused over its prediction, and what to do: a predicted violation, or no prediction where the rule needs one. */
export function blockedByPrediction(violations: readonly Violation[]): {
  message: string;
  hint: string;
} {
  if (violations.every((v) => v.expectation.startsWith("predicted.") && v.entries.length === 0)) {
    return {
      message: `preflight cannot predict what this command will change, and the policy requires a prediction, so nothing was run: ${describeViolations(violations)}`,
      hint: "write the command in a form preflight reads (--protocol/--port/--cidr/--source-group, or --ip-permissions as JSON or shorthand), or change the policy through review",
    };
  }
  return {
    message: `the predicted change breaks the policy, so nothing was run: ${describeViolations(violations)}`,
    hint: "change only what the policy allows (for a security group, revoke just the one grant, e.g. --source-group or one IpPermission with one source), or change the policy through review",
  };
}

export type MergedRollback = RollbackResult &
  Partial<Pick<RestoreOutcome, "summary" | "entries" | "commands">>;

/** The rule-command rollback and the entry-by-entry restore, as the report's one `rollback`. */
export function mergeRollbacks(
  byCommand: RollbackResult | undefined,
  byEntry: RestoreOutcome | undefined,
): MergedRollback {
  const parts = [byCommand, byEntry].filter((p) => p !== undefined);
  if (parts.length === 1) return parts[0]!;
  const attempted = parts.some((p) => p.attempted);
  return {
    attempted,
    succeeded: attempted ? parts.every((p) => p.succeeded === true) : null,
    detail: parts
      .map((p) => p.detail)
      .filter((d) => d !== undefined && d !== "")
      .join("; "),
    ...(byEntry && { entries: byEntry.entries, commands: byEntry.commands }),
  };
}
