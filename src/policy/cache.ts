/**
 * A cache of compiled policies, keyed by the SHA-256 of the policy files' contents and of the
 * preflight build. Parsing YAML and validating the schema costs ~100 ms of module loading;
 * reading the compiled JSON costs well under 1 ms, which is what keeps a command that no rule
 * matches close to the cost of starting Node. Any change to a policy file changes the key, so
 * a stale entry is never used. The cache is best effort: an unreadable or unwritable cache
 * folder only makes preflight slower.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Policy } from "./types.js";

export { cacheDirectory } from "../util/cache-dir.js";

// Every build rewrites this module, so its mtime tells builds apart.
const BUILD_STAMP = (() => {
  try {
    return String(statSync(fileURLToPath(import.meta.url)).mtimeMs);
  } catch {
    return "unknown";
  }
})();

export function cacheKey(files: readonly string[], sha256: string): string {
  return createHash("sha256")
    .update(`${BUILD_STAMP}\n${files.join("\n")}\n${sha256}`)
    .digest("hex");
}

/** The cached policy for these contents, or undefined (a miss, or a file that is not ours). */
export function readCachedPolicy(dir: string, key: string, sha256: string): Policy | undefined {
  try {
    const policy = JSON.parse(readFileSync(join(dir, `policy-${key}.json`), "utf8")) as Policy;
    return policy.sha256 === sha256 ? policy : undefined;
  } catch {
    return undefined;
  }
}

export function writeCachedPolicy(dir: string, key: string, policy: Policy): void {
  try {
    // Private: whoever can write here can change what the policy says.
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `policy-${key}.json`);
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(policy));
    renameSync(temp, file);
  } catch {
    // Best effort: the next run compiles again.
  }
}
