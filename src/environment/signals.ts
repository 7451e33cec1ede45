/**
 * Reading environment signals: values a command's own arguments or variables give for its
 * target, and which environment each value means.
 */
import { flagValues, positionalValue } from "../command/flags.js";
import { globMatchIgnoringCase } from "../policy/glob.js";
import type { Environment, Extractor, Policy } from "../policy/types.js";

export interface TargetValue {
  value: string;
  /** Where it came from: "argument -t", "argument 2", "variable BOSH_ENVIRONMENT". */
  source: string;
}

/** The first place an extractor finds a value: its flags, then its position, then its variables. */
export function extractValues(
  extractor: Extractor,
  argv: readonly string[],
  vars: Record<string, string | undefined>,
): TargetValue[] {
  const fromFlags: TargetValue[] = [];
  for (const flag of extractor.flags) {
    for (const value of flagValues(argv, [flag])) {
      // `-t ""` names nothing; an empty environment name would make an empty confirmation valid.
      if (value !== "") fromFlags.push({ value, source: `argument ${flag}` });
    }
  }
  if (fromFlags.length > 0) return fromFlags;
  if (extractor.position !== undefined) {
    const value = positionalValue(argv, extractor.position);
    if (value) return [{ value, source: `argument ${extractor.position}` }];
  }
  for (const name of extractor.vars) {
    const value = vars[name];
    if (value) return [{ value, source: `variable ${name}` }];
  }
  return [];
}

/** The environments a target value means: its name, or one of its `match.target` globs. */
export function environmentsForTarget(policy: Policy, value: string): Environment[] {
  return Object.values(policy.environments).filter(
    (env) =>
      globMatchIgnoringCase(env.name, value) ||
      env.targets.some((pattern) => globMatchIgnoringCase(pattern, value)),
  );
}

/** Environments whose `match.vars` all match the variables the command runs with. */
export function environmentsFromVars(
  policy: Policy,
  vars: Record<string, string | undefined>,
): { env: Environment; source: string }[] {
  const found: { env: Environment; source: string }[] = [];
  for (const env of Object.values(policy.environments)) {
    const names = Object.keys(env.vars);
    if (names.length === 0) continue;
    if (
      names.every(
        (name) => vars[name] !== undefined && globMatchIgnoringCase(env.vars[name]!, vars[name]!),
      )
    ) {
      found.push({ env, source: `variable ${names.join(", ")}` });
    }
  }
  return found;
}
