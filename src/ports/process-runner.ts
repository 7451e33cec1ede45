/**
 * The port through which checks, probes, rollbacks and the wrapped command run processes.
 * Types only, in a module of their own so that run/, checks/ and state/ can all name them
 * without depending on each other.
 */
import type { RunSpec } from "../policy/types.js";

export interface CapturedOutput {
  /** null when the process could not start, timed out or was killed. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to completion, in words ("not found", "timed out after 60 s"). */
  failure?: string;
}

export interface InheritedExit {
  /** The status as a shell would report it: 127 not found, 126 not executable, 128+N signal N. */
  exitCode: number;
  signal?: string;
  failure?: string;
}

export interface ProcessRunner {
  /** Runs a check, probe or rollback command and captures its output. */
  capture(
    spec: RunSpec,
    options: { timeoutMs: number; env: Record<string, string | undefined>; cwd: string },
  ): Promise<CapturedOutput>;
  /**
   * Runs the wrapped command (or a procedure's step) with inherited stdio, forwarding
   * SIGINT/SIGTERM to it. Without `env` it inherits preflight's own environment.
   */
  runInherited(
    argv: readonly string[],
    options: { cwd: string; env?: Record<string, string | undefined> },
  ): Promise<InheritedExit>;
}
