/**
 * The guarded part of a run, loaded only when a rule matched: pre-checks, the
 * before-snapshot, the plan, confirmation, execution, the after-snapshot, verification and
 * rollback. A command no rule matches never loads this module.
 */
import { TemplateError } from "../command/template.js";
import { describeExpectations } from "../diff/describe.js";
import type { Expectations } from "../policy/types.js";
import { runChecks } from "./checks.js";
import { obtainConfirmation } from "./confirm.js";
import type { Evaluation } from "./evaluate.js";
import { fillExpectations } from "./expectations.js";
import { finishRun } from "./finish.js";
import { type Guard, guardsOf } from "./guards.js";
import { takeLocks } from "./locks.js";
import { describeExit, type Outcome } from "./outcome.js";
import type { RunInput, RunPorts } from "./ports.js";
import { blockedByPrediction, mergeRollbacks } from "./prediction-outcome.js";
import {
  type GuardPrediction,
  predictChanges,
  predictedViolations,
  predictionReport,
} from "./predictions.js";
import { restoreGuards } from "./restore.js";
import type { RunResult } from "./result.js";
import { rollBack } from "./rollback.js";
import { type SnapshotSet, takeSnapshots } from "./snapshots.js";
import { verifyGuards } from "./verify.js";
import { runVerifyChecks } from "./verify-checks.js";
import { verifyPredictions } from "./verify-prediction.js";

type Finish = (outcome: Outcome, message: string, hint?: string) => RunResult;

/** Runs a command that at least one rule matched, from the pre-checks to the audit record. */
export async function runGuarded(
  result: RunResult,
  evaluation: Evaluation,
  input: RunInput,
  ports: RunPorts,
  started: Date,
): Promise<RunResult> {
  const finish: Finish = (outcome, message, hint) =>
    finishRun(result, { outcome, message, hint, input, ports, started });
  const guards = guardsOf(evaluation, input.context.env);
  const { cwd } = input.context;
  const readOnlyOnly = input.mode === "plan";
  const access = {
    ...(ports.aws && { aws: ports.aws }),
    ...(input.context.home !== undefined && { home: input.context.home }),
  };

  let expectations: Map<Guard, Expectations>;
  try {
    expectations = new Map(
      guards.flatMap((g) =>
        g.rule.expect ? [[g, fillExpectations(g, g.rule.expect)] as const] : [],
      ),
    );
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return finish(
      "internal-error",
      `the policy's expectations need {${error.missing}}, which this command does not give, so the change could not be verified; nothing was run`,
      "name it in the command (see the rule's resource/args extractors), or fix the rule",
    );
  }
  result.expected = [...expectations].map(([g, e]) => ({
    rule: g.rule.id,
    text: describeExpectations(e),
  }));
  for (const g of guards) {
    for (const check of g.rule.verify ?? [])
      result.expected.push({ rule: g.rule.id, text: `check '${check.name}' passes afterwards` });
  }

  result.checks = [];
  result.checks = await runChecks(guards, {
    runner: ports.runner,
    cwd,
    readOnlyOnly,
    now: ports.now,
    step: ports.presenter.step,
    onResult: (check) => result.checks.push(check),
  });
  const failed = result.checks.filter((c) => c.status === "fail");

  let before: SnapshotSet = { snapshots: [], failures: [], skipped: [] };
  if (failed.length === 0) {
    before = await takeSnapshots(guards, {
      runner: ports.runner,
      cwd,
      readOnlyOnly,
      ...access,
      step: ports.presenter.step,
      when: "before",
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

  // The change each command will make, from the before-snapshot; checked against the policy now.
  let predictions: GuardPrediction[] = [];
  if (failed.length === 0 && before.failures.length === 0) {
    predictions = await predictChanges(guards, before, { runner: ports.runner, cwd, ...access });
    result.predicted = predictionReport(predictions);
  }

  await ports.presenter.showPlan(result);

  if (failed.length > 0) {
    return finish(
      "check-failed",
      `${failed.length === 1 ? "a pre-check failed" : `${failed.length} pre-checks failed`}: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}; nothing was run`,
      "fix what the check reports, then run the command again",
    );
  }
  if (before.failures.length > 0) {
    return finish(
      "internal-error",
      `the before-snapshot could not be taken: ${before.failures.map((f) => `${f.name}: ${f.problem}`).join("; ")}; nothing was run`,
      "without a before-snapshot the change cannot be verified; fix the probe (or its access) and run again",
    );
  }
  const forbidden = predictedViolations(predictions, expectations);
  if (forbidden.length > 0) {
    result.violations = forbidden;
    const { message, hint } = blockedByPrediction(forbidden);
    return finish("blocked", message, hint);
  }

  // Before asking anyone to type "production": a protected run with no audit record must not start.
  if (evaluation.environment?.protected && input.mode === "run") {
    try {
      await ports.audit.ensureWritable();
    } catch (error) {
      return finish(
        "internal-error",
        `the audit log cannot be written (${(error as Error).message}), so this protected run was not started`,
        (error as { hint?: string }).hint ??
          "fix the audit log's folder or permissions, or point --audit-log / PREFLIGHT_AUDIT_LOG at a writable file",
      );
    }
  }

  const approvalRefusal = missingApproval(evaluation, input, ports);
  if (approvalRefusal) return finish("blocked", approvalRefusal.message, approvalRefusal.hint);

  // An approval is a second pair of eyes, not a substitute for the operator's own: `approve`
  // still asks for the typed environment name (or --confirm) when it runs; its plan (what
  // `preflight request` stores) says so in its message instead.
  const confirmation = await obtainConfirmation({
    needed:
      evaluation.decision === "confirm" ||
      (evaluation.decision === "approve" && input.mode === "run"),
    requireReason: evaluation.requireReason && input.mode === "run",
    reasonRuleIds: evaluation.rules.filter((r) => r.requireReason).map((r) => r.id),
    environment: evaluation.environment!,
    environmentsDefined: Object.keys(input.policy.environments).length > 0,
    ...(input.options.confirm !== undefined && { confirmFlag: input.options.confirm }),
    ...(input.options.reason !== undefined && { reason: input.options.reason }),
    // plan never prompts: it reports what run would need.
    interactive: input.context.interactive && input.mode === "run",
    planning: input.mode === "plan",
    prompter: ports.prompter,
  });
  result.reason = confirmation.reason;
  result.confirmation.method = confirmation.method;
  if (!confirmation.ok)
    return finish("confirmation-required", confirmation.message, confirmation.hint);
  result.confirmation.given = result.confirmation.required;

  if (input.mode === "plan") {
    return finish(
      "ok",
      evaluation.decision === "approve"
        ? `preflight would run this with a second person's approval and --confirm ${evaluation.environment!.name} (preflight request, then preflight approve ID, then preflight run --approval ID)`
        : `preflight would run this${result.confirmation.required ? " (confirmed)" : ""}`,
    );
  }
  // Taken last, after every question: a lock is not held while someone reads the plan.
  const lock = await takeLocks(guards, input.argv, ports, input.options.lockWaitMs);
  if (!lock.ok) return finish(lock.outcome, lock.message, lock.hint);
  try {
    if (evaluation.decision === "approve") {
      // Used (marked used) only now, when nothing else can refuse the run: one approval, one run.
      const used = await ports.approvals!.use({
        id: input.options.approval!,
        argv: input.argv,
        environment: evaluation.environment!.name,
        policySha256: input.policy.sha256,
      });
      if (!used.ok) return finish("blocked", used.message, used.hint);
      result.approval = {
        id: input.options.approval!,
        requester: used.requester,
        approver: used.approver,
      };
    }
    return await runAndVerify(
      result,
      guards,
      expectations,
      predictions,
      before,
      input,
      ports,
      finish,
    );
  } finally {
    await lock.release();
  }
}

/** Why a run the policy wants approved cannot go ahead before anyone is asked anything. */
function missingApproval(
  evaluation: Evaluation,
  input: RunInput,
  ports: RunPorts,
): { message: string; hint: string } | undefined {
  if (evaluation.decision !== "approve" || input.mode !== "run") return undefined;
  const rule = evaluation.matches.find((m) => m.decision === "approve")?.decidedBy.id ?? "?";
  const env = evaluation.environment!.name;
  if (!ports.approvals) {
    return {
      message: `rule '${rule}' needs a second person's approval in ${env}, and no team database is configured to hold approvals; nothing was run`,
      hint: "set PREFLIGHT_DATABASE_URL (or the variable the policy's team: section names) and run `preflight team init` once",
    };
  }
  if (input.options.approval === undefined) {
    return {
      message: `rule '${rule}' needs a second person's approval in ${env}; nothing was run`,
      hint: "run `preflight request -- COMMAND`, have a teammate run `preflight approve ID`, then `preflight run --approval ID -- COMMAND`",
    };
  }
  return undefined;
}

async function runAndVerify(
  result: RunResult,
  guards: Guard[],
  expectations: Map<Guard, Expectations>,
  predictions: GuardPrediction[],
  before: SnapshotSet,
  input: RunInput,
  ports: RunPorts,
  finish: Finish,
): Promise<RunResult> {
  const exit = await ports.runner.runInherited(input.argv, { cwd: input.context.cwd });
  result.commandExitCode = exit.exitCode;
  try {
    return await verifyAfterRun(result, {
      guards,
      expectations,
      predictions,
      before,
      input,
      ports,
      finish,
      note: describeExit(exit),
    });
  } catch (error) {
    // The command has run: whatever went wrong in preflight, the record must still be written.
    return finish(
      "internal-error",
      `${describeExit(exit)}, but preflight failed while verifying it (${(error as Error).message}); the change is unverified`,
      `check the state by hand; this is a bug in preflight, please report it with this output${input.options.report ? ` and ${input.options.report}` : ""}`,
    );
  }
}

async function verifyAfterRun(
  result: RunResult,
  run: {
    guards: Guard[];
    expectations: Map<Guard, Expectations>;
    predictions: GuardPrediction[];
    before: SnapshotSet;
    input: RunInput;
    ports: RunPorts;
    finish: Finish;
    note: string;
  },
): Promise<RunResult> {
  const { guards, before, ports, finish, note } = run;
  const commandOutcome: Outcome = result.commandExitCode === 0 ? "ok" : "command-failed";
  const hasState = guards.some((g) => g.rule.state.length > 0);
  const hasVerify = guards.some((g) => (g.rule.verify ?? []).length > 0);
  if (!hasState && !hasVerify) return finish(commandOutcome, note);

  const cwd = run.input.context.cwd;
  const access = {
    ...(ports.aws && { aws: ports.aws }),
    ...(run.input.context.home !== undefined && { home: run.input.context.home }),
  };
  const after = await takeSnapshots(guards, {
    runner: ports.runner,
    cwd,
    readOnlyOnly: false,
    ...access,
    step: ports.presenter.step,
    when: "after",
  });
  for (const probe of result.probes) {
    const snapshot = after.snapshots.find((s) => s.rule === probe.rule && s.state === probe.name);
    if (snapshot) probe.after = snapshot.entries.length;
    const failure = after.failures.find((f) => f.rule === probe.rule && f.name === probe.name);
    if (failure) probe.problem = `after: ${failure.problem}`;
  }
  const verification = verifyGuards(guards, run.expectations, before, after);
  if (hasVerify) {
    const checked = await runVerifyChecks(guards, {
      runner: ports.runner,
      cwd,
      now: ports.now,
      step: ports.presenter.step,
    });
    result.checks.push(...checked.results);
    verification.violations.push(...checked.violations);
    for (const guard of checked.failedGuards)
      if (!verification.failedGuards.includes(guard)) verification.failedGuards.push(guard);
  }
  const unpredicted = verifyPredictions({
    guards,
    expectations: run.expectations,
    predictions: run.predictions,
    before,
    after,
    commandSucceeded: result.commandExitCode === 0,
  });
  verification.violations.push(...unpredicted);
  for (const v of unpredicted) {
    const guard = guards.find((g) => g.rule.id === v.rule);
    if (guard && !verification.failedGuards.includes(guard)) verification.failedGuards.push(guard);
  }
  result.diff = verification.diff;
  result.violations = verification.violations;
  if (verification.violations.length === 0) {
    return finish(commandOutcome, `${note}; the after-state satisfies the policy`);
  }

  // `rollback: auto|prompt` undoes entry by entry; `rollback: { run }` runs the rule's command.
  const restoring = verification.failedGuards.filter((g) => g.rule.restore);
  const running = verification.failedGuards.filter((g) => !g.rule.restore);
  const rollback = mergeRollbacks(
    running.length > 0 || restoring.length === 0
      ? await rollBack(running, before, {
          runner: ports.runner,
          cwd,
          progress: ports.presenter.progress,
          ...access,
        })
      : undefined,
    restoring.length > 0
      ? await restoreGuards(
          restoring,
          verification.violations,
          { before, after },
          {
            runner: ports.runner,
            cwd,
            ...access,
            progress: ports.presenter.progress,
            interactive: run.input.context.interactive,
            prompter: ports.prompter,
          },
        )
      : undefined,
  );
  result.rollback = {
    attempted: rollback.attempted,
    succeeded: rollback.succeeded,
    ...(rollback.detail !== undefined && { detail: rollback.detail }),
    ...(rollback.entries && { entries: rollback.entries }),
    ...(rollback.commands && rollback.commands.length > 0 && { commands: rollback.commands }),
  };
  const count = verification.violations.length;
  const what = `${note}; the after-state broke the policy (${count} violation${count === 1 ? "" : "s"}: ${verification.violations.map((v) => v.expectation).join(", ")})`;
  if (rollback.succeeded) {
    return finish(
      "verification-failed-restored",
      `${what}; ${rollback.summary ?? "the rollback restored the before-state"}`,
      "find out why the command changed more than expected before running it again",
    );
  }
  return finish(
    "verification-failed",
    rollback.attempted
      ? `${what}; the rollback did not restore it (${rollback.detail})`
      : `${what}; nothing was rolled back`,
    verification.violations.every((v) => v.expectation === "state.unverified")
      ? "check the state by hand: preflight could not see it after the command ran"
      : verification.violations.every((v) => v.expectation === "verify")
        ? "the command ran, but the checks after it failed (listed above): find out why before anything else runs"
        : rollback.commands && rollback.commands.length > 0
          ? `to undo what should not have changed, run:\n    ${rollback.commands.join("\n    ")}`
          : `restore the entries marked ✘ above by hand; ${run.input.options.report ? `${run.input.options.report} and the audit log list` : "the audit record (preflight audit list, then audit show SEQ) lists"} exactly what changed`,
  );
}
