/**
 * Starting the wrapped command with inherited stdio, as cheaply as this machine allows.
 *
 * First choice: preflight's own spawner (native/spawn.c, loaded by util/native-addon.ts), which starts the
 * command with posix_spawn instead of fork and is the same as libuv's spawn in everything a
 * command can see. Where it was not built:
 * `node:child_process` loads net, stream and dgram for the pipes it might set up; with stdio
 * inherited none of that is used, yet it is most of what wrapping a command costs over
 * starting Node (the bench's "node spawning true" floor). Where the process_wrap binding can
 * be had silently (Node 20, see node-binding.ts) the command is started through it: the very
 * libuv call child_process makes, without the modules around it. Elsewhere, the public
 * `node:child_process`.
 */
import type { ChildProcess } from "node:child_process";
import { builtin } from "../util/builtin.js";
import {
  type NativeAddon,
  nativeAddon,
  SPAWN_FAILED,
  SPAWN_STARTED,
} from "../util/native-addon.js";
import { os } from "../util/os.js";
import { quietBinding } from "./node-binding.js";

export interface SpawnedCommand {
  /** Undefined until it has started (preflight's spawner reports that a moment later). */
  readonly pid: number | undefined;
  /** Sends a signal to the command (or, with `group`, to its whole process group). */
  kill(signal: NodeJS.Signals, group: boolean): void;
  /** How it ended: an exit code, a signal name, or an errno code it could not start with. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: string }>;
}

export interface SpawnOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  /** A process group of its own (off a terminal). */
  detached: boolean;
}

interface ProcessHandle {
  pid?: number;
  /** Node passes the signal's name ("SIGTERM"), or "" when the process exited. */
  onexit: (exitCode: number, signalCode: string | number) => void;
  spawn(options: Record<string, unknown>): number;
  kill(signal: number): number;
  close(): void;
}

type ProcessWrap = { Process: new () => ProcessHandle };

let signalNames: Map<number, NodeJS.Signals> | undefined;
let errnoNames: Map<number, string> | undefined;

/** Built when first needed, from node:os, which the run loads only once the command runs. */
function signalNumbers(): Record<string, number> {
  return os().constants.signals as unknown as Record<string, number>;
}

function signalName(code: string | number): NodeJS.Signals | null {
  if (typeof code === "number") {
    signalNames ??= new Map(
      Object.entries(signalNumbers()).map(([name, number]) => [number, name as NodeJS.Signals]),
    );
    return signalNames.get(code) ?? null;
  }
  return code in signalNumbers() ? (code as NodeJS.Signals) : null;
}
function errnoName(errno: number): string {
  errnoNames ??= new Map(Object.entries(os().constants.errno).map(([name, n]) => [n, name]));
  return errnoNames.get(errno) ?? `errno ${errno}`;
}

function envPairs(env: Record<string, string | undefined>): string[] {
  const pairs: string[] = [];
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (value !== undefined) pairs.push(`${key}=${value}`);
  }
  return pairs;
}

function spawnWithNative(
  spawner: NativeAddon,
  argv: readonly string[],
  options: SpawnOptions,
): SpawnedCommand {
  let settle!: (exit: Awaited<SpawnedCommand["exited"]>) => void;
  const exited = new Promise<Awaited<SpawnedCommand["exited"]>>((resolve) => {
    settle = resolve;
  });
  // The addon starts the command on its own thread: the pid comes with SPAWN_STARTED, a
  // moment after this returns. A signal to forward before then is sent once it is known.
  let pid: number | undefined;
  // Once reaped, its pid may be another process's: no signal is sent after that.
  let ended = false;
  const waiting: { signal: NodeJS.Signals; group: boolean }[] = [];
  const send = (signal: NodeJS.Signals, group: boolean, started: number) =>
    process.kill(group ? -started : started, signal);
  spawner.spawn(
    argv[0]!,
    argv,
    envPairs(options.env),
    options.cwd,
    options.detached,
    (kind, a, b) => {
      if (kind === SPAWN_STARTED) {
        pid = a;
        for (const { signal, group } of waiting.splice(0)) {
          try {
            send(signal, group, a);
          } catch {
            // Already gone: its exit is on its way.
          }
        }
      } else if (kind === SPAWN_FAILED) {
        ended = true;
        settle({ code: null, signal: null, error: errnoName(a) });
      } else {
        ended = true;
        const name = a === -1 ? signalName(b) : null;
        settle({ code: name ? null : a, signal: name });
      }
    },
  );
  return {
    get pid() {
      return pid;
    },
    kill(signal, group) {
      if (ended) return;
      if (pid === undefined) waiting.push({ signal, group });
      else send(signal, group, pid);
    },
    exited,
  };
}

function spawnWithBinding(
  wrap: ProcessWrap,
  argv: readonly string[],
  options: SpawnOptions,
): SpawnedCommand {
  const handle = new wrap.Process();
  let settle!: (exit: {
    code: number | null;
    signal: NodeJS.Signals | null;
    error?: string;
  }) => void;
  const exited = new Promise<Parameters<typeof settle>[0]>((resolve) => {
    settle = resolve;
  });
  handle.onexit = (exitCode, signalCode) => {
    handle.close();
    const signal = signalName(signalCode);
    settle({ code: signal ? null : exitCode, signal });
  };
  const inherit = [0, 1, 2].map((fd) => ({ type: "fd", fd }));
  const err = handle.spawn({
    file: argv[0],
    args: [...argv],
    cwd: options.cwd,
    envPairs: envPairs(options.env),
    stdio: inherit,
    detached: options.detached,
    windowsHide: false,
    windowsVerbatimArguments: false,
  });
  if (err !== 0) {
    handle.close();
    settle({ code: null, signal: null, error: errnoName(-err) });
  }
  const pid = err === 0 ? handle.pid : undefined;
  return {
    pid,
    kill(signal, group) {
      const number = signalNumbers()[signal]!;
      if (group && pid !== undefined) process.kill(-pid, signal);
      else if (err === 0) handle.kill(number);
    },
    exited,
  };
}

function spawnWithChildProcess(argv: readonly string[], options: SpawnOptions): SpawnedCommand {
  // Loaded here, not imported at the top: on the binding's path it is never loaded.
  const { spawn } = builtin<typeof import("node:child_process")>("node:child_process");
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), {
    cwd: options.cwd,
    stdio: "inherit",
    detached: options.detached,
    env: options.env as NodeJS.ProcessEnv,
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    error?: string;
  }>((resolve) => {
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({ code: null, signal: null, error: error.code ?? error.message }),
    );
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid: child.pid,
    kill(signal, group) {
      if (group && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    },
    exited,
  };
}

/**
 * Starts argv with inherited stdio. Throws only for arguments Node rejects (a NUL byte), as
 * child_process's spawn does; a command that cannot start settles `exited` with its errno code.
 */
export function spawnInherited(argv: readonly string[], options: SpawnOptions): SpawnedCommand {
  if (argv.some((word) => word.includes("\0"))) {
    throw new Error("the command contains a NUL byte, which no program can receive");
  }
  const native = nativeAddon(options.env);
  if (native) return spawnWithNative(native, argv, options);
  const wrap = quietBinding("process_wrap") as Partial<ProcessWrap> | undefined;
  return typeof wrap?.Process === "function"
    ? spawnWithBinding(wrap as ProcessWrap, argv, options)
    : spawnWithChildProcess(argv, options);
}
