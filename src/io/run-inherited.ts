/**
 * Running the wrapped command (or a procedure's step) with inherited stdio and waiting for it,
 * forwarding the signals that should reach it. Shared by the full runner and by the unguarded
 * fast path, so a command behaves the same whichever of them started it.
 */
import { closeSync, openSync, readFileSync } from "node:fs";
import type { InheritedExit } from "../run/ports.js";
import { os } from "../util/os.js";
import { spawnInherited } from "./spawn-inherited.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;

/** Forwards a signal to the command running now; undefined while none runs. */
let forwardToCommand: ((signal: NodeJS.Signals) => void) | undefined;
let listening = false;

/**
 * One listener per signal for the life of the process, installed when the first command has
 * started: it forwards to the command that runs, and once none runs says that preflight is
 * finishing its record (a procedure runs many commands through one runner). Adding and
 * removing listeners around each command would start and stop a libuv signal handle each time.
 */
function listenForSignals(notice: (text: string) => void): void {
  if (listening) return;
  listening = true;
  for (const signal of FORWARDED) {
    process.on(signal, () => {
      if (forwardToCommand) {
        forwardToCommand(signal);
        return;
      }
      // preflight still has to take the after-snapshot and write the audit record. Between a
      // procedure's steps the signal stops preflight (src/cli/interruption.ts), which says so
      // itself: this notice would promise what will not happen.
      if (process.listenerCount(signal) > 1) return;
      notice(`preflight: ${signal} received; finishing verification and the audit record first`);
    });
  }
}

/** Whether this process has a terminal it could talk to, even with its stdio redirected. */
export function hasControllingTerminal(
  procStat = "/proc/self/stat",
  opensTty: () => boolean = ttyOpens,
): boolean {
  // Linux says "none" for free: tty_nr, the seventh field of /proc/self/stat, is 0. Opening
  // /dev/tty to find that out fails with ENXIO, and Node's first such error costs 0.2-0.3 ms
  // (CI and coding agents run without a terminal, on every command). Otherwise, the test is
  // whether /dev/tty opens.
  if (controllingTtyNumber(procStat) === 0) return false;
  return opensTty();
}

function ttyOpens(): boolean {
  try {
    closeSync(openSync("/dev/tty", "r"));
    return true;
  } catch {
    return false;
  }
}

/** tty_nr from /proc/self/stat, or undefined where there is no such file or it is unreadable. */
export function controllingTtyNumber(procStat: string): number | undefined {
  let text: string;
  try {
    // UTF-8, not latin1: Node reads UTF-8 files on a path of its own, which the bundles'
    // loading has already run; a first latin1 read costs ~0.5 ms of code run once. The
    // fields read are ASCII, and no decoding of the command name can make a ")" of its own.
    text = readFileSync(procStat, "utf8");
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ttyNr = Number(fields[4]);
  return Number.isInteger(ttyNr) ? ttyNr : undefined;
}

export interface InheritedRunOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** Whether preflight runs on a terminal (stdin or stderr is one). */
  onTerminal: boolean;
  /** Where "finishing the audit record first" goes when a signal arrives afterwards. */
  notice: (text: string) => void;
  /**
   * Work to do while the command runs (it was started; its exit is awaited afterwards): what
   * the caller needs only after it ends, done in the time the command takes anyway. If it
   * throws, the error is rethrown once the command has ended, never before.
   */
  whileRunning?: () => void;
}

export async function runInherited(
  argv: readonly string[],
  options: InheritedRunOptions,
): Promise<InheritedExit> {
  // Off a terminal (CI, a container's PID 1, a systemd unit) the command gets a process
  // group of its own, and a forwarded signal goes to the whole group: `docker stop`
  // must stop the script's children too, not only the script, or preflight would
  // verify while the delete is still going. On a terminal it stays in the foreground
  // group so it can read the keyboard and gets Ctrl-C from the terminal itself.
  // Only with no terminal at all: a detached command cannot open /dev/tty, and sudo or
  // ssh prompting for a password there would fail.
  const ownGroup = !options.onTerminal && !hasControllingTerminal();
  let child: ReturnType<typeof spawnInherited>;
  try {
    child = spawnInherited(argv, { cwd: options.cwd, env: options.env, detached: ownGroup });
  } catch (error) {
    return { exitCode: 126, failure: (error as Error).message };
  }
  // Forwarding Ctrl-C on a terminal again would look like a second Ctrl-C (terraform
  // hard-exits on that). Known gap: a `kill -INT` aimed at preflight alone while it runs
  // on a terminal is not forwarded.
  forwardToCommand = (signal: NodeJS.Signals) => {
    if (signal === "SIGINT" && options.onTerminal) return;
    try {
      child.kill(signal, ownGroup);
    } catch {
      // Already gone.
    }
  };
  listenForSignals(options.notice);
  let failure: { error: unknown } | undefined;
  try {
    options.whileRunning?.();
  } catch (error) {
    failure = { error };
  }
  let exit: Awaited<typeof child.exited>;
  try {
    exit = await child.exited;
  } finally {
    forwardToCommand = undefined;
  }
  if (failure) throw failure.error;
  if (exit.error === "ENOENT") return { exitCode: 127, failure: `'${argv[0]}' was not found` };
  if (exit.error === "EACCES") return { exitCode: 126, failure: `'${argv[0]}' is not executable` };
  if (exit.error !== undefined)
    return { exitCode: 126, failure: `'${argv[0]}' could not start (${exit.error})` };
  if (exit.signal) {
    return { exitCode: 128 + (os().constants.signals[exit.signal] ?? 0), signal: exit.signal };
  }
  return { exitCode: exit.code ?? 0 };
}
