/**
 * The entry dist/boot.cjs loads first (built into dist/fast.cjs). It takes a command no rule
 * matches through the unguarded fast path (src/cli/unguarded.ts), and an agent hook's event
 * the policy has no objection to through the hook's (src/cli/hook-unguarded.ts); it answers
 * false for everything else, having done nothing (stdin it read is handed over), so boot
 * loads the full CLI (dist/cli.cjs).
 */
import { answerHookQuickly } from "./cli/hook-unguarded.js";
import { prepareUnguardedRun } from "./cli/unguarded.js";
import { exitPromptly, type UsedStreams } from "./io/exit-promptly.js";
import { isatty } from "./io/isatty.js";
import { nativeAddon } from "./util/native-addon.js";
import { homeDirectory } from "./util/os.js";

export function startUnguardedRun(): boolean {
  const args = process.argv.slice(2);
  const env = process.env as Record<string, string | undefined>;
  // The streams are created on first use only; exitPromptly asks only those that were.
  const used: UsedStreams = {};
  const stdout = (text: string) => {
    used.stdout = process.stdout;
    return process.stdout.write(text);
  };
  const stderr = (text: string) => {
    used.stderr = process.stderr;
    return process.stderr.write(text);
  };
  if (args[0] === "hook") {
    const code = answerHookQuickly(args, { env, home: homeDirectory(env), stdout, stderr });
    if (code === undefined) return false;
    exitPromptly(code, used);
    return true;
  }
  // The command may start a few milliseconds from now: its thread gets going meanwhile.
  if (args[0] === "run") nativeAddon(env)?.readySpawner();
  const run = prepareUnguardedRun(args, {
    cwd: process.cwd(),
    env,
    home: homeDirectory(env),
    stdout,
    stderr,
    isatty,
  });
  if (!run) return false;
  run().then(
    (code) => exitPromptly(code, used),
    (error) => {
      process.stderr.write(
        `preflight: internal error (a bug in preflight; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`,
      );
      process.exitCode = 71;
    },
  );
  return true;
}
