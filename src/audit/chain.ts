import { createHash } from "node:crypto";

/** The `prevHash` of the first record in a log. */
export const GENESIS_HASH = "0".repeat(64);

function canonical(value: unknown): string | undefined {
  let current = value;
  // Same as JSON.stringify, so a record hashes the same before writing and after reading back
  // (a Date is written as its ISO string and must be hashed as that string too).
  if (current !== null && typeof current === "object") {
    const toJSON = (current as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === "function") current = toJSON.call(current);
  }
  if (current === null) return "null";
  switch (typeof current) {
    case "string":
      return JSON.stringify(current);
    case "number":
      return Number.isFinite(current) ? JSON.stringify(current) : "null";
    case "boolean":
      return current ? "true" : "false";
    case "object": {
      if (Array.isArray(current)) {
        return `[${current.map((item) => canonical(item) ?? "null").join(",")}]`;
      }
      const object = current as Record<string, unknown>;
      const members: string[] = [];
      // Default sort compares UTF-16 code units, which any other verifier can reproduce.
      for (const key of Object.keys(object).sort()) {
        const text = canonical(object[key]);
        if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${members.join(",")}}`;
    }
    case "bigint":
      throw new TypeError("canonicalJson: a BigInt has no JSON form");
    default:
      // undefined, functions and symbols: left out of objects, null in arrays, like JSON.
      return undefined;
  }
}

/**
 * JSON with object keys sorted at every level and no whitespace, following JSON.stringify's
 * rules for everything else (toJSON, undefined, non-finite numbers): the same record always
 * gives the same text, whatever order its keys were built in.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? "null";
}

/**
 * The hash that chains a record to the one before it: SHA-256 (hex) of the previous hash, a
 * newline, and the canonical JSON of the record without its own `prevHash` and `hash` fields.
 */
export function hashRecord(prevHash: string, record: object): string {
  const { prevHash: _prev, hash: _hash, ...content } = record as Record<string, unknown>;
  return createHash("sha256")
    .update(`${prevHash}\n${canonicalJson(content)}`, "utf8")
    .digest("hex");
}
