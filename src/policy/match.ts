/**
 * Which rules match a command. A rule matches when its `match.command` glob matches the
 * program's basename (the caller passes the program the command really runs as argv[0], see
 * src/command/identify-program.ts) and its `match.args` appear in the arguments in order (other tokens may
 * sit between them). Rules are indexed by literal program name once per policy, so matching
 * stays fast with thousands of rules.
 */
import { programName } from "../command/normalise.js";
import { globMatch, isGlob } from "./glob.js";

export { programName };

import type { Policy, Rule } from "./types.js";

export interface RuleIndex {
  byProgram: Map<string, Rule[]>;
  /** Rules whose command is itself a glob, tried against every program. */
  globbed: Rule[];
}

const indexes = new WeakMap<Policy, RuleIndex>();

export function ruleIndex(policy: Policy): RuleIndex {
  const existing = indexes.get(policy);
  if (existing) return existing;
  const byProgram = new Map<string, Rule[]>();
  const globbed = new Set<Rule>();
  for (const rule of policy.rules) {
    for (const command of rule.commands) {
      if (isGlob(command)) {
        globbed.add(rule);
        continue;
      }
      const list = byProgram.get(command);
      if (list) {
        if (!list.includes(rule)) list.push(rule);
      } else byProgram.set(command, [rule]);
    }
  }
  const index = { byProgram, globbed: [...globbed] };
  indexes.set(policy, index);
  return index;
}

/**
 * True when some rule's match.command accepts this program name: a Map lookup, and a glob test
 * only for the rare rule whose command is a glob. Programs that pass are never looked up on disk.
 */
export function isRuleProgram(policy: Policy, program: string): boolean {
  const index = ruleIndex(policy);
  return (
    index.byProgram.has(program) ||
    index.globbed.some((r) => r.commands.some((c) => globMatch(c, program)))
  );
}

/** Rules that could match this program, before looking at its arguments; in policy order. */
export function candidateRules(policy: Policy, program: string): Rule[] {
  const index = ruleIndex(policy);
  const literal = index.byProgram.get(program) ?? [];
  const globbed = index.globbed.filter((r) => r.commands.some((c) => globMatch(c, program)));
  if (globbed.length === 0) return literal;
  const order = new Map(policy.rules.map((r, i) => [r, i]));
  return [...new Set([...literal, ...globbed])].sort((a, b) => order.get(a)! - order.get(b)!);
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
