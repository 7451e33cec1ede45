/**
 * Ending the process the moment an unguarded run or a hook's answer is done. Left to itself,
 * Node first tears its environment down (frees the heap, disposes of the isolate, drains and
 * joins the platform's threads): 3-6 ms on these machines, paid after the work is over, as
 * much as a third of what a command no rule matches costs (docs/performance.md). Everything
 * preflight does on this path is synchronous and already done when this is called (the audit
 * record is written), so only output preflight wrote to a stream that Node had to queue could
 * be lost: then the natural exit is kept, which flushes it.
 *
 * Where the native addon is loaded, the process ends with _exit after "exit" is emitted (boot
 * writes its bytecode there), skipping even process.exit's teardown; not when Node may have
 * something of its own to do at exit (coverage, a profile: any Node option beyond a few known
 * to be harmless, or NODE_V8_COVERAGE).
 * Otherwise process.exit, which emits "exit" itself.
 */
import { nativeAddon } from "../util/native-addon.js";

/** The parts of `process` this needs, so that a test can stand in for it. */
export interface ExitingProcess {
  exitCode?: number | string | undefined;
  exit(code: number): void;
  emit(event: "exit", code: number): boolean;
}

/** What preflight wrote to, if anything: only those streams are asked (asking creates one). */
export interface UsedStreams {
  stdout?: { writableLength: number };
  stderr?: { writableLength: number };
}

export function exitPromptly(
  code: number,
  used: UsedStreams,
  proc: ExitingProcess = process as ExitingProcess,
  immediate: ((code: number) => never) | undefined = immediateExit(),
): void {
  proc.exitCode = code;
  if ((used.stdout?.writableLength ?? 0) > 0 || (used.stderr?.writableLength ?? 0) > 0) return;
  if (immediate) {
    proc.emit("exit", code);
    immediate(code);
  }
  proc.exit(code);
}

/** The addon's _exit, where nothing Node writes at exit would be lost by it. */
function immediateExit(): ((code: number) => never) | undefined {
  const env = process.env as Record<string, string | undefined>;
  if (!nothingWrittenAtExit(process.execArgv, env)) return undefined;
  const native = nativeAddon(env);
  return native && ((code: number) => native.exitNow(code));
}

/**
 * Node options known to leave nothing for Node to do at exit (memory limits, certificates,
 * warnings). Anything else, a profile, coverage, a report, an inspector, a preloaded module,
 * keeps Node's own exit: a list of what is safe, not of what is not.
 */
const HARMLESS =
  /^--(max-old-space-size|max-semi-space-size|stack-size|use-openssl-ca|use-bundled-ca|openssl-legacy-provider|enable-source-maps|no-warnings|no-deprecation|dns-result-order|disable-warning)(=[^\s]*)?$/;

/** Whether Node has nothing of its own to write when the process ends. */
export function nothingWrittenAtExit(
  execArgv: readonly string[],
  env: Record<string, string | undefined>,
): boolean {
  if (env.NODE_V8_COVERAGE) return false;
  const options = env.NODE_OPTIONS?.trim();
  // Quoted values are split by Node's own rules; such a line is not read here.
  if (options && /["'\\]/.test(options)) return false;
  const words = [...execArgv, ...(options ? options.split(/\s+/) : [])];
  return words.every((word) => HARMLESS.test(word));
}
