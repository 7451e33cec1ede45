/**
 * Loads the policy that applies: discovers the files, reads them, and returns the compiled
 * policy from the cache or by parsing and validating every file. Any problem in any file
 * fails closed with a PolicyError listing every problem found.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyError, type PolicyProblem } from "../errors.js";
import { stateDirectory } from "../util/dirs.js";
import {
  cacheDirectory,
  cacheKey,
  cacheSealKey,
  readCachedPolicy,
  writeCachedPolicy,
} from "./cache.js";
import { discoverPolicy, type PolicySource } from "./discover.js";
import type { Policy } from "./types.js";

export interface LoadPolicyOptions {
  explicit: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
}

export interface LoadedPolicy {
  policy: Policy;
  source: PolicySource;
}

/** The policy that applies here, from the cache or freshly compiled; throws PolicyError. */
export async function loadPolicy(options: LoadPolicyOptions): Promise<LoadedPolicy> {
  const source = discoverPolicy(options);
  const texts = source.files.map((file) => ({ file, text: readPolicyFile(file) }));
  const sha256 = hashContents(texts.map((t) => t.text));

  const dir = cacheDirectory(options.env, options.home);
  const sealKey = dir
    ? cacheSealKey(join(stateDirectory(options.env, options.home), "cache.key"))
    : undefined;
  const key = cacheKey(source.files, sha256);
  const cached = dir && sealKey ? readCachedPolicy(dir, key, sha256, sealKey) : undefined;
  if (cached) return { policy: cached, source };

  const policy = await compilePolicyTexts(texts, sha256);
  if (dir && sealKey) writeCachedPolicy(dir, key, policy, sealKey);
  return { policy, source };
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

function readPolicyFile(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PolicyError(
      [
        {
          file,
          line: 1,
          column: 1,
          message: `cannot read the policy (${code ?? String(error)})`,
          hint:
            code === "EACCES"
              ? "check the file's permissions"
              : "check the path given with --policy or PREFLIGHT_POLICY",
        },
      ],
      { cause: error },
    );
  }
}

/** SHA-256 over the files' contents, in load order: which policy version a run used. */
function hashContents(texts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const text of texts) hash.update(text).update("\0");
  return hash.digest("hex");
}
