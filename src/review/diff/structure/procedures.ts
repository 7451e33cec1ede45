/**
 * Procedures compared by name, and their steps by name: the decision in every environment,
 * require-reason, what happens on failure, and each step's checks, verification, state and
 * expectations. A step's command or undo edited, or steps added, removed or reordered, change
 * what the sequence does: a person has to judge that.
 */
import type { Procedure, ProcedureStep } from "../../../policy/types.js";
import type { ChangeClass, DiffSide, StructuralChange } from "./change.js";
import { compareDecisions } from "./decisions.js";
import { compareEnvironmentExtractor } from "./extractors.js";
import { kebab, otherKeyChanges, stable } from "./generic.js";
import { compareExpect, compareNamedItems } from "./guards.js";

const KNOWN = new Set([
  "name",
  "description",
  "decision",
  "requireReason",
  "environment",
  "onFailure",
  "steps",
]);
const STEP_KNOWN = new Set(["name", "checks", "verify", "state", "expect"]);

export function compareProcedures(old: DiffSide, now: DiffSide): StructuralChange[] {
  const out: StructuralChange[] = [];
  const a = old.policy.procedures ?? {};
  const b = now.policy.procedures ?? {};
  for (const name of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [x, y] = [
      Object.hasOwn(a, name) ? a[name] : undefined,
      Object.hasOwn(b, name) ? b[name] : undefined,
    ];
    const subject = `procedure ${name}`;
    if (!y) {
      out.push({
        class: "tightening",
        subject,
        text: "removed: it can no longer be run",
        ...(x && { old: x.source }),
      });
    } else if (!x) {
      out.push({
        class: "needs-human",
        subject,
        text: "added: a new sequence of commands; review its steps and guards",
        new: y.source,
      });
    } else out.push(...compareProcedure(x, y, old, now));
  }
  return out;
}

function compareProcedure(
  x: Procedure,
  y: Procedure,
  old: DiffSide,
  now: DiffSide,
): StructuralChange[] {
  const subject = `procedure ${y.name}`;
  const out: StructuralChange[] = compareDecisions({
    subject,
    old: { decision: x.decision, policy: old.policy, locate: () => x.source },
    new: { decision: y.decision, policy: now.policy, locate: () => y.source },
  });
  const push = (cls: ChangeClass, text: string, from = x.source, to = y.source) =>
    out.push({ class: cls, subject, text, old: from, new: to });
  if (x.requireReason !== y.requireReason)
    push(
      x.requireReason ? "weakening" : "tightening",
      `require-reason ${x.requireReason} → ${y.requireReason}`,
    );
  if (x.onFailure !== y.onFailure)
    push(
      x.onFailure === "undo" ? "weakening" : "tightening",
      `on-failure ${x.onFailure} → ${y.onFailure}`,
    );
  for (const c of compareEnvironmentExtractor(x.environment, y.environment)) push(c.class, c.text);
  if (x.description !== y.description) push("neutral", "description edited");
  for (const c of otherKeyChanges(x, y, KNOWN)) push(c.class, c.text);

  const names = (p: Procedure) => p.steps.map((s) => s.name);
  if (stable(names(x)) !== stable(names(y)))
    push("needs-human", `steps ${names(x).join(", ")} → ${names(y).join(", ")}`);
  for (const s of x.steps) {
    const t = y.steps.find((step) => step.name === s.name);
    if (t)
      for (const c of compareStep(s, t))
        push(c.class, `step '${s.name}': ${c.text}`, s.source, t.source);
  }
  return out;
}

function compareStep(s: ProcedureStep, t: ProcedureStep): { class: ChangeClass; text: string }[] {
  return [
    ...compareNamedItems("check", s.checks, t.checks),
    ...compareNamedItems("verify check", s.verify, t.verify),
    ...compareNamedItems("state probe", s.state, t.state),
    ...compareExpect(s.expect, t.expect),
    ...otherKeyChanges(s, t, STEP_KNOWN).map((c) => ({
      class: c.class === "neutral" ? c.class : ("needs-human" as const),
      text: `${kebab(c.key)} edited: ${c.text}`,
    })),
  ];
}
