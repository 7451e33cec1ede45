/**
 * Runs preflight on a real pseudo-terminal (python3's pty module, via pty-run.py) so prompts,
 * Ctrl-C and the terminal's width are exercised as an operator meets them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { cleanEnv, PREFLIGHT_BIN } from "./exec.js";

const PTY_RUN = join(import.meta.dirname, "pty-run.py");

export interface PtyResult {
  exitCode: number | null;
  /** Everything preflight wrote to the terminal, ANSI escapes removed. */
  output: string;
}

/** Once `when` shows on the terminal (after the previous step's), type `send`. */
export interface PtyStep {
  when: string;
  send: string;
}

/** Typing an answer and Enter once `prompt` shows. */
export const answer = (prompt: string, text: string): PtyStep => ({
  when: prompt,
  send: `${text}\r`,
});

/** Pressing Ctrl-C once `text` shows. */
export const ctrlC = (text: string): PtyStep => ({ when: text, send: "\x03" });

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]/g;

/** Runs `preflight ARGS` on a pty `columns` wide (120), takes the steps in order, returns the output. */
export function runOnPty(
  args: readonly string[],
  options: {
    cwd: string;
    env: Record<string, string | undefined>;
    steps?: PtyStep[];
    /** Shorthand for one step: type `answer` once `prompt` shows. */
    prompt?: string;
    answer?: string;
    columns?: number;
    timeoutSeconds?: number;
  },
): Promise<PtyResult> {
  const steps = [...(options.steps ?? [])];
  if (options.prompt !== undefined) steps.unshift(answer(options.prompt, options.answer ?? ""));
  const child = spawn(
    "python3",
    [
      PTY_RUN,
      "--cols",
      String(options.columns ?? 120),
      "--timeout",
      String(options.timeoutSeconds ?? 15),
      ...steps.flatMap((s) => ["--on", s.when, s.send]),
      "--",
      process.execPath,
      PREFLIGHT_BIN,
      ...args,
    ],
    { cwd: options.cwd, env: cleanEnv(options.env), stdio: ["ignore", "pipe", "pipe"] },
  );
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (exitCode) =>
      resolve({ exitCode, output: output.replace(ANSI, "").replaceAll("\r", "") }),
    );
  });
}
