#!/usr/bin/env node
// Thin shim: everything lives in the built bundles. The package ships dist/ (built by
// `prepack`); in a clone of the repository `npm install` builds it (the `dependencies` script).
// CommonJS (see bin/package.json) so Node loads them on its fastest path. A command no rule
// matches is run by the small fast-path bundle alone; anything else goes to the full CLI.
try {
  if (!require("../dist/fast.cjs").startUnguardedRun()) require("../dist/cli.cjs");
} catch (error) {
  // Only a missing bundle is explained here; any other error is the CLI's own and rethrown.
  // (A package the bundle requires that is missing names dist/cli.cjs only in its stack.)
  const missing = String(error?.message).split("\n")[0];
  const bundle = ["cli.cjs", "fast.cjs"].find((name) => missing.includes(name));
  if (error?.code !== "MODULE_NOT_FOUND" || !bundle) throw error;
  process.stderr.write(
    `preflight: internal-error (exit 71) — dist/${bundle} is missing: this is a source checkout that was not built\n` +
      "  what to do: run `npm run build` in the repository (npm install and npm test also build it)\n",
  );
  process.exitCode = 71;
}
