/**
 * The layout of a compiled-policy cache entry's body (after the seal line, see cache.ts), shared
 * by the writer (entry-write.ts) and the reader (entry-read.ts). It is text, so it can be
 * read with less, but not one JSON document: parsing 34 MB of JSON for a 100,000-rule policy
 * costs a second, and a command needs a few dozen of its rules. In order:
 *
 *   header     one line of JSON: {format, rules: N, buckets: B, policy, tests, globbed,
 *              programs}, the last four the byte lengths of the sections below
 *   policy     the policy as JSON with `rules` replaced by N and `tests` by their number
 *   tests      the policy's own test cases as JSON: only `policy test` reads them
 *   globbed    JSON [[ordinal, [globs]], ...]: the rules with a glob among their commands
 *   bucket table   B + 1 offsets into the programs section
 *   programs   B buckets, each JSON [[program, [ordinals]], ...], a program in bucket
 *              bucketOf(program, B): the literal program index, read one bucket at a time
 *   rule table N + 1 offsets into the rules section
 *   rules      each rule's JSON, in policy order
 *
 * An offset is OFFSET_DIGITS lowercase hex digits, relative to the start of its section.
 */

/** Bumped whenever the layout changes: it is part of the cache key. */
export const ENTRY_FORMAT = 3;

export const OFFSET_DIGITS = 8;

/** Programs per bucket the writer aims at: a lookup reads and parses one bucket. */
export const PROGRAMS_PER_BUCKET = 4;

export interface EntryHeader {
  format: number;
  rules: number;
  buckets: number;
  policy: number;
  tests: number;
  globbed: number;
  programs: number;
}

/** Where each section starts, relative to the body, for a header line of `headerBytes`. */
export interface EntryLayout {
  header: EntryHeader;
  policyAt: number;
  testsAt: number;
  globbedAt: number;
  bucketTableAt: number;
  programsAt: number;
  ruleTableAt: number;
  rulesAt: number;
}

export function layoutOf(header: EntryHeader, headerBytes: number): EntryLayout {
  const policyAt = headerBytes;
  const testsAt = policyAt + header.policy;
  const globbedAt = testsAt + header.tests;
  const bucketTableAt = globbedAt + header.globbed;
  const programsAt = bucketTableAt + (header.buckets + 1) * OFFSET_DIGITS;
  const ruleTableAt = programsAt + header.programs;
  const rulesAt = ruleTableAt + (header.rules + 1) * OFFSET_DIGITS;
  return { header, policyAt, testsAt, globbedAt, bucketTableAt, programsAt, ruleTableAt, rulesAt };
}

/** FNV-1a over the name's UTF-16 code units: which bucket holds a program. */
export function bucketOf(program: string, buckets: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < program.length; i++) {
    hash ^= program.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % buckets;
}
