/**
 * `preflight policy explain [--policy P] [--env E] [--var NAME=VALUE] [--json] -- CMD`: how
 * the policy sees a command, with reasons. Runs nothing. Exit 0 once explained (whatever
 * the decision), 65 for an invalid policy.
 */
import { loadResolvers } from "../environment/resolvers/lazy.js";
import { formatProblem, UsageError } from "../errors.js";
import { programFiles } from "../io/program-files.js";
import { explainCommand } from "../review/explain/explain.js";
import { renderExplanation } from "../review/explain/render.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import { readFromDisk, readPolicySource } from "../review/shared/sources.js";
import type { CliContext } from "./context.js";
import { policyTargets } from "./policy-targets.js";

export interface PolicyExplainOptions {
  command: string[];
  policy: string[];
  env?: string;
  vars: string[];
  ignoreEnv: boolean;
  /** Stands in for STS, as a test case's `aws-account` does. */
  awsAccount?: string;
  json: boolean;
}

export async function policyExplain(
  options: PolicyExplainOptions,
  ctx: CliContext,
): Promise<number> {
  const vars: Record<string, string | undefined> = options.ignoreEnv ? {} : { ...ctx.env };
  for (const assignment of options.vars) {
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--var ${assignment}: write NAME=VALUE`);
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  const texts =
    options.policy.length === 0
      ? policyTargets([], ctx)[0]!
      : options.policy.length === 1
        ? readPolicySource(options.policy[0]!, ctx.cwd)
        : readFromDisk(options.policy, ctx.cwd, options.policy.join(", "));
  const review = loadForReview(texts);
  if (!review.policy) {
    for (const p of sortProblems(review.problems, review.files))
      ctx.stderr(`${formatProblem(p)}\n`);
    ctx.stderr(
      `${review.name}: invalid, so there is nothing to explain (preflight would refuse to run anything)\n`,
    );
    return 65;
  }
  // explain reads the tools' configuration as a run would (files only; it runs nothing).
  const { readTarget, cachedFiles, diskRead } = await loadResolvers();
  const files = cachedFiles(diskRead);
  const explanation = explainCommand({
    readTarget: (tool, argv, targetVars) =>
      readTarget(tool, {
        argv,
        vars: targetVars,
        cwd: ctx.cwd,
        home: targetVars.HOME ?? ctx.home,
        files,
      }),
    policy: { ...review.policy, files: review.files },
    argv: options.command,
    vars,
    ...(options.env !== undefined && { intendedEnv: options.env }),
    programs: { files: programFiles, cwd: ctx.cwd },
    // explain runs nothing, STS included: the account is the one the reviewer names.
    awsAccount: () =>
      options.awsAccount !== undefined
        ? { account: options.awsAccount }
        : {
            error:
              "explain does not ask AWS which account the credentials belong to; give it with --aws-account ID (preflight plan asks STS)",
          },
  });
  ctx.stdout(
    options.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation),
  );
  return 0;
}
