/**
 * Which dist/ bundles a preflight process loaded: a --require probe (through NODE_OPTIONS)
 * writes the bundles in require.cache out at exit. dist/boot.cjs registers the bundles it
 * compiles from the code cache there too, as require() would.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Workspace } from "./workspace.js";

export interface BundleProbe {
  /** The variables that install the probe in a run. */
  env: Record<string, string>;
  /** The bundles the last run loaded, sorted (and the record of it removed). */
  bundles: () => string[];
}

export function bundleProbe(ws: Workspace): BundleProbe {
  const out = ws.path("loaded.txt");
  const script = ws.path("probe.cjs");
  writeFileSync(
    script,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(out)}, Object.keys(require.cache).filter((f) => f.includes("/dist/") && !f.includes("/node_modules/")).map((f) => f.slice(f.lastIndexOf("/") + 1)).join("\\n")));\n`,
  );
  return {
    env: { NODE_OPTIONS: `--require ${script}` },
    bundles: () => {
      const text = readFileSync(out, "utf8");
      rmSync(out);
      return text.split("\n").filter(Boolean).sort();
    },
  };
}
