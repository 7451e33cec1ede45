/**
 * The folder preflight is installed in (the one holding its package.json and policies/).
 * Found by walking up from this module, because the build may bundle it into a file at any
 * depth under dist/, and the tests run it straight from src/.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Found once per process, not once per bundle (each bundle has its own copy of this module):
 * boot asks first, for the native addon, then the fast path's policy lookup.
 */
const FOUND = Symbol.for("preflight.package-root");
type Slot = { [FOUND]?: string };

export function packageRoot(): string {
  const slot = globalThis as Slot;
  slot[FOUND] ??= findPackageRoot();
  return slot[FOUND];
}

function findPackageRoot(): string {
  // import.meta.dirname: Node >= 20.11 in ES modules; the CommonJS bundles have it as
  // __dirname (scripts/build.mjs), which spares every run a URL round trip (~0.5 ms).
  let dir = import.meta.dirname ?? dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 5; depth++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "policies"))) return dir;
    dir = dirname(dir);
  }
  throw new Error("preflight cannot find its own installation folder (package.json and policies/)");
}
