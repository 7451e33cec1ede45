import { describe, expect, it } from "vitest";
import { expectations } from "../../test/helpers/policy-factory.js";
import type { Selector } from "../policy/types.js";
import { describeExpectations } from "./describe.js";

const asWritten = (s: Selector) => s;

describe("describeExpectations", () => {
  it("puts every kind into words, removed first", () => {
    const text = describeExpectations(
      expectations({
        removed: { kind: "limit", max: 1, only: { name: "main" } },
        added: { kind: "none" },
        unchanged: [{ team: "web" }],
      }),
      asWritten,
    );
    expect(text).toBe(
      "removed: at most 1, only name=main; added: nothing; changed: anything; unchanged: team=web",
    );
  });

  it("describes never, and a limit with nothing in it as anything", () => {
    const text = describeExpectations(
      expectations({
        removed: { kind: "limit", never: { team: "web" } },
        changed: { kind: "limit" },
      }),
      asWritten,
    );
    expect(text).toBe("removed: never team=web; added: anything; changed: anything");
  });

  it("fills templates in selectors before describing them", () => {
    const fill = (s: Selector) =>
      Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v.replace("{resource}", "main")]));
    const text = describeExpectations(
      expectations({
        removed: { kind: "limit", only: { name: "{resource}" } },
        unchanged: [{ name: "{resource}-*" }],
      }),
      fill,
    );
    expect(text).toContain("removed: only name=main;");
    expect(text).toContain("unchanged: name=main-*");
  });
});
