/**
 * Writes a compiled policy as a cache entry's body, in the layout of entry-layout.ts: the
 * policy without its rules, the rule index, and each rule's JSON as a slice of its own.
 */
import {
  bucketOf,
  ENTRY_FORMAT,
  type EntryHeader,
  OFFSET_DIGITS,
  PROGRAMS_PER_BUCKET,
} from "./entry-layout.js";
import { programsOf } from "./rule-index.js";
import type { Policy } from "./types.js";

export function encodeEntry(policy: Policy): Buffer {
  const { rules } = policy;
  const { byProgram, globbed } = programsOf(rules);
  const policyJson = Buffer.from(
    JSON.stringify({ ...policy, rules: rules.length, tests: policy.tests.length }),
  );
  const testsJson = Buffer.from(JSON.stringify(policy.tests));
  const globbedJson = Buffer.from(JSON.stringify(globbed.map((g) => [g.ordinal, g.globs])));

  const bucketCount = Math.max(1, Math.ceil(byProgram.size / PROGRAMS_PER_BUCKET));
  const buckets: [string, number[]][][] = Array.from({ length: bucketCount }, () => []);
  for (const [program, ordinals] of byProgram) {
    buckets[bucketOf(program, bucketCount)]!.push([program, ordinals]);
  }
  const programs = slices(buckets.map((bucket) => JSON.stringify(bucket)));
  const ruleSlices = slices(rules.map((rule) => JSON.stringify(rule)));

  const header: EntryHeader = {
    format: ENTRY_FORMAT,
    rules: rules.length,
    buckets: bucketCount,
    policy: policyJson.length,
    tests: testsJson.length,
    globbed: globbedJson.length,
    programs: programs.bytes.length,
  };
  return Buffer.concat([
    Buffer.from(`${JSON.stringify(header)}\n`),
    policyJson,
    testsJson,
    globbedJson,
    programs.table,
    programs.bytes,
    ruleSlices.table,
    ruleSlices.bytes,
  ]);
}

/** Texts as one section of UTF-8, and the table of where each starts (and the last ends). */
function slices(texts: readonly string[]): { table: Buffer; bytes: Buffer } {
  const offsets: string[] = [];
  let at = 0;
  for (const text of texts) {
    offsets.push(hex(at));
    at += Buffer.byteLength(text);
  }
  offsets.push(hex(at));
  return { table: Buffer.from(offsets.join("")), bytes: Buffer.from(texts.join("")) };
}

function hex(offset: number): string {
  if (offset >= 16 ** OFFSET_DIGITS) throw new RangeError("a compiled policy of 4 GB or more");
  return offset.toString(16).padStart(OFFSET_DIGITS, "0");
}
