/**
 * The one table from outcome to exit code (DESIGN.md, contract). A refusal never exits 0.
 */
export type Outcome =
  | "ok"
  | "no-rule"
  | "usage-error"
  | "policy-invalid"
  | "blocked"
  | "check-failed"
  | "confirmation-required"
  | "verification-failed-restored"
  | "verification-failed"
  | "internal-error"
  | "interrupted"
  | "command-failed";

export const EXIT_CODES: Record<Exclude<Outcome, "command-failed">, number> = {
  ok: 0,
  "no-rule": 0,
  "usage-error": 64,
  "policy-invalid": 65,
  blocked: 66,
  "check-failed": 67,
  "confirmation-required": 68,
  "verification-failed-restored": 69,
  "verification-failed": 70,
  "internal-error": 71,
  // preflight itself was stopped (Ctrl-C, SIGTERM) before the command started: the shell's
  // 128+N for signal N, as for a command killed by one. 130 is Ctrl-C; the run sets 143 for
  // SIGTERM and 129 for SIGHUP (src/run/interrupted.ts).
  interrupted: 130,
};

/** The exit code of an outcome; a failed command passes its own status through. */
export function exitCodeFor(outcome: Outcome, commandExitCode: number | null): number {
  if (outcome === "command-failed") return commandExitCode ?? EXIT_CODES["internal-error"];
  return EXIT_CODES[outcome];
}

/** How the wrapped command ended, in words. */
export function describeExit(exit: {
  exitCode: number;
  signal?: string;
  failure?: string;
}): string {
  if (exit.failure) return `the command could not run: ${exit.failure}`;
  if (exit.signal) return `the command was stopped by ${exit.signal}`;
  return `the command exited ${exit.exitCode}`;
}
