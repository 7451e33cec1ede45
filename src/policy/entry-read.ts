/**
 * Reads a compiled-policy cache entry's body (entry-layout.ts) as a Policy whose rules are
 * parsed when first asked for: the header and the policy's other sections at once, then
 * through its rule index (rule-index.ts) only the rules a command's program names. The first
 * read of `policy.rules` itself parses every rule, so code that walks them (lint, explain)
 * sees a plain array, with the same Rule objects the index gave out; `policy.tests` is parsed
 * on its first read too.
 *
 * The caller has verified the body (its seal, or the stat index) before this reads it, so a
 * malformed body here is a bug or a failing disk: decodeEntry throws (the caller treats it as
 * a cache miss), and a later read throws an Error that says which file to delete.
 */
import {
  bucketOf,
  ENTRY_FORMAT,
  type EntryHeader,
  type EntryLayout,
  layoutOf,
  OFFSET_DIGITS,
} from "./entry-layout.js";
import type { EntrySource } from "./entry-source.js";
import { attachRuleIndex, type GlobbedRule, type RuleIndex } from "./rule-index.js";
import type { Policy, Rule } from "./types.js";

/** The policy in a body; throws when the body does not have the layout it says it has. */
export function decodeEntry(source: EntrySource, file: string): Policy {
  const first = source.read(0, Math.min(source.size, HEADER_MAX));
  const newline = first.indexOf(10);
  if (newline < 0) throw malformed(file, "no header line");
  const header = JSON.parse(first.toString("utf8", 0, newline)) as EntryHeader;
  if (!validHeader(header)) throw malformed(file, "not a header of this build");
  const layout = layoutOf(header, newline + 1);
  if (layout.rulesAt > source.size) throw malformed(file, "cut short");
  const end = offsetAt(
    source.read(layout.ruleTableAt + header.rules * OFFSET_DIGITS, OFFSET_DIGITS),
    0,
  );
  if (layout.rulesAt + end !== source.size) throw malformed(file, "not the length it says");
  const policy = JSON.parse(source.read(layout.policyAt, header.policy).toString()) as Policy;
  if (policy === null || typeof policy !== "object" || (policy.rules as unknown) !== header.rules) {
    throw malformed(file, "the policy does not have the rules the header counts");
  }
  const testCount = policy.tests as unknown;
  lazily(policy, "tests", () => {
    let tests: unknown;
    try {
      tests = JSON.parse(source.read(layout.testsAt, header.tests).toString());
    } catch (error) {
      throw malformed(file, (error as Error).message);
    }
    if (!Array.isArray(tests) || tests.length !== testCount) {
      throw malformed(file, "the policy does not have the tests it counts");
    }
    return tests;
  });
  const rules = new EntryRules(source, layout, file, end);
  Object.defineProperty(policy, "rules", {
    get: () => rules.all(policy),
    set: (value: Rule[]) => {
      attachRuleIndex(policy, undefined);
      Object.defineProperty(policy, "rules", { ...DATA, value });
    },
    enumerable: true,
    configurable: true,
  });
  attachRuleIndex(policy, rules);
  return policy;
}

/** The header line is short; a body whose first bytes hold no newline is not an entry. */
const HEADER_MAX = 4096;
const DATA = { writable: true, enumerable: true, configurable: true } as const;

/** A property computed on first read, then a plain one, where the key already is. */
function lazily<K extends keyof Policy>(policy: Policy, key: K, compute: () => Policy[K]): void {
  Object.defineProperty(policy, key, {
    get: () => {
      const value = compute();
      Object.defineProperty(policy, key, { ...DATA, value });
      return value;
    },
    set: (value: Policy[K]) => Object.defineProperty(policy, key, { ...DATA, value }),
    enumerable: true,
    configurable: true,
  });
}

function validHeader(header: EntryHeader): boolean {
  const counts = [
    header?.rules,
    header?.buckets,
    header?.policy,
    header?.tests,
    header?.globbed,
    header?.programs,
  ];
  return (
    header?.format === ENTRY_FORMAT &&
    counts.every((n) => Number.isSafeInteger(n) && n >= 0) &&
    header.buckets >= 1
  );
}

class EntryRules implements RuleIndex {
  private readonly slots: (Rule | undefined)[];
  private readonly ordinals = new Map<Rule, number>();
  private readonly programs = new Map<string, readonly number[]>();
  private globbedRules: GlobbedRule[] | undefined;

  constructor(
    private readonly source: EntrySource,
    private readonly layout: EntryLayout,
    private readonly file: string,
    private readonly rulesBytes: number,
  ) {
    this.slots = new Array(layout.header.rules);
  }

  rule(ordinal: number): Rule {
    const known = this.slots[ordinal];
    if (known) return known;
    const { header, ruleTableAt, rulesAt } = this.layout;
    if (!(Number.isInteger(ordinal) && ordinal >= 0 && ordinal < header.rules)) {
      throw new RangeError(`no rule ${ordinal} in a policy of ${header.rules}`);
    }
    const table = this.source.read(ruleTableAt + ordinal * OFFSET_DIGITS, 2 * OFFSET_DIGITS);
    const [start, end] = this.slice(table, 0, this.rulesBytes);
    return this.keep(ordinal, this.parse(rulesAt + start, end - start) as Rule);
  }

  literal(program: string): readonly number[] {
    const known = this.programs.get(program);
    if (known) return known;
    const { header, bucketTableAt, programsAt } = this.layout;
    const bucket = bucketOf(program, header.buckets);
    const table = this.source.read(bucketTableAt + bucket * OFFSET_DIGITS, 2 * OFFSET_DIGITS);
    const [start, end] = this.slice(table, 0, header.programs);
    const entries = this.parse(programsAt + start, end - start) as [string, number[]][];
    const found = entries.find((entry) => entry[0] === program)?.[1];
    const ordinals = found ? this.ordinalsIn(found) : NONE;
    this.programs.set(program, ordinals);
    return ordinals;
  }

  globbed(): readonly GlobbedRule[] {
    if (!this.globbedRules) {
      const { globbedAt, header } = this.layout;
      const list = this.parse(globbedAt, header.globbed) as [number, string[]][];
      this.globbedRules = list.map(([ordinal, globs]) => {
        this.ordinalsIn([ordinal]);
        return { ordinal, globs };
      });
    }
    return this.globbedRules;
  }

  ordinal(rule: Rule): number | undefined {
    return this.ordinals.get(rule);
  }

  /** Every rule, parsed; from then on `policy.rules` is a plain array of them. */
  all(policy: Policy): Rule[] {
    const every = Array.from({ length: this.layout.header.rules }, (_, i) => this.rule(i));
    Object.defineProperty(policy, "rules", { ...DATA, value: every });
    return every;
  }

  private keep(ordinal: number, rule: Rule): Rule {
    this.slots[ordinal] = rule;
    this.ordinals.set(rule, ordinal);
    return rule;
  }

  /** Two offsets from a table, checked to be a slice of a section of `limit` bytes. */
  private slice(table: Buffer, at: number, limit: number): [number, number] {
    const start = offsetAt(table, at);
    const end = offsetAt(table, at + OFFSET_DIGITS);
    if (start > end || end > limit) throw malformed(this.file, "an offset out of its section");
    return [start, end];
  }

  private ordinalsIn(ordinals: number[]): readonly number[] {
    const count = this.layout.header.rules;
    if (
      !ordinals.every(
        (n, i) => Number.isInteger(n) && n >= 0 && n < count && (i === 0 || n > ordinals[i - 1]!),
      )
    ) {
      throw malformed(this.file, "an index naming no rule");
    }
    return ordinals;
  }

  private parse(at: number, length: number): unknown {
    try {
      return JSON.parse(this.source.read(at, length).toString());
    } catch (error) {
      throw malformed(this.file, (error as Error).message);
    }
  }
}

const NONE: readonly number[] = Object.freeze([]);

/** An offset: OFFSET_DIGITS lowercase hex digits. */
function offsetAt(bytes: Buffer, at: number): number {
  if (at + OFFSET_DIGITS > bytes.length) throw new RangeError("an offset past the end");
  let value = 0;
  for (let i = at; i < at + OFFSET_DIGITS; i++) {
    const c = bytes[i]!;
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (digit < 0) throw new RangeError("an offset that is not hex");
    value = value * 16 + digit;
  }
  return value;
}

function malformed(file: string, what: string): Error {
  return new Error(
    `the compiled-policy cache entry ${file} is damaged (${what}); delete it and run again`,
  );
}
