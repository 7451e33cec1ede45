/** Lint checks about environments and how a command's environment is found. */
import { decisionOf } from "../../../run/evaluate.js";
import { own } from "../../../util/own.js";
import type { Locate } from "../../shared/review-policy.js";
import { resolved, UNKNOWN_ENVIRONMENT } from "../rule-facts.js";
import type { FindingDraft, LintInput } from "../types.js";

/** PF104: a protected environment only its own name can select. */
export function protectedWithoutSignal({ policy, review }: LintInput): FindingDraft[] {
  return Object.values(policy.environments)
    .filter(
      (env) =>
        env.protected &&
        env.targets.length === 0 &&
        Object.keys(env.vars).length === 0 &&
        (env.awsAccounts ?? []).length === 0 &&
        Object.keys(env.truth ?? {}).length === 0,
    )
    .map((env) => ({
      subject: { kind: "environment" as const, env },
      at: review.locateEnvironment(env)(),
      message: `protected environment '${env.name}' has no match.target, match.vars or match.aws-account (nor url, server, host, workspace or backend): only a command naming '${env.name}' literally, or --env, selects it; 'prod-eu' would be an unknown environment`,
    }));
}

/** Where the file-level `unknown-environment` is written, if any file writes it. */
function unknownEnvironmentSetting(input: LintInput): Locate | undefined {
  const source = input.review.sources.find((s) => s.data?.["unknown-environment"] !== undefined);
  return source && ((path = [], key) => source.locate(["unknown-environment", ...path], key));
}

/** PF105: `unknown-environment` not written down, so a reviewer cannot see the choice. */
export function unknownEnvironmentImplicit(input: LintInput): FindingDraft[] {
  if (unknownEnvironmentSetting(input)) return [];
  const first = input.review.sources[0];
  if (!first) return [];
  return [
    {
      subject: { kind: "policy" },
      at: first.locate(),
      message:
        "the policy does not say what happens to a command whose environment cannot be identified; write `unknown-environment: deny` (or `protected`) so reviewers see the choice",
    },
  ];
}

/**
 * PF106: unknown environments only confirmed while a rule denies in a protected environment:
 * a production host missing from match.target is then one typed name away.
 */
export function unknownWeakerThanProtected(input: LintInput): FindingDraft[] {
  const { policy } = input;
  if (policy.unknownEnvironment === "deny") return [];
  const loose = policy.rules.find((rule) => {
    if (decisionOf(rule, UNKNOWN_ENVIRONMENT) === "deny") return false;
    return Object.values(policy.environments).some(
      (env) => env.protected && decisionOf(rule, resolved(env)) === "deny",
    );
  });
  if (!loose) return [];
  const setting = unknownEnvironmentSetting(input);
  const at = setting ? setting() : input.review.sources[0]?.locate();
  if (!at) return [];
  const denied = Object.values(policy.environments).find(
    (env) => env.protected && decisionOf(loose, resolved(env)) === "deny",
  )!;
  return [
    {
      subject: { kind: "policy" },
      at,
      message: `rule '${loose.id}' denies in ${denied.name}, but a target preflight does not recognise only needs its name typed (unknown-environment: protected): a ${denied.name} target missing from match.target gets through with a confirmation`,
    },
  ];
}

/** PF111: a decision for an environment the rule has no way to detect. */
export function undetectableDecision({ policy, review }: LintInput): FindingDraft[] {
  const findings: FindingDraft[] = [];
  for (const rule of policy.rules) {
    if (rule.environment !== undefined) continue;
    for (const name of Object.keys(rule.decision ?? {})) {
      const env = own(policy.environments, name);
      if (!env || Object.keys(env.vars).length > 0) continue;
      findings.push({
        subject: { kind: "rule", rule },
        at: review.locateRule(rule)(["decision"], name),
        message: `rule '${rule.id}' decides for '${name}', but has no environment: extractor and '${name}' has no match.vars: only --env can select it, so the decision for '${name}' depends on the operator saying where they are`,
      });
    }
  }
  return findings;
}
