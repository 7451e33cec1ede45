import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadNativeAddon, nativeAddonPath } from "../util/native-addon.js";
import { type BootEnvironment, loadBundle } from "./load-bundle.js";

let dir: string;
let exits: (() => void)[];
const bootRequire = createRequire(import.meta.url);
const bootImport = (specifier: string) => Promise.resolve({ specifier });

/** A bundle in the shape scripts/build.mjs gives dist/fast.cjs and dist/cli.cjs. */
function writeBundle(name: string, body: string): string {
  const file = join(dir, "dist", name);
  writeFileSync(
    file,
    `(function (bundle) { return typeof __filename === "string" ? bundle(exports, require, module, __filename, __dirname) : bundle; })(function (exports, require, module, __filename, __dirname, __bootImport) {${body}\n});\n`,
  );
  return file;
}

function environment(env: Record<string, string> = {}): BootEnvironment {
  return {
    env: { XDG_STATE_HOME: join(dir, "state"), ...env },
    bundleDir: join(dir, "dist"),
    home: () => join(dir, "home"),
    atExit: (fn) => exits.push(fn),
    uid: process.getuid?.(),
    buildId: "build1",
  };
}

const ownCacheDir = () => join(dir, "state", "preflight", "code-cache");
const exitNow = () => {
  for (const fn of exits.splice(0)) fn();
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-boot-"));
  mkdirSync(join(dir, "dist"));
  exits = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("loadBundle", () => {
  it("runs the bundle with its module variables and boot's import, as require() would", async () => {
    const file = writeBundle(
      "a.cjs",
      "exports.dir = __dirname; exports.file = __filename; exports.load = __bootImport; exports.path = require('node:path').sep;",
    );
    const { exports } = loadBundle("a.cjs", environment(), bootImport, bootRequire);
    const loaded = exports as Record<string, unknown>;
    expect(loaded.dir).toBe(join(dir, "dist"));
    expect(loaded.file).toBe(file);
    expect(loaded.path).toBe("/");
    expect(await (loaded.load as typeof bootImport)("chalk")).toEqual({ specifier: "chalk" });
    // Later require()s of the same file get the same exports.
    expect(bootRequire(file)).toBe(exports);
    delete bootRequire.cache[file];
  });

  it("still loads under plain require(), where the file calls itself", () => {
    const file = writeBundle("b.cjs", "exports.answer = 42;");
    expect(bootRequire(file)).toEqual({ answer: 42 });
    delete bootRequire.cache[file];
  });

  it("compiles from source the first time and leaves its own bytecode, private, for the next run", () => {
    writeBundle("c.cjs", "module.exports = { n: 1 };");
    const first = loadBundle("c.cjs", environment(), bootImport, bootRequire);
    expect(first.codeCache).toBe("none");
    expect(existsIn(ownCacheDir())).toEqual([]);
    exitNow();
    const files = existsIn(ownCacheDir());
    expect(files).toEqual([`build1-c.cjs-${process.version}-${process.arch}.bin`]);
    expect(statSync(join(ownCacheDir(), files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(ownCacheDir()).mode & 0o777).toBe(0o700);

    const second = loadBundle("c.cjs", environment(), bootImport, bootRequire);
    expect(second.codeCache).toBe("own");
    expect(second.exports).toEqual({ n: 1 });
    expect(exits).toHaveLength(0);
  });

  it("uses the build's bytecode and writes nothing of its own", () => {
    writeBundle("d.cjs", "module.exports = { n: 2 };");
    loadBundle(
      "d.cjs",
      environment({
        PREFLIGHT_BUILD_CODE_CACHE: join(dir, "dist", "code-cache"),
        PREFLIGHT_BUILD_CODE_CACHE_FOR: "d.cjs",
      }),
      bootImport,
      bootRequire,
    );
    exitNow();
    expect(existsIn(join(dir, "dist", "code-cache"))).toEqual([
      `d.cjs-${process.version}-${process.arch}.bin`,
    ]);
    const loaded = loadBundle("d.cjs", environment(), bootImport, bootRequire);
    expect(loaded.codeCache).toBe("build");
    expect(loaded.exports).toEqual({ n: 2 });
    expect(exits).toHaveLength(0);
    expect(existsIn(ownCacheDir())).toEqual([]);
  });

  it("reads the bytecode through the addon's file mapping where boot has one", () => {
    const addon = loadNativeAddon(nativeAddonPath());
    writeBundle("m.cjs", "module.exports = { n: 3 };");
    const cacheDir = join(dir, "dist", "code-cache");
    loadBundle(
      "m.cjs",
      environment({
        PREFLIGHT_BUILD_CODE_CACHE: cacheDir,
        PREFLIGHT_BUILD_CODE_CACHE_FOR: "m.cjs",
      }),
      bootImport,
      bootRequire,
    );
    exitNow();
    const mapped: string[] = [];
    const viaMapping = (file: string) => {
      mapped.push(file);
      // Without the addon (not built here) the same bytes, so the test still runs the path.
      const bytes = addon?.mapBytes(file);
      return bytes ? new Uint8Array(bytes) : new Uint8Array(readFileSync(file));
    };
    const loaded = loadBundle(
      "m.cjs",
      { ...environment(), mapBytes: viaMapping },
      bootImport,
      bootRequire,
    );
    expect(mapped).toEqual([join(cacheDir, `m.cjs-${process.version}-${process.arch}.bin`)]);
    expect(loaded.codeCache).toBe("build");
    expect(loaded.exports).toEqual({ n: 3 });
  });

  it("reads the bytecode as before when the mapping fails", () => {
    writeBundle("n.cjs", "module.exports = { n: 4 };");
    loadBundle(
      "n.cjs",
      environment({
        PREFLIGHT_BUILD_CODE_CACHE: join(dir, "dist", "code-cache"),
        PREFLIGHT_BUILD_CODE_CACHE_FOR: "n.cjs",
      }),
      bootImport,
      bootRequire,
    );
    exitNow();
    const loaded = loadBundle(
      "n.cjs",
      { ...environment(), mapBytes: () => undefined },
      bootImport,
      bootRequire,
    );
    expect(loaded.codeCache).toBe("build");
    expect(loaded.exports).toEqual({ n: 4 });
  });

  it("reads the source through boot's mapText only for a bundle it is asked to map", () => {
    const addon = loadNativeAddon(nativeAddonPath());
    writeBundle("p.cjs", "module.exports = { n: 6 };");
    const asked: string[] = [];
    // What V8 compiles is what mapText returns: here a different body of the same shape.
    const mapText = (file: string) => {
      asked.push(file);
      const text = addon?.mapText(file) ?? readFileSync(file, "utf8");
      return text.replace("n: 6", "n: 7");
    };
    const mapped = loadBundle("p.cjs", { ...environment(), mapText }, bootImport, bootRequire, {
      mapSource: true,
    });
    expect(asked).toEqual([join(dir, "dist", "p.cjs")]);
    expect(mapped.exports).toEqual({ n: 7 });
    writeBundle("q.cjs", "module.exports = { n: 8 };");
    const read = loadBundle("q.cjs", { ...environment(), mapText }, bootImport, bootRequire);
    expect(asked).toHaveLength(1);
    expect(read.exports).toEqual({ n: 8 });
  });

  it("reads the source as before when mapText has none, and still tells a bundle that is not one", () => {
    writeBundle("r.cjs", "module.exports = { n: 9 };");
    const none = { ...environment(), mapText: () => undefined };
    expect(loadBundle("r.cjs", none, bootImport, bootRequire, { mapSource: true }).exports).toEqual(
      {
        n: 9,
      },
    );
    const stale = { ...environment(), mapText: () => "module.exports = {};" };
    expect(() => loadBundle("r.cjs", stale, bootImport, bootRequire, { mapSource: true })).toThrow(
      expect.objectContaining({ code: "PREFLIGHT_STALE_BUILD" }),
    );
  });

  it("gives V8 what the mapping returns, not another reading of the file", () => {
    const body = "module.exports = { n: 5 };";
    // Good bytecode for this source, made under another name (V8 caches a script it has
    // compiled by name, and would not look at the bytecode of one it already has).
    writeBundle("o-source.cjs", body);
    const cacheDir = join(dir, "dist", "code-cache");
    loadBundle(
      "o-source.cjs",
      environment({
        PREFLIGHT_BUILD_CODE_CACHE: cacheDir,
        PREFLIGHT_BUILD_CODE_CACHE_FOR: "o-source.cjs",
      }),
      bootImport,
      bootRequire,
    );
    exitNow();
    writeBundle("o.cjs", body);
    const tag = `${process.version}-${process.arch}.bin`;
    writeFileSync(join(cacheDir, `o.cjs-${tag}`), Buffer.alloc(4096, 7)); // the file: damaged
    const good = new Uint8Array(readFileSync(join(cacheDir, `o-source.cjs-${tag}`)));
    const loaded = loadBundle(
      "o.cjs",
      { ...environment(), mapBytes: () => good },
      bootImport,
      bootRequire,
    );
    expect(loaded.codeCache).toBe("build");
    expect(loaded.exports).toEqual({ n: 5 });
  });

  it("the build writes only the bundle it was asked for", () => {
    writeBundle("e.cjs", "module.exports = 1;");
    loadBundle(
      "e.cjs",
      environment({
        PREFLIGHT_BUILD_CODE_CACHE: join(dir, "out"),
        PREFLIGHT_BUILD_CODE_CACHE_FOR: "other.cjs",
      }),
      bootImport,
      bootRequire,
    );
    exitNow();
    expect(existsIn(join(dir, "out"))).toEqual([]);
  });

  it("falls back to compiling when the build's bytecode is damaged, and the bundle still runs", () => {
    writeBundle("f.cjs", "module.exports = { ok: true };");
    mkdirSync(join(dir, "dist", "code-cache"));
    writeFileSync(
      join(dir, "dist", "code-cache", `f.cjs-${process.version}-${process.arch}.bin`),
      Buffer.alloc(4096, 7),
    );
    const loaded = loadBundle("f.cjs", environment(), bootImport, bootRequire);
    expect(loaded.codeCache).toBe("none");
    expect(loaded.exports).toEqual({ ok: true });
    expect(exits).toHaveLength(1);
  });

  it("ignores its own bytecode when others could have written it", () => {
    writeBundle("g.cjs", "module.exports = 3;");
    loadBundle("g.cjs", environment(), bootImport, bootRequire);
    exitNow();
    const [file] = existsIn(ownCacheDir());
    chmodSync(join(ownCacheDir(), file!), 0o666);
    const loaded = loadBundle("g.cjs", environment(), bootImport, bootRequire);
    expect(loaded.codeCache).toBe("none");
    expect(loaded.exports).toBe(3);
  });

  it("bytecode of an earlier build is not used, and is tidied away when the new one is written", () => {
    writeBundle("h.cjs", "module.exports = 4;");
    loadBundle("h.cjs", environment(), bootImport, bootRequire);
    exitNow();
    const later = { ...environment(), buildId: "build2" };
    expect(loadBundle("h.cjs", later, bootImport, bootRequire).codeCache).toBe("none");
    exitNow();
    expect(existsIn(ownCacheDir())).toEqual([
      `build2-h.cjs-${process.version}-${process.arch}.bin`,
    ]);
  });

  it("PREFLIGHT_NO_CACHE=1 reads and writes no bytecode", () => {
    writeBundle("i.cjs", "module.exports = 5;");
    const loaded = loadBundle(
      "i.cjs",
      environment({ PREFLIGHT_NO_CACHE: "1" }),
      bootImport,
      bootRequire,
    );
    expect(loaded).toEqual({ exports: 5, codeCache: "none" });
    expect(exits).toHaveLength(0);
  });

  it("an unwritable state folder costs only the cache", () => {
    writeBundle("j.cjs", "module.exports = 6;");
    writeFileSync(join(dir, "state"), "a file where the folder should be");
    expect(loadBundle("j.cjs", environment(), bootImport, bootRequire).exports).toBe(6);
    expect(() => exitNow()).not.toThrow();
  });

  it("a missing bundle is reported as require() reports it", () => {
    expect(() => loadBundle("missing.cjs", environment(), bootImport, bootRequire)).toThrow(
      expect.objectContaining({
        code: "MODULE_NOT_FOUND",
        message: expect.stringContaining("missing.cjs"),
      }),
    );
  });

  it("a file that is not a boot bundle says how to rebuild", () => {
    writeFileSync(join(dir, "dist", "plain.cjs"), "var notABundle = 1;\n");
    expect(() => loadBundle("plain.cjs", environment(), bootImport, bootRequire)).toThrow(
      expect.objectContaining({ code: "PREFLIGHT_STALE_BUILD" }),
    );
  });
});

function existsIn(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}
