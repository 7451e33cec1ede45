/**
 * What the run lifecycle needs from the outside world, passed in rather than reached for, so
 * every branch can be driven from a unit test without a terminal, processes or files.
 */
import type { AwsClients } from "../aws/clients.js";
import type { ProgramFiles } from "../command/locate-program.js";
import type { Policy } from "../policy/types.js";
import type { RunResult } from "./result.js";

export type { CapturedOutput, InheritedExit, ProcessRunner } from "../ports/process-runner.js";

import type { ProcessRunner } from "../ports/process-runner.js";

export interface Prompter {
  /** Asks the operator to type the environment's name; undefined when they cancel. */
  typeEnvironmentName(expected: string): Promise<string | undefined>;
  /** Asks why; undefined when they cancel. */
  askReason(): Promise<string | undefined>;
  /** `rollback: prompt`: asks whether to undo what is listed; false when they decline or cancel. */
  confirmRollback?(summary: string): Promise<boolean>;
}

/** Something that may take a while starts: what runs and its time limit; call the result when it ends. */
export type AnnounceStep = (what: string, limitMs: number) => () => void;

export interface Presenter {
  /** Shows the plan (banner, command, rules, checks, expected change) before confirmation. */
  showPlan(result: RunResult): Promise<void>;
  /** A progress line ("taking the before-snapshot"). */
  progress(message: string): void;
  /**
   * Something that may take a while starts (a check, a probe): what runs and its time limit.
   * Returns the function that ends it. On a terminal one line shows it with the time elapsed.
   */
  step: AnnounceStep;
}

export interface AuditSink {
  /**
   * Throws (or rejects) when the audit record could not be written; called before a protected
   * run. Asynchronous with a team database, which must be reachable (src/team/sink.ts).
   */
  ensureWritable(): void | Promise<void>;
  append(record: Record<string, unknown>): void;
  /**
   * Optional: what append does before it takes the lock, done ahead (the unguarded run does it
   * while its command runs). `append(late)` then writes the record with the `late` fields,
   * known only once the run has ended, put in their places; it throws as append does.
   */
  prepare?(record: Record<string, unknown>): { append(late: Record<string, unknown>): void };
}

/** Whether team locks were taken: `release` gives them back (or parks them for a resume). */
export type LockAcquisition =
  | { ok: true; release(options?: { park?: boolean }): Promise<void> }
  | { ok: false; outcome: "blocked" | "internal-error"; message: string; hint: string };

/** Target locks in the team database (src/team/lock-port.ts); absent when none is configured. */
export interface LockPort {
  /** Takes every key or none; waits up to `waitMs` for a holder to let go. */
  acquire(
    keys: readonly string[],
    command: string,
    options?: { waitMs?: number },
  ): Promise<LockAcquisition>;
}

/** What an approved request must equal for its approval to be used. */
export interface ApprovalClaim {
  id: string;
  argv: readonly string[];
  environment: string;
  policySha256: string;
}

/** Whether an approval was used (once: marked used atomically), or why it cannot be. */
export type ApprovalUse =
  | { ok: true; requester: string; approver: string }
  | { ok: false; message: string; hint: string };

/** Four-eyes approvals in the team database (src/team/approval-port.ts). */
export interface ApprovalPort {
  use(claim: ApprovalClaim): Promise<ApprovalUse>;
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
  /**
   * Called once the command is evaluated, with the result the lifecycle fills in as it goes:
   * what the edge records when a signal stops preflight before the command starts.
   */
  watch?: (result: RunResult) => void;
  /** AWS SDK clients (loaded on first use) for rules that read the account or security groups. */
  aws?: AwsClients;
  /** Finds the real file a program word runs (`k` → /usr/local/bin/kubectl). */
  files: ProgramFiles;
  /** Team locks; absent without a team database, where a rule with `lock:` is refused. */
  locks?: LockPort;
  /** Approvals; absent without a team database, where an `approve` decision is refused. */
  approvals?: ApprovalPort;
}

export interface RunOptions {
  env?: string;
  confirm?: string;
  reason?: string;
  /** `--report FILE`: hints point at it only when it is written. */
  report?: string;
  /** `--wait`: how long to wait for a team lock another run holds. */
  lockWaitMs?: number;
  /** `--approval ID`: the approved request this run uses. */
  approval?: string;
}

export interface RunInput {
  mode: "run" | "plan";
  argv: string[];
  policy: Policy;
  options: RunOptions;
  context: RunContext;
}
