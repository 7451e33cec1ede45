/**
 * What the run lifecycle needs from the outside world, passed in rather than reached for, so
 * every branch can be driven from a unit test without a terminal, processes or files.
 */
import type { AwsClients } from "../aws/clients.js";
import type { ProgramFiles } from "../command/locate-program.js";
import type { Policy, RunSpec } from "../policy/types.js";
import type { RunResult } from "./result.js";

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

export interface Prompter {
  /** Asks the operator to type the environment's name; undefined when they cancel. */
  typeEnvironmentName(expected: string): Promise<string | undefined>;
  /** Asks why; undefined when they cancel. */
  askReason(): Promise<string | undefined>;
  /** `rollback: prompt`: asks whether to undo what is listed; false when they decline or cancel. */
  confirmRollback?(summary: string): Promise<boolean>;
}

export interface Presenter {
  /** Shows the plan (banner, command, rules, checks, expected change) before confirmation. */
  showPlan(result: RunResult): Promise<void>;
  /** A progress line ("running checks…"). */
  progress(message: string): void;
}

export interface AuditSink {
  /** Throws when the audit record could not be written; called before a protected run. */
  ensureWritable(): void;
  append(record: Record<string, unknown>): void;
}

export interface RunContext {
  cwd: string;
  env: Record<string, string | undefined>;
  user: string;
  host: string;
  interactive: boolean;
  ci: boolean;
  /** The user's home folder (`file://~/…` in a command's options). */
  home?: string;
  /** Reads a tool's configuration file (undefined: no such file); default: from disk. */
  readFile?: (path: string) => string | undefined;
}

export interface RunPorts {
  runner: ProcessRunner;
  prompter: Prompter;
  presenter: Presenter;
  audit: AuditSink;
  now: () => Date;
  /** AWS SDK clients (loaded on first use) for rules that read the account or security groups. */
  aws?: AwsClients;
  /** Finds the real file a program word runs (`k` → /usr/local/bin/kubectl). */
  files: ProgramFiles;
}

export interface RunOptions {
  env?: string;
  confirm?: string;
  reason?: string;
}

export interface RunInput {
  mode: "run" | "plan";
  argv: string[];
  policy: Policy;
  options: RunOptions;
  context: RunContext;
}
