/**
 * Verifies a diff against a rule's `expect`: how many entries may be added, removed or
 * changed, which ones (`only`), which never (`never`), and which must stay identical
 * (`unchanged`). Returns every violation found, as data.
 */
import type { ChangeExpectation, Expectations, Selector } from "../policy/types.js";
import { describeSelector, selectorMatches } from "./selector.js";
import type { ChangedEntry, DiffEntry, Entry, StateDiff, Violation } from "./types.js";

type Kind = "added" | "removed" | "changed";
type AnyEntry = DiffEntry | ChangedEntry;

/** Templates in selectors ({resource}) are already filled in by the caller. */
export function verifyExpectations(
  diff: StateDiff,
  expect: Expectations,
  rule?: string,
): Violation[] {
  const violations: Violation[] = [];
  for (const kind of ["added", "removed", "changed"] as const) {
    violations.push(...checkChange(kind, diff[kind], expect[kind]));
  }
  violations.push(...checkUnchanged(diff, expect.unchanged));
  return rule === undefined ? violations : violations.map((v) => ({ ...v, rule }));
}

function checkChange(
  kind: Kind,
  entries: readonly AnyEntry[],
  expectation: ChangeExpectation,
): Violation[] {
  if (expectation.kind === "any" || entries.length === 0) return [];
  if (expectation.kind === "none") {
    return [
      {
        expectation: `${kind}.none`,
        message: `expected nothing ${kind}, but ${count(entries.length)} ${entries.length === 1 ? "was" : "were"}`,
        entries: [...entries],
      },
    ];
  }
  const violations: Violation[] = [];
  if (expectation.max !== undefined && entries.length > expectation.max) {
    violations.push({
      expectation: `${kind}.max`,
      message: `expected at most ${count(expectation.max)} ${kind}, but ${count(entries.length)} ${entries.length === 1 ? "was" : "were"}`,
      entries: [...entries],
    });
  }
  const { only, never } = expectation;
  if (only) {
    const outside = entries.filter((e) => !matchesEither(only, e));
    if (outside.length > 0) {
      violations.push({
        expectation: `${kind}.only`,
        message: `only entries matching ${describeSelector(only)} may be ${kind}, but ${outside.length} other ${outside.length === 1 ? "entry was" : "entries were"}`,
        entries: outside,
      });
    }
  }
  if (never) {
    const forbidden = entries.filter((e) => matchesEither(never, e));
    if (forbidden.length > 0) {
      violations.push({
        expectation: `${kind}.never`,
        message: `entries matching ${describeSelector(never)} must never be ${kind}, but ${count(forbidden.length)} ${forbidden.length === 1 ? "was" : "were"}`,
        entries: forbidden,
      });
    }
  }
  return violations;
}

function checkUnchanged(diff: StateDiff, selectors: readonly Selector[]): Violation[] {
  const violations: Violation[] = [];
  for (const selector of selectors) {
    const touched: AnyEntry[] = [
      ...diff.added.filter((e) => selectorMatches(selector, e.entry)),
      ...diff.removed.filter((e) => selectorMatches(selector, e.entry)),
      ...diff.changed.filter((e) => matchesEither(selector, e)),
    ];
    if (touched.length > 0) {
      violations.push({
        expectation: "unchanged",
        message: `entries matching ${describeSelector(selector)} must stay as they were, but ${count(touched.length)} ${touched.length === 1 ? "was" : "were"} added, removed or changed`,
        entries: touched,
      });
    }
  }
  return violations;
}

/** A changed entry matches when it did before or does after: either way it was touched. */
function matchesEither(selector: Selector, e: AnyEntry): boolean {
  if ("entry" in e) return selectorMatches(selector, e.entry);
  return (
    selectorMatches(selector, e.before as Entry) || selectorMatches(selector, e.after as Entry)
  );
}

function count(n: number): string {
  return `${n} ${n === 1 ? "entry" : "entries"}`;
}
