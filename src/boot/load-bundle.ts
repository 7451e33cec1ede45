/**
 * Loading preflight's entry bundles (dist/fast.cjs, dist/cli.cjs) through V8's code cache.
 *
 * Compiling JavaScript is a large share of what a short run pays: on the 2-core machine this
 * was measured on, compiling dist/fast.cjs (92 KB) took 3.7–5 ms of a 25 ms unguarded run, and
 * dist/cli.cjs (510 KB) 17–22 ms of every guarded run and every agent hook. Node 20 has no
 * compile cache of its own for user code (module.enableCompileCache() arrived in 22.1), so the
 * bundle is compiled here with vm.Script and the bytecode V8 made the last time is handed back
 * to it (`cachedData`). One code path on every Node version: the public vm API, which 22 and
 * 24 keep.
 *
 * Where the bytecode comes from, in order:
 *   1. dist/code-cache/NAME-NODEVERSION-ARCH.bin, written by the build (scripts/build.mjs runs
 *      the built CLI once, so the functions a run uses are in it). It is part of the package,
 *      as trusted as the bundle beside it.
 *   2. STATE/code-cache/BUILDID-NAME-NODEVERSION-ARCH.bin, written once, at exit, by the first
 *      run on a Node the build's cache does not fit (an installed package built on another
 *      Node version). It sits beside the audit log and the key that signs the compiled-policy
 *      cache, not in the cache folder: a CI cache restored from an untrusted branch could
 *      otherwise plant bytecode. Used only when it is ours and not group- or world-writable.
 * V8 itself rejects bytecode made by another V8 version or with other V8 flags, and the file
 * names carry the build id, because V8 checks only the source's length. Anything unusual (no
 * file, a rejected one, an unwritable folder) means compiling as Node would, never an error.
 * `PREFLIGHT_NO_CACHE=1` turns this off along with the compiled-policy cache.
 *
 * Bundles loaded here have no `import()` of their own (vm would need a flag on Node 20 for
 * that): scripts/build.mjs rewrites each into `__bootImport(...)`, which is this module's
 * `import()`. This file lives in dist/ beside the bundles, so a specifier such as
 * "./aws.cjs" or "chalk" resolves exactly as it would from the bundle itself.
 */
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { Script } from "node:vm";
import { stateDirectory } from "../util/dirs.js";

/**
 * Set by the build: write the bytecode of the bundle named by BUILD_CACHE_FOR into this
 * folder at exit (and read no cache).
 */
export const BUILD_CACHE_VARIABLE = "PREFLIGHT_BUILD_CODE_CACHE";
export const BUILD_CACHE_FOR = "PREFLIGHT_BUILD_CODE_CACHE_FOR";

export interface BootEnvironment {
  env: Record<string, string | undefined>;
  /** The folder the bundles are in (dist/). */
  bundleDir: string;
  home: () => string;
  /** Called with a function to run when the process exits. */
  atExit: (fn: () => void) => void;
  uid: number | undefined;
  /** This build's id: the state folder's bytecode is named by it (V8 checks only lengths). */
  buildId: string;
  /**
   * A bytecode file's bytes without copying them (the native addon's file mapping), or
   * undefined to read it as usual. Only for files written whole and renamed into place.
   */
  mapBytes?: (file: string) => Uint8Array | undefined;
  /**
   * A bundle's source as a string over the file's pages (the addon's mapText), or undefined
   * to read it as usual. Only for a bundle loadBundle is asked to map (`mapSource`), written
   * by the build by rename (scripts/build.mjs), never changed in place.
   */
  mapText?: (file: string) => string | undefined;
}

type BundleFunction = (
  exports: unknown,
  require: NodeRequire,
  module: { exports: unknown },
  filename: string,
  dirname: string,
  bootImport: (specifier: string) => Promise<unknown>,
) => void;

/** The cache file name for a bundle on this Node: V8's bytecode is per version and arch. */
function runtimeTag(name: string): string {
  return `${name}-${process.version}-${process.arch}.bin`;
}

function readIfPresent(file: string, boot: BootEnvironment): Uint8Array | undefined {
  try {
    return boot.mapBytes?.(file) ?? readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A cache file in the state folder, only when this user owns it and nobody else can write it. */
function readOwnCache(file: string, boot: BootEnvironment): Uint8Array | undefined {
  try {
    const stat = statSync(file);
    if (boot.uid !== undefined && stat.uid !== boot.uid) return undefined;
    if ((stat.mode & 0o022) !== 0) return undefined;
    return boot.mapBytes?.(file) ?? readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Writes `data` to `file` atomically (a reader never sees half of it); failures are ignored.
 * Private (0600 in a 0700 folder) in the state folder; the build's copy is read by every user
 * of an installed package.
 */
function writeQuietly(file: string, data: Buffer, dir: string, shared = false): void {
  try {
    mkdirSync(dir, { recursive: true, mode: shared ? 0o755 : 0o700 });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    chmodSync(temporary, shared ? 0o644 : 0o600);
    renameSync(temporary, file);
  } catch {
    // A read-only home or a full disk: the next run compiles again, which is all it costs.
  }
}

/** Removes bytecode of earlier builds from the state folder (best effort). */
function removeOtherBuilds(dir: string, keepPrefix: string): void {
  try {
    for (const entry of readdirSync(dir)) {
      if (entry.endsWith(".bin") && !entry.startsWith(keepPrefix)) unlinkSync(join(dir, entry));
    }
  } catch {
    // Nothing to tidy, or not ours to tidy.
  }
}

/**
 * In the build's run for bundle `name` (BUILD_CACHE_FOR), writes the bytecode of `script` into
 * the build's folder at exit: by then it holds every function the run compiled. Also for
 * dist/boot.cjs itself, which bin/preflight.js compiles.
 */
export function leaveBuildCacheAtExit(name: string, script: Script, boot: BootEnvironment): void {
  const buildOutput = boot.env[BUILD_CACHE_VARIABLE];
  if (!buildOutput || boot.env[BUILD_CACHE_FOR] !== name) return;
  const file = join(buildOutput, runtimeTag(name));
  boot.atExit(() => writeQuietly(file, script.createCachedData(), buildOutput, true));
}

/** Where a bundle's bytecode came from: the build's, our own, none (compiled from source). */
export type CodeCacheSource = "build" | "own" | "none";

export interface LoadedBundle {
  exports: unknown;
  codeCache: CodeCacheSource;
}

/**
 * Loads dist/NAME like require() would, compiling it from cached bytecode where there is
 * bytecode this Node accepts, and leaving bytecode for the next run (at exit) where there was
 * none.
 */
export function loadBundle(
  name: string,
  boot: BootEnvironment,
  bootImport: (specifier: string) => Promise<unknown>,
  bootRequire: NodeRequire,
  /**
   * mapSource: the source read through boot.mapText. For the fast bundle only: V8 reads a
   * script's source again whenever it compiles one of its functions or formats a stack trace
   * through it, and only the fast path's few milliseconds are spent in the fast bundle.
   */
  options: { mapSource?: boolean } = {},
): LoadedBundle {
  const filename = join(boot.bundleDir, name);
  const source = readBundle(filename, options.mapSource ? boot.mapText : undefined);
  const buildOutput = boot.env[BUILD_CACHE_VARIABLE];
  let script: Script | undefined;
  let codeCache: CodeCacheSource = "none";
  if (buildOutput) {
    script = compile(source, filename, undefined);
    leaveBuildCacheAtExit(name, script, boot);
  } else if (boot.env.PREFLIGHT_NO_CACHE !== "1") {
    script = compileWith(
      source,
      filename,
      readIfPresent(join(boot.bundleDir, "code-cache", runtimeTag(name)), boot),
    );
    if (script) {
      codeCache = "build";
    } else {
      // The package's bytecode does not fit this Node (or there is none): use, or leave, ours.
      const dir = join(stateDirectory(boot.env, boot.home()), "code-cache");
      const file = join(dir, `${boot.buildId}-${runtimeTag(name)}`);
      script = compileWith(source, filename, readOwnCache(file, boot));
      if (script) {
        codeCache = "own";
      } else {
        const made = compile(source, filename, undefined);
        script = made;
        boot.atExit(() => {
          removeOtherBuilds(dir, `${boot.buildId}-`);
          writeQuietly(file, made.createCachedData(), dir);
        });
      }
    }
  }
  script ??= compile(source, filename, undefined);
  return { exports: run(script, filename, boot.bundleDir, bootImport, bootRequire), codeCache };
}

/** How every bundle boot loads begins (scripts/build.mjs, BOOT_WRAPPER_HEAD). */
const BUNDLE_HEAD = "(function (bundle) {";

function readBundle(filename: string, map?: (file: string) => string | undefined): string {
  let source: string;
  try {
    source = map?.(filename) ?? readFileSync(filename, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    // What require() throws; bin/preflight.js explains it (a source checkout not built).
    throw Object.assign(new Error(`Cannot find module '${filename}'`), {
      code: "MODULE_NOT_FOUND",
    });
  }
  if (source.startsWith(BUNDLE_HEAD)) return source;
  // Half of an old build beside half of a new one: bin/preflight.js says what to do.
  throw Object.assign(new Error(`${filename} is not a bundle built for dist/boot.cjs`), {
    code: "PREFLIGHT_STALE_BUILD",
  });
}

/** The script compiled from `cachedData`, or undefined when there is none or V8 refused it. */
function compileWith(
  source: string,
  filename: string,
  cachedData: Uint8Array | undefined,
): Script | undefined {
  if (cachedData === undefined) return undefined;
  const script = compile(source, filename, cachedData);
  return script.cachedDataRejected ? undefined : script;
}

function run(
  script: Script,
  filename: string,
  dirname: string,
  bootImport: (specifier: string) => Promise<unknown>,
  bootRequire: NodeRequire,
): unknown {
  // The build made each bundle one function expression (scripts/build.mjs, prepareForBoot):
  // run as a script, its value is that function, which takes the module's variables.
  const bundle = script.runInThisContext();
  // As require() would: later require()s of the same file get these exports, and whoever
  // looks at require.cache sees which bundles this process loaded.
  const module = {
    id: filename,
    filename,
    loaded: false,
    exports: {} as unknown,
    children: [],
    paths: [],
  };
  bootRequire.cache[filename] = module as unknown as NodeJS.Module;
  (bundle as BundleFunction)(module.exports, bootRequire, module, filename, dirname, bootImport);
  module.loaded = true;
  return module.exports;
}

function compile(source: string, filename: string, cachedData: Uint8Array | undefined): Script {
  return new Script(source, { filename, ...(cachedData !== undefined && { cachedData }) });
}
