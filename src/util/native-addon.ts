/**
 * preflight's native addon (native/spawn.c, sha256.c, map-file.c, identity.c and exit.c,
 * built into dist/native/), where it was built and loads: posix_spawn for the wrapped command
 * (src/io/spawn-inherited.ts), SHA-256 for src/util/digest.ts, the code cache read through a
 * file mapping for src/boot, the user's and host's names for src/util/identity.ts, a prompt
 * exit for src/io/exit-promptly.ts.
 * Undefined wherever it is absent, from another version, or switched off with
 * PREFLIGHT_NO_NATIVE=1; callers then use Node (docs/performance.md).
 */
import { join } from "node:path";
import { packageRoot } from "./package-root.js";

/** What native/spawn.c's ADDON_VERSION must be for this code to call the addon. */
export const ADDON_VERSION = 3;

/** What native/spawn.c reports about a command it starts, in this order. */
export const SPAWN_STARTED = 0;
export const SPAWN_FAILED = 1;
export const SPAWN_EXITED = 2;
export type SpawnEvent = typeof SPAWN_STARTED | typeof SPAWN_FAILED | typeof SPAWN_EXITED;

export interface NativeAddon {
  version: number;
  /**
   * Starts the command on a thread of its own and returns at once (posix_spawn waits for the
   * child's execve, and the event loop need not). onEvent is called with SPAWN_STARTED (a: the
   * pid) or SPAWN_FAILED (a: the errno), and after SPAWN_STARTED with SPAWN_EXITED (a: the
   * exit code, or -1 and b: the number of the signal that ended it). Throws when it cannot
   * start a thread; nothing is started then.
   */
  spawn(
    file: string,
    argv: readonly string[],
    envPairs: readonly string[],
    cwd: string,
    detached: boolean,
    onEvent: (kind: SpawnEvent, a: number, b: number) => void,
  ): void;
  /**
   * Starts, ahead of time, the thread the next spawn() will start its command on (once):
   * a thread started when the command is due waits for a CPU (native/spawn.c).
   */
  readySpawner(): void;
  /** SHA-256 of the parts (strings as UTF-8), one after another, as hex. */
  sha256Hex(parts: readonly (string | Uint8Array)[]): string;
  /** HMAC-SHA-256 of `data` under `key`, as hex. */
  hmacSha256Hex(key: Uint8Array, data: string | Uint8Array): string;
  /** A file's bytes over a read-only mapping; undefined when it cannot be opened or mapped. */
  mapBytes(path: string): ArrayBuffer | undefined;
  /**
   * An ASCII file's text as a string over a read-only mapping (an external string: no copy);
   * undefined when it cannot be mapped, is not all ASCII, or this Node has no external strings.
   */
  mapText(path: string): string | undefined;
  /** [os.userInfo().username or null, os.hostname() or null], without loading node:os. */
  identity(): [string | null, string | null];
  /** _exit(code): ends the process without Node's teardown (src/io/exit-promptly.ts). */
  exitNow(code: number): never;
}

/** Where the build puts the addon for this platform and architecture. */
export function nativeAddonPath(root: string = packageRoot()): string {
  return join(root, "dist", "native", `spawn-${process.platform}-${process.arch}.node`);
}

/**
 * Loaded once per process, not once per bundle: every bundle (dist/fast.cjs, dist/cli.cjs,
 * dist/team.cjs…) has its own copy of this module, and the fast path may hash the policy
 * before it hands the command to the full CLI.
 */
const LOADED = Symbol.for("preflight.native-addon");
type Slot = { [LOADED]?: NativeAddon | null };

export function nativeAddon(
  env: Record<string, string | undefined> = process.env,
): NativeAddon | undefined {
  if (env.PREFLIGHT_NO_NATIVE === "1" || process.platform !== "linux") return undefined;
  const slot = globalThis as Slot;
  if (slot[LOADED] === undefined) {
    let file: string | undefined;
    try {
      file = nativeAddonPath();
    } catch {
      // No installation folder to find it in (a bundle moved on its own): Node's own.
    }
    slot[LOADED] = (file !== undefined && loadNativeAddon(file)) || null;
  }
  return slot[LOADED] ?? undefined;
}

/** The addon in `file`, if it loads and is the version this code calls. */
export function loadNativeAddon(file: string): NativeAddon | undefined {
  const module = { exports: {} as Partial<NativeAddon> };
  try {
    process.dlopen(module, file);
  } catch {
    // Not built here (no C compiler at install), or built for another libc: Node's own.
    return undefined;
  }
  const addon = module.exports;
  return addon.version === ADDON_VERSION &&
    typeof addon.spawn === "function" &&
    typeof addon.sha256Hex === "function" &&
    typeof addon.hmacSha256Hex === "function" &&
    typeof addon.mapBytes === "function" &&
    typeof addon.identity === "function" &&
    typeof addon.exitNow === "function"
    ? (addon as NativeAddon)
    : undefined;
}
