/**
 * `rollback: auto` and `rollback: prompt`: undo, entry by entry, exactly what should not have
 * changed — the entries the violations name — and keep what the policy allowed. Then snapshot
 * again and count it restored only when the state is the before-state with just the allowed
 * change applied. `prompt` asks first on a terminal; with no terminal it undoes nothing and
 * hands out the commands that would (a rollback nobody approved is a change nobody reviewed).
 */
import type { AwsClients } from "../aws/clients.js";
import { diffSnapshots, isEmptyDiff } from "../diff/diff.js";
import type { ChangedEntry, DiffEntry, Entry, Violation } from "../diff/types.js";
import type { StateSpec } from "../policy/types.js";
import { describeEntry } from "../report/entry-text.js";
import { stateKind } from "../state/registry.js";
import type { ProbeContext, StateKind, UndoPlan } from "../state/types.js";
import { canonicalJson } from "../util/canonical-json.js";
import type { Guard } from "./guards.js";
import type { ProcessRunner, Prompter } from "./ports.js";
import type { RollbackEntry } from "./result.js";
import { probeContext, type SnapshotSet, takeSnapshots } from "./snapshots.js";

export interface RestoreOutcome {
  attempted: boolean;
  succeeded: boolean | null;
  detail: string;
  /** For the final message when everything was restored. */
  summary?: string;
  entries: RollbackEntry[];
  commands: string[];
}

export interface RestoreOptions {
  runner: ProcessRunner;
  cwd: string;
  aws?: AwsClients;
  home?: string;
  progress: (message: string) => void;
  interactive: boolean;
  prompter: Prompter;
}

interface Job {
  guard: Guard;
  spec: StateSpec;
  kind: StateKind;
  context: ProbeContext;
  plan: UndoPlan;
  /** Entries (in `entries`) that this job's steps will report on, by key. */
  pending: Map<string, RollbackEntry>;
}

/** Restores the guards (all with `rule.restore`) whose verification failed. */
export async function restoreGuards(
  guards: readonly Guard[],
  violations: readonly Violation[],
  snapshots: { before: SnapshotSet; after: SnapshotSet },
  options: RestoreOptions,
): Promise<RestoreOutcome> {
  const entries: RollbackEntry[] = [];
  const problems: string[] = [];
  const jobs: Job[] = [];
  for (const guard of guards) {
    const own = violations.filter((v) => v.rule === guard.rule.id);
    if (own.some((v) => v.expectation === "state.unverified")) {
      problems.push(
        `rule ${guard.rule.id}: the after-state could not be read, so nothing was undone`,
      );
      continue;
    }
    for (const spec of guard.rule.state) {
      const job = planJob(guard, spec, own, snapshots, options, entries);
      if (!job) continue;
      if (!job.kind.restore) {
        for (const entry of job.pending.values())
          entry.action = "not done: preflight cannot undo changes to this state";
        problems.push(
          `rule ${guard.rule.id}: state '${spec.name}' cannot be restored automatically`,
        );
        continue;
      }
      jobs.push(job);
    }
  }

  const commands: string[] = [];
  for (const j of jobs)
    commands.push(...((await j.kind.undoCommands?.(j.spec, j.context, j.plan)) ?? []));
  const asking = jobs.filter((j) => j.guard.rule.restore === "prompt");
  if (asking.length > 0) {
    const refusal = await askFirst(asking, options);
    if (refusal) {
      for (const job of asking) {
        for (const entry of job.pending.values()) entry.action = `not done: ${refusal}`;
      }
      return {
        attempted: false,
        succeeded: null,
        detail: `nothing was undone: ${refusal}`,
        entries,
        commands,
      };
    }
  }

  for (const job of jobs) {
    options.progress(`rolling back (rule ${job.guard.rule.id}, state ${job.spec.name})`);
    const steps = await job.kind.restore!(job.spec, job.context, job.plan);
    for (const step of steps) {
      const entry = job.pending.get(keyText(job.spec, step.entry));
      if (!entry) continue;
      entry.action = step.ok
        ? step.done
        : `failed to be ${step.done}: ${step.problem ?? "unknown error"}`;
      entry.ok = step.ok;
      if (!step.ok) problems.push(`rule ${job.guard.rule.id}: ${entry.action}`);
    }
  }
  if (jobs.length === 0 && problems.length === 0) {
    return { attempted: false, succeeded: null, detail: "nothing to undo", entries, commands };
  }

  if (jobs.length > 0) {
    const again = await takeSnapshots([...new Set(jobs.map((j) => j.guard))], {
      runner: options.runner,
      cwd: options.cwd,
      readOnlyOnly: false,
      ...(options.aws && { aws: options.aws }),
      ...(options.home !== undefined && { home: options.home }),
    });
    for (const f of again.failures)
      problems.push(`snapshot '${f.name}' after rollback could not be taken (${f.problem})`);
    for (const job of jobs) {
      const now = again.snapshots.find(
        (s) => s.rule === job.guard.rule.id && s.state === job.spec.name,
      );
      const after = snapshots.after.snapshots.find(
        (s) => s.rule === job.guard.rule.id && s.state === job.spec.name,
      )!;
      if (!now) continue;
      const left = diffSnapshots({ ...after, entries: expectedAfterUndo(job, after.entries) }, now);
      if (!isEmptyDiff(left)) {
        problems.push(
          `rule ${job.guard.rule.id}: '${job.spec.name}' is not what it should be after the rollback (${left.added.length} extra, ${left.removed.length} missing, ${left.changed.length} different)`,
        );
      }
    }
  }
  const done = entries.filter((e) => e.ok && !e.action.startsWith("kept"));
  const ok = problems.length === 0;
  return {
    attempted: jobs.length > 0,
    succeeded: jobs.length > 0 ? ok : false,
    detail: ok
      ? `undone: ${done.length} ${done.length === 1 ? "entry" : "entries"} (${summarise(done)}); the state is the before-state plus only the change the policy allows`
      : problems.join("; "),
    ...(ok && {
      summary: `the rollback put back what should not have changed (${summarise(done)}); the change the policy allows stays`,
    }),
    entries,
    commands: ok ? [] : commands,
  };
}

/** What to undo in one state: the diff's entries that a violation names; the rest is kept. */
function planJob(
  guard: Guard,
  spec: StateSpec,
  violations: readonly Violation[],
  snapshots: { before: SnapshotSet; after: SnapshotSet },
  options: RestoreOptions,
  entries: RollbackEntry[],
): Job | undefined {
  const find = (set: SnapshotSet) =>
    set.snapshots.find((s) => s.rule === guard.rule.id && s.state === spec.name);
  const before = find(snapshots.before);
  const after = find(snapshots.after);
  if (!before || !after) return undefined;
  const diff = diffSnapshots(before, after);
  const wrong = new Set(
    violations.flatMap((v) =>
      v.entries.filter((e) => e.state === spec.name).map((e) => canonicalJson(e.key)),
    ),
  );
  const isWrong = (e: DiffEntry | ChangedEntry) => wrong.has(canonicalJson(e.key));
  const plan: UndoPlan = {
    restore: diff.removed.filter(isWrong).map((e) => e.entry),
    remove: diff.added.filter(isWrong).map((e) => e.entry),
    revert: diff.changed.filter(isWrong).map((e) => ({ before: e.before, after: e.after })),
  };
  const pending = new Map<string, RollbackEntry>();
  const record = (change: RollbackEntry["change"], entry: Entry, undo: boolean) => {
    const row: RollbackEntry = {
      rule: guard.rule.id,
      state: spec.name,
      change,
      entry,
      action: undo ? "not done" : "kept: allowed by the policy",
      ok: !undo,
    };
    entries.push(row);
    if (undo) pending.set(keyText(spec, entry), row);
  };
  for (const e of diff.removed) record("removed", e.entry, isWrong(e));
  for (const e of diff.added) record("added", e.entry, isWrong(e));
  for (const e of diff.changed) record("changed", e.before, isWrong(e));
  if (pending.size === 0) return undefined;
  return {
    guard,
    spec,
    kind: stateKind(spec),
    plan,
    pending,
    context: probeContext(guard, options),
  };
}

/** The after-state with the plan carried out: wrong additions gone, wrong removals and changes put back. */
function expectedAfterUndo(job: Job, after: readonly Entry[]): Entry[] {
  const key = (e: Entry) => keyText(job.spec, e);
  const removing = new Set(job.plan.remove.map(key));
  const reverting = new Map(job.plan.revert.map((r) => [key(r.after), r.before]));
  return [
    ...after.filter((e) => !removing.has(key(e))).map((e) => reverting.get(key(e)) ?? e),
    ...job.plan.restore,
  ];
}

/** `rollback: prompt`: undefined when the operator said yes, else why nothing will be undone. */
async function askFirst(
  jobs: readonly Job[],
  options: RestoreOptions,
): Promise<string | undefined> {
  if (!options.interactive || !options.prompter.confirmRollback) {
    return "the rule says to ask before rolling back (rollback: prompt), and there is no terminal to ask on; the commands that would undo it are in the audit record";
  }
  const rows = jobs.flatMap((j) =>
    [...j.pending.values()].map((e) => `  ${UNDO_VERB[e.change]} ${describeEntry(e.entry)}`),
  );
  const yes = await options.prompter.confirmRollback(
    `These ${rows.length === 1 ? "change" : `${rows.length} changes`} should not have happened:\n${rows.join("\n")}\nUndo ${rows.length === 1 ? "it" : "them"} now?`,
  );
  return yes ? undefined : "the operator declined the rollback";
}

const UNDO_VERB: Record<RollbackEntry["change"], string> = {
  removed: "put back:",
  added: "take away:",
  changed: "change back:",
};

function keyText(spec: StateSpec, entry: Entry): string {
  return canonicalJson(spec.key.length === 0 ? entry : spec.key.map((f) => entry[f] ?? null));
}

function summarise(done: readonly RollbackEntry[]): string {
  const counts = new Map<string, number>();
  for (const e of done) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  return [...counts].map(([action, n]) => `${n} ${action}`).join(", ") || "nothing";
}
