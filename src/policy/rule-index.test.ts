import { describe, expect, it } from "vitest";
import { policy, rule } from "../../test/helpers/policy-factory.js";
import { globMatch } from "./glob.js";
import { candidateOrdinals, endsOf, namesProgram, ruleIndex } from "./rule-index.js";

describe("endsOf", () => {
  it.each<[string, [string, string]]>([
    ["t*ol42", ["t", "ol42"]],
    ["terraform{,-1.*}", ["terraform", ""]],
    ["[a-f]*x", ["", "x"]],
    ["odd\\*name", ["odd", "name"]],
    ["a\\\\b", ["a", "b"]],
    ["fly", ["fly", "fly"]],
    ["*", ["", ""]],
    ["x,y}z", ["x,y}z", "z"]],
  ])("%s → %j", (glob, ends) => {
    expect(endsOf(glob)).toEqual(ends);
  });

  it("never rules out a value the glob matches", () => {
    const globs = [
      "t*ol4?",
      "{a,bc}d*",
      "[!x]y\\?z",
      "a\\*b*",
      "k{ube{ctl,-ctl},}",
      "*-prod",
      "x]y*",
    ];
    const values = [
      "tool42",
      "txol4x",
      "ad",
      "bcdzz",
      "zy?z",
      "a*b",
      "a*bc",
      "kubectl",
      "k",
      "kube-ctl",
      "db-prod",
      "x]yz",
      "",
      "tool4",
    ];
    for (const glob of globs) {
      const [prefix, suffix] = endsOf(glob);
      for (const value of values) {
        if (globMatch(glob, value)) {
          expect(value.startsWith(prefix) && value.endsWith(suffix), `${glob} ${value}`).toBe(true);
        }
      }
    }
  });
});

describe("the rule index of a policy's own rules", () => {
  const p = policy({
    rules: [
      rule({ id: "a", commands: ["fly", "fly"] }),
      rule({ id: "b", commands: ["f*"] }),
      rule({ id: "c", commands: ["bosh", "fl?"] }),
      rule({ id: "d", commands: ["fly"] }),
    ],
  });

  it("lists each rule once per program, literal and glob commands merged in order", () => {
    const index = ruleIndex(p);
    expect(index.literal("fly")).toEqual([0, 3]);
    expect(candidateOrdinals(index, "fly")).toEqual([0, 1, 2, 3]);
    expect(candidateOrdinals(index, "bosh")).toEqual([2]);
    expect(candidateOrdinals(index, "flx")).toEqual([1, 2]);
    expect(candidateOrdinals(index, "ls")).toEqual([]);
    expect(namesProgram(index, "fz")).toBe(true);
    expect(namesProgram(index, "ls")).toBe(false);
    expect(index.ordinal(p.rules[2]!)).toBe(2);
  });

  it("knows no inherited names", () => {
    const index = ruleIndex(p);
    for (const name of ["constructor", "__proto__", "toString"]) {
      expect(namesProgram(index, name)).toBe(false);
    }
  });
});
