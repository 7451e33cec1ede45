/** Taking the state probes' snapshots for a set of guards, before or after the command. */
import type { AwsClients } from "../aws/clients.js";
import type { Snapshot } from "../diff/types.js";
import { stateKind } from "../state/registry.js";
import { ProbeError } from "../state/types.js";
import type { Guard } from "./guards.js";
import type { AnnounceStep, ProcessRunner } from "./ports.js";

export interface ProbeFailure {
  name: string;
  rule: string;
  problem: string;
}

export interface SnapshotSet {
  snapshots: Snapshot[];
  failures: ProbeFailure[];
  /** Probes plan left alone because the policy does not mark them read-only. */
  skipped: { name: string; rule: string }[];
}

/** What a state kind sees of a guard: the command's argv, variables and AWS access. */
export function probeContext(
  guard: Guard,
  options: { runner: ProcessRunner; cwd: string; aws?: AwsClients; home?: string },
) {
  return {
    runner: options.runner,
    lookup: guard.lookup,
    env: guard.vars,
    cwd: options.cwd,
    argv: guard.argv,
    ...(options.aws && { aws: options.aws }),
    ...(options.home !== undefined && { home: options.home }),
  };
}

/** Takes every guard's state probes; failures are collected, not thrown. */
export async function takeSnapshots(
  guards: readonly Guard[],
  options: {
    runner: ProcessRunner;
    cwd: string;
    readOnlyOnly: boolean;
    aws?: AwsClients;
    home?: string;
    /** Shows each probe as it runs (the terminal's progress line). */
    step?: AnnounceStep;
    /** "before" or "after", in the progress line. */
    when?: string;
  },
): Promise<SnapshotSet> {
  const result: SnapshotSet = { snapshots: [], failures: [], skipped: [] };
  for (const guard of guards) {
    for (const spec of guard.rule.state) {
      const id = { name: spec.name, rule: guard.rule.id };
      if (options.readOnlyOnly && !spec.readOnly) {
        result.skipped.push(id);
        continue;
      }
      const done = options.step?.(
        `${options.when ?? ""}${options.when ? " " : ""}snapshot '${spec.name}'`,
        spec.timeoutMs,
      );
      try {
        const entries = await stateKind(spec)
          .snapshot(spec, probeContext(guard, options))
          .finally(done);
        result.snapshots.push({ state: spec.name, rule: guard.rule.id, key: spec.key, entries });
      } catch (error) {
        const problem =
          error instanceof ProbeError || error instanceof Error ? error.message : String(error);
        result.failures.push({ ...id, problem });
      }
    }
  }
  return result;
}
