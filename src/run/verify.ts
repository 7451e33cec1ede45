/**
 * After the command: diff each guard's before- and after-snapshots and verify them against
 * its rule's expectations. A probe that could not be taken afterwards is a violation
 * ("unverified"), never a silent success.
 */
import { diffSnapshots, mergeDiffs } from "../diff/diff.js";
import { verifyExpectations } from "../diff/expect.js";
import type { Snapshot, StateDiff, Violation } from "../diff/types.js";
import type { Expectations } from "../policy/types.js";
import type { Guard } from "./guards.js";
import type { SnapshotSet } from "./snapshots.js";

export interface Verification {
  diff: StateDiff;
  violations: Violation[];
  /** Guards whose expectations failed. */
  failedGuards: Guard[];
}

/** Diffs each guard's snapshots and checks them against its filled expectations. */
export function verifyGuards(
  guards: readonly Guard[],
  expectations: ReadonlyMap<Guard, Expectations>,
  before: SnapshotSet,
  after: SnapshotSet,
): Verification {
  const diffs: StateDiff[] = [];
  const violations: Violation[] = [];
  const failedGuards: Guard[] = [];
  for (const guard of guards) {
    const own = guardDiff(guard, before.snapshots, after.snapshots);
    diffs.push(own);
    const found: Violation[] = after.failures
      .filter((f) => f.rule === guard.rule.id)
      .map((f) => ({
        expectation: "state.unverified",
        message: `the after-snapshot '${f.name}' could not be taken (${f.problem}): the change is unverified`,
        entries: [],
        rule: guard.rule.id,
      }));
    const expect = expectations.get(guard);
    if (expect) {
      found.push(...verifyExpectations(own, expect, guard.rule.id));
    }
    if (found.length > 0) failedGuards.push(guard);
    violations.push(...found);
  }
  return { diff: mergeDiffs(diffs), violations, failedGuards };
}

/** The diff of one guard's probes. */
export function guardDiff(
  guard: Guard,
  before: readonly Snapshot[],
  after: readonly Snapshot[],
): StateDiff {
  const diffs: StateDiff[] = [];
  for (const spec of guard.rule.state) {
    const b = before.find((s) => s.rule === guard.rule.id && s.state === spec.name);
    const a = after.find((s) => s.rule === guard.rule.id && s.state === spec.name);
    if (b && a) diffs.push(diffSnapshots(b, a));
  }
  return mergeDiffs(diffs);
}
