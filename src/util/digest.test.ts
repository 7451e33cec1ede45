/**
 * The three SHA-256s preflight may use (the native addon's, the plain-JavaScript one,
 * node:crypto) must give the same digests on the same input: the audit chain is verified by
 * whichever one the verifying process picked. npm test builds the addon first; where it could
 * not be built these tests say so and check the JavaScript one alone.
 */
import { spawnSync } from "node:child_process";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacHex, sha256Hex } from "./digest.js";
import { loadNativeAddon, nativeAddon, nativeAddonPath } from "./native-addon.js";
import { hmacSha256Hex as jsHmac, Sha256 } from "./sha256.js";

const native = loadNativeAddon(nativeAddonPath());
const builtHere = process.platform === "linux" && native !== undefined;

function nodeSha(parts: readonly (string | Uint8Array)[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

function jsSha(parts: readonly (string | Uint8Array)[]): string {
  const hash = new Sha256();
  for (const part of parts) hash.update(part);
  return hash.hex();
}

/** Strings of every kind a record or policy can hold, lone surrogates included. */
function randomText(length: number): string {
  const pieces = ["a", "é", "✓", "🚀", "\0", "\n", "\ud800", "\udfff", "\\", '"'];
  let text = "";
  for (let i = 0; i < length; i++) text += pieces[Math.floor(Math.random() * pieces.length)];
  return text;
}

describe("the native addon's SHA-256", () => {
  it("was built and loaded here (Linux with a C compiler)", () => {
    const haveCompiler = spawnSync("cc", ["--version"]).status === 0;
    if (process.platform !== "linux" || !haveCompiler) return;
    expect(native, `no usable addon at ${nativeAddonPath()}`).toBeDefined();
  });

  it.runIf(builtHere)("gives node:crypto's digest around every block and padding edge", () => {
    for (let length = 0; length < 300; length++) {
      const bytes = randomBytes(length);
      expect(native!.sha256Hex([bytes])).toBe(nodeSha([bytes]));
    }
  });

  it.runIf(builtHere)("hashes strings as UTF-8 and parts as one, as the others do", () => {
    for (let i = 0; i < 500; i++) {
      const parts = Array.from({ length: 1 + (i % 4) }, (_, k) =>
        k % 2 === 0 ? randomText(i % 150) : randomBytes(i % 97),
      );
      const expected = nodeSha(parts);
      expect(native!.sha256Hex(parts)).toBe(expected);
      expect(jsSha(parts)).toBe(expected);
    }
    const long = randomText(20_000);
    expect(native!.sha256Hex([long, "\0"])).toBe(nodeSha([long, "\0"]));
  });

  it.runIf(builtHere)(
    "gives node:crypto's HMAC for keys shorter, equal to and longer than a block",
    () => {
      for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
        const key = randomBytes(keyLength);
        for (const data of [randomText(300), randomBytes(1000), ""]) {
          const expected = createHmac("sha256", key).update(data).digest("hex");
          expect(native!.hmacSha256Hex(key, data)).toBe(expected);
          expect(jsHmac(key, data)).toBe(expected);
        }
      }
    },
  );

  it.runIf(builtHere)("refuses what it cannot hash instead of hashing something else", () => {
    expect(() => native!.sha256Hex([42 as unknown as string])).toThrow(TypeError);
    expect(() => native!.sha256Hex([new Uint16Array(2) as unknown as Uint8Array])).toThrow(
      TypeError,
    );
    expect(() => native!.hmacSha256Hex("key" as unknown as Uint8Array, "data")).toThrow(TypeError);
  });
});

describe("digest", () => {
  it("uses the addon where it loads, and gives the same digests either way", () => {
    expect(nativeAddon() !== undefined).toBe(builtHere);
    const record = randomText(1500);
    expect(sha256Hex("prev\n", record)).toBe(nodeSha(["prev\n", record]));
    const key = randomBytes(32);
    expect(hmacHex(key, record)).toBe(createHmac("sha256", key).update(record).digest("hex"));
  });

  it("hashes more than it keeps in memory cheaply through node:crypto", () => {
    const big = randomBytes(300 * 1024);
    expect(sha256Hex(big)).toBe(nodeSha([big]));
  });
});
