import { describe, expect, it } from "vitest";
import { expectations } from "../../test/helpers/policy-factory.js";
import { describeExpectations } from "./describe.js";

describe("describeExpectations", () => {
  it("puts every kind into words, removed first", () => {
    const text = describeExpectations(
      expectations({
        removed: { kind: "limit", max: 1, only: { name: "main" } },
        added: { kind: "none" },
        unchanged: [{ team: "web" }],
      }),
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
    );
    expect(text).toBe("removed: never team=web; added: anything; changed: anything");
  });
});
