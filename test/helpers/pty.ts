/**
 * Runs preflight on a real pseudo-terminal (python3's pty module, via pty-run.py) so the typed
 * confirmation prompt is exercised as an operator sees it.
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

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]/g;

/** Runs `preflight ARGS` on a pty, types `answer` once `prompt` shows, and returns the output. */
export function runOnPty(
  args: readonly string[],
  options: {
    cwd: string;
    env: Record<string, string | undefined>;
    prompt: string;
    answer: string;
    timeoutSeconds?: number;
  },
): Promise<PtyResult> {
  const timeout = String(options.timeoutSeconds ?? 15);
  const child = spawn(
    "python3",
    [
      PTY_RUN,
      options.prompt,
      options.answer,
      timeout,
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
