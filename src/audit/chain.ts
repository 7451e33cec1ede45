import { canonicalJson } from "../util/canonical-json.js";
import { sha256Hex } from "../util/digest.js";

export { canonicalJson };

/** The `prevHash` of the first record in a log. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The hash that chains a record to the one before it: SHA-256 (hex) of the previous hash, a
 * newline, and the canonical JSON of the record without its own `prevHash` and `hash` fields.
 */
export function hashRecord(prevHash: string, record: object): string {
  const { prevHash: _prev, hash: _hash, ...content } = record as Record<string, unknown>;
  return sha256Hex(`${prevHash}\n${canonicalJson(content)}`);
}
