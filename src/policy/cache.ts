/**
 * A cache of compiled policies, keyed by the SHA-256 of the policy files' contents and of the
 * preflight build. Parsing YAML and validating the schema costs ~100 ms of module loading;
 * reading the compiled JSON costs well under 1 ms, which is what keeps a command that no rule
 * matches close to the cost of starting Node. Any change to a policy file changes the key, so
 * a stale entry is never used.
 *
 * Each entry is sealed with an HMAC under a per-user key kept in the state folder, not in the
 * cache folder: CI systems restore ~/.cache between jobs, and an entry planted or edited there
 * (`production: deny` → `allow`) must not be believed. The cache is best effort: without a
 * usable key or folder preflight only gets slower.
 */
import type * as NodeCrypto from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { builtin } from "../util/builtin.js";
import { equalInConstantTime, hmacHex, sha256Hex } from "../util/digest.js";
import type { Policy } from "./types.js";

export { cacheDirectory } from "../util/dirs.js";

// Which build compiled an entry. The build defines PREFLIGHT_BUILD_ID, the same in every
// bundle (the fast path and the full CLI must find each other's entries); run from source,
// this module's mtime tells edits apart.
declare const PREFLIGHT_BUILD_ID: string | undefined;
export const BUILD_STAMP = (() => {
  if (typeof PREFLIGHT_BUILD_ID === "string") return PREFLIGHT_BUILD_ID;
  try {
    return String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  } catch {
    return "unknown";
  }
})();

export function cacheKey(files: readonly string[], sha256: string): string {
  return sha256Hex(`${BUILD_STAMP}\n${files.join("\n")}\n${sha256}`);
}

/** The key that seals cache entries, created on first use; undefined when it cannot be had. */
export function cacheSealKey(keyFile: string): Buffer | undefined {
  try {
    return usableKey(readFileSync(keyFile));
  } catch {
    try {
      mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 });
      const key = builtin<typeof NodeCrypto>("node:crypto").randomBytes(KEY_BYTES);
      // "wx": two first runs at once must not each believe their own key.
      writeFileSync(keyFile, key, { mode: 0o600, flag: "wx" });
      return key;
    } catch {
      try {
        return usableKey(readFileSync(keyFile));
      } catch {
        return undefined;
      }
    }
  }
}

/** Only a whole key: an empty or cut file (a crash while writing it) seals nothing. */
function usableKey(key: Buffer): Buffer | undefined {
  return key.length === KEY_BYTES ? key : undefined;
}

const KEY_BYTES = 32;

function seal(sealKey: Buffer, json: string): string {
  return hmacHex(sealKey, json);
}

export function cacheEntryFile(dir: string, key: string): string {
  return join(dir, `policy-${key}.json`);
}

/**
 * A cache entry's policy without checking its seal: only for an entry the stat index says was
 * checked and has not changed since (stat-index.ts). Undefined when it cannot be read.
 */
export function readVerifiedEntry(file: string): Policy | undefined {
  try {
    const text = readFileSync(file, "utf8");
    return JSON.parse(text.slice(text.indexOf("\n") + 1)) as Policy;
  } catch {
    return undefined;
  }
}

/** The cached policy for these contents, or undefined (a miss, or an entry not sealed by us). */
export function readCachedPolicy(
  dir: string,
  key: string,
  sha256: string,
  sealKey: Buffer,
): Policy | undefined {
  try {
    const text = readFileSync(cacheEntryFile(dir, key), "utf8");
    const newline = text.indexOf("\n");
    const json = text.slice(newline + 1);
    if (newline !== 64 || !equalInConstantTime(text.slice(0, newline), seal(sealKey, json))) {
      return undefined;
    }
    const policy = JSON.parse(json) as Policy;
    return policy.sha256 === sha256 ? policy : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedPolicy(dir: string, key: string, policy: Policy, sealKey: Buffer): void {
  try {
    // Private: whoever can write here can try to change what the policy says.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `policy-${key}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    const json = JSON.stringify(policy);
    writeFileSync(temp, `${seal(sealKey, json)}\n${json}`, { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // Best effort: the next run compiles again.
  }
}
