/**
 * SHA-256 and HMAC-SHA-256 as hex, by whichever implementation is cheaper for the size. What
 * the unguarded path hashes, a few tens of kilobytes, never loads node:crypto (~6 ms): the
 * native addon hashes it where it was built (native/sha256.c, microseconds), the
 * plain-JavaScript sha256.ts elsewhere (0.5 ms for an audit record, more than 10 ms for the
 * policy on the first run after it changed: V8 runs it once, in its interpreter). node:crypto
 * takes anything larger (the compiled cache entry of a 100,000-rule policy is tens of
 * megabytes). All three give the same digests; digest.test.ts compares them.
 */
import type * as NodeCrypto from "node:crypto";
import { builtin } from "./builtin.js";
import { nativeAddon } from "./native-addon.js";
import { hmacSha256Hex, Sha256 } from "./sha256.js";

const SMALL = 256 * 1024;

/** SHA-256 of the parts, as if concatenated. */
export function sha256Hex(...parts: readonly (string | Uint8Array)[]): string {
  if (parts.reduce((n, p) => n + p.length, 0) <= SMALL) {
    const native = nativeAddon();
    if (native) return native.sha256Hex(parts);
    const hash = new Sha256();
    for (const part of parts) hash.update(part);
    return hash.hex();
  }
  const hash = builtin<typeof NodeCrypto>("node:crypto").createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

export function hmacHex(key: Uint8Array, data: string | Uint8Array): string {
  if (data.length <= SMALL) {
    return nativeAddon()?.hmacSha256Hex(key, data) ?? hmacSha256Hex(key, data);
  }
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
