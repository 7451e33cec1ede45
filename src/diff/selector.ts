/** Selectors: a map of field to glob; an entry matches when every field's value matches. */
import { globMatch } from "../policy/glob.js";
import type { Selector } from "../policy/types.js";
import type { Entry } from "./types.js";

/** The value at a dotted path ("a.b"), as the string a glob is compared with. */
export function fieldText(entry: Entry, path: string): string | undefined {
  let value: unknown = entry;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined) return undefined;
  return typeof value === "string" ? value : JSON.stringify(value);
}

export function selectorMatches(selector: Selector, entry: Entry): boolean {
  for (const [field, pattern] of Object.entries(selector)) {
    const text = fieldText(entry, field);
    if (text === undefined || !globMatch(pattern, text)) return false;
  }
  return true;
}

export function describeSelector(selector: Selector): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}
