/**
 * Which before-entry becomes which after-entry in a keyed diff. The rule: entries pair when
 * their key fields' JSON is equal, and when a key repeats, the n-th entry with it in the
 * after-snapshot pairs with the n-th one in the before-snapshot.
 *
 * Two snapshots of one probe usually list their entries in the same order, so the lists are
 * first walked side by side (pairInOrder): no hashing, no Map of a million keys, which was
 * most of a large diff's time. The few entries that do not line up are paired by the rule
 * among themselves; when the lists do not line up, or a key set apart also appears among
 * the entries walked past, every entry is paired through Maps (pairByKey), as before.
 */
import { canonicalJson } from "../util/canonical-json.js";
import type { Entry } from "./types.js";

/** What tells entries apart: text, a whole number, or a token standing for a JSON text. */
export type EntryKey = string | number | { json: string };

/**
 * Keys that are equal exactly when the key fields' JSON is (a value whose toJSON writes a
 * string or a whole number is not the same key as that string or number, as before).
 *
 * One key field (the usual case): a string or whole-number value is its own key, so a diff of
 * a million entries writes no key text; a Map and === tell "5" from 5 and take -0 as 0, as
 * JSON does. Any other value stands for its canonical JSON through one token per distinct
 * text. Several fields: a text with a type letter and a length before each value, so no two
 * keys run together; none: the entry's canonical JSON.
 */
export function keyFunction(keyFields: readonly string[]): (entry: Entry) => EntryKey {
  if (keyFields.length === 0) return (entry) => canonicalJson(entry);
  if (keyFields.length === 1) {
    const field = keyFields[0]!;
    const tokens = new Map<string, { json: string }>();
    return (entry) => {
      const value = entry[field] ?? null;
      if (typeof value === "string") return value;
      if (typeof value === "number" && Number.isSafeInteger(value)) return value;
      const json = canonicalJson(value);
      let token = tokens.get(json);
      if (token === undefined) {
        token = { json };
        tokens.set(json, token);
      }
      return token;
    };
  }
  return (entry) => {
    let text = "";
    for (const field of keyFields) {
      const value = entry[field] ?? null;
      if (typeof value === "string") text += `s${value.length}:${value}`;
      else if (typeof value === "number" && Number.isSafeInteger(value)) text += `n${value};`;
      else {
        const json = canonicalJson(value);
        text += `j${json.length}:${json}`;
      }
    }
    return text;
  };
}

/** For each before-entry, the index of its after-entry, or -1. */
export function pairEntries(
  olds: readonly Entry[],
  news: readonly Entry[],
  keyOf: (entry: Entry) => EntryKey,
): Int32Array {
  const partner = new Int32Array(olds.length).fill(-1);
  if (!pairInOrder(olds, news, keyOf, partner)) {
    partner.fill(-1);
    pairByKey(olds, undefined, news, undefined, keyOf, partner);
  }
  return partner;
}

/** How far ahead the walk looks for an entry's partner after a removal or an addition. */
const LOOKAHEAD = 16;

/**
 * Walks both lists side by side, pairing equal keys, and sets apart entries that do not line
 * up (looking a few entries ahead to get back in step after a removal or an addition), then
 * pairs those by the rule among themselves. That gives the rule's pairs exactly when no key
 * set apart is also a key walked past: then every occurrence of a key was either walked
 * past, in order on both sides, or set apart. false when it is not so, or when more than an
 * eighth of the entries were set apart (the lists are in different orders).
 */
function pairInOrder(
  olds: readonly Entry[],
  news: readonly Entry[],
  keyOf: (entry: Entry) => EntryKey,
  partner: Int32Array,
): boolean {
  const limit = Math.max(64, (olds.length + news.length) >> 3);
  const looseOld: number[] = [];
  const looseNew: number[] = [];
  let i = 0;
  let j = 0;
  while (i < olds.length && j < news.length) {
    const keyBefore = keyOf(olds[i]!);
    const keyAfter = keyOf(news[j]!);
    if (keyBefore === keyAfter) {
      partner[i++] = j++;
      continue;
    }
    const skipOld = aheadOf(olds, i, keyAfter, keyOf);
    const skipNew = aheadOf(news, j, keyBefore, keyOf);
    if (skipOld > 0 && (skipNew === 0 || skipOld <= skipNew)) {
      for (const end = i + skipOld; i < end; i++) looseOld.push(i);
    } else if (skipNew > 0) {
      for (const end = j + skipNew; j < end; j++) looseNew.push(j);
    } else {
      looseOld.push(i++);
      looseNew.push(j++);
    }
    if (looseOld.length + looseNew.length > limit) return false;
  }
  while (i < olds.length) looseOld.push(i++);
  while (j < news.length) looseNew.push(j++);
  if (looseOld.length + looseNew.length > limit) return false;
  if (looseOld.length === 0 && looseNew.length === 0) return true;

  const loose = new Set<EntryKey>();
  for (const k of looseOld) loose.add(keyOf(olds[k]!));
  for (const k of looseNew) loose.add(keyOf(news[k]!));
  for (let k = 0; k < olds.length; k++) {
    if (partner[k] !== -1 && loose.has(keyOf(olds[k]!))) return false;
  }
  pairByKey(olds, looseOld, news, looseNew, keyOf, partner);
  return true;
}

/** How many entries after `from` the first with `key` is (1 to LOOKAHEAD), or 0. */
function aheadOf(
  list: readonly Entry[],
  from: number,
  key: EntryKey,
  keyOf: (entry: Entry) => EntryKey,
): number {
  const end = Math.min(list.length, from + LOOKAHEAD + 1);
  for (let k = from + 1; k < end; k++) if (keyOf(list[k]!) === key) return k - from;
  return 0;
}

/**
 * The rule through Maps, over the entries at `oldAt` and `newAt` (every entry when
 * undefined): one Map over the before-entries, one pass over the after-entries.
 */
function pairByKey(
  olds: readonly Entry[],
  oldAt: readonly number[] | undefined,
  news: readonly Entry[],
  newAt: readonly number[] | undefined,
  keyOf: (entry: Entry) => EntryKey,
  partner: Int32Array,
): void {
  const index = new Map<EntryKey, number>();
  let repeats: Map<EntryKey, number[]> | undefined;
  const oldCount = oldAt ? oldAt.length : olds.length;
  for (let k = 0; k < oldCount; k++) {
    const i = oldAt ? oldAt[k]! : k;
    const key = keyOf(olds[i]!);
    const first = index.get(key);
    if (first === undefined) index.set(key, i);
    else {
      repeats ??= new Map();
      const list = repeats.get(key);
      if (list) list.push(i);
      else repeats.set(key, [first, i]);
    }
  }
  let seenAfter: Map<EntryKey, number> | undefined;
  const newCount = newAt ? newAt.length : news.length;
  for (let k = 0; k < newCount; k++) {
    const j = newAt ? newAt[k]! : k;
    const key = keyOf(news[j]!);
    let i = index.get(key);
    if (i !== undefined && partner[i] !== -1) {
      // The key again: its next repeat in the before-snapshot, if it has one.
      seenAfter ??= new Map();
      const n = (seenAfter.get(key) ?? 1) + 1;
      seenAfter.set(key, n);
      i = repeats?.get(key)?.[n - 1];
    }
    if (i !== undefined) partner[i] = j;
  }
}
