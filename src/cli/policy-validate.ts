/**
 * `preflight policy validate [paths]`: every schema and semantic problem in the policy, each
 * as file:line:col. With no paths, the policy a run here would use.
 */
import { readFileSync } from "node:fs";
import { formatProblem, PolicyError } from "../errors.js";
import { discoverPolicy } from "../policy/discover.js";
import { compilePolicyTexts } from "../policy/load.js";
import type { CliContext } from "./context.js";

export async function policyValidate(
  options: { paths: string[] },
  ctx: CliContext,
): Promise<number> {
  try {
    const { files } = discoverPolicy({ explicit: options.paths, env: ctx.env, cwd: ctx.cwd });
    const policy = await compilePolicyTexts(
      files.map((file) => ({ file, text: readFileSync(file, "utf8") })),
    );
    ctx.stdout(
      `${files.join(", ")}: valid (${plural(policy.rules.length, "rule")}, ${plural(Object.keys(policy.environments).length, "environment")}, ${plural(policy.tests.length, "test case")})\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    for (const problem of error.problems) ctx.stderr(`${formatProblem(problem)}\n`);
    ctx.stderr(`${error.problems.length} problem${error.problems.length === 1 ? "" : "s"} found\n`);
    return 65;
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
