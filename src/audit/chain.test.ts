import { describe, expect, it } from "vitest";
import { canonicalJson, GENESIS_HASH, hashRecord } from "./chain.js";

describe("canonicalJson", () => {
  it("sorts keys at every level and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("gives the same text whatever order the keys were built in", () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it("follows JSON.stringify for undefined, non-finite numbers and toJSON", () => {
    const value = { u: undefined, f: () => 1, n: Number.NaN, a: [undefined], d: new Date(0) };
    expect(canonicalJson(value)).toBe('{"a":[null],"d":"1970-01-01T00:00:00.000Z","n":null}');
    // What is hashed before writing equals what is hashed after reading the line back.
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});

describe("hashRecord", () => {
  it("is SHA-256 of the previous hash, a newline and the canonical record", () => {
    // Computed independently: printf '%s\n{"a":1,"b":[true,null]}' 000…0 | sha256sum
    expect(hashRecord(GENESIS_HASH, { b: [true, null], a: 1 })).toBe(
      "0a05d27448b72bcc061f72b3778ddba4bdc6ac51fb45a1c3b51f8d211a579bcd",
    );
  });

  it("leaves the record's own hash fields out", () => {
    const plain = hashRecord(GENESIS_HASH, { a: 1 });
    expect(hashRecord(GENESIS_HASH, { a: 1, prevHash: "x", hash: "y" })).toBe(plain);
  });

  it("depends on the previous hash", () => {
    expect(hashRecord("1".repeat(64), { a: 1 })).not.toBe(hashRecord(GENESIS_HASH, { a: 1 }));
  });

  it("starts from 64 zeros", () => {
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });
});
