/**
 * The first half of loading a policy, and all a command no rule matches needs: discover the
 * files and find their compiled policy in the cache. It never parses YAML or validates
 * (load.ts does, on a miss), so the unguarded fast path can carry it without the compiler.
 * An entry the stat index vouches for is read as it is; otherwise the files are read and
 * hashed and the entry's seal checked, and a good entry is indexed for the next run.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyError } from "../errors.js";
import { sha256Hex } from "../util/digest.js";
import { stateDirectory } from "../util/dirs.js";
import {
  BUILD_STAMP,
  cacheDirectory,
  cacheEntryFile,
  cacheKey,
  cacheSealKey,
  readCachedPolicy,
  readVerifiedEntry,
} from "./cache.js";
import { discoverPolicy, type PolicySource } from "./discover.js";
import { type FileStamp, recordVerifiedEntry, statStamp, verifiedEntry } from "./stat-index.js";
import type { Policy } from "./types.js";

export interface LoadPolicyOptions {
  explicit: readonly string[];
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
}

/** The compiled policy from the cache, or on a miss what compiling it needs. */
export type PolicyLookup = { source: PolicySource; sha256: string } & (
  | { cached: Policy }
  | {
      cached: undefined;
      texts: { file: string; text: string }[];
      /** Where to store the compiled policy; undefined when caching is off. */
      store: { dir: string; key: string; sealKey: Buffer } | undefined;
    }
);

/** Discovers the policy files and looks them up in the cache; throws PolicyError. */
export function lookUpPolicy(options: LoadPolicyOptions): PolicyLookup {
  const source = discoverPolicy(options);
  const dir = cacheDirectory(options.env, options.home);
  const stateDir = stateDirectory(options.env, options.home);
  if (dir) {
    const verified = verifiedEntry(stateDir, BUILD_STAMP, source.files);
    const policy = verified && readVerifiedEntry(verified.entry, verified.sha256);
    if (verified && policy) return { source, sha256: verified.sha256, cached: policy };
  }
  // Stats before reading: a change after them shows in the next run's stats.
  const stamps = statsOrUndefined(source.files);
  const texts = source.files.map((file) => ({ file, text: readPolicyFile(file) }));
  const sha256 = hashContents(texts.map((t) => t.text));
  const sealKey = dir ? cacheSealKey(join(stateDir, "cache.key")) : undefined;
  const key = cacheKey(source.files, sha256);
  const store = dir && sealKey ? { dir, key, sealKey } : undefined;
  const cached = store ? readCachedPolicy(store.dir, key, sha256, store.sealKey) : undefined;
  if (cached && store && stamps) {
    recordVerifiedEntry(stateDir, BUILD_STAMP, stamps, cacheEntryFile(store.dir, key), sha256);
  }
  return cached ? { source, sha256, cached } : { source, sha256, cached, texts, store };
}

function statsOrUndefined(files: readonly string[]): FileStamp[] | undefined {
  try {
    return files.map(statStamp);
  } catch {
    return undefined;
  }
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
export function hashContents(texts: readonly string[]): string {
  return sha256Hex(...texts.flatMap((text) => [text, "\0"]));
}
