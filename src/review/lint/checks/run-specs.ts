/** Lint checks about the commands a policy runs (checks, state probes, rollbacks). */

import type { Rule, RunSpec } from "../../../policy/types.js";
import type { PathKey } from "../../shared/review-policy.js";
import type { FindingDraft, LintInput } from "../types.js";

/** Anything that needs a shell: operators, redirections, expansions, quoting, comments. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]~#\n]|^\s*[A-Za-z_][A-Za-z0-9_]*=/;
const PLACEHOLDER = /\{[A-Za-z_][A-Za-z0-9_.-]*\}/g;

/** PF109: a string run by `sh -c` that is a plain list of words. */
export function shellStringWithoutShell({ policy, review }: LintInput): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const rule of policy.rules) {
    for (const { path, run } of runSpecsOf(rule)) {
      if (typeof run !== "string" || SHELL_SYNTAX.test(run.replace(PLACEHOLDER, "x"))) continue;
      const words = run.trim().split(/\s+/);
      findings.push({
        subject: { kind: "rule", rule },
        at: review.locateRule(rule)(path),
        message: `rule '${rule.id}' runs "${run}" through sh -c, but it uses no shell syntax; write it as a list, [${words.join(", ")}], so no value can be read as shell`,
      });
    }
  }
  return findings;
}

function runSpecsOf(rule: Rule): { path: PathKey[]; run: RunSpec }[] {
  return [
    ...rule.checks.flatMap((c, i) =>
      c.kind === "run" ? [{ path: ["checks", i, "run"] as PathKey[], run: c.run }] : [],
    ),
    ...rule.state.flatMap((s, i) =>
      s.kind === "run" ? [{ path: ["state", i, "run"] as PathKey[], run: s.run }] : [],
    ),
    ...(rule.rollback ? [{ path: ["rollback", "run"], run: rule.rollback.run }] : []),
  ];
}
