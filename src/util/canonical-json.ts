/**
 * JSON with object keys sorted at every level and no whitespace, following JSON.stringify's
 * rules for everything else (toJSON, undefined, non-finite numbers): the same value always
 * gives the same text, whatever order its keys were built in. Hashing (the audit chain) and
 * comparing (state diffs) both rely on that.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? "null";
}

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
