/**
 * Which rules could match a program, by position in `policy.rules`: the rules naming it
 * literally, and the few whose command is a glob. Built once per policy from its rules, or,
 * for a policy read from the compiled-policy cache, read from the entry with it
 * (entry-read.ts), so that evaluating one command against 100,000 rules neither walks nor
 * parses them all.
 */
import { globMatch, isGlob } from "./glob.js";
import type { Policy, Rule } from "./types.js";

/** A rule with a glob among its commands, and those globs. */
export interface GlobbedRule {
  ordinal: number;
  globs: string[];
}

export interface RuleIndex {
  /** Positions of the rules naming this program literally, ascending. */
  literal(program: string): readonly number[];
  /** The rules with a glob among their commands, ascending. */
  globbed(): readonly GlobbedRule[];
  /** The rule at this position. */
  rule(ordinal: number): Rule;
  /** The position of one of the policy's rules. */
  ordinal(rule: Rule): number | undefined;
}

const NONE: readonly number[] = Object.freeze([]);
const indexes = new WeakMap<Policy, RuleIndex>();

/** The policy's rule index, built from its rules on first use unless one was attached. */
export function ruleIndex(policy: Policy): RuleIndex {
  let index = indexes.get(policy);
  if (!index) {
    index = indexRules(policy.rules);
    indexes.set(policy, index);
  }
  return index;
}

/** Gives a policy the index its cache entry holds; undefined: index its rules when asked. */
export function attachRuleIndex(policy: Policy, index: RuleIndex | undefined): void {
  if (index) indexes.set(policy, index);
  else indexes.delete(policy);
}

/** The literal program names and the glob commands of the rules: what an index holds. */
export function programsOf(rules: readonly Rule[]): {
  byProgram: Map<string, number[]>;
  globbed: GlobbedRule[];
} {
  const byProgram = new Map<string, number[]>();
  const globbed: GlobbedRule[] = [];
  rules.forEach((rule, ordinal) => {
    const globs: string[] = [];
    for (const command of rule.commands) {
      if (isGlob(command)) {
        globs.push(command);
        continue;
      }
      const list = byProgram.get(command);
      if (!list) byProgram.set(command, [ordinal]);
      else if (list.at(-1) !== ordinal) list.push(ordinal);
    }
    if (globs.length > 0) globbed.push({ ordinal, globs });
  });
  return { byProgram, globbed };
}

function indexRules(rules: readonly Rule[]): RuleIndex {
  const { byProgram, globbed } = programsOf(rules);
  let ordinals: Map<Rule, number> | undefined;
  return {
    literal: (program) => byProgram.get(program) ?? NONE,
    globbed: () => globbed,
    rule: (ordinal) => rules[ordinal]!,
    ordinal: (rule) => {
      ordinals ??= new Map(rules.map((r, i) => [r, i]));
      return ordinals.get(rule);
    },
  };
}

/** Positions of the rules that could match this program before its arguments are read, ascending. */
export function candidateOrdinals(index: RuleIndex, program: string): readonly number[] {
  const literal = index.literal(program);
  const globbed = index
    .globbed()
    .filter((g) => g.globs.some((glob) => globMayMatch(glob, program)))
    .map((g) => g.ordinal);
  if (globbed.length === 0) return literal;
  return [...new Set([...literal, ...globbed])].sort((a, b) => a - b);
}

/** Whether some rule's command accepts this program name. */
export function namesProgram(index: RuleIndex, program: string): boolean {
  return (
    index.literal(program).length > 0 ||
    index.globbed().some((g) => g.globs.some((glob) => globMayMatch(glob, program)))
  );
}

/**
 * globMatch, but first the glob's literal start and end are compared, so that scanning a
 * thousand glob programs (`t*ol42`) for `ls` compiles none of them.
 */
function globMayMatch(glob: string, value: string): boolean {
  let ends = literalEnds.get(glob);
  if (!ends) {
    ends = endsOf(glob);
    literalEnds.set(glob, ends);
  }
  return value.startsWith(ends[0]) && value.endsWith(ends[1]) && globMatch(glob, value);
}

const literalEnds = new Map<string, [string, string]>();

/**
 * The text before the glob's first special character and after its last one. Every match
 * starts and ends with them: neither holds a character that could mean anything but itself.
 */
export function endsOf(glob: string): [string, string] {
  const first = glob.search(/[\\*?[{]/);
  const prefix = first === -1 ? glob : glob.slice(0, first);
  let last = glob.length - 1;
  while (last >= 0 && !"\\*?[]{},".includes(glob[last]!)) last--;
  return [prefix, glob.slice(last + 1)];
}
