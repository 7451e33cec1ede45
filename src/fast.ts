/**
 * The entry bin/preflight.js loads first (built into dist/fast.cjs). It takes a command no
 * rule matches through the unguarded fast path (src/cli/unguarded.ts), and answers false for
 * everything else, having done nothing, so the bin loads the full CLI (dist/cli.cjs).
 */
import { homedir } from "node:os";
import { prepareUnguardedRun } from "./cli/unguarded.js";
import { isatty } from "./io/isatty.js";

export function startUnguardedRun(): boolean {
  const run = prepareUnguardedRun(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env as Record<string, string | undefined>,
    home: homedir(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isatty,
  });
  if (!run) return false;
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(
        `preflight: internal error (a bug in preflight; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`,
      );
      process.exitCode = 71;
    },
  );
  return true;
}
