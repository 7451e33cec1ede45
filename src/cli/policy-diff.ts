/**
 * `preflight policy diff OLD NEW [--commands FILE] [--format text|json|markdown]`: what a
 * policy change changes, structurally and on sampled commands. OLD and NEW are paths or
 * `git:REV:path`. Exit 1 when anything is weakened or cannot be classed (so CI can ask for a
 * second approval), 0 otherwise, 65 when either version is invalid.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { appendStepSummary } from "../ci/github.js";
import { formatProblem, PolicyError, UsageError } from "../errors.js";
import { diffAnnotations, renderDiffMarkdown } from "../review/ci/diff-output.js";
import { type DiffCommand, parseCommandsFile } from "../review/diff/commands.js";
import { diffPolicies, needsSecondReview } from "../review/diff/diff.js";
import { renderPolicyDiff } from "../review/diff/render.js";
import type { DiffSide } from "../review/diff/structure/change.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import { readPolicySource } from "../review/shared/sources.js";
import type { CliContext } from "./context.js";

export interface PolicyDiffOptions {
  old: string;
  new: string;
  commands?: string;
  /** text, json or markdown; --json is json. */
  format: string;
}

export const DIFF_FORMATS = ["text", "json", "markdown"];

export async function policyDiff(options: PolicyDiffOptions, ctx: CliContext): Promise<number> {
  if (!DIFF_FORMATS.includes(options.format))
    throw new UsageError(`--format ${options.format}: use ${DIFF_FORMATS.join(", ")}`);
  const sides: DiffSide[] = [];
  const invalid: string[] = [];
  for (const [which, spec] of [
    ["old", options.old],
    ["new", options.new],
  ] as const) {
    const review = loadForReview(readPolicySource(spec, ctx.cwd));
    if (review.policy) {
      sides.push({ ...review, policy: review.policy });
      continue;
    }
    invalid.push(which);
    const problems = sortProblems(review.problems, review.files);
    for (const p of problems) ctx.stderr(`${formatProblem(p)}\n`);
    ctx.stderr(
      `the ${which} version (${spec}) is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"} above), so the two cannot be compared\n`,
    );
  }
  const extra = options.commands ? readCommands(options.commands, ctx) : [];
  if (invalid.length > 0) return 65;
  const diff = diffPolicies({
    oldName: options.old,
    newName: options.new,
    old: sides[0]!,
    new: sides[1]!,
    extra,
  });
  if (options.format === "json") ctx.stdout(`${JSON.stringify(diff, null, 2)}\n`);
  else if (options.format === "markdown") ctx.stdout(renderDiffMarkdown(diff));
  else ctx.stdout(renderPolicyDiff(diff));
  if (ctx.env.GITHUB_ACTIONS === "true") {
    // The runner reads workflow commands from stderr as well, which keeps stdout a clean
    // report when redirected to a file; the summary has its own file.
    ctx.stderr(diffAnnotations(diff));
    appendStepSummary(ctx.env, renderDiffMarkdown(diff));
  }
  return needsSecondReview(diff) ? 1 : 0;
}

function readCommands(file: string, ctx: CliContext): DiffCommand[] {
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, file), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new PolicyError([
      { file, line: 1, column: 1, message: `cannot read the commands file (${code})` },
    ]);
  }
  const { commands, problems } = parseCommandsFile(file, text);
  if (problems.length > 0) throw new PolicyError(problems);
  return commands;
}
