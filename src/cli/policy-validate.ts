/**
 * `preflight policy validate [paths]`: every schema and semantic problem of each policy at
 * once, each as file:line:col with a hint. With no paths, the policy a run here would use.
 * Exit 0 when every policy is valid, 65 otherwise. With `json`, one JSON document on stdout
 * (`{ valid, policies: [{ name, files, valid, rules, environments, tests, problems }] }`)
 * and nothing on stderr, whatever the outcome.
 */
import { formatProblem } from "../errors.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import type { CliContext } from "./context.js";
import { policyTargets } from "./policy-targets.js";

export async function policyValidate(
  options: { paths: string[]; json?: boolean },
  ctx: CliContext,
): Promise<number> {
  if (options.json) return validateAsJson(options.paths, ctx);
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

function validateAsJson(paths: readonly string[], ctx: CliContext): number {
  const policies = policyTargets(paths, ctx).map((texts) => {
    const review = loadForReview(texts);
    const problems = sortProblems(review.problems, review.files);
    const policy = problems.length === 0 ? review.policy : undefined;
    return {
      name: review.name,
      files: texts.files.map((f) => f.file),
      valid: problems.length === 0,
      rules: policy?.rules.length ?? null,
      environments: policy ? Object.keys(policy.environments).length : null,
      tests: policy?.tests.length ?? null,
      problems,
    };
  });
  const valid = policies.every((p) => p.valid);
  ctx.stdout(`${JSON.stringify({ valid, policies }, null, 2)}\n`);
  return valid ? 0 : 65;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
