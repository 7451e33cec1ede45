/**
 * Compares what two policy versions do with one command, and the policy-wide settings, and
 * sorts every difference into a weakening (the command is less guarded than before), a
 * tightening, or another change a reviewer should see (an edited check, a renamed
 * environment) that is neither by itself.
 */
import type { ChangeExpectation, Decision, Selector } from "../../policy/types.js";
import type { CommandOutcome, ExpectationSet, GuardItem } from "./outcome.js";

export type Direction = "weakening" | "tightening" | "change";

export interface Difference {
  direction: Direction;
  /** decision, environment, confirmation, reason, check, state, expectation, rules, policy. */
  field: string;
  text: string;
  /** The rule responsible, when one is. */
  rule?: string;
}

// `approve` (a second person) sits between confirm and deny; a decision not listed here
// ranks as deny, so a change to or from it never reads as a loosening it is not.
const RANK: Record<string, number> = { none: 0, allow: 1, confirm: 2, approve: 3, deny: 4 };
const rank = (d: Decision | "none") => RANK[d] ?? RANK.deny!;

export function compareOutcomes(before: CommandOutcome, after: CommandOutcome): Difference[] {
  const out: Difference[] = [];
  const push = (direction: Direction, field: string, text: string, rule?: string) =>
    out.push({ direction, field, text, ...(rule !== undefined && { rule }) });

  if (before.decision !== after.decision) {
    const direction = rank(after.decision) < rank(before.decision) ? "weakening" : "tightening";
    const by = (o: CommandOutcome) => (o.decidedBy ? `rule ${o.decidedBy}` : "no rule matches");
    const text =
      before.decidedBy === after.decidedBy
        ? `decision ${before.decision} → ${after.decision} (${by(after)})`
        : `decision ${before.decision} (${by(before)}) → ${after.decision} (${by(after)})`;
    push(direction, "decision", text, after.decidedBy ?? before.decidedBy);
  }

  const [e1, e2] = [before.environment, after.environment];
  if (e1 && e2 && (e1.name !== e2.name || e1.protected !== e2.protected)) {
    const show = (e: typeof e1) =>
      `${e.name} (${e.protected ? "protected" : "not protected"}${e.known ? "" : ", unknown"})`;
    const direction =
      e1.protected && !e2.protected
        ? "weakening"
        : !e1.protected && e2.protected
          ? "tightening"
          : "change";
    push(direction, "environment", `environment ${show(e1)} → ${show(e2)}`, after.decidedBy);
  }

  const [c1, c2] = [before.confirmation, after.confirmation];
  if (c1.required && c2.required && c1.word !== c2.word) {
    push(
      "change",
      "confirmation",
      `the name to type ${c1.word ?? "(none: --env needed)"} → ${c2.word ?? "(none: --env needed)"}`,
    );
  }
  if (c1.reason !== c2.reason) {
    push(
      c1.reason ? "weakening" : "tightening",
      "reason",
      c1.reason ? "a --reason is no longer required" : "a --reason is now required",
    );
  }

  out.push(...compareItems("check", before.checks, after.checks));
  out.push(...compareItems("state", before.state, after.state));
  out.push(...compareItems("rollback", before.rollbacks ?? [], after.rollbacks ?? []));
  out.push(...compareExpectations(before.expectations, after.expectations));
  return out;
}

function compareItems(field: string, before: GuardItem[], after: GuardItem[]): Difference[] {
  const key = (i: GuardItem) => `${i.rule}\0${i.name}`;
  const label = field === "check" ? "check" : field === "state" ? "state probe" : "rollback";
  const out: Difference[] = [];
  for (const old of before) {
    const now = after.find((i) => key(i) === key(old));
    if (!now)
      out.push({
        direction: "weakening",
        field,
        text: `${label} '${old.name}' (rule ${old.rule}) no longer runs`,
        rule: old.rule,
      });
    else if (now.detail !== old.detail)
      // An edit can loosen (a higher limit, a narrower query) as easily as tighten, and
      // preflight cannot tell which: it is a weakening until a second reviewer says otherwise.
      out.push({
        direction: "weakening",
        field,
        text: `${label} '${old.name}' (rule ${old.rule}) was edited; preflight cannot prove the edit is not looser`,
        rule: old.rule,
      });
  }
  for (const now of after) {
    if (!before.some((i) => key(i) === key(now)))
      out.push({
        direction: "tightening",
        field,
        text: `${label} '${now.name}' (rule ${now.rule}) now runs`,
        rule: now.rule,
      });
  }
  return out;
}

const ANY: ExpectationSet = {
  rule: "",
  added: { kind: "any" },
  removed: { kind: "any" },
  changed: { kind: "any" },
  unchanged: [],
};

export function compareExpectations(
  before: ExpectationSet[],
  after: ExpectationSet[],
): Difference[] {
  const out: Difference[] = [];
  const rules = [...new Set([...before, ...after].map((e) => e.rule))];
  for (const rule of rules) {
    const old = before.find((e) => e.rule === rule) ?? { ...ANY, rule };
    const now = after.find((e) => e.rule === rule) ?? { ...ANY, rule };
    for (const kind of ["added", "removed", "changed"] as const) {
      for (const d of compareChange(old[kind], now[kind])) {
        out.push({
          direction: d.direction,
          field: "expectation",
          text: `expect.${kind} (rule ${rule}): ${d.text}`,
          rule,
        });
      }
    }
    if (old.predicted !== now.predicted) {
      const rank: Record<string, number> = { exact: 2, subset: 1, none: 0 };
      const [a, b] = [old.predicted ?? "none", now.predicted ?? "none"];
      out.push({
        direction: rank[b]! < rank[a]! ? "weakening" : "tightening",
        field: "expectation",
        text: `expect.predicted (rule ${rule}): ${a} → ${b}`,
        rule,
      });
    }
    const json = (s: Selector) => JSON.stringify(s);
    for (const s of old.unchanged.filter((s) => !now.unchanged.some((n) => json(n) === json(s))))
      out.push({
        direction: "weakening",
        field: "expectation",
        text: `expect.unchanged (rule ${rule}) no longer protects ${json(s)}`,
        rule,
      });
    for (const s of now.unchanged.filter((s) => !old.unchanged.some((o) => json(o) === json(s))))
      out.push({
        direction: "tightening",
        field: "expectation",
        text: `expect.unchanged (rule ${rule}) now protects ${json(s)}`,
        rule,
      });
  }
  return out;
}

/** `none` is strictest, then a limit (max, only, never), then `any`. */
function compareChange(
  old: ChangeExpectation,
  now: ChangeExpectation,
): { direction: Direction; text: string }[] {
  const show = (c: ChangeExpectation) =>
    c.kind === "limit" ? JSON.stringify({ ...c, kind: undefined }) : c.kind;
  if (JSON.stringify(old) === JSON.stringify(now)) return [];
  const strict = { none: 2, limit: 1, any: 0 } as const;
  if (old.kind !== now.kind) {
    return [
      {
        direction: strict[now.kind] < strict[old.kind] ? "weakening" : "tightening",
        text: `${show(old)} → ${show(now)}`,
      },
    ];
  }
  if (old.kind !== "limit" || now.kind !== "limit") return [];
  const out: { direction: Direction; text: string }[] = [];
  if (old.max !== now.max) {
    const looser = now.max === undefined || (old.max !== undefined && now.max > old.max);
    out.push({
      direction: looser ? "weakening" : "tightening",
      text: `max ${old.max ?? "none"} → ${now.max ?? "none"}`,
    });
  }
  for (const which of ["only", "never"] as const) {
    const [a, b] = [old[which], now[which]];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a && !b)
      out.push({ direction: "weakening", text: `${which} ${JSON.stringify(a)} removed` });
    else if (!a && b)
      out.push({ direction: "tightening", text: `${which} ${JSON.stringify(b)} added` });
    // Narrowing `never` or widening `only` lets more through, and a glob's reach cannot be
    // compared in general: an edited selector is a weakening until a reviewer says otherwise.
    else
      out.push({
        direction: "weakening",
        text: `${which} ${JSON.stringify(a)} → ${JSON.stringify(b)} (preflight cannot prove the new selector is not looser)`,
      });
  }
  return out;
}
