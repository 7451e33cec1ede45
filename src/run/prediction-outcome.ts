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
