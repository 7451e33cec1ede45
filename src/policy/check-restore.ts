/**
 * `expect.predicted` and `rollback: auto|prompt` need a state kind that can predict and undo
 * (today: aws-ec2-security-groups). Without one they would silently do nothing, so that is an
 * error at load time rather than a guard that never fires.
 */
import type { Rule, SourceRef } from "./types.js";

type Report = (at: SourceRef, message: string, hint?: string) => void;

const UNDOABLE_KINDS = new Set(["aws-ec2-security-groups"]);

export function checkPredictionAndRestore(rule: Rule, report: Report): void {
  const undoable = rule.state.some((s) => UNDOABLE_KINDS.has(s.kind));
  if (rule.restore && !undoable) {
    report(
      rule.source,
      `rule '${rule.id}': rollback: ${rule.restore} needs a state preflight can restore (aws-ec2-security-groups)`,
      "add such a state, or give rollback: { run: [...] } with a command that restores",
    );
  }
  if (rule.expect?.predicted && !undoable) {
    report(
      rule.expect.source,
      `rule '${rule.id}': expect.predicted needs a state preflight can predict (aws-ec2-security-groups)`,
      "add such a state, or remove predicted:",
    );
  }
}
