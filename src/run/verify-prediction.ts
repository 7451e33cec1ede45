/**
 * `expect.predicted`: after the command, the actual change must equal (`exact`) or stay within
 * (`subset`) what was predicted before it ran. Entries are compared by identity (the state's
 * key), so a grant that came back with a name or a description preflight did not know still
 * counts as the predicted one. A command that failed may have done less than predicted, so
 * then `exact` only requires that nothing beyond the prediction changed.
 */
import { diffSnapshots } from "../diff/diff.js";
import type { ChangedEntry, DiffEntry, Entry, Violation } from "../diff/types.js";
import type { Expectations } from "../policy/types.js";
import { canonicalJson } from "../util/canonical-json.js";
import type { Guard } from "./guards.js";
import { type GuardPrediction, predictedDiff } from "./predictions.js";
import type { SnapshotSet } from "./snapshots.js";

export function verifyPredictions(input: {
  guards: readonly Guard[];
  expectations: ReadonlyMap<Guard, Expectations>;
  predictions: readonly GuardPrediction[];
  before: SnapshotSet;
  after: SnapshotSet;
  commandSucceeded: boolean;
}): Violation[] {
  const violations: Violation[] = [];
  for (const guard of input.guards) {
    const mode = input.expectations.get(guard)?.predicted;
    if (!mode) continue;
    const own = input.predictions.filter(
      (p) => p.guard === guard && p.prediction.kind === "predicted",
    );
    if (own.length === 0) continue;
    const predicted = predictedDiff(input.predictions, guard);
    const outside: (DiffEntry | ChangedEntry)[] = [];
    const missing: DiffEntry[] = [];
    for (const { spec } of own) {
      const find = (set: SnapshotSet) =>
        set.snapshots.find((s) => s.rule === guard.rule.id && s.state === spec.name);
      const b = find(input.before);
      const a = find(input.after);
      if (!b || !a) continue; // an after-snapshot that failed is already "state.unverified"
      const actual = diffSnapshots(b, a);
      const id = (e: Entry) => canonicalJson(spec.key.map((f) => e[f] ?? null));
      const ids = (entries: readonly DiffEntry[]) =>
        new Set(entries.filter((e) => e.state === spec.name).map((e) => id(e.entry)));
      const willGo = ids(predicted.removed);
      const willCome = ids(predicted.added);
      outside.push(
        ...actual.removed.filter((e) => !willGo.has(id(e.entry))),
        ...actual.added.filter((e) => !willCome.has(id(e.entry))),
        ...actual.changed,
      );
      if (mode === "exact" && input.commandSucceeded) {
        const gone = new Set(actual.removed.map((e) => id(e.entry)));
        const came = new Set(actual.added.map((e) => id(e.entry)));
        missing.push(
          ...predicted.removed.filter((e) => e.state === spec.name && !gone.has(id(e.entry))),
          ...predicted.added.filter((e) => e.state === spec.name && !came.has(id(e.entry))),
        );
      }
    }
    if (outside.length > 0) {
      violations.push({
        expectation: `predicted.${mode}`,
        message: `the command changed ${count(outside.length)} that the prediction did not include`,
        entries: outside,
        rule: guard.rule.id,
      });
    }
    if (missing.length > 0) {
      violations.push({
        expectation: "predicted.exact",
        message: `${count(missing.length)} predicted to change did not`,
        entries: missing,
        rule: guard.rule.id,
      });
    }
  }
  return violations;
}

function count(n: number): string {
  return `${n} ${n === 1 ? "entry" : "entries"}`;
}
