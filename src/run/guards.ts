/**
 * A guard is one rule applied to one simple command it matched: the unit that has checks,
 * state probes, expectations and a rollback, with its templates filled from that command.
 */
import { flagValues } from "../command/flags.js";
import type { TemplateLookup } from "../command/template.js";
import type { ResolvedEnvironment } from "../environment/resolve.js";
import { extractValues } from "../environment/signals.js";
import type { Rule } from "../policy/types.js";
import { own } from "../util/own.js";
import { type Evaluation, effectiveVars } from "./evaluate.js";

export interface Guard {
  rule: Rule;
  /** The command as the rule matched it; probes that follow the command's own flags read it. */
  argv: string[];
  /** The variables the command runs with; checks and probes see the same. */
  vars: Record<string, string | undefined>;
  /** Where the command goes; probes that must look at the same place read it. */
  environment: ResolvedEnvironment;
  lookup: TemplateLookup;
}

/** One guard per (matching rule, simple command) pair. */
export function guardsOf(
  evaluation: Evaluation,
  vars: Record<string, string | undefined>,
): Guard[] {
  return evaluation.matches.flatMap((match) => {
    const commandVars = effectiveVars(vars, match.command);
    return match.rules.map((rule) => ({
      rule,
      argv: match.command.argv,
      vars: commandVars,
      environment: match.environment,
      lookup: templateLookup(rule, match.command.argv, commandVars, match.environment),
    }));
  });
}

/** `{target}`, `{env}`, `{resource}` and `{args.NAME}` for one rule and command. */
export function templateLookup(
  rule: Rule,
  argv: readonly string[],
  vars: Record<string, string | undefined>,
  environment: ResolvedEnvironment,
): TemplateLookup {
  return (name) => {
    if (name === "env") return environment.name;
    if (name === "target") {
      return rule.environment ? extractValues(rule.environment, argv, vars)[0]?.value : undefined;
    }
    if (name === "resource") {
      return rule.resource ? extractValues(rule.resource, argv, vars)[0]?.value : undefined;
    }
    if (name.startsWith("args.")) {
      const arg = name.slice("args.".length);
      const extractor = own(rule.namedArgs, arg);
      if (extractor) return extractValues(extractor, argv, vars)[0]?.value;
      // Without an extractor, {args.NAME} is the value of --NAME (or -N for one letter).
      return flagValues(argv, [arg.length === 1 ? `-${arg}` : `--${arg}`]).at(-1);
    }
    return undefined;
  };
}
