/**
 * The fallback that keeps the structural diff honest as the policy format grows: any key a
 * specific classifier does not know (a new match key, a new rule setting) is still compared,
 * and a difference is listed, as "needs a human" unless its shape says which way it goes.
 */
import type { ChangeClass } from "./change.js";

/** JSON with sorted keys and without `source` positions: equal text means equal meaning. */
export function stable(value: unknown): string {
  return JSON.stringify(value, (key, v) => {
    if (key === "source") return undefined;
    if (v && typeof v === "object" && !Array.isArray(v))
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, v[k]]),
      );
    return v;
  });
}

export interface KeyChange {
  key: string;
  class: ChangeClass;
  text: string;
}

/** Every key outside `known` whose value differs between the two objects. */
export function otherKeyChanges(
  old: object | undefined,
  now: object | undefined,
  known: ReadonlySet<string>,
): KeyChange[] {
  const a = (old ?? {}) as Record<string, unknown>;
  const b = (now ?? {}) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter(
    (k) => !known.has(k) && k !== "source",
  );
  return keys
    .filter((k) => stable(a[k]) !== stable(b[k]))
    .map((k) => ({ key: k, ...classifyUnknown(k, a[k], b[k]) }));
}

/** `require…: true → false` drops a requirement; other shapes are for a person to judge. */
function classifyUnknown(
  key: string,
  a: unknown,
  b: unknown,
): { class: ChangeClass; text: string } {
  const name = kebab(key);
  if (/^require/i.test(key) && isFlag(a) && isFlag(b))
    return {
      class: a === true ? "weakening" : "tightening",
      text: `${name} ${a ?? false} → ${b ?? false}`,
    };
  return {
    class: "needs-human",
    text: `${name} ${show(a)} → ${show(b)} (preflight does not know whether this loosens the policy)`,
  };
}

function isFlag(v: unknown): boolean {
  return v === undefined || typeof v === "boolean";
}

/** A value in one line, cut short: enough to recognise, not a dump. */
export function show(value: unknown): string {
  if (value === undefined) return "(absent)";
  const text = stable(value);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}

/** requireReason → require-reason: how the key is written in the file. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
