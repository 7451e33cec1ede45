/**
 * One guarded run (or plan), as a function of its ports: evaluate the command against the
 * policy, then either refuse it, run it unguarded (no rule matched) or hand it to the guarded
 * part (checks, snapshots, plan, confirmation, execution, verification, rollback), which is
 * loaded only then. It returns data; rendering and the exit code are decided at the edge.
 */
import { loadAwsModules } from "../bundles/load-aws.js";
import { loadResolvers } from "../environment/resolvers/lazy.js";
import type { ReadTarget, TargetTool } from "../environment/resolvers/types.js";
import type { AccountRequest } from "./aws-accounts.js";
import { evaluateCommand } from "./evaluate.js";
import { finishRun } from "./finish.js";
import { initialResult } from "./initial-result.js";
import { describeExit, type Outcome } from "./outcome.js";
import type { RunInput, RunPorts } from "./ports.js";
import type { RunResult } from "./result.js";

export type { RunInput, RunOptions } from "./ports.js";

/** Reads tools' configuration from disk, each file once, as the command would run (its $HOME). */
async function targetReader(input: RunInput): Promise<ReadTarget> {
  const { readTarget, cachedFiles, diskRead } = await loadResolvers();
  const files = cachedFiles(input.context.readFile ?? diskRead);
  return (tool: TargetTool, argv, vars) =>
    readTarget(tool, {
      argv,
      vars,
      cwd: input.context.cwd,
      home: vars.HOME ?? input.context.home ?? "",
      files,
    });
}

/** Evaluates a command and runs it as the policy says; returns the result as data. */
export async function guardedRun(input: RunInput, ports: RunPorts): Promise<RunResult> {
  const started = ports.now();
  const accountRequests: AccountRequest[] = [];
  let targetsWanted = false;
  const evaluate = (
    awsAccount: Parameters<typeof evaluateCommand>[0]["awsAccount"],
    readTarget: ReadTarget,
  ) =>
    evaluateCommand({
      policy: input.policy,
      argv: input.argv,
      vars: input.context.env,
      ...(input.options.env !== undefined && { intendedEnv: input.options.env }),
      awsAccount,
      programs: { files: ports.files, cwd: input.context.cwd },
      readTarget,
    });
  let evaluation = evaluate(
    (argv, vars) => {
      accountRequests.push({ argv, vars });
      return undefined;
    },
    () => {
      targetsWanted = true;
      return undefined;
    },
  );
  if (accountRequests.length > 0 || targetsWanted) {
    // A rule reads the AWS account or a tool's configuration: find out, then decide again.
    let awsAccount: Parameters<typeof evaluateCommand>[0]["awsAccount"];
    if (accountRequests.length > 0) {
      ports.presenter.progress("asking AWS which account the command would change");
      const { lookUpAccounts } = await loadAwsModules();
      awsAccount = await lookUpAccounts(accountRequests, ports.aws);
    }
    const readTarget = targetsWanted ? await targetReader(input) : () => undefined;
    evaluation = evaluate(awsAccount, readTarget);
  }
  const result = initialResult(input, evaluation, started);
  ports.watch?.(result);
  const finish = (outcome: Outcome, message: string, hint?: string) =>
    finishRun(result, { outcome, message, hint, input, ports, started });

  if (evaluation.blocked) {
    if (evaluation.rules.length > 0) await ports.presenter.showPlan(result);
    return finish("blocked", evaluation.blocked.reason, evaluation.blocked.hint);
  }
  if (evaluation.decision === "none") {
    if (input.mode === "plan") {
      return finish("no-rule", "no rule matches this command; preflight would run it unguarded");
    }
    const exit = await ports.runner.runInherited(input.argv, { cwd: input.context.cwd });
    result.commandExitCode = exit.exitCode;
    return finish(exit.exitCode === 0 ? "no-rule" : "command-failed", describeExit(exit));
  }
  const { runGuarded } = await import("./guarded-run.js");
  return runGuarded(result, evaluation, input, ports, started);
}
