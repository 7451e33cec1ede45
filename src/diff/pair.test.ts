import { describe, expect, it } from "vitest";
import { seeded } from "../../test/helpers/random.js";
import { canonicalJson } from "../util/canonical-json.js";
import { diffSnapshots } from "./diff.js";
import type { Entry, Snapshot, StateDiff } from "./types.js";

/**
 * The diff as it was written before pairing walked the lists in order: key texts in one Map
 * over the before-entries, the n-th repeat of a key after paired with the n-th before, and
 * canonical JSON for every comparison. The diff must give exactly what this gives.
 */
function referenceDiff(before: Snapshot, after: Snapshot): StateDiff {
  const keyFields = before.key;
  const keyText = (entry: Entry) =>
    keyFields.length === 0
      ? canonicalJson(entry)
      : keyFields
          .map((field) => {
            const value = entry[field] ?? null;
            if (typeof value === "string") return `s${value.length}:${value}`;
            if (typeof value === "number" && Number.isSafeInteger(value)) return `n${value};`;
            const json = canonicalJson(value);
            return `j${json.length}:${json}`;
          })
          .join("");
  const keyOf = (entry: Entry) =>
    keyFields.length === 0
      ? entry
      : Object.fromEntries(keyFields.map((f) => [f, entry[f] ?? null]));
  const byKey = new Map<string, number[]>();
  before.entries.forEach((entry, i) => {
    const list = byKey.get(keyText(entry)) ?? [];
    list.push(i);
    byKey.set(keyText(entry), list);
  });
  const partner = before.entries.map(() => -1);
  const diff: StateDiff = { added: [], removed: [], changed: [] };
  after.entries.forEach((entry, j) => {
    const i = byKey.get(keyText(entry))?.shift();
    if (i === undefined) diff.added.push({ state: after.state, key: keyOf(entry), entry });
    else partner[i] = j;
  });
  before.entries.forEach((old, i) => {
    const j = partner[i]!;
    if (j === -1) diff.removed.push({ state: before.state, key: keyOf(old), entry: old });
    else {
      const now = after.entries[j]!;
      const fields = [...new Set([...Object.keys(old), ...Object.keys(now)])].filter(
        (f) => canonicalJson(old[f] ?? null) !== canonicalJson(now[f] ?? null),
      );
      if (canonicalJson(old) !== canonicalJson(now)) {
        diff.changed.push({
          state: before.state,
          key: keyOf(old),
          before: old,
          after: now,
          fields,
        });
      }
    }
  });
  return diff;
}

const snapshot = (entries: Entry[], key: string[]): Snapshot => ({
  state: "things",
  rule: "r",
  key,
  entries,
});

/** Key values that JSON tells apart or takes alike. */
const KEY_VALUES: unknown[] = [
  "a",
  "b",
  "1",
  1,
  2,
  -0,
  0,
  1.5,
  null,
  undefined,
  true,
  Number.NaN,
  { x: 1 },
  [1],
  new Date("2026-01-01T00:00:00.000Z"),
  "2026-01-01T00:00:00.000Z",
  "s1:a",
];

function randomEntries(rnd: () => number, count: number, keys: number): Entry[] {
  return Array.from({ length: count }, (_, i) => {
    const name = rnd() < 0.7 ? `e-${Math.floor(rnd() * keys)}` : KEY_VALUES[Math.floor(rnd() * 17)];
    const entry: Entry = { name, v: Math.floor(rnd() * 3), i };
    if (rnd() < 0.3) entry.team = KEY_VALUES[Math.floor(rnd() * 17)];
    return entry;
  });
}

/** The after-list: mostly the same entries in the same order, with the edits a command makes. */
function edited(rnd: () => number, before: Entry[]): Entry[] {
  const after: Entry[] = [];
  for (const entry of before) {
    const r = rnd();
    if (r < 0.05) continue;
    if (r < 0.1) after.push({ ...entry, v: (entry.v as number) + 1 });
    else if (r < 0.13) after.push({ name: `new-${after.length}`, v: 0 }, entry);
    else after.push(entry);
  }
  const r = rnd();
  if (r < 0.15) after.reverse();
  else if (r < 0.3) {
    // A block moved, more than the walk looks ahead.
    const block = after.splice(Math.floor(rnd() * after.length), 20);
    after.push(...block);
  } else if (r < 0.4 && after.length > 0) {
    for (let k = 0; k < 3; k++) {
      const a = Math.floor(rnd() * after.length);
      const b = Math.floor(rnd() * after.length);
      [after[a], after[b]] = [after[b]!, after[a]!];
    }
  }
  return after;
}

describe("pairing entries", () => {
  it("gives what the Map over every key gave, on lists in order, moved, reversed, with repeats", () => {
    const keyChoices = [["name"], ["name", "team"], [], ["team"]];
    for (let seed = 1; seed <= 1500; seed++) {
      const rnd = seeded(seed);
      const before = randomEntries(rnd, Math.floor(rnd() * 120), rnd() < 0.5 ? 8 : 10_000);
      const after = edited(rnd, before);
      const key = keyChoices[seed % keyChoices.length]!;
      const got = diffSnapshots(snapshot(before, key), snapshot(after, key));
      const want = referenceDiff(snapshot(before, key), snapshot(after, key));
      expect(got, `seed ${seed}`).toStrictEqual(want);
    }
  });

  it("pairs a repeated key by its order even when the lists line up another way", () => {
    // Walking side by side would pair the second x with the x after; the rule pairs the first.
    const before = [
      { name: "x", n: 1 },
      { name: "y", n: 2 },
      { name: "x", n: 3 },
    ];
    const after = [
      { name: "y", n: 2 },
      { name: "x", n: 3 },
    ];
    const diff = diffSnapshots(snapshot(before, ["name"]), snapshot(after, ["name"]));
    expect(diff.changed.map((c) => [c.before.n, c.after.n])).toEqual([[1, 3]]);
    expect(diff.removed.map((r) => r.entry.n)).toEqual([3]);
  });

  it("finds a million-entry diff's few changes wherever they are", () => {
    const count = 1_000_000;
    const before = Array.from({ length: count }, (_, i) => ({ name: `p-${i}`, n: i }));
    const after = before.filter((_, i) => i % 100_000 !== 7);
    after.splice(500_000, 0, { name: "p-new", n: -1 });
    after[900_000] = { ...after[900_000]!, n: -2 };
    const diff = diffSnapshots(snapshot(before, ["name"]), snapshot(after, ["name"]));
    expect(diff.removed.map((r) => r.entry.n)).toEqual(
      Array.from({ length: 10 }, (_, k) => k * 100_000 + 7),
    );
    expect(diff.added.map((a) => a.entry.n)).toEqual([-1]);
    expect(diff.changed.map((c) => c.after.n)).toEqual([-2]);
  });
});
