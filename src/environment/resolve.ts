/**
 * Works out which environment a command really targets. In order of strength: what the
 * command will really talk to, read from its tool's own configuration (a rule's
 * `environment: { target: TOOL }`, see ./resolvers and ./truth.ts); then the value the command
 * names (the rule's `environment` extractor, or the alias a resolver read: a kube context, a
 * fly target); then the environments whose `match.vars` hold; then `--env`. Names can lie, the
 * truth cannot: when they disagree the truth names the environment, the run is as strict as
 * the stricter of the two, and both are said. The operator's `--env` is a statement of intent:
 * when detection finds something else, the run is blocked, because the PaaS incident was
 * exactly an operator believing they were somewhere they were not.
 */
import type { Environment, Policy, Rule } from "../policy/types.js";
import { own } from "../util/own.js";
import { type AccountAnswer, accountEnvironment, accountLookupFailure } from "./aws-account.js";
import type { ReadTarget, TargetReading, TargetTool } from "./resolvers/types.js";
import {
  environmentsForTarget,
  environmentsFromVars,
  extractValues,
  type TargetValue,
} from "./signals.js";
import { environmentForTruth, primaryTruth, type TruthView, truthView } from "./truth.js";

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
  /** What the tool's own configuration says the command will talk to. */
  truth?: TruthView;
  /**
   * The environment the command's names (alias, context, flags) point at, when the truth
   * says another: the run is as strict as the stricter of the two.
   */
  alias?: Omit<ResolvedEnvironment, "truth" | "alias" | "note">;
  /** The contradiction in one sentence: "fly target `dev` (development) points at https://… — production". */
  note?: string;
}

export type { AccountAnswer } from "./aws-account.js";

export type EnvironmentResolution =
  | { ok: true; environment: ResolvedEnvironment }
  | {
      ok: false;
      contradiction: string;
      hint: string;
      detected?: ResolvedEnvironment;
      /** `detected` comes from a weaker source (a config file): it names the environment, the decision is deny. */
      namedOnly?: boolean;
    };

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
  /** Reads a tool's configuration, for rules whose environment names a `target`. */
  readTarget?: ReadTarget;
}): EnvironmentResolution {
  const { policy, account } = input;
  const readings = targetReadings(input);
  if (account && "error" in account && input.rules.some((r) => r.environment?.awsAccount)) {
    // Blocked whatever the profile in ~/.aws/config says: that only names the account.
    return { ok: false, ...accountLookupFailure(policy, account), namedOnly: true };
  }
  // Profiles and names can lie; the account cannot: where a rule reads it, its other signals are not needed.
  const named = dedupe([
    ...input.rules.flatMap((rule) =>
      rule.environment && !(rule.environment.awsAccount && account)
        ? extractValues(rule.environment, input.argv, input.vars)
        : [],
    ),
    // A reading's alias counts even when its configuration cannot be read: `fly -t prod` with
    // no ~/.flyrc is unknown by its truth and production by its name, so as strict as both.
    ...readings.flatMap((r) => (r.alias ? [r.alias] : [])),
  ]);
  // Nothing names the target, and no environment claims the truth: the truth is its name
  // (a terraform workspace no `match.workspace` lists is still matched against `match.target`).
  const values = named.length > 0 ? named : readings.flatMap((r) => unclaimedTruth(policy, r));

  let detected: ResolvedEnvironment[] = values.map((v) => fromTarget(policy, v));
  if (account && "account" in account && input.rules.some((r) => r.environment?.awsAccount)) {
    detected.unshift(accountEnvironment(policy, account.account, account));
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
  const truth = fromReadings(policy, readings);
  if (!truth.ok) return truth;
  const found = withTruth(distinct[0], truth.environment, readings[0]);

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

/** One reading per tool the matching rules name; none before the resolvers are loaded. */
function targetReadings(input: {
  rules: readonly Pick<Rule, "environment">[];
  argv: readonly string[];
  vars: Record<string, string | undefined>;
  readTarget?: ReadTarget;
}): TargetReading[] {
  const tools = new Set<TargetTool>();
  for (const rule of input.rules) if (rule.environment?.target) tools.add(rule.environment.target);
  const readings: TargetReading[] = [];
  for (const tool of tools) {
    const reading = input.readTarget?.(tool, input.argv, input.vars);
    if (reading) readings.push(reading);
  }
  return readings;
}

/** A reading's own value, as a target name, when no environment's truth globs claim it. */
function unclaimedTruth(policy: Policy, reading: TargetReading): TargetValue[] {
  if (reading.problem !== undefined || environmentForTruth(policy, reading)) return [];
  const primary = primaryTruth(reading);
  return primary ? [{ value: primary.value, source: `${reading.tool} ${primary.key}` }] : [];
}

/** The environment the readings' truth means; unknown when a configuration cannot be read. */
function fromReadings(
  policy: Policy,
  readings: TargetReading[],
):
  | { ok: true; environment?: ResolvedEnvironment }
  | { ok: false; contradiction: string; hint: string } {
  const found: ResolvedEnvironment[] = [];
  for (const reading of readings) {
    if (reading.problem !== undefined) {
      found.push({
        name: "unknown",
        known: false,
        protected: true,
        color: "magenta",
        source: `${reading.tool} configuration`,
        truth: truthView(reading),
      });
      continue;
    }
    const match = environmentForTruth(policy, reading);
    if (match) {
      found.push({
        ...known(match.env, `${reading.tool} ${match.key}`),
        target: match.value,
        truth: truthView(reading),
      });
    }
  }
  const distinct = [...new Map(found.map((e) => [`${e.known}:${e.name}`, e])).values()];
  if (distinct.length > 1) {
    return {
      ok: false,
      contradiction: `the command's tools point at more than one environment: ${distinct.map(describe).join(" and ")}`,
      hint: "run it with one target only",
    };
  }
  return { ok: true, ...(distinct[0] && { environment: distinct[0] }) };
}

/**
 * The truth wins over the names: it names the environment; when the names point elsewhere,
 * that environment is kept beside it (the run takes the stricter decision) and said in words.
 */
function withTruth(
  named: ResolvedEnvironment | undefined,
  truth: ResolvedEnvironment | undefined,
  reading: TargetReading | undefined,
): ResolvedEnvironment | undefined {
  if (!truth) {
    // The truth claims no environment: the names decide, and the reading is still shown.
    return named && reading ? { ...named, truth: truthView(reading) } : named;
  }
  if (!named || (named.known === truth.known && named.name === truth.name)) return truth;
  // A name the policy does not know claims nothing; the truth alone decides.
  if (!named.known && truth.known) return truth;
  const { truth: _t, alias: _a, note: _n, ...alias } = named;
  const goesTo = truth.truth?.problem
    ? `its configuration cannot be read (${truth.truth.problem}), so the environment is unknown`
    : `it points at ${truth.target} — ${truth.name}`;
  return {
    ...truth,
    protected: truth.protected || named.protected,
    alias,
    note: `the name \`${named.target ?? named.name}\` (${named.source}) says ${named.name}, but ${goesTo}`,
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
