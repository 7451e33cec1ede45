/**
 * The compiled-policy cache entry's layout (entry-write.ts, entry-read.ts): a policy read back
 * is the policy written, rule for rule and key for key; its rules are parsed only when the
 * index names them; a body cut short or with a bad header is refused.
 */
import { mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { environment, extractor, policy, rule } from "../../test/helpers/policy-factory.js";
import { evaluateCommand } from "../run/evaluate.js";
import { ENTRY_FORMAT } from "./entry-layout.js";
import { decodeEntry } from "./entry-read.js";
import { bufferSource, type EntrySource, fileSource } from "./entry-source.js";
import { encodeEntry } from "./entry-write.js";
import { candidateRules, isRuleProgram, matchRules } from "./match.js";
import { candidateOrdinals, ruleIndex } from "./rule-index.js";
import type { Policy } from "./types.js";

/** A policy with literal, aliased, glob and oddly named programs, and every rule shape. */
function samplePolicy(count = 300): Policy {
  const rules = Array.from({ length: count }, (_, i) => {
    const program = `tool${i % 37}`;
    const commands =
      i % 50 === 7
        ? [`t*ol${i % 37}`]
        : i % 9 === 4
          ? [program, `alias-${i % 5}`, program]
          : [program];
    return rule({
      id: `rule-${i}`,
      commands,
      args: i % 3 === 0 ? ["delete-*"] : [],
      ...(i % 4 === 0 && { description: `rule ${i}: ünïcödé ✓` }),
      environment: extractor({ flags: ["-t"] }),
      ...(i % 5 === 0 && { decision: { production: "deny" as const, "*": "confirm" as const } }),
    });
  });
  rules.push(
    rule({ id: "proto", commands: ["__proto__"] }),
    rule({ id: "ctor", commands: ["constructor"] }),
    rule({ id: "braces", commands: ["kube{ctl,-ctl}", "k"] }),
    rule({ id: "escaped", commands: ["odd\\*name"] }),
  );
  return policy({
    environments: [environment("production", { protected: true, targets: ["prod"] })],
    rules,
  });
}

function decoded(p: Policy): Policy {
  return decodeEntry(bufferSource(encodeEntry(p)), "entry");
}

/** A source that counts the bytes read, to see what evaluating a command reads. */
function counting(body: Buffer): EntrySource & { bytesRead: number } {
  const inner = bufferSource(body);
  const source = {
    bytesRead: 0,
    size: inner.size,
    read(at: number, length: number) {
      source.bytesRead += length;
      return inner.read(at, length);
    },
    close() {},
  };
  return source;
}

describe("a compiled-policy entry", () => {
  it("reads back as the policy written: the same JSON, keys in the same order", () => {
    const original = samplePolicy();
    const back = decoded(original);
    expect(JSON.stringify(back)).toBe(JSON.stringify(original));
    expect(back).toEqual(original);
  });

  it("reads the policy's own test cases only when asked, after its rules or before", () => {
    const original = samplePolicy();
    original.tests = [
      {
        name: "t",
        command: ["tool5", "delete-x"],
        vars: {},
        expect: { decision: "deny" },
        source: original.rules[0]!.source,
      },
    ];
    const body = encodeEntry(original);
    const source = counting(body);
    const back = decodeEntry(source, "entry");
    expect(Object.getOwnPropertyDescriptor(back, "tests")?.get).toBeDefined();
    expect(back.tests).toEqual(original.tests);
    expect(Object.getOwnPropertyDescriptor(back, "tests")?.value).toBe(back.tests);
    const other = decoded(original);
    expect(other.rules).toHaveLength(original.rules.length);
    expect(other.tests).toEqual(original.tests);
  });

  it("reads back an empty policy", () => {
    const original = policy();
    expect(JSON.stringify(decoded(original))).toBe(JSON.stringify(original));
  });

  it("answers every program as the policy's own rules would", () => {
    const original = samplePolicy();
    const back = decoded(original);
    const programs = [
      ...Array.from({ length: 40 }, (_, i) => `tool${i}`),
      "alias-3",
      "tXXol5",
      "__proto__",
      "constructor",
      "toString",
      "kubectl",
      "kube-ctl",
      "k",
      "odd*name",
      "oddXname",
      "ls",
      "",
    ];
    for (const program of programs) {
      const ids = (p: Policy) => candidateRules(p, program).map((r) => r.id);
      expect(ids(back), program).toEqual(ids(original));
      expect(isRuleProgram(back, program), program).toBe(isRuleProgram(original, program));
      const argv = [program, "delete-db", "-t", "prod"];
      expect(matchRules(back, argv).map((r) => r.id)).toEqual(
        matchRules(original, argv).map((r) => r.id),
      );
      const evaluation = (p: Policy) => {
        const e = evaluateCommand({
          policy: p,
          argv: ["sh", "-c", `${program} delete-x -t prod; tool3 delete-y`],
          vars: {},
        });
        return {
          rules: e.rules.map((r) => r.id),
          decision: e.decision,
          blocked: e.blocked?.reason,
        };
      };
      expect(evaluation(back)).toEqual(evaluation(original));
    }
  });

  it("parses only the rules a command's program names", () => {
    const body = encodeEntry(samplePolicy(3_000));
    const source = counting(body);
    const back = decodeEntry(source, "entry");
    expect(matchRules(back, ["tool5", "delete-db"]).length).toBeGreaterThan(0);
    // tool5 has about 80 of the 3,004 rules.
    expect(source.bytesRead).toBeLessThan(body.length / 10);
    expect(Object.getOwnPropertyDescriptor(back, "rules")?.get).toBeDefined();
  });

  it("gives out the same rule objects through its index and through policy.rules", () => {
    const back = decoded(samplePolicy());
    const [first] = candidateRules(back, "tool5");
    const ordinal = ruleIndex(back).ordinal(first!)!;
    expect(back.rules[ordinal]).toBe(first);
    // Now a plain array: the accessor is gone.
    expect(Object.getOwnPropertyDescriptor(back, "rules")?.value).toBe(back.rules);
    expect(candidateRules(back, "tool5")[0]).toBe(first);
    expect(ruleIndex(back).ordinal(back.rules[3]!)).toBe(3);
  });

  it("indexes its rules afresh when policy.rules is replaced", () => {
    const back = decoded(samplePolicy());
    back.rules = [rule({ id: "only", commands: ["tool5"] })];
    expect(candidateRules(back, "tool5").map((r) => r.id)).toEqual(["only"]);
  });

  it("reads a large body from an open file, and keeps reading it after the load", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-entry-"));
    try {
      const original = samplePolicy(2_000);
      const file = join(dir, "entry");
      const body = encodeEntry(original);
      writeFileSync(file, Buffer.concat([Buffer.from("x".repeat(10)), body]));
      const back = decodeEntry(fileSource(openSync(file, "r"), 10, body.length), file);
      expect(candidateRules(back, "tool9").map((r) => r.id)).toEqual(
        candidateRules(original, "tool9").map((r) => r.id),
      );
      expect(JSON.stringify(back.rules)).toBe(JSON.stringify(original.rules));
      expect(back.tests).toEqual(original.tests);
      expect(candidateRules(back, "tool11").map((r) => r.id)).toEqual(
        candidateRules(original, "tool11").map((r) => r.id),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each<[string, (body: Buffer) => Buffer]>([
    ["cut short", (body) => body.subarray(0, body.length - 1)],
    ["cut in its header", (body) => body.subarray(0, 20)],
    ["one byte longer", (body) => Buffer.concat([body, Buffer.from(" ")])],
    ["empty", () => Buffer.alloc(0)],
    [
      "of another layout",
      (body) => Buffer.from(body.toString().replace(`{"format":${ENTRY_FORMAT},`, '{"format":1,')),
    ],
    ["plain JSON (the old layout)", () => Buffer.from(JSON.stringify(samplePolicy()))],
  ])("is refused when %s", (_, damage) => {
    const body = damage(encodeEntry(samplePolicy()));
    expect(() => decodeEntry(bufferSource(body), "entry")).toThrow();
  });

  it("says which file to delete when a rule it names cannot be read", () => {
    const body = encodeEntry(samplePolicy());
    const text = body.toString();
    // Same length, so the layout still holds, but rule JSON no longer parses.
    expect(text).toContain('{"id":"rule-5",');
    const broken = Buffer.from(text.replace('{"id":"rule-5",', '{"id":"rule-5"}'));
    const back = decodeEntry(bufferSource(broken), "/cache/policy-x");
    const index = ruleIndex(back);
    expect(candidateOrdinals(index, "tool5")).toContain(5);
    expect(() => candidateRules(back, "tool5")).toThrow(/policy-x is damaged.*delete it/);
  });
});
