/** A CliContext for command modules under test: output is captured, nothing is a terminal. */
import { join } from "node:path";
import type { CliContext } from "../../src/cli/context.js";

export function fakeCliContext(cwd: string, env: Record<string, string | undefined> = {}) {
  const out = { stdout: "", stderr: "" };
  const ctx: CliContext = {
    cwd,
    env,
    home: join(cwd, "home"),
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    interactive: false,
    terminal: false,
    color: false,
  };
  return { ctx, out };
}
