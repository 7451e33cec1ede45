import { describe, expect, it } from "vitest";
import { snapshot } from "../../test/helpers/policy-factory.js";
import { diffSnapshots, isEmptyDiff, mergeDiffs } from "./diff.js";
import type { Entry } from "./types.js";

const main = { name: "main", paused: false, team: "ops" };
const deploy = { name: "deploy", paused: false, team: "ops" };
const docs = { name: "docs", paused: true, team: "web" };

describe("diffSnapshots with key fields", () => {
  it("finds nothing between identical snapshots", () => {
    const diff = diffSnapshots(snapshot([main, deploy]), snapshot([main, deploy]));
    expect(diff).toEqual({ added: [], removed: [], changed: [] });
    expect(isEmptyDiff(diff)).toBe(true);
  });

  it("ignores the order of entries and of their fields", () => {
    const reordered = { team: "ops", paused: false, name: "main" };
    expect(
      isEmptyDiff(diffSnapshots(snapshot([main, deploy]), snapshot([deploy, reordered]))),
    ).toBe(true);
  });

  it("reports a removed entry with its key", () => {
    const diff = diffSnapshots(snapshot([main, deploy]), snapshot([main]));
    expect(diff).toEqual({
      added: [],
      removed: [{ state: "things", key: { name: "deploy" }, entry: deploy }],
      changed: [],
    });
  });

  it("reports an added entry with its key", () => {
    const diff = diffSnapshots(snapshot([main]), snapshot([main, docs]));
    expect(diff.added).toEqual([{ state: "things", key: { name: "docs" }, entry: docs }]);
    expect(diff.removed).toEqual([]);
  });

  it("reports a changed entry with the fields that changed", () => {
    const paused = { ...main, paused: true };
    const diff = diffSnapshots(snapshot([main, deploy]), snapshot([paused, deploy]));
    expect(diff.changed).toEqual([
      { state: "things", key: { name: "main" }, before: main, after: paused, fields: ["paused"] },
    ]);
    expect(diff.added).toEqual([]);
    expect(diff.removed).toEqual([]);
  });

  it("counts a field that appears or disappears as changed", () => {
    const withOwner = { ...main, owner: "sam" };
    const { team: _team, ...withoutTeam } = main;
    const diff = diffSnapshots(snapshot([main]), snapshot([{ ...withoutTeam, owner: "sam" }]));
    expect(diff.changed[0]?.fields.sort()).toEqual(["owner", "team"]);
    expect(diffSnapshots(snapshot([main]), snapshot([withOwner])).changed[0]?.fields).toEqual([
      "owner",
    ]);
  });

  it("compares nested values by content", () => {
    const before = { name: "sg-1", rules: [{ port: 22, cidr: "10.0.0.0/8" }] };
    const same = { name: "sg-1", rules: [{ cidr: "10.0.0.0/8", port: 22 }] };
    const wider = { name: "sg-1", rules: [{ port: 22, cidr: "0.0.0.0/0" }] };
    expect(isEmptyDiff(diffSnapshots(snapshot([before]), snapshot([same])))).toBe(true);
    expect(diffSnapshots(snapshot([before]), snapshot([wider])).changed[0]?.fields).toEqual([
      "rules",
    ]);
  });

  it("tells numbers from the strings that look like them", () => {
    const diff = diffSnapshots(
      snapshot([{ name: "a", port: 22 }]),
      snapshot([{ name: "a", port: "22" }]),
    );
    expect(diff.changed[0]?.fields).toEqual(["port"]);
  });

  it("identifies entries by every key field together", () => {
    const key = ["group", "port"];
    const before = [
      { group: "sg-1", port: 22, cidr: "10.0.0.0/8" },
      { group: "sg-1", port: 443, cidr: "0.0.0.0/0" },
    ];
    const after = [
      { group: "sg-1", port: 22, cidr: "10.1.0.0/16" },
      { group: "sg-2", port: 443, cidr: "0.0.0.0/0" },
    ];
    const diff = diffSnapshots(snapshot(before, { key }), snapshot(after, { key }));
    expect(diff.changed.map((c) => c.key)).toEqual([{ group: "sg-1", port: 22 }]);
    expect(diff.removed.map((r) => r.key)).toEqual([{ group: "sg-1", port: 443 }]);
    expect(diff.added.map((a) => a.key)).toEqual([{ group: "sg-2", port: 443 }]);
  });

  it("names the state probe each entry comes from", () => {
    const diff = diffSnapshots(
      snapshot([main], { state: "pipelines" }),
      snapshot([docs], { state: "pipelines" }),
    );
    expect(diff.removed[0]?.state).toBe("pipelines");
    expect(diff.added[0]?.state).toBe("pipelines");
  });
});

describe("diffSnapshots without key fields", () => {
  const key: string[] = [];

  it("takes the whole entry as its identity: a change is a removal and an addition", () => {
    const grant = { group: "sg-1", port: 22, cidr: "10.0.0.0/8" };
    const wider = { ...grant, cidr: "0.0.0.0/0" };
    const diff = diffSnapshots(snapshot([grant], { key }), snapshot([wider], { key }));
    expect(diff).toEqual({
      added: [{ state: "things", key: wider, entry: wider }],
      removed: [{ state: "things", key: grant, entry: grant }],
      changed: [],
    });
  });

  it("finds nothing when the same entries come back in another order", () => {
    const lines: Entry[] = [{ line: "a" }, { line: "b" }, { line: "c" }];
    expect(
      isEmptyDiff(diffSnapshots(snapshot(lines, { key }), snapshot([...lines].reverse(), { key }))),
    ).toBe(true);
  });
});

describe("diffSnapshots with repeated keys", () => {
  it("tells repeats apart, so losing one of two identical entries is one removal", () => {
    const diff = diffSnapshots(snapshot([main, main]), snapshot([main]));
    expect(diff.removed).toEqual([{ state: "things", key: { name: "main" }, entry: main }]);
    expect(diff.changed).toEqual([]);
    expect(diff.added).toEqual([]);
  });

  it("reports gaining a repeat as one addition", () => {
    const diff = diffSnapshots(
      snapshot([{ line: "x" }], { key: [] }),
      snapshot([{ line: "x" }, { line: "x" }], { key: [] }),
    );
    expect(diff.added).toHaveLength(1);
    expect(diff.removed).toEqual([]);
  });

  it("treats an entry without the key field as keyed by null", () => {
    const diff = diffSnapshots(snapshot([{ other: 1 }]), snapshot([{ other: 2 }]));
    expect(diff.changed).toEqual([
      {
        state: "things",
        key: { name: null },
        before: { other: 1 },
        after: { other: 2 },
        fields: ["other"],
      },
    ]);
  });
});

describe("diffSnapshots at scale", () => {
  it("diffs 100,000 entries correctly", () => {
    const count = 100_000;
    const before = Array.from({ length: count }, (_, i) => ({
      name: `p-${i}`,
      paused: false,
      builds: i,
    }));
    const after = before
      .filter((_, i) => i % 10_000 !== 0)
      .map((e, i) => (i % 25_000 === 1 ? { ...e, paused: true } : e));
    after.push({ name: "p-new", paused: false, builds: 0 });
    const diff = diffSnapshots(snapshot(before), snapshot(after));
    expect(diff.removed).toHaveLength(10);
    expect(diff.removed[0]?.key).toEqual({ name: "p-0" });
    expect(diff.changed).toHaveLength(4);
    expect(diff.changed.every((c) => c.fields.length === 1 && c.fields[0] === "paused")).toBe(true);
    expect(diff.added.map((a) => a.key)).toEqual([{ name: "p-new" }]);
  });
});

describe("mergeDiffs", () => {
  it("concatenates the diffs of several probes", () => {
    const a = diffSnapshots(snapshot([main], { state: "a" }), snapshot([], { state: "a" }));
    const b = diffSnapshots(snapshot([], { state: "b" }), snapshot([docs], { state: "b" }));
    const merged = mergeDiffs([a, b]);
    expect(merged.removed.map((e) => e.state)).toEqual(["a"]);
    expect(merged.added.map((e) => e.state)).toEqual(["b"]);
    expect(isEmptyDiff(merged)).toBe(false);
    expect(isEmptyDiff(mergeDiffs([]))).toBe(true);
  });
});

describe("diffSnapshots compares as JSON would, without writing it", () => {
  it("tells a string key from a number key with the same digits, and keys that could run together", () => {
    const before = snapshot(
      [
        { name: "1", v: 1 },
        { name: 1, v: 1 },
        { name: "a:b", v: 1 },
      ],
      {
        key: ["name", "v"],
      },
    );
    const after = snapshot(
      [
        { name: 1, v: 1 },
        { name: "a", v: 1 },
      ],
      { key: ["name", "v"] },
    );
    const diff = diffSnapshots(before, after);
    expect(diff.removed.map((r) => r.key)).toEqual([
      { name: "1", v: 1 },
      { name: "a:b", v: 1 },
    ]);
    expect(diff.added.map((a) => a.key)).toEqual([{ name: "a", v: 1 }]);
  });

  it("pairs repeated keys in order, as before", () => {
    const before = snapshot([
      { name: "x", n: 1 },
      { name: "x", n: 2 },
    ]);
    const after = snapshot([
      { name: "x", n: 1 },
      { name: "x", n: 3 },
      { name: "x", n: 4 },
    ]);
    const diff = diffSnapshots(before, after);
    expect(diff.changed.map((c) => [c.before.n, c.after.n])).toEqual([[2, 3]]);
    expect(diff.added.map((a) => a.entry.n)).toEqual([4]);
    expect(diff.removed).toEqual([]);
  });

  it("treats what JSON writes alike as equal: a missing field and undefined, NaN and null, a Date and its ISO text", () => {
    const when = new Date("2026-01-02T03:04:05.000Z");
    const before = snapshot([
      { name: "a", gone: undefined, n: Number.NaN, at: when, list: [1, { b: 2, a: 1 }] },
    ]);
    const after = snapshot([
      { name: "a", n: null, at: when.toISOString(), list: [1, { a: 1, b: 2 }] },
    ]);
    expect(isEmptyDiff(diffSnapshots(before, after))).toBe(true);
    const changed = snapshot([{ name: "a", n: 0, at: when.toISOString(), list: [1, { a: 1 }] }]);
    expect(diffSnapshots(before, changed).changed[0]?.fields).toEqual(["n", "list"]);
  });
});
