/**
 * Whether two values have the same JSON, as canonicalJson would write them (object keys in any
 * order), without writing either: the diff compares 100,000s of entries and almost all are
 * equal, so building two strings per entry was most of its time. Anything unusual (a toJSON,
 * a class instance, a non-finite number, a BigInt) is left to canonicalJson itself.
 */
import { canonicalJson } from "../util/canonical-json.js";

export function sameJson(a: unknown, b: unknown): boolean {
  const plain = simpleEqual(a, b);
  return plain ?? canonicalJson(a) === canonicalJson(b);
}

/** true / false when it can tell cheaply; undefined when canonicalJson has to decide. */
function simpleEqual(a: unknown, b: unknown): boolean | undefined {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === "string" || tb === "string" || ta === "boolean" || tb === "boolean") {
    // Different strings or booleans, or a string against something that is not a string.
    // An object with toJSON could still write the same string: let canonicalJson judge.
    return isPlainData(a) && isPlainData(b) ? false : undefined;
  }
  if (ta === "number" && tb === "number") {
    // NaN and the infinities write as null, so they equal each other and null.
    return !(Number.isFinite(a) || Number.isFinite(b));
  }
  if (a === null || b === null || ta !== "object" || tb !== "object") return undefined;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return Array.isArray(b) ? false : undefined;
    for (let i = 0; i < a.length; i++) {
      const same = simpleEqual(a[i], b[i]);
      if (same !== true) return same;
    }
    return true;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return undefined;
  // Counted, not listed: two arrays of keys per entry were most of a large diff's garbage.
  const countA = definedKeyCount(a);
  const countB = definedKeyCount(b);
  if (countA === -1 || countB === -1) return undefined;
  if (countA !== countB) return false;
  for (const key in a) {
    if (!Object.hasOwn(a, key)) continue;
    const value = a[key];
    if (value === undefined) continue;
    if (!Object.hasOwn(b, key)) return false;
    const same = simpleEqual(value, b[key]);
    if (same !== true) return same;
  }
  return true;
}

function isPlainData(value: unknown): boolean {
  return (
    value === null || typeof value !== "object" || isPlainObject(value) || Array.isArray(value)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return (
    (proto === Object.prototype || proto === null) &&
    typeof (value as { toJSON?: unknown }).toJSON !== "function"
  );
}

/** How many keys JSON would write (not undefined, functions or symbols); -1 if any is odd. */
function definedKeyCount(object: Record<string, unknown>): number {
  let count = 0;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    const value = object[key];
    if (value === undefined) continue;
    if (typeof value === "function" || typeof value === "symbol") return -1;
    count++;
  }
  return count;
}
