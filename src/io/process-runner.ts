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
