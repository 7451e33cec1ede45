/**
 * When verification failed and the rule says how to undo: run its rollback, take the
 * snapshots again, and count it restored only when they equal the before-state.
 */
import type { AwsClients } from "../aws/clients.js";
import { fillRunSpec } from "../command/fill-spec.js";
import { isEmptyDiff } from "../diff/diff.js";
import type { Guard } from "./guards.js";
import type { ProcessRunner } from "./ports.js";
import { type SnapshotSet, takeSnapshots } from "./snapshots.js";
import { guardDiff } from "./verify.js";

export interface RollbackResult {
  attempted: boolean;
  succeeded: boolean | null;
  detail?: string;
}

/** Runs the failed guards' rollbacks and proves, by snapshotting again, whether they restored the state. */
export async function rollBack(
  failedGuards: readonly Guard[],
  before: SnapshotSet,
  options: {
    runner: ProcessRunner;
    cwd: string;
    progress: (message: string) => void;
    aws?: AwsClients;
    home?: string;
  },
): Promise<RollbackResult> {
  const withRollback = failedGuards.filter((g) => g.rule.rollback);
  if (withRollback.length === 0) return { attempted: false, succeeded: null };
  if (withRollback.length < failedGuards.length) {
    const missing = failedGuards.filter((g) => !g.rule.rollback).map((g) => g.rule.id);
    options.progress(`no rollback defined for ${missing.join(", ")}; rolling back the rest`);
  }

  const problems: string[] = [];
  for (const guard of withRollback) {
    const rollback = guard.rule.rollback!;
    options.progress(`rolling back (rule ${guard.rule.id})`);
    let output: Awaited<ReturnType<ProcessRunner["capture"]>>;
    try {
      output = await options.runner.capture(fillRunSpec(rollback.run, guard.lookup), {
        timeoutMs: rollback.timeoutMs,
        env: guard.vars,
        cwd: options.cwd,
      });
    } catch (error) {
      problems.push(
        `rule ${guard.rule.id}: rollback could not start (${(error as Error).message})`,
      );
      continue;
    }
    if (output.exitCode !== 0) {
      problems.push(
        `rule ${guard.rule.id}: rollback ${output.failure ?? `exited ${output.exitCode}`}`,
      );
    }
  }

  const again = await takeSnapshots(failedGuards, { ...options, readOnlyOnly: false });
  for (const f of again.failures)
    problems.push(`snapshot '${f.name}' after rollback could not be taken (${f.problem})`);
  for (const guard of failedGuards) {
    const left = guardDiff(guard, before.snapshots, again.snapshots);
    if (!isEmptyDiff(left)) {
      problems.push(
        `rule ${guard.rule.id}: state still differs from before (${left.added.length} added, ${left.removed.length} removed, ${left.changed.length} changed)`,
      );
    }
  }
  return {
    attempted: true,
    succeeded: problems.length === 0,
    detail:
      problems.length === 0 ? "the state equals the before-snapshot again" : problems.join("; "),
  };
}
