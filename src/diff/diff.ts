/**
 * The keyed difference between a before- and an after-snapshot of one state probe. Entries
 * are identified by their key fields (pair.ts pairs them); an entry whose key is in both but
 * whose content differs is "changed". No JSON is written for the (usually all) entries that
 * are equal, and only the entries that differ are reported.
 */
import { canonicalJson } from "../util/canonical-json.js";
import { keyFunction, pairEntries } from "./pair.js";
import { sameJson } from "./same-json.js";
import type { ChangedEntry, DiffEntry, Entry, Snapshot, StateDiff } from "./types.js";

export function diffSnapshots(before: Snapshot, after: Snapshot): StateDiff {
  const keyFields = before.key;
  const olds = before.entries;
  const news = after.entries;
  const partner = pairEntries(olds, news, keyFunction(keyFields));
  const diff: StateDiff = { added: [], removed: [], changed: [] };
  const paired = new Uint8Array(news.length);
  for (let i = 0; i < olds.length; i++) if (partner[i] !== -1) paired[partner[i]!] = 1;
  for (let j = 0; j < news.length; j++) {
    if (paired[j] === 0) diff.added.push(diffEntry(after.state, keyFields, news[j]!));
  }
  for (let i = 0; i < olds.length; i++) {
    const old = olds[i]!;
    const j = partner[i]!;
    if (j === -1) diff.removed.push(diffEntry(before.state, keyFields, old));
    else {
      const now = news[j]!;
      if (!sameJson(old, now)) diff.changed.push(changedEntry(before.state, keyFields, old, now));
    }
  }
  return diff;
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
