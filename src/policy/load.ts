/**
 * Loads the policy that applies: discovers the files, reads them, and returns the compiled
 * policy from the cache or by parsing and validating every file. Any problem in any file
 * fails closed with a PolicyError listing every problem found.
 */
import { PolicyError, type PolicyProblem } from "../errors.js";
import { writeCachedPolicy } from "./cache.js";
import type { PolicySource } from "./discover.js";
import { hashContents, type LoadPolicyOptions, lookUpPolicy } from "./load-cached.js";
import type { Policy } from "./types.js";

export type { LoadPolicyOptions };

export interface LoadedPolicy {
  policy: Policy;
  source: PolicySource;
}

/** The policy that applies here, from the cache or freshly compiled; throws PolicyError. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  const lookup = lookUpPolicy(options);
  if (lookup.cached) return { policy: lookup.cached, source: lookup.source };
  const policy = await compilePolicyTexts(lookup.texts, lookup.sha256);
  const { store } = lookup;
  if (store) writeCachedPolicy(store.dir, store.key, policy, store.sealKey);
  return { policy, source: lookup.source };
}

/** Parses, validates and merges policy texts; throws a PolicyError with every problem. */
export async function compilePolicyTexts(
  texts: readonly { file: string; text: string }[],
  sha256 = hashContents(texts.map((t) => t.text)),
): Promise<Policy> {
  const { parsePolicyText } = await import("./parse.js");
  const { mergePolicyParts } = await import("./merge.js");
  const problems: PolicyProblem[] = [];
  const parts = [];
  for (const { file, text } of texts) {
    const result = parsePolicyText(file, text);
    problems.push(...result.problems);
    if (result.part) parts.push(result.part);
  }
  // Files with schema problems still contribute what could be salvaged, so the semantic
  // problems of the whole are reported in the same round.
  const merged = mergePolicyParts(parts, sha256);
  problems.push(...merged.problems);
  if (problems.length > 0) throw new PolicyError(problems);
  return merged.policy;
}
