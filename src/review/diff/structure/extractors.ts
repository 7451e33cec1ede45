/**
 * Where a rule reads the environment from. A flag, position or variable dropped means a
 * command that named production that way is no longer recognised as production.
 */
import type { Extractor } from "../../../policy/types.js";
import type { ChangeClass } from "./change.js";
import { otherKeyChanges, show } from "./generic.js";

export interface ExtractorChange {
  class: ChangeClass;
  text: string;
}

const KNOWN = new Set(["flags", "vars", "position", "awsAccount"]);

/** For the environment extractor: fewer signals weaken, more tighten. */
export function compareEnvironmentExtractor(
  old: Extractor | undefined,
  now: Extractor | undefined,
): ExtractorChange[] {
  const out: ExtractorChange[] = [];
  for (const [field, label] of [
    ["flags", "flag"],
    ["vars", "variable"],
  ] as const) {
    const a = old?.[field] ?? [];
    const b = now?.[field] ?? [];
    const gone = a.filter((x) => !b.includes(x));
    const added = b.filter((x) => !a.includes(x));
    if (gone.length)
      out.push({
        class: "weakening",
        text: `no longer reads the environment from ${label} ${gone.join(", ")}`,
      });
    if (added.length)
      out.push({
        class: "tightening",
        text: `now also reads the environment from ${label} ${added.join(", ")}`,
      });
  }
  if (old?.position !== now?.position) {
    out.push({
      class:
        now?.position === undefined
          ? "weakening"
          : old?.position === undefined
            ? "tightening"
            : "needs-human",
      text: `environment position ${old?.position ?? "none"} → ${now?.position ?? "none"}`,
    });
  }
  if (!!old?.awsAccount !== !!now?.awsAccount) {
    out.push({
      class: old?.awsAccount ? "weakening" : "tightening",
      text: old?.awsAccount
        ? "no longer reads the environment from the AWS account"
        : "now reads the environment from the AWS account",
    });
  }
  for (const c of otherKeyChanges(old, now, KNOWN))
    out.push({ class: c.class, text: `environment.${c.text}` });
  return out;
}

/** Resource and named arguments feed confirmations and check templates: any edit needs a person. */
export function compareValueExtractor(
  label: string,
  old: Extractor | undefined,
  now: Extractor | undefined,
): ExtractorChange[] {
  if (show(old) === show(now) && JSON.stringify(old) === JSON.stringify(now)) return [];
  return [
    {
      class: "needs-human",
      text: `${label} ${show(old)} → ${show(now)} (checks and confirmations read it)`,
    },
  ];
}
