import { describe, expect, it } from "vitest";
import { escapeGlob, GlobError, globMatch, globToRegExp, isGlob } from "./glob.js";

describe("globMatch", () => {
  it.each<[string, string, boolean]>([
    ["prod-*", "prod-eu", true],
    ["prod-*", "prod-", true],
    ["prod-*", "xprod-eu", false],
    ["*", "", true],
    ["*", "a/b", true],
    ["prod?", "prod1", true],
    ["prod?", "prod", false],
    ["prod?", "prod12", false],
    ["[abc]x", "bx", true],
    ["[abc]x", "dx", false],
    ["[a-c]x", "bx", true],
    ["[!a]x", "bx", true],
    ["[!a]x", "ax", false],
    ["[^a]x", "ax", false],
    ["{prod,production}", "prod", true],
    ["{prod,production}", "production", true],
    ["{prod,production}", "produc", false],
    ["{delete,deld}", "delete", true],
  ])("%s against %s → %s", (pattern, value, expected) => {
    expect(globMatch(pattern, value)).toBe(expected);
  });

  it("matches the whole value, never a part of it", () => {
    expect(globMatch("prod", "production")).toBe(false);
    expect(globMatch("prod*", "my-prod")).toBe(false);
    expect(globMatch("{a,b}", "ab")).toBe(false);
  });

  it("nests braces", () => {
    expect(globMatch("{ns,namespace{,s}}", "ns")).toBe(true);
    expect(globMatch("{ns,namespace{,s}}", "namespace")).toBe(true);
    expect(globMatch("{ns,namespace{,s}}", "namespaces")).toBe(true);
    expect(globMatch("{ns,namespace{,s}}", "namespacess")).toBe(false);
  });

  it("takes an empty alternative as the empty string", () => {
    expect(globMatch("ns{,/}", "ns")).toBe(true);
    expect(globMatch("ns{,/}", "ns/")).toBe(true);
    expect(globMatch("ns{,/}", "ns//")).toBe(false);
  });

  it("keeps a comma outside braces literal", () => {
    expect(globMatch("a,*", "a,b")).toBe(true);
    expect(globMatch("a,*", "ab")).toBe(false);
  });

  it("matches escaped special characters literally", () => {
    expect(globMatch("a\\*", "a*")).toBe(true);
    expect(globMatch("a\\*", "ab")).toBe(false);
    expect(globMatch("a\\?", "a?")).toBe(true);
    expect(globMatch("a\\?", "ab")).toBe(false);
    expect(globMatch("\\[x]", "[x]")).toBe(true);
    expect(globMatch("\\{a,b}", "{a,b}")).toBe(true);
    expect(globMatch("\\{a,b}", "a")).toBe(false);
    expect(globMatch("a\\\\b", "a\\b")).toBe(true);
  });

  it.each([
    ["a.b", "a.b", "axb"],
    ["a+b", "a+b", "aab"],
    ["(x)", "(x)", "x"],
    ["a|b", "a|b", "a"],
    ["^a$", "^a$", "a"],
    ["a.*", "a.anything", "abc"],
  ])("treats the regex-looking %s literally", (pattern, same, other) => {
    expect(globMatch(pattern, same)).toBe(true);
    expect(globMatch(pattern, other)).toBe(false);
  });

  it("treats regex characters inside a glob literally", () => {
    expect(globMatch("prod.*", "prod.eu")).toBe(true);
    expect(globMatch("prod.*", "prodXeu")).toBe(false);
    expect(globMatch("(x)-?", "(x)-1")).toBe(true);
    expect(globMatch("{a.b,c+d}", "c+d")).toBe(true);
    expect(globMatch("{a.b,c+d}", "axb")).toBe(false);
  });

  it("takes ']' first in a set as a member, as POSIX does", () => {
    expect(globMatch("[]a]", "]")).toBe(true);
    expect(globMatch("[]a]", "b")).toBe(false);
  });

  it("takes ']' first in a negated set as a member, as POSIX does", () => {
    expect(globMatch("[!]]", "a")).toBe(true);
    expect(globMatch("[!]]", "]")).toBe(false);
    expect(globMatch("[!]]", "]]")).toBe(false);
  });

  it("honours '\\' escapes inside a set", () => {
    expect(globMatch("[a\\-z]", "-")).toBe(true);
    expect(globMatch("[a\\-z]", "z")).toBe(true);
    expect(globMatch("[a\\-z]", "m")).toBe(false);
    expect(globMatch("[a\\]]", "]")).toBe(true);
  });

  it("matches across newlines like any other character", () => {
    expect(globMatch("a*b", "a\nb")).toBe(true);
    expect(globMatch("a?b", "a\nb")).toBe(true);
  });
});

describe("globToRegExp errors", () => {
  it.each([
    ["[abc", "'[' without ']'"],
    ["prod-[", "'[' without ']'"],
    ["{a,b", "'{' without '}'"],
    ["{a,{b,c}", "'{' without '}'"],
    ["a\\", "ends with '\\'"],
  ])("rejects %s", (pattern, message) => {
    expect(() => globToRegExp(pattern)).toThrow(GlobError);
    expect(() => globToRegExp(pattern)).toThrow(message);
  });

  it("names the pattern in the message", () => {
    expect(() => globToRegExp("[abc")).toThrow('glob "[abc"');
  });
});

describe("isGlob", () => {
  it.each(["*", "a?", "[ab]", "{a,b}", "a\\*"])("%s is a glob", (pattern) => {
    expect(isGlob(pattern)).toBe(true);
  });

  it.each(["prod", "a.b", "a+b", "(x)", "a,b"])("%s is a plain value", (pattern) => {
    expect(isGlob(pattern)).toBe(false);
  });
});

describe("globs that a regular expression cannot express", () => {
  it("reports a reversed range as a GlobError, not a crash", () => {
    expect(() => globToRegExp("prod-[z-a]")).toThrow(GlobError);
  });
});

describe("escapeGlob", () => {
  it.each(["*", "a?b", "[x]", "{a,b}", "back\\slash", "plain"])(
    "makes %j match only itself",
    (value) => {
      expect(globMatch(escapeGlob(value), value)).toBe(true);
      expect(globMatch(escapeGlob(value), `${value}x`)).toBe(false);
    },
  );
});

describe("globs of literals and braces, matched as sets of strings", () => {
  // globMatch answers these without a regular expression; it must answer as one would.
  const viaRegExp = (pattern: string, value: string): boolean | string => {
    try {
      return globToRegExp(pattern).test(value);
    } catch (error) {
      return error instanceof GlobError ? "GlobError" : String(error);
    }
  };
  const viaGlobMatch = (pattern: string, value: string): boolean | string => {
    try {
      return globMatch(pattern, value);
    } catch (error) {
      return error instanceof GlobError ? "GlobError" : String(error);
    }
  };

  it("answers the usual rule arguments as their regular expressions do", () => {
    for (const [pattern, yes, no] of [
      ["{destroy-pipeline,dp}", ["destroy-pipeline", "dp"], ["d", "dpx", "pipelines", ""]],
      ["a{b,c}d", ["abd", "acd"], ["ad", "abcd"]],
      ["{a,{b,c}}x", ["ax", "bx", "cx"], ["x", "abx"]],
      ["{,-}f", ["f", "-f"], ["--f"]],
      ["{}", [""], ["{}"]],
      ["a,b}", ["a,b}"], ["a", "b"]],
    ] as const) {
      for (const value of yes) expect(globMatch(pattern, value), `${pattern} ${value}`).toBe(true);
      for (const value of no) expect(globMatch(pattern, value), `${pattern} ${value}`).toBe(false);
    }
  });

  it("agrees with the regular expression on 3,000 generated patterns, for every short value", () => {
    const PIECES = ["a", "b", "-", ",", "{", "}", "ab", "{a,b}", "{,a}", "{}", "*", "\\,", "."];
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    // Every string of up to three characters these patterns can spell (and more).
    const letters = ["a", "b", "-", ",", "}", "."];
    let values = [""];
    for (let length = 0, last = [""]; length < 3; length++) {
      last = last.flatMap((v) => letters.map((l) => v + l));
      values = values.concat(last);
    }
    let matched = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const pattern = Array.from(
        { length: 1 + random(4) },
        () => PIECES[random(PIECES.length)],
      ).join("");
      for (const value of values) {
        const expected = viaRegExp(pattern, value);
        if (viaGlobMatch(pattern, value) !== expected) disagreements.push(`${pattern} ${value}`);
        if (expected === true) matched++;
      }
    }
    expect(disagreements).toEqual([]);
    expect(matched).toBeGreaterThan(1_000);
  });
});
