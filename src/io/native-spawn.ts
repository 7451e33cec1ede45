/**
 * preflight's own spawner (native/spawn.c, built into dist/native/), where it was built and
 * loads: it starts a command with posix_spawn instead of Node's fork, which is 4-6 ms of
 * every wrapped command on the machines measured (docs/performance.md). Undefined wherever it
 * is absent, from another version, or switched off with PREFLIGHT_NO_NATIVE=1; the caller
 * then starts commands through Node (spawn-inherited.ts).
 */
import { join } from "node:path";
import { packageRoot } from "../util/package-root.js";

/** What native/spawn.c's SPAWNER_VERSION must be for this code to call it. */
export const SPAWNER_VERSION = 1;

export interface NativeSpawner {
  version: number;
  /**
   * The pid, or a negative errno when the command could not start (onExit is then never
   * called). onExit gets the exit code, or -1 and the number of the signal that ended it.
   */
  spawn(
    file: string,
    argv: readonly string[],
    envPairs: readonly string[],
    cwd: string,
    detached: boolean,
    onExit: (code: number, signal: number) => void,
  ): number;
}

/** Where the build puts the spawner for this platform and architecture. */
export function nativeSpawnerPath(root: string = packageRoot()): string {
  return join(root, "dist", "native", `spawn-${process.platform}-${process.arch}.node`);
}

let loaded: NativeSpawner | null | undefined;

export function nativeSpawner(
  env: Record<string, string | undefined> = process.env,
): NativeSpawner | undefined {
  if (env.PREFLIGHT_NO_NATIVE === "1" || process.platform !== "linux") return undefined;
  if (loaded === undefined) loaded = loadNativeSpawner(nativeSpawnerPath()) ?? null;
  return loaded ?? undefined;
}

/** The spawner in `file`, if it loads and is the version this code calls. */
export function loadNativeSpawner(file: string): NativeSpawner | undefined {
  const module = { exports: {} as Partial<NativeSpawner> };
  try {
    process.dlopen(module, file);
  } catch {
    // Not built here (no C compiler at install), or built for another libc: Node's spawn.
    return undefined;
  }
  const spawner = module.exports;
  return spawner.version === SPAWNER_VERSION && typeof spawner.spawn === "function"
    ? (spawner as NativeSpawner)
    : undefined;
}
