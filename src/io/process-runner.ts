/**
 * Running processes. Checks, probes and rollbacks are captured with execa (loaded only when a
 * rule needs one). The wrapped command is spawned directly with inherited stdio: it needs
 * nothing execa adds, and importing execa costs ~90 ms that a command no rule matches must
 * not pay.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { constants } from "node:os";
import type { RunSpec } from "../policy/types.js";
import type { CapturedOutput, InheritedExit, ProcessRunner } from "../run/ports.js";

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT"] as const;
const MAX_CAPTURE = 64 * 1024 * 1024;
let finishingNoticeInstalled = false;

/** Whether this process has a terminal it could talk to, even with its stdio redirected. */
function hasControllingTerminal(): boolean {
  try {
    closeSync(openSync("/dev/tty", "r"));
    return true;
  } catch {
    return false;
  }
}

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
      return new Promise((resolve) => {
        // Off a terminal (CI, a container's PID 1, a systemd unit) the command gets a process
        // group of its own, and a forwarded signal goes to the whole group: `docker stop`
        // must stop the script's children too, not only the script, or preflight would
        // verify while the delete is still going. On a terminal it stays in the foreground
        // group so it can read the keyboard and gets Ctrl-C from the terminal itself.
        // Only with no terminal at all: a detached command cannot open /dev/tty, and sudo or
        // ssh prompting for a password there would fail.
        const ownGroup = !options.onTerminal && !hasControllingTerminal();
        let child: ReturnType<typeof spawn>;
        try {
          child = spawn(argv[0]!, argv.slice(1), {
            cwd,
            stdio: "inherit",
            detached: ownGroup,
            ...(env && { env: env as NodeJS.ProcessEnv }),
          });
        } catch (error) {
          resolve({ exitCode: 126, failure: (error as Error).message });
          return;
        }
        // Forwarding Ctrl-C on a terminal again would look like a second Ctrl-C (terraform
        // hard-exits on that). Known gap: a `kill -INT` aimed at preflight alone while it runs
        // on a terminal is not forwarded.
        const forward = (signal: NodeJS.Signals) => {
          if (signal === "SIGINT" && options.onTerminal) return;
          try {
            if (ownGroup && child.pid !== undefined) process.kill(-child.pid, signal);
            else child.kill(signal);
          } catch {
            // Already gone.
          }
        };
        for (const signal of FORWARDED) process.on(signal, forward);
        const settle = (exit: InheritedExit) => {
          for (const signal of FORWARDED) process.off(signal, forward);
          // preflight still has to take the after-snapshot and write the audit record. Once
          // per process: a procedure runs many commands through one runner.
          if (!finishingNoticeInstalled) {
            finishingNoticeInstalled = true;
            for (const signal of FORWARDED) {
              process.on(signal, () => {
                // Between a procedure's steps the signal stops preflight (src/cli/interruption.ts),
                // which says so itself: this notice would promise what will not happen.
                if (process.listenerCount(signal) > 1) return;
                options.notice(
                  `preflight: ${signal} received; finishing verification and the audit record first`,
                );
              });
            }
          }
          resolve(exit);
        };
        child.on("error", (error: NodeJS.ErrnoException) => {
          if (error.code === "ENOENT")
            settle({ exitCode: 127, failure: `'${argv[0]}' was not found` });
          else if (error.code === "EACCES")
            settle({ exitCode: 126, failure: `'${argv[0]}' is not executable` });
          else settle({ exitCode: 126, failure: error.message });
        });
        child.on("exit", (code, signal) => {
          if (signal) {
            const number = constants.signals[signal] ?? 0;
            settle({ exitCode: 128 + number, signal });
          } else settle({ exitCode: code ?? 0 });
        });
      });
    },
  };
}
