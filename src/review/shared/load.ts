/**
 * Loads a policy for the review tools. Unlike a run's loader it keeps what a reviewer needs
 * beyond the compiled policy: where every key was written (so lint and validate point at the
 * exact value), the test cases of `*.test.yaml` files beside the policy, and the lint
 * suppressions. It also checks what only matters to a reviewer: test cases expecting a rule
 * the policy does not have, and suppressions naming no known lint code.
 */
import { createHash } from "node:crypto";
import type { PolicyProblem } from "../../errors.js";
import type { PolicyPart } from "../../policy/compile.js";
import { mergePolicyParts } from "../../policy/merge.js";
import { parsePolicyText } from "../../policy/parse.js";
import type { PolicyFile } from "../../policy/schema.js";
import { closest } from "../../policy/suggest.js";
import type { Environment, PolicyTest, SourceRef } from "../../policy/types.js";
import { collectSuppressions } from "../lint/suppressions.js";
import type { Locate, ReviewFile, ReviewPolicy } from "./review-policy.js";
import type { PolicyTexts } from "./sources.js";

export type { Locate, PathKey, ReviewFile, ReviewPolicy } from "./review-policy.js";

/** Parses, validates and merges a policy's files and its test files; never throws for bad input. */
export function loadForReview(texts: PolicyTexts): ReviewPolicy {
  const problems: PolicyProblem[] = [...texts.problems];
  const parts: PolicyPart[] = [];
  const sources: ReviewFile[] = [];
  // Keyed by the rule's source: merging copies a rule (resolving its `use:` checks), not its source.
  const ruleLocators = new Map<SourceRef, Locate>();
  const envLocators = new Map<Environment, Locate>();

  // Every rule id written, even in rules with schema problems, so that a test case naming a
  // broken rule is not reported as naming a missing one as well.
  const writtenIds = new Set<string>();
  for (const { file, text } of texts.files) {
    const parsed = parsePolicyText(file, text);
    problems.push(...parsed.problems);
    for (const id of ruleIdsIn(parsed.doc?.toJS({ maxAliasCount: -1 }))) writtenIds.add(id);
    const part = parsed.part;
    const locate: Locate = part
      ? (path = [], key) => part.locate(path, key)
      : () => ({ file, line: 1, column: 1 });
    sources.push({ file, ...(parsed.data && { data: parsed.data }), locate });
    if (!part) continue;
    parts.push(part);
    for (const [i, rule] of part.rules.entries())
      ruleLocators.set(rule.source, (path = [], key) => part.locate(["rules", i, ...path], key));
    // With no path: the environment's name, where a reader looks for it.
    for (const env of Object.values(part.environments))
      envLocators.set(env, (path = [], key) =>
        path.length === 0 && key === undefined
          ? part.locate(["environments"], env.name)
          : part.locate(["environments", env.name, ...path], key),
      );
  }
  const sha256 = createHash("sha256");
  for (const { text } of texts.files) sha256.update(text).update("\0");
  const merged = mergePolicyParts(parts, sha256.digest("hex"));
  problems.push(...merged.problems);

  const fileTests: PolicyTest[] = [];
  const testParts: PolicyPart[] = [];
  for (const { file, text } of texts.testFiles) {
    const parsed = parsePolicyText(file, text);
    problems.push(...parsed.problems);
    if (parsed.part) {
      fileTests.push(...parsed.part.tests);
      testParts.push(parsed.part);
    }
    problems.push(...onlyTests(parsed.data, parsed.part));
  }
  if (texts.files.length === 0 && problems.length === 0) {
    problems.push({ file: texts.name, line: 1, column: 1, message: "no policy file found" });
  }

  const tests = [...merged.policy.tests, ...fileTests];
  problems.push(...unknownExpectedRules(tests, [...writtenIds], [...parts, ...testParts]));
  const suppressions = collectSuppressions(sources, merged.policy, ruleLocators, envLocators);
  problems.push(...suppressions.problems);

  const fallback: Locate = () => ({ file: texts.name, line: 1, column: 1 });
  return {
    name: texts.name,
    files: texts.files.map((f) => f.file),
    testFiles: texts.testFiles.map((f) => f.file),
    ...(problems.length === 0 && { policy: { ...merged.policy, tests } }),
    problems,
    sources,
    locateRule: (rule) => ruleLocators.get(rule.source) ?? fallback,
    locateEnvironment: (env) => envLocators.get(env) ?? fallback,
    suppressions: suppressions.suppressions,
  };
}

/** A test file holds test cases only: rules there would never guard a run. */
function onlyTests(data: PolicyFile | undefined, part?: PolicyPart): PolicyProblem[] {
  if (!data || !part) return [];
  return (["environments", "rules", "unknown-environment", "unparsable-scripts", "lint"] as const)
    .filter((key) => data[key] !== undefined)
    .map((key) => ({
      ...part.locate([], key),
      message: `a test file holds only version and tests, not '${key}'`,
      hint: "move it into the policy file the tests are for",
    }));
}

/** A test case that expects a rule the policy lacks can never pass; say so where it is written. */
function unknownExpectedRules(
  tests: readonly PolicyTest[],
  ids: readonly string[],
  parts: readonly PolicyPart[],
): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  for (const test of tests) {
    const part = parts.find((p) => p.file === test.source.file);
    (test.expect.rules ?? []).forEach((id, k) => {
      if (ids.includes(id)) return;
      const guess = closest(id, ids);
      const at = part ? locateTestValue(part, test, k) : test.source;
      problems.push({
        ...at,
        message: `test '${test.name}' expects rule '${id}', which the policy does not define`,
        hint: guess ? `did you mean '${guess}'?` : `rules: ${ids.join(", ") || "none"}`,
      });
    });
  }
  return problems;
}

function locateTestValue(part: PolicyPart, test: PolicyTest, k: number): SourceRef {
  const index = part.tests.indexOf(test);
  return index === -1 ? test.source : part.locate(["tests", index, "expect", "rules", k]);
}

function ruleIdsIn(data: unknown): string[] {
  const rules = (data as { rules?: unknown } | null | undefined)?.rules;
  if (!Array.isArray(rules)) return [];
  return rules.flatMap((r) => (typeof r?.id === "string" ? [r.id as string] : []));
}
