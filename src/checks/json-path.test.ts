import { describe, expect, it } from "vitest";
import { parseJsonPath, readJsonPath } from "./json-path.js";

describe("JSON paths", () => {
  const doc = { data: { items: [{ id: 1 }, { id: 2 }], "a.b": "dotted" }, list: [10, 20] };

  it("reads dotted keys, [n] and .n indexes, and an optional $. prefix", () => {
    expect(readJsonPath(doc, "data.items[1].id")).toEqual({ found: true, value: 2 });
    expect(readJsonPath(doc, "data.items.0.id")).toEqual({ found: true, value: 1 });
    expect(readJsonPath(doc, "$.list[0]")).toEqual({ found: true, value: 10 });
    expect(readJsonPath(doc, 'data["a.b"]')).toEqual({ found: true, value: "dotted" });
  });

  it("reports a missing step as not found rather than undefined", () => {
    expect(readJsonPath(doc, "data.items[5].id")).toEqual({ found: false });
    expect(readJsonPath(doc, "data.nope")).toEqual({ found: false });
    expect(readJsonPath(doc, "list.x")).toEqual({ found: false });
    expect(readJsonPath({ a: null }, "a")).toEqual({ found: true, value: null });
  });

  it("does not walk into inherited properties", () => {
    expect(readJsonPath({}, "constructor")).toEqual({ found: false });
  });

  it("rejects a path it cannot read", () => {
    expect(() => parseJsonPath("a[x]")).toThrow(/cannot read the JSON path/);
  });
});
