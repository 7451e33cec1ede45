/**
 * Lint suppressions: `lint: { ignore: [{ code: PF107, reason: "…" }] }` on the rule, the
 * environment or (for policy-wide findings) the top of the file a finding is about. Each is
 * explicit, scoped and explained; one that names an unknown code, or sits on the wrong kind
 * of thing, is a policy problem, and one that suppresses nothing is itself a finding (PF100).
 */
import type { PolicyProblem } from "../../errors.js";
import type { PolicyFile } from "../../policy/schema.js";
import { closest } from "../../policy/suggest.js";
import type { Environment, Policy, SourceRef } from "../../policy/types.js";
import type { Locate, ReviewFile, Subject, Suppression } from "../shared/review-policy.js";
import { LINT_CHECKS, lintCheck } from "./catalogue.js";
import type { Finding } from "./types.js";

type IgnoreList = NonNullable<PolicyFile["lint"]>["ignore"];

/** Every suppression in the policy's files, and the problems with them. */
export function collectSuppressions(
  sources: readonly ReviewFile[],
  policy: Policy,
  ruleLocators: ReadonlyMap<SourceRef, Locate>,
  envLocators: ReadonlyMap<Environment, Locate>,
): { suppressions: Suppression[]; problems: PolicyProblem[] } {
  const suppressions: Suppression[] = [];
  const problems: PolicyProblem[] = [];
  const add = (ignore: IgnoreList | undefined, subject: Subject, locate: Locate) => {
    ignore?.forEach(({ code, reason }, k) => {
      const at = locate(["lint", "ignore", k, "code"]);
      const problem = suppressionProblem(code, subject);
      if (problem) problems.push({ ...at, ...problem });
      else suppressions.push({ code, reason, subject, at, used: false });
    });
  };
  for (const source of sources) {
    const data = source.data;
    if (!data) continue;
    add(data.lint?.ignore, { kind: "policy" }, source.locate);
    const rules = policy.rules.filter((r) => r.source.file === source.file);
    data.rules?.forEach((input, i) => {
      const rule = rules[i];
      const locate = rule && ruleLocators.get(rule.source);
      if (rule && locate) add(input.lint?.ignore, { kind: "rule", rule }, locate);
    });
    for (const [name, input] of Object.entries(data.environments ?? {})) {
      const env = policy.environments[name];
      const locate = env && envLocators.get(env);
      if (env && locate) add(input.lint?.ignore, { kind: "environment", env }, locate);
    }
  }
  return { suppressions, problems };
}

function suppressionProblem(
  code: string,
  subject: Subject,
): { message: string; hint: string } | undefined {
  const check = lintCheck(code);
  if (!check) {
    const guess = closest(
      code,
      LINT_CHECKS.map((c) => c.code),
    );
    return {
      message: `lint suppression names '${code}', which is not a lint code`,
      hint: guess
        ? `did you mean '${guess}'? (preflight policy lint --list shows every code)`
        : "preflight policy lint --list shows every code",
    };
  }
  if (check.afterSuppressions) {
    return {
      message: `${code} cannot be suppressed`,
      hint: "remove the suppression that suppresses nothing instead",
    };
  }
  if (check.scope !== subject.kind) {
    const where = {
      rule: "on the rule",
      environment: "on the environment",
      policy: "at the top of the file",
    };
    return {
      message: `${code} (${check.name}) is about ${check.scope === "policy" ? "the policy as a whole" : `a ${check.scope}`}, so it cannot be suppressed ${where[subject.kind]}`,
      hint: `write the suppression ${where[check.scope]} the finding points at`,
    };
  }
  return undefined;
}

/** Marks findings covered by a suppression on their own subject (and the suppression used). */
export function applySuppressions(findings: Finding[], suppressions: readonly Suppression[]): void {
  for (const finding of findings) {
    const suppression = suppressions.find(
      (s) => s.code === finding.code && sameSubject(s.subject, finding.subject),
    );
    if (!suppression) continue;
    suppression.used = true;
    finding.suppressed = { reason: suppression.reason, at: suppression.at };
  }
}

function sameSubject(a: Subject, b: Subject): boolean {
  if (a.kind === "rule" && b.kind === "rule") return a.rule === b.rule;
  if (a.kind === "environment" && b.kind === "environment") return a.env === b.env;
  return a.kind === "policy" && b.kind === "policy";
}
