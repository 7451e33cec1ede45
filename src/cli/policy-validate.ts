/**
 * `preflight policy validate [paths]`: every schema and semantic problem of each policy at
 * once, each as file:line:col with a hint. With no paths, the policy a run here would use.
 * Exit 0 when every policy is valid, 65 otherwise.
 */
import { formatProblem } from "../errors.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import type { CliContext } from "./context.js";
import { policyTargets } from "./policy-targets.js";

export async function policyValidate(
  options: { paths: string[] },
  ctx: CliContext,
): Promise<number> {
  let invalid = 0;
  for (const texts of policyTargets(options.paths, ctx)) {
    const review = loadForReview(texts);
    if (review.problems.length > 0) {
      invalid++;
      for (const problem of sortProblems(review.problems, review.files))
        ctx.stderr(`${formatProblem(problem)}\n`);
      ctx.stderr(`${review.name}: ${plural(review.problems.length, "problem")}\n`);
      continue;
    }
    const policy = review.policy!;
    ctx.stdout(
      `${review.name}: valid (${plural(policy.rules.length, "rule")}, ${plural(Object.keys(policy.environments).length, "environment")}, ${plural(policy.tests.length, "test case")})\n`,
    );
  }
  return invalid > 0 ? 65 : 0;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
