/**
 * `preflight policy test [paths] [--coverage] [--min-coverage N] [--format text|json|junit|markdown]`: run
 * each policy's test cases (its `tests:` and the `*.test.yaml` beside it). Exit 0 when all
 * pass, 1 for a failure, a policy with no tests or coverage below --min-coverage, 65 for an
 * invalid policy.
 */

import { appendStepSummary } from "../ci/github.js";
import { UsageError } from "../errors.js";
import { runPolicyTests } from "../policy/test-cases.js";
import { renderTestMarkdown, testAnnotations } from "../review/ci/test-output.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import { policyCoverage } from "../review/testing/coverage.js";
import { renderTestJson } from "../review/testing/json.js";
import { renderJunit } from "../review/testing/junit.js";
import {
  coveragePercent,
  type PolicyTestRun,
  renderTestText,
  testExitCode,
} from "../review/testing/report.js";
import type { CliContext } from "./context.js";
import { policyTargets } from "./policy-targets.js";

const TEST_FORMATS = ["text", "json", "junit", "markdown"] as const;

export interface PolicyTestOptions {
  paths: string[];
  coverage: boolean;
  minCoverage?: string;
  format: string;
}

export async function policyTest(options: PolicyTestOptions, ctx: CliContext): Promise<number> {
  if (!(TEST_FORMATS as readonly string[]).includes(options.format)) {
    throw new UsageError(`--format ${options.format}: use ${TEST_FORMATS.join(", ")}`);
  }
  const min = options.minCoverage === undefined ? undefined : Number(options.minCoverage);
  if (min !== undefined && !(Number.isFinite(min) && min >= 0 && min <= 100)) {
    throw new UsageError(`--min-coverage ${options.minCoverage}: give a percentage from 0 to 100`);
  }
  const runs: PolicyTestRun[] = policyTargets(options.paths, ctx).map((texts) => {
    const review = loadForReview(texts);
    const run: PolicyTestRun = {
      name: review.name,
      files: [...review.files, ...review.testFiles],
      problems: sortProblems(review.problems, review.files),
      results: [],
    };
    if (!review.policy) return run;
    run.results = runPolicyTests(review.policy);
    if (options.coverage || min !== undefined) {
      run.coverage = policyCoverage(review.policy, run.results);
      const percent = coveragePercent(run.coverage);
      if (min !== undefined && percent < min) run.coverageShort = { min, percent };
    }
    return run;
  });
  const render = {
    text: () => renderTestText(runs, options.coverage),
    json: () => renderTestJson(runs),
    junit: () => renderJunit(runs),
    markdown: () => renderTestMarkdown(runs),
  }[options.format as (typeof TEST_FORMATS)[number]];
  ctx.stdout(render());
  if (ctx.env.GITHUB_ACTIONS === "true") {
    // The runner reads workflow commands from stderr as well, which keeps stdout a clean
    // report (json, sarif, gitlab) when redirected to a file; the summary has its own file.
    ctx.stderr(testAnnotations(runs));
    appendStepSummary(ctx.env, renderTestMarkdown(runs));
  }
  return testExitCode(runs);
}
