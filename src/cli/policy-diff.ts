/**
 * `preflight policy diff OLD NEW [--commands FILE] [--json]`: what a policy change changes.
 * OLD and NEW are paths or `git:REV:path`. Exit 1 when anything is weakened (so CI can ask
 * for a second approval), 0 otherwise, 65 when either version is invalid.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { formatProblem, PolicyError } from "../errors.js";
import type { Policy } from "../policy/types.js";
import { type DiffCommand, parseCommandsFile } from "../review/diff/commands.js";
import { diffPolicies } from "../review/diff/diff.js";
import { renderPolicyDiff } from "../review/diff/render.js";
import { loadForReview } from "../review/shared/load.js";
import { sortProblems } from "../review/shared/problems.js";
import { readPolicySource } from "../review/shared/sources.js";
import type { CliContext } from "./context.js";

export interface PolicyDiffOptions {
  old: string;
  new: string;
  commands?: string;
  json: boolean;
}

export async function policyDiff(options: PolicyDiffOptions, ctx: CliContext): Promise<number> {
  const versions: Policy[] = [];
  let invalid = false;
  for (const spec of [options.old, options.new]) {
    const review = loadForReview(readPolicySource(spec, ctx.cwd));
    if (review.policy) {
      versions.push(review.policy);
      continue;
    }
    invalid = true;
    for (const p of sortProblems(review.problems, review.files))
      ctx.stderr(`${formatProblem(p)}\n`);
    ctx.stderr(`${spec}: invalid, so it cannot be compared\n`);
  }
  const extra = options.commands ? readCommands(options.commands, ctx) : [];
  if (invalid) return 65;
  const diff = diffPolicies({
    oldName: options.old,
    newName: options.new,
    old: versions[0]!,
    new: versions[1]!,
    extra,
  });
  ctx.stdout(options.json ? `${JSON.stringify(diff, null, 2)}\n` : renderPolicyDiff(diff));
  return diff.weakenings > 0 ? 1 : 0;
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
