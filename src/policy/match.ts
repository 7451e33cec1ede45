/**
 * Which rules match a command. A rule matches when its `match.command` glob matches the
 * program's basename (the caller passes the program the command really runs as argv[0], see
 * src/command/identify-program.ts) and its `match.args` appear in the arguments in order (other tokens may
 * sit between them). Only the rules the index (rule-index.ts) names for the program are read, so
 * matching stays fast with 100,000 rules.
 */
import { programName } from "../command/normalise.js";
import { globMatch } from "./glob.js";
import { candidateOrdinals, namesProgram, ruleIndex } from "./rule-index.js";

export { programName };

import type { Policy, Rule } from "./types.js";

/**
 * True when some rule's match.command accepts this program name: an index lookup, and a glob
 * test only for the rare rule whose command is a glob. Programs that pass are never looked up on disk.
 */
export function isRuleProgram(policy: Policy, program: string): boolean {
  return namesProgram(ruleIndex(policy), program);
}

/** Rules that could match this program, before looking at its arguments; in policy order. */
export function candidateRules(policy: Policy, program: string): Rule[] {
  const index = ruleIndex(policy);
  return candidateOrdinals(index, program).map((ordinal) => index.rule(ordinal));
}

/** The rules, once each, in policy order. */
export function inPolicyOrder(policy: Policy, rules: readonly Rule[]): Rule[] {
  const index = ruleIndex(policy);
  const position = (rule: Rule) => index.ordinal(rule) ?? Number.MAX_SAFE_INTEGER;
  return [...new Set(rules)].sort((a, b) => position(a) - position(b));
}

/** Index of the first argument where the ordered match failed, or -1 when every token matched. */
export function firstUnmatchedArg(rule: Rule, args: readonly string[]): number {
  let at = 0;
  for (let i = 0; i < rule.args.length; i++) {
    const pattern = rule.args[i]!;
    while (at < args.length && !globMatch(pattern, args[at]!)) at++;
    if (at === args.length) return i;
    at++;
  }
  return -1;
}

/** Every rule that matches argv, in policy order. */
export function matchRules(policy: Policy, argv: readonly string[]): Rule[] {
  if (argv.length === 0) return [];
  const candidates = candidateRules(policy, programName(argv[0]!));
  if (candidates.length === 0) return candidates;
  const args = argv.slice(1);
  return candidates.filter((rule) => firstUnmatchedArg(rule, args) === -1);
}
