/**
 * The decision a rule (or procedure) actually takes in each environment: its map by name,
 * then "*", then the default (confirm where protected, allow elsewhere), and for a target
 * the policy cannot place (`unknown-environment`) at least confirm, or deny when the policy
 * says so. Comparing these, rather than the maps as written, catches an entry removed so the
 * fallback applies, a new "*", and an environment that stopped being protected.
 */
import type { Decision, Policy } from "../../../policy/types.js";
import { own } from "../../../util/own.js";
import { byRank, type ChangeClass, type Locator, type StructuralChange } from "./change.js";

/** Strictness; `approve` (a second person) sits between confirm and deny. */
const RANK: Record<string, number> = { none: 0, allow: 1, confirm: 2, approve: 3, deny: 4 };

export const UNKNOWN = "unknown-environment";

type DecisionMap = Record<string, Decision> | undefined;

/** The decision in `env` (a name in the policy, or UNKNOWN), and which map key decided it. */
export function effectiveDecision(
  decision: DecisionMap,
  policy: Policy,
  env: string,
): { decision: string; key?: string } {
  if (env === UNKNOWN) {
    if (policy.unknownEnvironment === "deny") return { decision: "deny" };
    const star = own(decision, "*");
    if (star === undefined) return { decision: "confirm" };
    // Never below confirm where the environment cannot be told (see decisionOf).
    return { decision: (RANK[star] ?? 0) >= RANK.confirm! ? star : "confirm", key: "*" };
  }
  const environment = own(policy.environments, env);
  if (!environment) return effectiveDecision(decision, policy, UNKNOWN);
  const byName = own(decision, env);
  if (byName) return { decision: byName, key: env };
  const star = own(decision, "*");
  if (star) return { decision: star, key: "*" };
  return { decision: environment.protected ? "confirm" : "allow" };
}

export function compareDecisions(input: {
  subject: string;
  rule?: string;
  old: { decision: DecisionMap; policy: Policy; locate: Locator };
  new: { decision: DecisionMap; policy: Policy; locate: Locator };
}): StructuralChange[] {
  const { old, new: now } = input;
  const envs = [
    ...new Set([
      ...Object.keys(old.policy.environments),
      ...Object.keys(now.policy.environments),
      UNKNOWN,
    ]),
  ];
  const out: StructuralChange[] = [];
  for (const env of envs) {
    const a = effectiveDecision(old.decision, old.policy, env);
    const b = effectiveDecision(now.decision, now.policy, env);
    if (a.decision === b.decision) continue;
    const known = RANK[a.decision] !== undefined && RANK[b.decision] !== undefined;
    const cls: ChangeClass = known ? byRank(RANK[a.decision]!, RANK[b.decision]!) : "needs-human";
    const why = (d: { key?: string }, policy: Policy) =>
      d.key === undefined
        ? env === UNKNOWN
          ? policy.unknownEnvironment === "deny"
            ? " (unknown-environment: deny)"
            : " (the default for an unknown environment)"
          : own(policy.environments, env)
            ? ` (the default for ${own(policy.environments, env)!.protected ? "a protected" : "an unprotected"} environment)`
            : " (an unknown environment in this version)"
        : d.key === "*" && env !== "*"
          ? ' (from "*")'
          : "";
    out.push({
      class: cls,
      subject: input.subject,
      ...(input.rule !== undefined && { rule: input.rule }),
      environment: env,
      text: `${env}: ${a.decision}${why(a, old.policy)} → ${b.decision}${why(b, now.policy)}${known ? "" : " (a decision preflight does not know how to rank)"}`,
      old: old.locate(["decision"], a.key),
      new: now.locate(["decision"], b.key),
    });
  }
  return out;
}
