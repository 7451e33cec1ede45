/**
 * The structural diff: every change of meaning between two compiled policies, found key by
 * key and classed. It never answers "nothing changed" while the compiled policies differ: a
 * difference no classifier names is listed as needing a human.
 */
import type { Policy } from "../../../policy/types.js";
import { type ChangeClass, CLASS_ORDER, type DiffSide, type StructuralChange } from "./change.js";
import { compareEnvironments } from "./environments.js";
import { otherKeyChanges, stable } from "./generic.js";
import { compareNamedItems } from "./guards.js";
import { compareProcedures } from "./procedures.js";
import { compareRules } from "./rules.js";

/** Policy-wide keys compared below or by the modules above; the rest go to the fallback. */
const KNOWN = new Set([
  "files",
  "sha256",
  "tests",
  "environments",
  "rules",
  "procedures",
  "checks",
  "unknownEnvironment",
  "unparsableScripts",
]);

export function compareStructure(old: DiffSide, now: DiffSide): StructuralChange[] {
  const out = [
    ...policyWide(old.policy, now.policy),
    ...compareEnvironments(old, now),
    ...compareRules(old, now),
    ...compareProcedures(old, now),
  ];
  if (out.length === 0 && meaning(old.policy) !== meaning(now.policy))
    out.push({
      class: "needs-human",
      subject: "policy",
      text: "the compiled policies differ in a way preflight cannot describe; compare them by hand",
    });
  return out.sort((a, b) => CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class));
}

function policyWide(a: Policy, b: Policy): StructuralChange[] {
  const out: StructuralChange[] = [];
  const push = (cls: ChangeClass, text: string) =>
    out.push({ class: cls, subject: "policy", text });
  if (a.unknownEnvironment !== b.unknownEnvironment)
    push(
      b.unknownEnvironment === "deny" ? "tightening" : "weakening",
      `unknown-environment ${a.unknownEnvironment} → ${b.unknownEnvironment}`,
    );
  if (a.unparsableScripts !== b.unparsableScripts)
    push(
      b.unparsableScripts === "block" ? "tightening" : "weakening",
      `unparsable-scripts ${a.unparsableScripts} → ${b.unparsableScripts}`,
    );
  // Named checks reach rules through `use:` (compared there) and `preflight check NAME`.
  const named = (p: Policy) => Object.values(p.checks ?? {});
  for (const c of compareNamedItems("named check", named(a), named(b))) push(c.class, c.text);
  for (const c of otherKeyChanges(a, b, KNOWN)) push(c.class, c.text);
  return out;
}

/** The compiled policy without what carries no meaning: positions, files, hash, test cases. */
function meaning(policy: Policy): string {
  return stable({ ...policy, files: undefined, sha256: undefined, tests: undefined });
}

export type { ChangeClass, DiffSide, StructuralChange };
