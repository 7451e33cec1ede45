/**
 * The edge: builds the CLI context from the process, dispatches, and turns errors into exit
 * codes. This is the only module that sets the process's exit code.
 */
import { homedir } from "node:os";
import { isatty } from "node:tty";
import type { CliContext } from "./cli/context.js";
import { readRunArgv } from "./cli/fast-argv.js";
import { InternalError, PolicyError, UsageError } from "./errors.js";
import { isInteractive, useColor } from "./io/terminal.js";
import { redactText } from "./report/redact.js";
import { EXIT_CODES } from "./run/outcome.js";

async function main(args: string[]): Promise<number> {
  const env = process.env as Record<string, string | undefined>;
  const ctx: CliContext = {
    cwd: process.cwd(),
    env,
    home: homedir(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    // isatty(fd) rather than process.stdin.isTTY: the latter builds the stdin stream (~3 ms).
    interactive: isInteractive(isatty(0), env),
    terminal: isatty(0) || isatty(2),
    color: useColor(isatty(2), env, false),
    columns: () => (isatty(2) ? process.stderr.columns : undefined),
  };
  try {
    // An agent's hook runs before every shell command it types: skip commander (~15 ms).
    if (args[0] === "hook" && args.length === 2 && !/^(-|install$|uninstall$)/.test(args[1]!)) {
      const { hookCommand } = await import("./cli/hook.js");
      return await hookCommand({ agent: args[1]! }, ctx);
    }
    const fast = readRunArgv(args);
    if (fast) {
      const { runCommand } = await import("./cli/run.js");
      return await runCommand(fast, ctx);
    }
    const { runProgram } = await import("./cli/program.js");
    return await runProgram(args, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      const { writeUsageErrorReport } = await import("./cli/usage-report.js");
      writeUsageErrorReport(args, error.message, ctx);
    }
    return reportError(error, ctx);
  }
}

/** The one table from error class to exit code; stack traces only for preflight's own bugs. */
function reportError(error: unknown, ctx: CliContext): number {
  if (error instanceof UsageError) {
    // The command line it quotes may hold a password (`--db-password=…`).
    ctx.stderr(`preflight: ${redactText(error.message)}\n`);
    return EXIT_CODES["usage-error"];
  }
  if (error instanceof PolicyError) {
    ctx.stderr(`preflight: invalid policy:\n${error.message}\n`);
    return EXIT_CODES["policy-invalid"];
  }
  if (error instanceof InternalError) {
    ctx.stderr(`preflight: ${error.message}\n`);
    return EXIT_CODES["internal-error"];
  }
  ctx.stderr(
    `preflight: internal error (a bug in preflight; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`,
  );
  return EXIT_CODES["internal-error"];
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`preflight: internal error: ${String(error)}\n`);
    process.exitCode = EXIT_CODES["internal-error"];
  },
);
