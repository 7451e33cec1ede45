/**
 * `preflight policy lint [paths] [--strict] [--format text|json|sarif|markdown|gitlab] [--list]`: risky or
 * dead policy, each finding with a stable code. Exit 0 clean (or warnings only), 1 warnings
 * with --strict, 65 for an invalid policy or any error.
 */

import { appendStepSummary } from "../ci/github.js";
import { UsageError } from "../errors.js";
import {
  lintAnnotations,
  renderGitlabCodeQuality,
  renderLintMarkdown,
} from "../review/ci/lint-output.js";
import { LINT_CHECKS } from "../review/lint/catalogue.js";
import {
  lintExitCode,
  type PolicyLintResult,
  renderLintJson,
  renderLintText,
  summarise,
} from "../review/lint/report.js";
import { lintPolicy } from "../review/lint/run.js";
import { renderSarif } from "../review/lint/sarif.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import type { CliContext } from "./context.js";
import { policyTargets } from "./policy-targets.js";

const LINT_FORMATS = ["text", "json", "sarif", "markdown", "gitlab"];

export interface PolicyLintOptions {
  paths: string[];
  strict: boolean;
  format: string;
  list: boolean;
  showSuppressed: boolean;
  version: string;
}

export async function policyLint(options: PolicyLintOptions, ctx: CliContext): Promise<number> {
  if (!LINT_FORMATS.includes(options.format)) {
    throw new UsageError(`--format ${options.format}: use ${LINT_FORMATS.join(", ")}`);
  }
  if (options.list) {
    ctx.stdout(renderCatalogue());
    return 0;
  }
  const results: PolicyLintResult[] = policyTargets(options.paths, ctx).map((texts) => {
    const review = loadForReview(texts);
    const problems = sortProblems(review.problems, review.files);
    const findings = review.policy ? lintPolicy({ ...review, policy: review.policy }) : [];
    return { name: review.name, files: review.files, problems, findings };
  });
  if (options.format === "json") ctx.stdout(renderLintJson(results));
  else if (options.format === "sarif")
    ctx.stdout(renderSarif(results, { version: options.version, root: ctx.cwd }));
  else if (options.format === "markdown") ctx.stdout(renderLintMarkdown(results));
  else if (options.format === "gitlab") ctx.stdout(renderGitlabCodeQuality(results));
  else ctx.stdout(renderLintText(results, { showSuppressed: options.showSuppressed }));
  if (ctx.env.GITHUB_ACTIONS === "true") {
    // The runner reads workflow commands from stderr as well, which keeps stdout a clean
    // report (json, sarif, gitlab) when redirected to a file; the summary has its own file.
    ctx.stderr(lintAnnotations(results));
    appendStepSummary(ctx.env, renderLintMarkdown(results));
  }
  return lintExitCode(summarise(results), options.strict);
}

/** The catalogue as a Markdown table (the README's list of codes comes from here). */
function renderCatalogue(): string {
  const rows = LINT_CHECKS.map(
    (c) =>
      `| ${c.code} | ${c.name} | ${c.severity} | ${c.afterSuppressions ? "(remove it)" : c.scope === "policy" ? "file" : c.scope} | ${c.title}: ${c.why} |`,
  );
  return `| code | name | severity | suppress on | what and why |\n|---|---|---|---|---|\n${rows.join("\n")}\n`;
}
