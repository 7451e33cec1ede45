/** Lint checks about rules that destroy something: how they decide and how they verify. */
import { decisionOf } from "../../../run/evaluate.js";
import { own } from "../../../util/own.js";
import { deniesEverywhere, destructiveWord, resolved } from "../rule-facts.js";
import type { FindingDraft, LintInput } from "../types.js";

/** PF103: a destructive rule that allows, without confirmation, in a protected environment. */
export function allowInProtected({ policy, review }: LintInput): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const rule of policy.rules) {
    const word = destructiveWord(rule);
    if (!word) continue;
    for (const env of Object.values(policy.environments)) {
      if (!env.protected || decisionOf(rule, resolved(env)) !== "allow") continue;
      const key = own(rule.decision, env.name) !== undefined ? env.name : "*";
      findings.push({
        subject: { kind: "rule", rule },
        at: review.locateRule(rule)(["decision"], key),
        message: `rule '${rule.id}' (${word}) allows in protected environment '${env.name}'${key === "*" ? ' through "*"' : ""}: nobody is asked before it runs there`,
      });
    }
  }
  return findings;
}

/** PF107: a rule that deletes or revokes and never looks at what it changed. */
export function destructiveUnverified({ policy, review }: LintInput): FindingDraft[] {
  return policy.rules.flatMap((rule) => {
    const word = destructiveWord(rule);
    if (!word || rule.state.length > 0 || rule.expect || deniesEverywhere(rule, policy)) return [];
    return [
      {
        subject: { kind: "rule" as const, rule },
        at: review.locateRule(rule)(["id"]),
        message: `rule '${rule.id}' (${word}) lets the command run somewhere but has no state or expect: nobody will know if it removed more than it named`,
      },
    ];
  });
}

/** PF108: a rollback that can never run, because nothing is verified. */
export function rollbackUnverified({ policy, review }: LintInput): FindingDraft[] {
  return policy.rules.flatMap((rule) => {
    // Failed verify: checks also trigger the rollback.
    if (!rule.rollback || (rule.state.length > 0 && rule.expect) || (rule.verify?.length ?? 0) > 0)
      return [];
    const missing = rule.state.length === 0 ? "state" : "expect";
    return [
      {
        subject: { kind: "rule" as const, rule },
        at: review.locateRule(rule)(["rollback"]),
        message: `rule '${rule.id}' has a rollback but no ${missing}: a rollback runs only when the after-state breaks the expectations, so this one never runs`,
      },
    ];
  });
}
