import { describe, expect, it } from "vitest";
import { expectations, snapshot } from "../../test/helpers/policy-factory.js";
import { diffSnapshots } from "./diff.js";
import { verifyExpectations } from "./expect.js";
import type { Entry, StateDiff } from "./types.js";

const main = { name: "main", team: "ops", paused: false, builds: 120, owner: { name: "sam" } };
const deploy = { name: "deploy", team: "ops", paused: false, builds: 7, owner: { name: "kim" } };
const docs = { name: "docs", team: "web", paused: true, builds: 15, owner: { name: "ana" } };
const pipelines = [main, deploy, docs];

/** The diff between the pipelines above and what is left after `change`. */
function after(change: (entries: Entry[]) => Entry[]): StateDiff {
  return diffSnapshots(snapshot(pipelines), snapshot(change([...pipelines])));
}

const removing = (...names: string[]) =>
  after((es) => es.filter((e) => !names.includes(e.name as string)));
const adding = (...entries: Entry[]) => after((es) => [...es, ...entries]);
const changing = (name: string, fields: Entry) =>
  after((es) => es.map((e) => (e.name === name ? { ...e, ...fields } : e)));

function violated(diff: StateDiff, expect: Parameters<typeof expectations>[0]): string[] {
  return verifyExpectations(diff, expectations(expect)).map((v) => v.expectation);
}

describe("verifyExpectations: none and any", () => {
  it("reports added.none when something was added", () => {
    const [violation, ...rest] = verifyExpectations(
      adding({ name: "new" }),
      expectations({ added: { kind: "none" } }),
    );
    expect(rest).toEqual([]);
    expect(violation).toEqual({
      expectation: "added.none",
      message: "expected nothing added, but 1 entry was",
      entries: [{ state: "things", key: { name: "new" }, entry: { name: "new" } }],
    });
  });

  it("accepts none when nothing of that kind happened", () => {
    expect(
      violated(removing("main"), { added: { kind: "none" }, changed: { kind: "none" } }),
    ).toEqual([]);
  });

  it("reports removed.none and changed.none by kind", () => {
    expect(violated(removing("main", "docs"), { removed: { kind: "none" } })).toEqual([
      "removed.none",
    ]);
    expect(violated(changing("main", { paused: true }), { changed: { kind: "none" } })).toEqual([
      "changed.none",
    ]);
  });

  it("pluralises its message", () => {
    const [violation] = verifyExpectations(
      removing("main", "docs"),
      expectations({ removed: { kind: "none" } }),
    );
    expect(violation?.message).toBe("expected nothing removed, but 2 entries were");
  });

  it("accepts anything under any", () => {
    expect(violated(removing("main", "deploy", "docs"), { removed: { kind: "any" } })).toEqual([]);
  });
});

describe("verifyExpectations: max, only and never", () => {
  it("reports removed.max when more were removed than allowed", () => {
    const [violation] = verifyExpectations(
      removing("main", "deploy"),
      expectations({ removed: { kind: "limit", max: 1 } }),
    );
    expect(violation).toMatchObject({
      expectation: "removed.max",
      message: "expected at most 1 entry removed, but 2 entries were",
    });
    expect(violation?.entries).toHaveLength(2);
  });

  it("accepts exactly max, and max 0 means none", () => {
    expect(violated(removing("main"), { removed: { kind: "limit", max: 1 } })).toEqual([]);
    expect(violated(removing("main"), { removed: { kind: "limit", max: 0 } })).toEqual([
      "removed.max",
    ]);
  });

  it("reports removed.only with just the entries outside the selector", () => {
    const [violation, ...rest] = verifyExpectations(
      removing("main", "deploy"),
      expectations({ removed: { kind: "limit", only: { name: "main" } } }),
    );
    expect(rest).toEqual([]);
    expect(violation?.expectation).toBe("removed.only");
    expect(violation?.message).toBe(
      "only entries matching name=main may be removed, but 1 other entry was",
    );
    expect(violation?.entries.map((e) => ("entry" in e ? e.entry.name : undefined))).toEqual([
      "deploy",
    ]);
  });

  it("accepts removals inside the only selector, globs included", () => {
    expect(
      violated(removing("main", "deploy"), { removed: { kind: "limit", only: { team: "o*" } } }),
    ).toEqual([]);
  });

  it("reports removed.never for entries matching the never selector", () => {
    const [violation] = verifyExpectations(
      removing("main", "docs"),
      expectations({ removed: { kind: "limit", never: { team: "web" } } }),
    );
    expect(violation?.expectation).toBe("removed.never");
    expect(violation?.entries.map((e) => ("entry" in e ? e.entry.name : undefined))).toEqual([
      "docs",
    ]);
  });

  it("reports every broken part of a limit at once", () => {
    const limit = {
      kind: "limit" as const,
      max: 1,
      only: { team: "ops" },
      never: { name: "docs" },
    };
    expect(violated(removing("main", "docs"), { removed: limit })).toEqual([
      "removed.max",
      "removed.only",
      "removed.never",
    ]);
  });

  it("counts a changed entry as inside a selector when it matched before or after", () => {
    const pausing = changing("main", { paused: true });
    expect(violated(pausing, { changed: { kind: "limit", only: { paused: "true" } } })).toEqual([]);
    expect(violated(pausing, { changed: { kind: "limit", only: { paused: "false" } } })).toEqual(
      [],
    );
    expect(violated(pausing, { changed: { kind: "limit", only: { name: "deploy" } } })).toEqual([
      "changed.only",
    ]);
    expect(violated(pausing, { changed: { kind: "limit", never: { paused: "true" } } })).toEqual([
      "changed.never",
    ]);
  });

  it("applies added limits to added entries", () => {
    const two = adding({ name: "a", team: "ops" }, { name: "b", team: "web" });
    expect(violated(two, { added: { kind: "limit", max: 1, only: { team: "ops" } } })).toEqual([
      "added.max",
      "added.only",
    ]);
  });
});

describe("verifyExpectations: unchanged", () => {
  const webUnchanged = { unchanged: [{ team: "web" }] };

  it("reports a removed entry that must stay", () => {
    const [violation] = verifyExpectations(removing("docs"), expectations(webUnchanged));
    expect(violation).toMatchObject({
      expectation: "unchanged",
      message:
        "entries matching team=web must stay as they were, but 1 entry was added, removed or changed",
    });
  });

  it("reports an added entry that matches", () => {
    expect(violated(adding({ name: "blog", team: "web" }), webUnchanged)).toEqual(["unchanged"]);
  });

  it("reports a changed entry that matches before or after", () => {
    expect(violated(changing("docs", { paused: false }), webUnchanged)).toEqual(["unchanged"]);
    expect(violated(changing("main", { team: "web" }), webUnchanged)).toEqual(["unchanged"]);
    expect(violated(changing("docs", { team: "ops" }), webUnchanged)).toEqual(["unchanged"]);
  });

  it("ignores changes to entries that do not match", () => {
    expect(violated(removing("main"), webUnchanged)).toEqual([]);
    expect(violated(changing("deploy", { paused: true }), webUnchanged)).toEqual([]);
  });

  it("needs every field of a selector to match", () => {
    expect(violated(removing("docs"), { unchanged: [{ team: "web", paused: "false" }] })).toEqual(
      [],
    );
    expect(violated(removing("docs"), { unchanged: [{ team: "web", paused: "true" }] })).toEqual([
      "unchanged",
    ]);
  });

  it("reports each selector that was touched", () => {
    const violations = verifyExpectations(
      removing("main", "docs"),
      expectations({ unchanged: [{ name: "main" }, { name: "deploy" }, { name: "docs" }] }),
    );
    expect(violations.map((v) => v.message)).toEqual([
      "entries matching name=main must stay as they were, but 1 entry was added, removed or changed",
      "entries matching name=docs must stay as they were, but 1 entry was added, removed or changed",
    ]);
  });
});

describe("verifyExpectations selectors", () => {
  it("read dotted paths into nested objects", () => {
    expect(
      violated(removing("main"), { removed: { kind: "limit", only: { "owner.name": "sam" } } }),
    ).toEqual([]);
    expect(
      violated(removing("deploy"), { removed: { kind: "limit", only: { "owner.name": "sam" } } }),
    ).toEqual(["removed.only"]);
  });

  it("compare numbers and booleans as strings, with globs", () => {
    expect(
      violated(removing("main"), { removed: { kind: "limit", only: { builds: "120" } } }),
    ).toEqual([]);
    expect(
      violated(removing("main"), { removed: { kind: "limit", only: { builds: "1*" } } }),
    ).toEqual([]);
    expect(
      violated(removing("deploy"), { removed: { kind: "limit", only: { builds: "1*" } } }),
    ).toEqual(["removed.only"]);
    expect(
      violated(removing("docs"), { removed: { kind: "limit", never: { paused: "true" } } }),
    ).toEqual(["removed.never"]);
    expect(
      violated(removing("main"), { removed: { kind: "limit", never: { paused: "t*" } } }),
    ).toEqual([]);
  });

  it("never match an entry that lacks the field", () => {
    expect(
      violated(removing("main"), { removed: { kind: "limit", only: { region: "*" } } }),
    ).toEqual(["removed.only"]);
  });
});

describe("verifyExpectations results", () => {
  it("names the rule on each violation when given one", () => {
    const violations = verifyExpectations(
      removing("main", "docs"),
      expectations({ removed: { kind: "limit", max: 1 }, unchanged: [{ team: "web" }] }),
      "fly-destroy",
    );
    expect(violations.map((v) => [v.expectation, v.rule])).toEqual([
      ["removed.max", "fly-destroy"],
      ["unchanged", "fly-destroy"],
    ]);
  });

  it("finds nothing to report when nothing changed", () => {
    const strict = {
      added: { kind: "none" as const },
      removed: { kind: "none" as const },
      changed: { kind: "none" as const },
      unchanged: [{ name: "*" }],
    };
    expect(
      violated(
        after((es) => es),
        strict,
      ),
    ).toEqual([]);
  });
});
