/**
 * The guarded part of a run, loaded only when a rule matched: pre-checks, the
 * before-snapshot, the plan, confirmation, execution, the after-snapshot, verification and
 * rollback. A command no rule matches never loads this module.
 */
import { checkKind } from "../checks/registry.js";
import { describeExpectations } from "../diff/describe.js";
import type { Selector } from "../policy/types.js";
import { obtainConfirmation } from "./confirm.js";
import type { Evaluation } from "./evaluate.js";
import { finishRun } from "./finish.js";
import { type Guard, guardsOf } from "./guards.js";
import type { RunInput } from "./lifecycle.js";
import { describeExit } from "./lifecycle.js";
import type { Outcome } from "./outcome.js";
import type { RunPorts } from "./ports.js";
import type { CheckResult, RunResult } from "./result.js";
import { rollBack } from "./rollback.js";
import { type SnapshotSet, takeSnapshots } from "./snapshots.js";
import { fillSelector, verifyGuards } from "./verify.js";

export async function runGuarded(
  result: RunResult,
  evaluation: Evaluation,
  input: RunInput,
  ports: RunPorts,
  started: Date,
): Promise<RunResult> {
  const finish = (outcome: Outcome, message: string, hint?: string) =>
    finishRun(result, outcome, message, hint, input, ports, started);
  const guards = guardsOf(evaluation, input.context.env);
  result.expected = guards.flatMap((g) =>
    g.rule.expect ? [{ rule: g.rule.id, text: safeDescribe(g) }] : [],
  );
  const readOnlyOnly = input.mode === "plan";

  if (guards.some((g) => g.rule.checks.length > 0)) ports.presenter.progress("running checks");
  result.checks = await runChecks(guards, input, ports, readOnlyOnly);
  const failed = result.checks.filter((c) => c.status === "fail");

  let before: SnapshotSet | undefined;
  if (failed.length === 0) {
    if (guards.some((g) => g.rule.state.length > 0))
      ports.presenter.progress("taking the before-snapshot");
    before = await takeSnapshots(guards, {
      runner: ports.runner,
      cwd: input.context.cwd,
      readOnlyOnly,
    });
    result.probes = [
      ...before.snapshots.map((s) => ({ name: s.state, rule: s.rule, before: s.entries.length })),
      ...before.failures.map((f) => ({ name: f.name, rule: f.rule, problem: f.problem })),
      ...before.skipped.map((s) => ({
        ...s,
        problem: "not run by plan: the policy does not mark it read-only",
      })),
    ];
  }

  await ports.presenter.showPlan(result);

  if (failed.length > 0) {
    return finish(
      "check-failed",
      `${failed.length === 1 ? "a pre-check failed" : `${failed.length} pre-checks failed`}: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}; nothing was run`,
      "fix what the check reports, then run the command again",
    );
  }
  if (before && before.failures.length > 0) {
    return finish(
      "internal-error",
      `the before-snapshot could not be taken: ${before.failures.map((f) => `${f.name}: ${f.problem}`).join("; ")}; nothing was run`,
      "without a before-snapshot the change cannot be verified; fix the probe (or its access) and run again",
    );
  }

  const confirmation = await obtainConfirmation({
    needed: evaluation.decision === "confirm",
    requireReason: evaluation.requireReason && input.mode === "run",
    reasonRuleIds: evaluation.rules.filter((r) => r.requireReason).map((r) => r.id),
    environment: evaluation.environment!,
    ...(input.options.confirm !== undefined && { confirmFlag: input.options.confirm }),
    ...(input.options.reason !== undefined && { reason: input.options.reason }),
    // plan never prompts: it reports what run would need.
    interactive: input.context.interactive && input.mode === "run",
    prompter: ports.prompter,
  });
  result.reason = confirmation.reason;
  result.confirmation.method = confirmation.method;
  if (!confirmation.ok) {
    return finish("confirmation-required", confirmation.message, confirmation.hint);
  }
  result.confirmation.given = result.confirmation.required;

  if (input.mode === "plan") {
    return finish(
      "ok",
      `preflight would run this${result.confirmation.required ? " (confirmed)" : ""}`,
    );
  }

  if (evaluation.environment?.protected) {
    try {
      ports.audit.ensureWritable();
    } catch (error) {
      return finish(
        "internal-error",
        `the audit log cannot be written (${(error as Error).message}), so this protected run was not started`,
        "fix the audit log's folder or permissions, or point --audit-log / PREFLIGHT_AUDIT_LOG at a writable file",
      );
    }
  }
  return executeGuarded(result, guards, before!, input, ports, started);
}

async function executeGuarded(
  result: RunResult,
  guards: Guard[],
  before: SnapshotSet,
  input: RunInput,
  ports: RunPorts,
  started: Date,
): Promise<RunResult> {
  const exit = await ports.runner.runInherited(input.argv, { cwd: input.context.cwd });
  result.commandExitCode = exit.exitCode;
  const commandNote = describeExit(exit);

  if (guards.every((g) => g.rule.state.length === 0)) {
    const outcome: Outcome = exit.exitCode === 0 ? "ok" : "command-failed";
    return finishRun(result, outcome, commandNote, undefined, input, ports, started);
  }

  ports.presenter.progress("taking the after-snapshot");
  const after = await takeSnapshots(guards, {
    runner: ports.runner,
    cwd: input.context.cwd,
    readOnlyOnly: false,
  });
  for (const probe of result.probes) {
    const snapshot = after.snapshots.find((s) => s.rule === probe.rule && s.state === probe.name);
    if (snapshot) probe.after = snapshot.entries.length;
    const failure = after.failures.find((f) => f.rule === probe.rule && f.name === probe.name);
    if (failure) probe.problem = `after: ${failure.problem}`;
  }
  const verification = verifyGuards(guards, before, after);
  result.diff = verification.diff;
  result.violations = verification.violations;
  result.snapshots = { before: before.snapshots, after: after.snapshots };

  if (verification.violations.length === 0) {
    const outcome: Outcome = exit.exitCode === 0 ? "ok" : "command-failed";
    const verified = "the after-state satisfies the policy";
    return finishRun(
      result,
      outcome,
      `${commandNote}; ${verified}`,
      undefined,
      input,
      ports,
      started,
    );
  }

  const rollback = await rollBack(verification.failedGuards, before, {
    runner: ports.runner,
    cwd: input.context.cwd,
    progress: ports.presenter.progress,
  });
  result.rollback = {
    attempted: rollback.attempted,
    succeeded: rollback.succeeded,
    ...(rollback.detail !== undefined && { detail: rollback.detail }),
  };
  const count = verification.violations.length;
  const what = `${commandNote}; the after-state broke the policy (${count} violation${count === 1 ? "" : "s"}: ${verification.violations.map((v) => v.expectation).join(", ")})`;
  if (rollback.succeeded) {
    return finishRun(
      result,
      "verification-failed-restored",
      `${what}; the rollback restored the before-state`,
      "find out why the command changed more than expected before running it again",
      input,
      ports,
      started,
    );
  }
  return finishRun(
    result,
    "verification-failed",
    rollback.attempted
      ? `${what}; the rollback did not restore it (${rollback.detail})`
      : `${what}; nothing was rolled back`,
    "restore the entries listed in the report by hand; the report and the audit log list exactly what changed",
    input,
    ports,
    started,
  );
}

async function runChecks(
  guards: Guard[],
  input: RunInput,
  ports: RunPorts,
  readOnlyOnly: boolean,
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const guard of guards) {
    for (const spec of guard.rule.checks) {
      if (readOnlyOnly && !spec.readOnly) {
        results.push({
          name: spec.name,
          rule: guard.rule.id,
          status: "skipped",
          detail: "not run by plan: not marked read-only",
        });
        continue;
      }
      try {
        const outcome = await checkKind(spec).run(spec, {
          runner: ports.runner,
          lookup: guard.lookup,
          env: guard.vars,
          cwd: input.context.cwd,
        });
        results.push({ name: spec.name, rule: guard.rule.id, ...outcome });
      } catch (error) {
        results.push({
          name: spec.name,
          rule: guard.rule.id,
          status: "fail",
          detail: `could not run: ${(error as Error).message}`,
        });
      }
    }
  }
  return results;
}

function safeDescribe(guard: Guard): string {
  try {
    return describeExpectations(guard.rule.expect!, (s: Selector) => fillSelector(s, guard));
  } catch (error) {
    return `cannot describe: ${(error as Error).message}`;
  }
}
