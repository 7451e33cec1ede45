/**
 * Works out which environment a command really targets. In order of strength: the value the
 * command itself names (the rule's `environment` extractor), then the environments whose
 * `match.vars` hold for the variables it runs with, then `--env`. The operator's `--env` is a
 * statement of intent: when detection finds something else, the run is blocked, because the
 * PaaS incident was exactly an operator believing they were somewhere they were not.
 */
import type { Environment, Policy, Rule } from "../policy/types.js";
import { own } from "../util/own.js";
import {
  environmentsForTarget,
  environmentsFromVars,
  extractValues,
  type TargetValue,
} from "./signals.js";

export interface ResolvedEnvironment {
  /** The environment's name; for an unknown one, the raw target value (or "unknown"). */
  name: string;
  known: boolean;
  protected: boolean;
  color: string;
  /** Where it came from, e.g. "argument -t", "variable AWS_PROFILE", "--env", "none". */
  source: string;
  /** The raw value the command named, when it named one. */
  target?: string;
}

/** What STS said about the account a command's credentials belong to (or why it could not). */
export type AccountAnswer = { account: string } | { error: string };

export type EnvironmentResolution =
  | { ok: true; environment: ResolvedEnvironment }
  | { ok: false; contradiction: string; hint: string; detected?: ResolvedEnvironment };

/** The environment a matched command targets, or why the signals contradict each other. */
export function resolveEnvironment(input: {
  policy: Policy;
  /** The rules (or a procedure) whose `environment` extractors say where the command goes. */
  rules: readonly Pick<Rule, "environment">[];
  argv: readonly string[];
  vars: Record<string, string | undefined>;
  intended?: string;
  /** The AWS account, for rules whose environment is `aws-account: true`. */
  account?: AccountAnswer;
}): EnvironmentResolution {
  const { policy, account } = input;
  if (account && "error" in account && input.rules.some((r) => r.environment?.awsAccount)) {
    return {
      ok: false,
      contradiction: `preflight could not find out which AWS account this command would change: ${account.error}`,
      hint: "check the command's credentials, profile, region and endpoint (preflight asks STS GetCallerIdentity with the same ones); an account that cannot be identified is never treated as safe",
    };
  }
  // Profiles and names can lie; the account cannot: where a rule reads it, its other signals are not needed.
  const values = dedupe(
    input.rules.flatMap((rule) =>
      rule.environment && !(rule.environment.awsAccount && account)
        ? extractValues(rule.environment, input.argv, input.vars)
        : [],
    ),
  );

  let detected: ResolvedEnvironment[] = values.map((v) => fromTarget(policy, v));
  if (account && "account" in account && input.rules.some((r) => r.environment?.awsAccount)) {
    detected.unshift(fromAccount(policy, account.account));
  }
  if (detected.length === 0) {
    detected = environmentsFromVars(policy, input.vars).map(({ env, source }) =>
      known(env, source),
    );
  }

  const distinct = [...new Map(detected.map((d) => [`${d.known}:${d.name}`, d])).values()];
  if (distinct.length > 1) {
    return {
      ok: false,
      contradiction: `the command points at more than one environment: ${distinct.map(describe).join(" and ")}`,
      hint: "name one target only, or fix the variables it inherits",
    };
  }
  const found = distinct[0];

  if (input.intended !== undefined) {
    if (found && !(found.known && found.name === input.intended)) {
      return {
        ok: false,
        // What the command really targets still goes in the report and the audit record.
        detected: found,
        contradiction: `you said --env ${input.intended}, but the command targets ${describe(found)}`,
        hint: found.known
          ? `if you meant ${found.name}, say --env ${found.name}; otherwise fix the command's target`
          : `if '${found.target}' is ${input.intended}, add it to environments.${input.intended}.match.target in the policy`,
      };
    }
    if (!found) {
      const env = own(policy.environments, input.intended);
      if (env) return { ok: true, environment: known(env, "--env") };
    }
  }
  if (found) return { ok: true, environment: found };
  return {
    ok: true,
    environment: {
      name: "unknown",
      known: false,
      protected: true,
      color: "magenta",
      source: "none",
    },
  };
}

function fromTarget(policy: Policy, value: TargetValue): ResolvedEnvironment {
  const envs = environmentsForTarget(policy, value.value);
  // Two environments claiming one value: the protected one, since guessing low is the danger.
  const env = envs.find((e) => e.protected) ?? envs[0];
  if (env) return { ...known(env, value.source), target: value.value };
  return {
    name: value.value,
    known: false,
    protected: true,
    color: "magenta",
    source: value.source,
    target: value.value,
  };
}

/** The environment whose `match.aws-account` lists the account; unknown (and protected) otherwise. */
function fromAccount(policy: Policy, account: string): ResolvedEnvironment {
  const envs = Object.values(policy.environments).filter((e) => e.awsAccounts?.includes(account));
  const env = envs.find((e) => e.protected) ?? envs[0];
  if (env) return { ...known(env, "AWS account"), target: account };
  return {
    name: account,
    known: false,
    protected: true,
    color: "magenta",
    source: "AWS account",
    target: account,
  };
}

function known(env: Environment, source: string): ResolvedEnvironment {
  return { name: env.name, known: true, protected: env.protected, color: env.color, source };
}

function describe(env: ResolvedEnvironment): string {
  const raw = env.target !== undefined && env.target !== env.name ? ` '${env.target}'` : "";
  return env.known
    ? `${env.name} (${env.source}${raw})`
    : `an unknown environment '${env.name}' (${env.source})`;
}

function dedupe(values: TargetValue[]): TargetValue[] {
  const seen = new Set<string>();
  return values.filter(
    (v) => !seen.has(`${v.value}\0${v.source}`) && seen.add(`${v.value}\0${v.source}`),
  );
}
