#!/usr/bin/env node
// Thin shim: everything lives in the built CLI. The package ships dist/ (built by `prepack`);
// in a clone of the repository `npm install` builds it (the `dependencies` script).
// CommonJS (see bin/package.json) so Node loads the one-file CLI bundle on its fastest path.
try {
  require("../dist/cli.cjs");
} catch (error) {
  // Only a missing bundle is explained here; any other error is the CLI's own and rethrown.
  // (A package the bundle requires that is missing names dist/cli.cjs only in its stack.)
  const missing = String(error?.message).split("\n")[0];
  if (error?.code !== "MODULE_NOT_FOUND" || !missing.includes("cli.cjs")) throw error;
  process.stderr.write(
    "preflight: internal-error (exit 71) — dist/cli.cjs is missing: this is a source checkout that was not built\n" +
      "  what to do: run `npm run build` in the repository (npm install and npm test also build it)\n",
  );
  process.exitCode = 71;
}
