import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, Sha256, sha256Hex } from "./sha256.js";

describe("sha256", () => {
  it("gives node:crypto's digest for every length around the block and padding edges", () => {
    for (let length = 0; length < 300; length++) {
      const data = randomBytes(length);
      expect(sha256Hex(data)).toBe(createHash("sha256").update(data).digest("hex"));
    }
  });

  it("hashes strings as UTF-8, and incremental updates as one", () => {
    const text = "préflight ✓ 🚀\0 policy";
    expect(sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
    const parts = ["a".repeat(63), "b", "c".repeat(130), "", "déjà"];
    const hash = new Sha256();
    for (const part of parts) hash.update(part);
    expect(hash.hex()).toBe(createHash("sha256").update(parts.join("")).digest("hex"));
  });

  it("knows the FIPS 180-2 test vector", () => {
    expect(sha256Hex("abc")).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });

  it("hashes a megabyte like node:crypto", () => {
    const data = randomBytes(1 << 20);
    expect(sha256Hex(data)).toBe(createHash("sha256").update(data).digest("hex"));
  });
});

describe("hmacSha256Hex", () => {
  it("gives node:crypto's HMAC for short, block-sized and long keys", () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = randomBytes(keyLength);
      for (const data of ["", "x", "a".repeat(1000), randomBytes(77)]) {
        expect(hmacSha256Hex(key, data)).toBe(createHmac("sha256", key).update(data).digest("hex"));
      }
    }
  });
});
