/**
 * SHA-256 and HMAC-SHA-256 as hex, by whichever implementation is cheaper for the size: the
 * plain-JavaScript one (sha256.ts) for what the unguarded path hashes, a few tens of
 * kilobytes, so that it never loads node:crypto; node:crypto above that, where its speed
 * matters (the compiled cache entry of a 100,000-rule policy is tens of megabytes).
 */
import type * as NodeCrypto from "node:crypto";
import { builtin } from "./builtin.js";
import { hmacSha256Hex, Sha256 } from "./sha256.js";

const SMALL = 256 * 1024;

/** SHA-256 of the parts, as if concatenated. */
export function sha256Hex(...parts: readonly (string | Uint8Array)[]): string {
  if (parts.reduce((n, p) => n + p.length, 0) <= SMALL) {
    const hash = new Sha256();
    for (const part of parts) hash.update(part);
    return hash.hex();
  }
  const hash = builtin<typeof NodeCrypto>("node:crypto").createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

export function hmacHex(key: Uint8Array, data: string | Uint8Array): string {
  if (data.length <= SMALL) return hmacSha256Hex(key, data);
  return builtin<typeof NodeCrypto>("node:crypto")
    .createHmac("sha256", key)
    .update(data)
    .digest("hex");
}

/** Whether two strings are equal, taking the same time wherever they differ (for seals). */
export function equalInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
