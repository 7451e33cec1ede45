/**
 * Named guard items (checks, verify checks, state probes) and expectations, compared by name:
 * one removed is a weakening, one added a tightening, one edited needs a person (a higher
 * limit loosens, a narrower query loosens, and preflight cannot prove either way).
 */
import type { Expectations } from "../../../policy/types.js";
import { compareExpectations, type Direction } from "../compare.js";
import type { ChangeClass } from "./change.js";
import { stable } from "./generic.js";

export interface GuardChange {
  class: ChangeClass;
  text: string;
  /** Index in the old and new lists, to locate it. */
  oldIndex?: number;
  newIndex?: number;
}

export function compareNamedItems(
  label: string,
  old: readonly { name: string; description?: string }[] = [],
  now: readonly { name: string; description?: string }[] = [],
): GuardChange[] {
  const out: GuardChange[] = [];
  const meaning = (item: object) => stable({ ...item, description: undefined });
  old.forEach((item, oldIndex) => {
    const newIndex = now.findIndex((n) => n.name === item.name);
    const match = now[newIndex];
    if (!match) {
      out.push({ class: "weakening", text: `${label} '${item.name}' removed`, oldIndex });
    } else if (meaning(item) !== meaning(match)) {
      out.push({
        class: "needs-human",
        text: `${label} '${item.name}' edited; preflight cannot prove the edit is not looser`,
        oldIndex,
        newIndex,
      });
    } else if (item.description !== match.description) {
      out.push({
        class: "neutral",
        text: `${label} '${item.name}' description`,
        oldIndex,
        newIndex,
      });
    }
  });
  now.forEach((item, newIndex) => {
    if (!old.some((o) => o.name === item.name))
      out.push({ class: "tightening", text: `${label} '${item.name}' added`, newIndex });
  });
  return out;
}

const CLASS: Record<Direction, ChangeClass> = {
  weakening: "weakening",
  tightening: "tightening",
  change: "needs-human",
};

/** expect: on a rule or a step; absent means anything may change. */
export function compareExpect(
  old: Expectations | undefined,
  now: Expectations | undefined,
): GuardChange[] {
  const set = (e: Expectations | undefined) =>
    e
      ? [
          {
            rule: "",
            added: e.added,
            removed: e.removed,
            changed: e.changed,
            unchanged: e.unchanged,
            ...(e.predicted && { predicted: e.predicted }),
          },
        ]
      : [];
  return compareExpectations(set(old), set(now)).map((d) => ({
    class: CLASS[d.direction],
    text: d.text.replace(" (rule )", ""),
  }));
}

/** One optional item (a rollback, `rollback: auto`): gone weakens, new tightens, edited needs a person. */
export function compareOptional(label: string, old: unknown, now: unknown): GuardChange[] {
  if (stable(old) === stable(now)) return [];
  if (now === undefined) return [{ class: "weakening", text: `${label} removed` }];
  if (old === undefined) return [{ class: "tightening", text: `${label} added` }];
  return [
    {
      class: "needs-human",
      text: `${label} edited; preflight cannot prove the edit still undoes the change`,
    },
  ];
}
