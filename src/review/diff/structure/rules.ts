/**
 * Rules compared by id, key by key: the effective decision in every environment, the match,
 * where the environment is read, checks, state, expectations, rollback, require-reason, and
 * (through the generic fallback) any key added to the format since. A removed id and an added
 * one with the same match are a rename: both sides are compared as one rule.
 */
import type { Rule } from "../../../policy/types.js";
import type { DiffSide, Locator, StructuralChange } from "./change.js";
import { compareDecisions } from "./decisions.js";
import { compareEnvironmentExtractor, compareValueExtractor } from "./extractors.js";
import { kebab, otherKeyChanges, stable } from "./generic.js";
import { compareExpect, compareNamedItems, compareOptional, type GuardChange } from "./guards.js";
import { compareMatch } from "./match.js";

/** Keys a specific comparison below handles; any other key goes to the generic fallback. */
const KNOWN = new Set([
  "id",
  "description",
  "hint",
  "commands",
  "args",
  "decision",
  "requireReason",
  "environment",
  "resource",
  "namedArgs",
  "checks",
  "verify",
  "state",
  "expect",
  "rollback",
  "restore",
]);

/** A change one comparison found, with the list index on each side when it is a list item. */
type Found = GuardChange & { example?: string };

export function compareRules(old: DiffSide, now: DiffSide): StructuralChange[] {
  const out: StructuralChange[] = [];
  const pairs: [Rule, Rule][] = [];
  const removed: Rule[] = [];
  for (const rule of old.policy.rules) {
    const same = now.policy.rules.find((r) => r.id === rule.id);
    if (same) pairs.push([rule, same]);
    else removed.push(rule);
  }
  const added = now.policy.rules.filter((r) => !old.policy.rules.some((o) => o.id === r.id));
  const matchOf = (r: Rule) => stable([r.commands, r.args]);
  for (const rule of [...removed]) {
    const renamed = added.find((r) => matchOf(r) === matchOf(rule));
    if (!renamed) continue;
    removed.splice(removed.indexOf(rule), 1);
    added.splice(added.indexOf(renamed), 1);
    pairs.push([rule, renamed]);
    out.push({
      class: "neutral",
      subject: `rule ${renamed.id}`,
      rule: renamed.id,
      text: `renamed from '${rule.id}' (same match); compared as one rule`,
      old: old.locateRule(rule)([], "id"),
      new: now.locateRule(renamed)([], "id"),
    });
  }
  for (const rule of removed)
    out.push({
      class: "weakening",
      subject: `rule ${rule.id}`,
      rule: rule.id,
      text: `removed: ${[...rule.commands, ...rule.args].join(" ")} is no longer guarded by it`,
      old: rule.source,
    });
  for (const rule of added)
    out.push({
      class: "tightening",
      subject: `rule ${rule.id}`,
      rule: rule.id,
      text: `added: now guards ${[...rule.commands, ...rule.args].join(" ")}`,
      new: rule.source,
    });
  for (const [a, b] of pairs) out.push(...compareRule(a, b, old, now));
  if (reordered(pairs, old, now))
    out.push({
      class: "neutral",
      subject: "rules",
      text: "rules reordered (order does not change a decision: the strictest matching rule decides)",
    });
  return out;
}

function compareRule(a: Rule, b: Rule, oldSide: DiffSide, newSide: DiffSide): StructuralChange[] {
  const old = oldSide.locateRule(a);
  const now = newSide.locateRule(b);
  const subject = `rule ${b.id}`;
  const out: StructuralChange[] = compareDecisions({
    subject,
    rule: b.id,
    old: { decision: a.decision, policy: oldSide.policy, locate: old },
    new: { decision: b.decision, policy: newSide.policy, locate: now },
  });
  /** Where a change is written: a list item by index (a check), else the rule's key. */
  const place = (locate: Locator, key: string, index?: number) =>
    index === undefined ? locate([], key) : locate([key, index]);
  const push = (changes: readonly Found[], key: string) => {
    for (const c of changes)
      out.push({
        class: c.class,
        subject,
        rule: b.id,
        text: c.text,
        old: place(old, key, c.oldIndex),
        new: place(now, key, c.newIndex),
        ...(c.example !== undefined && { example: c.example }),
      });
  };
  push(compareMatch(a, b), "match");
  if (a.requireReason !== b.requireReason) {
    const text = `require-reason ${a.requireReason} → ${b.requireReason}`;
    push([{ class: a.requireReason ? "weakening" : "tightening", text }], "require-reason");
  }
  push(compareEnvironmentExtractor(a.environment, b.environment), "environment");
  push(compareValueExtractor("resource", a.resource, b.resource), "resource");
  if (stable(a.namedArgs) !== stable(b.namedArgs)) {
    const text = "named arguments changed (checks and confirmations read them)";
    push([{ class: "needs-human", text }], "args");
  }
  push(compareNamedItems("check", a.checks, b.checks), "checks");
  push(compareNamedItems("verify check", a.verify, b.verify), "verify");
  push(compareNamedItems("state probe", a.state, b.state), "state");
  push(compareExpect(a.expect, b.expect), "expect");
  push(compareOptional("rollback", a.rollback, b.rollback), "rollback");
  push(compareOptional("rollback: auto|prompt", a.restore, b.restore), "rollback");
  for (const field of ["description", "hint"] as const)
    if (a[field] !== b[field]) push([{ class: "neutral", text: `${field} edited` }], field);
  for (const c of otherKeyChanges(a, b, KNOWN)) push([c], kebab(c.key));
  return out;
}

function reordered(pairs: [Rule, Rule][], old: DiffSide, now: DiffSide): boolean {
  const order = (rules: readonly Rule[], r: Rule) => rules.indexOf(r);
  const sorted = [...pairs].sort(
    (x, y) => order(old.policy.rules, x[0]) - order(old.policy.rules, y[0]),
  );
  return sorted.some(
    (p, i) => i > 0 && order(now.policy.rules, p[1]) < order(now.policy.rules, sorted[i - 1]![1]),
  );
}
