/**
 * The predicted change: after the before-snapshot and before anything runs, each state kind
 * that understands the command says what it will change. The prediction goes into the plan
 * and the report, and is checked against the rule's expectations at once — a revoke that
 * would take out a grant the policy protects is blocked before it runs, not rolled back after.
 */
import type { AwsClients } from "../aws/clients.js";
import { mergeDiffs } from "../diff/diff.js";
import { verifyExpectations } from "../diff/expect.js";
import type { DiffEntry, Entry, StateDiff, Violation } from "../diff/types.js";
import type { Expectations, StateSpec } from "../policy/types.js";
import { stateKind } from "../state/registry.js";
import type { StatePrediction } from "../state/types.js";
import type { Guard } from "./guards.js";
import type { ProcessRunner } from "./ports.js";
import type { PredictedReport } from "./result.js";
import type { SnapshotSet } from "./snapshots.js";
import { probeContext } from "./snapshots.js";

export interface GuardPrediction {
  guard: Guard;
  spec: StateSpec;
  prediction: StatePrediction;
}

/** Asks every guard's state kinds for a prediction; a kind that throws makes it unpredictable. */
export async function predictChanges(
  guards: readonly Guard[],
  before: SnapshotSet,
  options: { runner: ProcessRunner; cwd: string; aws?: AwsClients; home?: string },
): Promise<GuardPrediction[]> {
  const predictions: GuardPrediction[] = [];
  for (const guard of guards) {
    for (const spec of guard.rule.state) {
      const kind = stateKind(spec);
      const snapshot = before.snapshots.find(
        (s) => s.rule === guard.rule.id && s.state === spec.name,
      );
      if (!kind.predict || !snapshot) continue;
      let prediction: StatePrediction | undefined;
      try {
        prediction = await kind.predict(spec, probeContext(guard, options), snapshot.entries);
      } catch (error) {
        prediction = { kind: "unpredictable", problem: (error as Error).message };
      }
      if (prediction) predictions.push({ guard, spec, prediction });
    }
  }
  return predictions;
}

/** The diff a guard's predictions add up to (nothing for a dry run or a call AWS refuses). */
export function predictedDiff(predictions: readonly GuardPrediction[], guard: Guard): StateDiff {
  return mergeDiffs(
    predictions
      .filter((p) => p.guard === guard && p.prediction.kind === "predicted")
      .map(({ spec, prediction }) => {
        const p = prediction as Extract<StatePrediction, { kind: "predicted" }>;
        if (p.noChange) return { added: [], removed: [], changed: [] };
        return {
          removed: p.removed.map((e) => diffEntry(spec, e)),
          added: p.added.map((e) => diffEntry(spec, e)),
          changed: [],
        };
      }),
  );
}

/**
 * The rule's expectations applied to the predicted change. Any violation blocks the run; so
 * does a command preflight cannot predict when the rule demands a prediction.
 */
export function predictedViolations(
  predictions: readonly GuardPrediction[],
  expectations: ReadonlyMap<Guard, Expectations>,
): Violation[] {
  const violations: Violation[] = [];
  for (const [guard, expect] of expectations) {
    const own = predictions.filter((p) => p.guard === guard);
    if (own.length === 0) continue;
    for (const v of verifyExpectations(predictedDiff(predictions, guard), expect, guard.rule.id)) {
      violations.push({ ...v, message: wouldBe(v.message), predicted: true });
    }
    if (!expect.predicted) continue;
    for (const { spec, prediction } of own) {
      if (prediction.kind !== "unpredictable") continue;
      violations.push({
        expectation: `predicted.${expect.predicted}`,
        message: `the rule needs the change to '${spec.name}' predicted, but preflight cannot predict this command: ${prediction.problem}`,
        entries: [],
        rule: guard.rule.id,
        predicted: true,
      });
    }
  }
  return violations;
}

/** The report's `predicted` field: null when nothing was predicted. */
export function predictionReport(predictions: readonly GuardPrediction[]): PredictedReport | null {
  if (predictions.length === 0) return null;
  return {
    changes: predictions.flatMap(({ guard, spec, prediction }) =>
      prediction.kind === "predicted"
        ? [
            {
              rule: guard.rule.id,
              state: spec.name,
              command: prediction.summary,
              removed: prediction.removed,
              added: prediction.added,
              unmatched: prediction.unmatched,
              notes: prediction.notes,
              noChange: prediction.noChange,
              ...(prediction.noun && { noun: prediction.noun }),
            },
          ]
        : [],
    ),
    unpredictable: predictions.flatMap(({ guard, spec, prediction }) =>
      prediction.kind === "unpredictable"
        ? [{ rule: guard.rule.id, state: spec.name, problem: prediction.problem }]
        : [],
    ),
  };
}

function diffEntry(spec: StateSpec, entry: Entry): DiffEntry {
  const key =
    spec.key.length === 0 ? entry : Object.fromEntries(spec.key.map((f) => [f, entry[f] ?? null]));
  return { state: spec.name, key, entry };
}

/** "…, but 1 entry was" → "…, but 1 entry would be": the last was/were is the change itself. */
function wouldBe(message: string): string {
  return message.replace(/\b(was|were)\b(?!.*\b(was|were)\b)/, "would be");
}
