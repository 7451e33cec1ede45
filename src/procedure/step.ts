/**
 * One step of a procedure, guarded like a command a rule matched: its checks, a
 * before-snapshot, the operator's go-ahead on a terminal, the command, the after-snapshot
 * against its expectations, then its `verify` checks. A step is done only when all of that
 * passed; anything else stops the procedure.
 */
import { TemplateError } from "../command/template.js";
import type { CheckSpec, Expectations, Rule } from "../policy/types.js";
import { runChecks } from "../run/checks.js";
import { fillExpectations } from "../run/expectations.js";
import type { Guard } from "../run/guards.js";
import { describeExit, type Outcome } from "../run/outcome.js";
import { takeSnapshots } from "../run/snapshots.js";
import { verifyGuards } from "../run/verify.js";
import type { ProcedurePorts } from "./ports.js";
import { display, type PreparedProcedure } from "./prepare.js";
import type { StepResult } from "./result.js";

export interface StepRun {
  result: StepResult;
  /** Set when the step did not complete: how the procedure ends because of it. */
  outcome?: Outcome;
  /** Whether the step's command ran and exited 0 (its change was made, verified or not). */
  commandSucceeded: boolean;
  /** Whether the step's command started at all (it may have changed something, even if it failed). */
  commandStarted: boolean;
}

/** Runs step `index` of a prepared procedure; never throws for a failing step. */
export async function runStep(
  prepared: PreparedProcedure,
  index: number,
  ports: ProcedurePorts,
  options: { cwd: string; interactive: boolean },
): Promise<StepRun> {
  const step = prepared.procedure.steps[index]!;
  const total = prepared.procedure.steps.length;
  const argv = prepared.commands[index]?.run;
  const result: StepResult = {
    number: index + 1,
    name: step.name,
    status: "failed",
    checks: [],
    ...(argv && { command: display(argv) }),
    commandExitCode: null,
    verify: [],
    violations: [],
  };
  let commandStarted = false;
  const fail = (outcome: Outcome, problem: string, commandSucceeded = false): StepRun => {
    result.problem = problem;
    return { result, outcome, commandSucceeded, commandStarted };
  };
  const { cwd } = options;
  const runner = ports.runner;
  const announce = ports.presenter.step ? { step: ports.presenter.step } : {};
  ports.stepStarting?.(index + 1, step.name);
  ports.presenter.progress(`step ${index + 1}/${total}: ${step.name}`);

  const guard = stepGuard(prepared, index, step.checks);
  if (step.checks.length > 0) {
    result.checks = await runChecks([guard], { runner, cwd, readOnlyOnly: false, ...announce });
    const failed = result.checks.filter((c) => c.status === "fail");
    if (failed.length > 0) {
      return fail(
        "check-failed",
        `${failed.length === 1 ? "a check failed" : `${failed.length} checks failed`}: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}`,
      );
    }
  }

  let expectations: Expectations | undefined;
  try {
    expectations = step.expect && fillExpectations(guard, step.expect);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return fail("usage-error", `its expectations need {${error.missing}}, which has no value`);
  }
  const before = await takeSnapshots([guard], {
    runner,
    cwd,
    readOnlyOnly: false,
    ...announce,
    when: "before",
  });
  if (before.failures.length > 0) {
    return fail(
      "internal-error",
      `the before-snapshot could not be taken (${before.failures.map((f) => `${f.name}: ${f.problem}`).join("; ")})`,
    );
  }

  if (argv) {
    if (options.interactive) {
      const go = await ports.prompter.continueStep(
        `Step ${index + 1}/${total} '${step.name}' will run: ${display(argv)}\n  Go ahead?`,
      );
      if (!go) {
        result.status = "declined";
        return fail("confirmation-required", "you chose not to run it");
      }
    }
    const exit = await runner.runInherited(argv, { cwd, env: prepared.vars });
    result.commandExitCode = exit.exitCode;
    // "not found" or "not executable": nothing ran, so nothing can be half-done.
    commandStarted = exit.failure === undefined;
    if (exit.exitCode !== 0) return fail("command-failed", describeExit(exit));
  }
  const commandSucceeded = argv !== undefined;

  if (step.state.length > 0) {
    const after = await takeSnapshots([guard], {
      runner,
      cwd,
      readOnlyOnly: false,
      ...announce,
      when: "after",
    });
    const map = new Map(expectations ? [[guard, expectations] as const] : []);
    const verification = verifyGuards([guard], map, before, after);
    result.diff = verification.diff;
    result.violations = verification.violations;
    if (verification.violations.length > 0) {
      return fail(
        "verification-failed",
        `the state after it broke the step's expectations (${verification.violations.map((v) => v.message).join("; ")})`,
        commandSucceeded,
      );
    }
  }

  if (step.verify.length > 0) {
    ports.presenter.progress(`verifying step ${index + 1}/${total}`);
    result.verify = await runChecks([stepGuard(prepared, index, step.verify)], {
      runner,
      cwd,
      readOnlyOnly: false,
      ...announce,
    });
    const failed = result.verify.filter((c) => c.status === "fail");
    if (failed.length > 0) {
      return fail(
        "verification-failed",
        `${argv ? "it ran, but " : ""}verification failed: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}`,
        commandSucceeded,
      );
    }
  }
  result.status = "verified";
  return { result, commandSucceeded, commandStarted };
}

/**
 * A step seen as a guard (a rule applied to one command), so that it reuses the checks,
 * snapshots and verification of guarded runs. Its id names the procedure and step.
 */
export function stepGuard(prepared: PreparedProcedure, index: number, checks: CheckSpec[]): Guard {
  const step = prepared.procedure.steps[index]!;
  const rule: Rule = {
    id: `${prepared.procedure.name}#${index + 1}`,
    source: step.source,
    commands: [],
    args: [],
    namedArgs: {},
    requireReason: false,
    checks,
    state: step.state,
    ...(step.expect && { expect: step.expect }),
  };
  return {
    rule,
    argv: prepared.commands[index]?.run ?? [],
    vars: prepared.vars,
    environment: prepared.environment,
    lookup: prepared.lookup,
  };
}
