#!/usr/bin/env node
// Thin shim: everything lives in the built bundles. The package ships dist/ (built by
// `prepack`); in a clone of the repository `npm install` builds it (the `dependencies` script).
// CommonJS (see bin/package.json) so Node loads it on its fastest path. dist/boot.cjs runs
// the small fast-path bundle, which takes a command no rule matches, and else the full CLI;
// both compiled from V8's code cache where it has one (src/boot/load-bundle.ts).
//
// Boot itself is compiled here the same way, from the build's bytecode for it where this Node
// accepts it (dist/code-cache/boot.cjs-VERSION-ARCH.bin): require() would compile each of its
// functions from source as it is first called, 0.6-0.8 ms of every run.
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { Script } = require("node:vm");

function loadBoot() {
  const dist = join(__dirname, "..", "dist");
  const file = join(dist, "boot.cjs");
  let source;
  try {
    source = readFileSync(file, "utf8");
  } catch (error) {
    if (error?.code !== "ENOENT") throw error;
    throw Object.assign(new Error(`Cannot find module '${file}'`), { code: "MODULE_NOT_FOUND" });
  }
  let cachedData;
  // The build's own run for boot's bytecode compiles it from source (and writes it at exit).
  if (!process.env.PREFLIGHT_BUILD_CODE_CACHE && process.env.PREFLIGHT_NO_CACHE !== "1") {
    try {
      cachedData = readFileSync(join(dist, "code-cache", `boot.cjs-${process.version}-${process.arch}.bin`));
    } catch {
      // None for this Node: compiled from source, as require() would.
    }
  }
  const script = new Script(source, { filename: file, ...(cachedData && { cachedData }) });
  // Built as one function expression taking the module's variables (scripts/build.mjs).
  const bundle = script.runInThisContext();
  if (typeof bundle !== "function") {
    throw Object.assign(new Error(`${file} is not a bundle built for bin/preflight.js`), {
      code: "PREFLIGHT_STALE_BUILD",
    });
  }
  const module = { id: file, filename: file, loaded: false, exports: {}, children: [], paths: [] };
  // As require() would: whoever looks at require.cache sees boot loaded.
  require.cache[file] = module;
  // The bundles' import(): specifiers of bundles beside boot resolve from dist/.
  const distImport = (specifier) =>
    import(specifier.startsWith("./") ? pathToFileURL(join(dist, specifier)).href : specifier);
  bundle(module.exports, require, module, file, dist, distImport);
  module.loaded = true;
  return { boot: module.exports, script };
}

try {
  const { boot, script } = loadBoot();
  boot.start({ script });
} catch (error) {
  // Only a missing bundle is explained here; any other error is the CLI's own and rethrown.
  // (A package the bundle requires that is missing names dist/cli.cjs only in its stack.)
  const missing = String(error?.message).split("\n")[0];
  const bundle = ["cli.cjs", "fast.cjs", "boot.cjs"].find((name) => missing.includes(name));
  const stale = error?.code === "PREFLIGHT_STALE_BUILD";
  if ((error?.code !== "MODULE_NOT_FOUND" && !stale) || !bundle) throw error;
  const other = bundle === "boot.cjs" ? "bin/preflight.js" : "dist/boot.cjs";
  process.stderr.write(
    `preflight: internal-error (exit 71) — dist/${bundle} ${stale ? `is from another build than ${other}` : "is missing: this is a source checkout that was not built"}\n` +
      "  what to do: run `npm run build` in the repository (npm install and npm test also build it)\n",
  );
  process.exitCode = 71;
}
