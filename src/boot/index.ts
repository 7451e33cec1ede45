/**
 * What bin/preflight.js runs (built into dist/boot.cjs, which lives beside the bundles it
 * loads): the unguarded fast path first (dist/fast.cjs), the full CLI (dist/cli.cjs) when the
 * fast path declines. Both are loaded through the code cache (load-bundle.ts); so is boot
 * itself, by bin/preflight.js, which hands over the Script it compiled (for the build's run
 * that leaves boot's bytecode) and its own import().
 */
import type { Script } from "node:vm";
import { nativeAddon } from "../util/native-addon.js";
import { homeDirectory } from "../util/os.js";
import { leaveBuildCacheAtExit, loadBundle } from "./load-bundle.js";

declare const PREFLIGHT_BUILD_ID: string;
/**
 * The import() the bundles are routed through (scripts/build.mjs's banner): the one
 * bin/preflight.js passes, which resolves specifiers from dist/, or else this module's own.
 */
declare const __preflightImport: (specifier: string) => Promise<unknown>;

export function start(compiledAs?: { script: Script }): void {
  const boot = {
    env: process.env as Record<string, string | undefined>,
    bundleDir: __dirname,
    home: () => homeDirectory(),
    atExit: (fn: () => void) => process.once("exit", fn),
    uid: process.getuid?.(),
    buildId: PREFLIGHT_BUILD_ID,
    // The addon is loaded here, before the first bundle, for its file mappings (the fast
    // bundle's source and bytecode); the fast path starts the command with it next (the same
    // load: util/native-addon.ts keeps it).
    mapBytes: (file: string) => {
      const bytes = nativeAddon(process.env as Record<string, string | undefined>)?.mapBytes(file);
      return bytes && new Uint8Array(bytes);
    },
    mapText: (file: string) =>
      nativeAddon(process.env as Record<string, string | undefined>)?.mapText(file),
  };
  if (compiledAs) leaveBuildCacheAtExit("boot.cjs", compiledAs.script, boot);
  const fast = loadBundle("fast.cjs", boot, __preflightImport, require, { mapSource: true })
    .exports as { startUnguardedRun(): boolean };
  if (!fast.startUnguardedRun()) loadBundle("cli.cjs", boot, __preflightImport, require);
}
