import { describe, expect, it } from "vitest";
import { describeSelector, fieldText, selectorMatches } from "./selector.js";

const grant = {
  group: "sg-1",
  port: 22,
  public: false,
  description: null,
  peer: { account: "123456789012", group: "sg-9" },
  cidrs: ["10.0.0.0/8"],
};

describe("fieldText", () => {
  it.each<[string, string | undefined]>([
    ["group", "sg-1"],
    ["port", "22"],
    ["public", "false"],
    ["description", "null"],
    ["peer.account", "123456789012"],
    ["peer", '{"account":"123456789012","group":"sg-9"}'],
    ["cidrs", '["10.0.0.0/8"]'],
    ["missing", undefined],
    ["peer.missing", undefined],
    ["group.length", undefined],
    ["description.x", undefined],
  ])("%s → %s", (path, text) => {
    expect(fieldText(grant, path)).toBe(text);
  });
});

describe("selectorMatches", () => {
  it("matches when every field matches its glob", () => {
    expect(selectorMatches({ group: "sg-*", port: "22" }, grant)).toBe(true);
    expect(selectorMatches({ group: "sg-*", port: "443" }, grant)).toBe(false);
  });

  it("compares numbers and booleans by their text", () => {
    expect(selectorMatches({ port: "2?" }, grant)).toBe(true);
    expect(selectorMatches({ public: "false" }, grant)).toBe(true);
    expect(selectorMatches({ public: "true" }, grant)).toBe(false);
  });

  it("follows dotted paths", () => {
    expect(selectorMatches({ "peer.group": "sg-9" }, grant)).toBe(true);
    expect(selectorMatches({ "peer.group": "sg-1" }, grant)).toBe(false);
  });

  it("never matches a field the entry does not have, even with *", () => {
    expect(selectorMatches({ region: "*" }, grant)).toBe(false);
  });

  it("matches everything with an empty selector", () => {
    expect(selectorMatches({}, grant)).toBe(true);
  });
});

describe("describeSelector", () => {
  it("lists field=glob pairs", () => {
    expect(describeSelector({ group: "sg-*", port: "22" })).toBe("group=sg-*, port=22");
  });
});
