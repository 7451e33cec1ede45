/**
 * The native addon's file mappings (native/map-file.c), on real files: boot hands what they
 * return to V8 as the code cache and the fast bundle's source, so they must be the file's bytes
 * (or text) exactly, and nothing at all where there is no regular file to map.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadNativeAddon, nativeAddon, nativeAddonPath } from "./native-addon.js";

const addon = loadNativeAddon(nativeAddonPath());
const haveCompiler = spawnSync("cc", ["--version"]).status === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-addon-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("the native addon", () => {
  it("is built and loads wherever there is a C compiler on Linux", () => {
    if (process.platform !== "linux" || !haveCompiler) return;
    expect(addon).toBeDefined();
  });

  it("is not loaded when PREFLIGHT_NO_NATIVE=1", () => {
    expect(nativeAddon({ PREFLIGHT_NO_NATIVE: "1" })).toBeUndefined();
  });

  it.runIf(addon !== undefined)("maps a file's bytes exactly, whatever its size", () => {
    for (const size of [1, 4095, 4096, 4097, 300_000]) {
      const file = join(dir, `f${size}`);
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + size) & 255;
      writeFileSync(file, bytes);
      const mapped = addon!.mapBytes(file);
      expect(mapped).toBeInstanceOf(ArrayBuffer);
      expect(Buffer.from(mapped!).equals(readFileSync(file))).toBe(true);
    }
  });

  it.runIf(addon !== undefined)("maps nothing where there is no regular file with bytes", () => {
    writeFileSync(join(dir, "empty"), "");
    mkdirSync(join(dir, "folder"));
    expect(addon!.mapBytes(join(dir, "missing"))).toBeUndefined();
    expect(addon!.mapBytes(join(dir, "empty"))).toBeUndefined();
    expect(addon!.mapBytes(join(dir, "folder"))).toBeUndefined();
    expect(addon!.mapBytes(join(dir, "x".repeat(5000)))).toBeUndefined();
  });

  it.runIf(addon !== undefined)("maps an ASCII file's text exactly, whatever its size", () => {
    for (const size of [1, 4095, 4096, 4097, 300_000]) {
      const file = join(dir, `t${size}`);
      const text = Array.from({ length: size }, (_, i) =>
        String.fromCharCode(32 + ((i * 7) % 95)),
      ).join("");
      writeFileSync(file, text);
      expect(addon!.mapText(file)).toBe(text);
    }
  });

  it.runIf(addon !== undefined)(
    "maps no text that is not all ASCII, nor where there is no file",
    () => {
      writeFileSync(join(dir, "utf8"), `${"a".repeat(5000)}é`);
      writeFileSync(join(dir, "latin1"), Buffer.from([0x61, 0xe9]));
      writeFileSync(join(dir, "empty"), "");
      mkdirSync(join(dir, "folder"));
      for (const name of ["utf8", "latin1", "empty", "folder", "missing", "x".repeat(5000)]) {
        expect(addon!.mapText(join(dir, name)), name).toBeUndefined();
      }
    },
  );

  it.runIf(addon !== undefined)("names the user and host as node:os does", () => {
    expect(addon!.identity()).toEqual([userInfo().username, hostname()]);
  });

  it.runIf(addon !== undefined)(
    "exitNow ends the process with the code, without Node's exit",
    () => {
      const script = `const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(nativeAddonPath())});
process.on("exit", () => require("node:fs").writeSync(1, "natural exit\\n"));
require("node:fs").writeSync(1, "written\\n");
m.exports.exitNow(7);
require("node:fs").writeSync(1, "still running\\n");`;
      const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8" });
      expect(child.status).toBe(7);
      expect(child.stdout).toBe("written\n");
    },
  );
});
