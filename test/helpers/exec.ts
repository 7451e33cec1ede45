/**
 * Spawns the built CLI (`node bin/preflight.js`) the way a user or a CI job would: its own
 * process, a clean environment, no terminal on stdin. Run `npm run build` first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export const REPO_ROOT = join(import.meta.dirname, "..", "..");
export const PREFLIGHT_BIN = join(REPO_ROOT, "bin", "preflight.js");

/** PATH entries every run gets after the test's own: node itself, then the system's. */
export const SYSTEM_PATH = [dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
  ":",
);

export interface ExecOptions {
  cwd: string;
  /** The whole environment of the run (no variable leaks in from the test runner); a key set to undefined is removed. */
  env: Record<string, string | undefined>;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  input?: string;
  /** Kills the run (SIGKILL) after this long; default 20 s. */
  timeoutMs?: number;
  /** Run preflight in a session of its own, with no controlling terminal, as CI and containers do. */
  noTerminal?: boolean;
}

export interface ExecResult {
  /** null only when the process was killed by a signal (see `signal`). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningPreflight {
  child: ChildProcess;
  done: Promise<ExecResult>;
}

/** The environment preflight sees: NO_COLOR=1 and CI=true unless the test overrides them. */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    PATH: SYSTEM_PATH,
    NO_COLOR: "1",
    CI: "true",
    ...env,
  };
  return Object.fromEntries(
    Object.entries(merged).filter((pair): pair is [string, string] => pair[1] !== undefined),
  );
}

function assertBuilt(): void {
  if (!existsSync(join(REPO_ROOT, "dist", "cli.cjs"))) {
    throw new Error("dist/cli.cjs is missing: run `npm run build` before the end-to-end tests");
  }
}

/** Starts preflight and returns the child (to signal it) and a promise of how it ended. */
export function startPreflight(args: readonly string[], options: ExecOptions): RunningPreflight {
  assertBuilt();
  const child = spawn(process.execPath, [PREFLIGHT_BIN, ...args], {
    cwd: options.cwd,
    env: cleanEnv(options.env),
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    detached: options.noTerminal ?? false,
  });
  const done = new Promise<ExecResult>((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr });
    });
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return { child, done };
}

/** Runs preflight to the end: `{ exitCode, stdout, stderr }`. */
export function runPreflight(args: readonly string[], options: ExecOptions): Promise<ExecResult> {
  return startPreflight(args, options).done;
}
