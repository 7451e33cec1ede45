/**
 * Environments compared by name. Whether a list entry weakens depends on the environment:
 * a target dropped from a protected one makes that target unknown (or lands it elsewhere);
 * a target added to an unprotected one takes it out of the unknown, always-confirmed, kind.
 * Any array of patterns under `match` that preflight does not know yet is treated the same way.
 */
import type { Environment } from "../../../policy/types.js";
import type { ChangeClass, DiffSide, StructuralChange } from "./change.js";
import { kebab, otherKeyChanges } from "./generic.js";

const KNOWN = new Set([
  "name",
  "protected",
  "color",
  "description",
  "targets",
  "vars",
  "awsAccounts",
]);
/** Compiled key → the key under `match:` in the file. */
const MATCH_KEY: Record<string, string> = { targets: "target", awsAccounts: "aws-account" };

export function compareEnvironments(old: DiffSide, now: DiffSide): StructuralChange[] {
  const out: StructuralChange[] = [];
  for (const a of Object.values(old.policy.environments)) {
    const b = Object.hasOwn(now.policy.environments, a.name)
      ? now.policy.environments[a.name]
      : undefined;
    const subject = `environment ${a.name}`;
    const locA = old.locateEnvironment(a);
    if (!b) {
      out.push({
        class: a.protected ? "weakening" : "tightening",
        subject,
        environment: a.name,
        text: a.protected
          ? "protected environment removed: its targets are now unknown"
          : "removed: its targets are now unknown (always confirmed)",
        old: locA(),
      });
      continue;
    }
    const locB = now.locateEnvironment(b);
    const push = (cls: ChangeClass, text: string, path: string[], key?: string) =>
      out.push({
        class: cls,
        subject,
        environment: a.name,
        text,
        old: locA(path, key),
        new: locB(path, key),
      });
    if (a.protected !== b.protected)
      push(
        a.protected ? "weakening" : "tightening",
        `protected ${a.protected} → ${b.protected}`,
        [],
        "protected",
      );
    const lists = [
      ...new Set(
        [...Object.keys(a), ...Object.keys(b)].filter(
          (k) =>
            k === "targets" ||
            k === "awsAccounts" ||
            (!KNOWN.has(k) && isStrings(field(a, k)) && isStrings(field(b, k))),
        ),
      ),
    ];
    for (const key of lists) {
      const x = (field(a, key) as string[] | undefined) ?? [];
      const y = (field(b, key) as string[] | undefined) ?? [];
      const gone = x.filter((v) => !y.includes(v));
      const added = y.filter((v) => !x.includes(v));
      const name = `match.${MATCH_KEY[key] ?? kebab(key)}`;
      const path = ["match"];
      const fileKey = MATCH_KEY[key] ?? kebab(key);
      if (gone.length)
        push(
          a.protected ? "weakening" : "tightening",
          `${name} no longer lists ${gone.join(", ")}${a.protected ? ": such targets are no longer recognised as protected" : ""}`,
          path,
          fileKey,
        );
      if (added.length)
        push(
          b.protected ? "tightening" : "weakening",
          `${name} now lists ${added.join(", ")}${b.protected ? "" : ": such targets were unknown (always confirmed) and now count as unprotected"}`,
          path,
          fileKey,
        );
    }
    // match.vars must all hold: one more narrows what the environment recognises.
    for (const name of new Set([...Object.keys(a.vars), ...Object.keys(b.vars)])) {
      const [x, y] = [own(a.vars, name), own(b.vars, name)];
      if (x === y) continue;
      const narrower = x === undefined ? true : y === undefined ? false : undefined;
      const cls: ChangeClass =
        narrower === undefined
          ? "needs-human"
          : narrower === a.protected
            ? "weakening"
            : "tightening";
      push(
        cls,
        `match.vars ${name}: ${x ?? "(absent)"} → ${y ?? "(absent)"}`,
        ["match", "vars"],
        name,
      );
    }
    for (const key of ["color", "description"] as const)
      if (a[key] !== b[key])
        push("neutral", `${key} ${a[key] ?? "(none)"} → ${b[key] ?? "(none)"}`, [], key);
    for (const c of otherKeyChanges(a, b, new Set([...KNOWN, ...lists])))
      push(c.class, c.text, [], kebab(c.key));
  }
  for (const b of Object.values(now.policy.environments)) {
    if (Object.hasOwn(old.policy.environments, b.name)) continue;
    out.push({
      class: b.protected ? "tightening" : "weakening",
      subject: `environment ${b.name}`,
      environment: b.name,
      text: b.protected
        ? "protected environment added"
        : "unprotected environment added: targets it lists were unknown (always confirmed) before",
      new: now.locateEnvironment(b)(),
    });
  }
  return out;
}

function field(env: Environment, key: string): unknown {
  return (env as unknown as Record<string, unknown>)[key];
}

function isStrings(v: unknown): boolean {
  return v === undefined || (Array.isArray(v) && v.every((x) => typeof x === "string"));
}

function own(record: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
