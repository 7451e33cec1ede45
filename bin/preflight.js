#!/usr/bin/env node
// Thin shim: everything lives in the built bundles. The package ships dist/ (built by
// `prepack`); in a clone of the repository `npm install` builds it (the `dependencies` script).
// CommonJS (see bin/package.json) so Node loads it on its fastest path. dist/boot.cjs runs
// the small fast-path bundle, which takes a command no rule matches, and else the full CLI;
// both compiled from V8's code cache where it has one (src/boot/load-bundle.ts).
try {
  require("../dist/boot.cjs").start();
} catch (error) {
  // Only a missing bundle is explained here; any other error is the CLI's own and rethrown.
  // (A package the bundle requires that is missing names dist/cli.cjs only in its stack.)
  const missing = String(error?.message).split("\n")[0];
  const bundle = ["cli.cjs", "fast.cjs", "boot.cjs"].find((name) => missing.includes(name));
  const stale = error?.code === "PREFLIGHT_STALE_BUILD";
  if ((error?.code !== "MODULE_NOT_FOUND" && !stale) || !bundle) throw error;
  process.stderr.write(
    `preflight: internal-error (exit 71) — dist/${bundle} ${stale ? "is from another build than dist/boot.cjs" : "is missing: this is a source checkout that was not built"}\n` +
      "  what to do: run `npm run build` in the repository (npm install and npm test also build it)\n",
  );
  process.exitCode = 71;
}
