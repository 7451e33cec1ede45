/**
 * Running processes. Checks, probes and rollbacks are captured with execa (loaded only when a
 * rule needs one). The wrapped command is spawned directly with inherited stdio (see
 * run-inherited.ts): it needs nothing execa adds, and importing execa costs ~90 ms that a
 * command no rule matches must not pay.
 */
import type { RunSpec } from "../policy/types.js";
import type { CapturedOutput, InheritedExit, ProcessRunner } from "../run/ports.js";
import { runInherited } from "./run-inherited.js";

const MAX_CAPTURE = 64 * 1024 * 1024;
/** The signals that stop preflight itself (src/cli/interruption.ts). */
const STOPPING = new Set(["SIGINT", "SIGTERM", "SIGHUP"]);
const STOPPING_STATUS = new Set([128 + 1, 128 + 2, 128 + 15]);

export function createProcessRunner(options: {
  onTerminal: boolean;
  notice: (text: string) => void;
}): ProcessRunner {
  return {
    async capture(spec: RunSpec, { timeoutMs, env, cwd }): Promise<CapturedOutput> {
      const { execa } = await import("execa");
      const [file, args, shell] =
        typeof spec === "string" ? ["sh", ["-c", spec], true] : [spec[0]!, spec.slice(1), false];
      const result = await execa(file, args, {
        cwd,
        env: env as NodeJS.ProcessEnv,
        extendEnv: false,
        reject: false,
        timeout: timeoutMs,
        stdin: "ignore",
        maxBuffer: MAX_CAPTURE,
        stripFinalNewline: false,
      });
      // Ctrl-C on a terminal reaches the check and preflight at the same moment. Handed back
      // at once, the check's death could carry the run to its end (a failed step, its record,
      // the signal listeners put away) in one burst of promise callbacks, before the event
      // loop came round to preflight's own SIGINT: exit 70 and a record of a failed check for
      // an interrupted run. A short wait lets that signal be handled first, if there is one.
      if (
        !result.timedOut &&
        (STOPPING.has(result.signal ?? "") || STOPPING_STATUS.has(result.exitCode ?? 0))
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      const stdout = String(result.stdout ?? "");
      const stderr = String(result.stderr ?? "");
      if (result.timedOut)
        return { exitCode: null, stdout, stderr, failure: `timed out after ${timeoutMs / 1000} s` };
      if (result.exitCode === undefined) {
        const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
        const failure =
          code === "ENOENT"
            ? `'${file}' was not found on PATH`
            : code === "EACCES"
              ? `'${file}' is not executable`
              : result.signal
                ? `killed by ${result.signal}`
                : (result.shortMessage ?? "could not start");
        return { exitCode: null, stdout, stderr, failure };
      }
      // A shell string that cannot find its program exits 127: say so plainly.
      if (shell && result.exitCode === 127 && !stderr)
        return { exitCode: 127, stdout, stderr: "command not found" };
      return { exitCode: result.exitCode, stdout, stderr };
    },

    runInherited(argv, { cwd, env }): Promise<InheritedExit> {
      return runInherited(argv, {
        cwd,
        env: env ?? process.env,
        onTerminal: options.onTerminal,
        notice: options.notice,
      });
    },
  };
}
