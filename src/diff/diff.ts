/**
 * The keyed difference between a before- and an after-snapshot of one state probe. Entries
 * are identified by their key fields; an entry whose key is in both but whose content differs
 * is "changed". One Map over the before-entries, one pass over the after-entries, and no JSON
 * written for the (usually all) entries that are equal: 100,000 entries diff in tens of ms.
 */
import { canonicalJson } from "../util/canonical-json.js";
import { sameJson } from "./same-json.js";
import type { ChangedEntry, DiffEntry, Entry, Snapshot, StateDiff } from "./types.js";

export function diffSnapshots(before: Snapshot, after: Snapshot): StateDiff {
  const keyFields = before.key;
  const keyOfEntry = keyFunction(keyFields);
  const olds = before.entries;
  const index = new Map<string, number>();
  // A probe whose key is not unique still diffs sensibly: the n-th entry with a key in the
  // after-snapshot is paired with the n-th one in the before-snapshot.
  let repeats: Map<string, number[]> | undefined;
  for (let i = 0; i < olds.length; i++) {
    const key = keyOfEntry(olds[i]!);
    const first = index.get(key);
    if (first === undefined) index.set(key, i);
    else {
      repeats ??= new Map();
      const list = repeats.get(key);
      if (list) list.push(i);
      else repeats.set(key, [first, i]);
    }
  }

  const partner = new Int32Array(olds.length).fill(-1);
  const diff: StateDiff = { added: [], removed: [], changed: [] };
  let seenAfter: Map<string, number> | undefined;
  for (let j = 0; j < after.entries.length; j++) {
    const now = after.entries[j]!;
    const key = keyOfEntry(now);
    let i = index.get(key);
    if (i !== undefined && partner[i] !== -1) {
      // The key again: its next repeat in the before-snapshot, if it has one.
      seenAfter ??= new Map();
      const n = (seenAfter.get(key) ?? 1) + 1;
      seenAfter.set(key, n);
      i = repeats?.get(key)?.[n - 1];
    }
    if (i === undefined) diff.added.push(diffEntry(after.state, keyFields, now));
    else partner[i] = j;
  }
  for (let i = 0; i < olds.length; i++) {
    const old = olds[i]!;
    const j = partner[i]!;
    if (j === -1) diff.removed.push(diffEntry(before.state, keyFields, old));
    else {
      const now = after.entries[j]!;
      if (!sameJson(old, now)) diff.changed.push(changedEntry(before.state, keyFields, old, now));
    }
  }
  return diff;
}

/**
 * A cheap text that is equal exactly when the key fields' JSON is: strings and whole numbers
 * are written with a type letter and a length, so no two keys run together; anything else
 * falls back to canonical JSON.
 */
function keyFunction(keyFields: readonly string[]): (entry: Entry) => string {
  if (keyFields.length === 0) return (entry) => canonicalJson(entry);
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

/** Merges the diffs of several probes. */
export function mergeDiffs(diffs: readonly StateDiff[]): StateDiff {
  return {
    added: diffs.flatMap((d) => d.added),
    removed: diffs.flatMap((d) => d.removed),
    changed: diffs.flatMap((d) => d.changed),
  };
}

export function isEmptyDiff(diff: StateDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

function keyOf(entry: Entry, keyFields: readonly string[]): Entry {
  if (keyFields.length === 0) return entry;
  return Object.fromEntries(keyFields.map((f) => [f, entry[f] ?? null]));
}

function diffEntry(state: string, keyFields: readonly string[], entry: Entry): DiffEntry {
  return { state, key: keyOf(entry, keyFields), entry };
}

function changedEntry(
  state: string,
  keyFields: readonly string[],
  before: Entry,
  after: Entry,
): ChangedEntry {
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (f) => canonicalJson(before[f] ?? null) !== canonicalJson(after[f] ?? null),
  );
  return { state, key: keyOf(before, keyFields), before, after, fields };
}
