/** What a procedure needs from the outside world, passed in so every branch can be tested. */
import type { Policy, Procedure } from "../policy/types.js";
import type {
  AnnounceStep,
  AuditSink,
  LockPort,
  ProcessRunner,
  Prompter,
  RunContext,
} from "../run/ports.js";
import type { ProgressStore } from "./progress.js";
import type { ProcedurePlan, ProcedureResult } from "./result.js";

export interface ProcedurePrompter extends Prompter {
  /** Asks whether to go on with the next step; false when they decline or cancel. */
  continueStep(question: string): Promise<boolean>;
}

export interface ProcedurePresenter {
  /** The whole plan: banner, params, every step with its checks, command, verify and undo. */
  showPlan(plan: ProcedurePlan): Promise<void>;
  /** A step starting or ending, or progress within one. */
  progress(message: string): void;
  /** A check or snapshot starts: what runs and its time limit (the terminal's progress line). */
  step?: AnnounceStep;
}

export interface ProcedurePorts {
  runner: ProcessRunner;
  prompter: ProcedurePrompter;
  presenter: ProcedurePresenter;
  audit: AuditSink;
  progress: ProgressStore;
  now: () => Date;
  newRunId: () => string;
  /** This process's id, recorded in the progress file while it runs. */
  pid: number;
  /** Whether the process that wrote a progress file is still running (same host only). */
  isRunning: (pid: number, host: string) => boolean;
  /**
   * Called once with the result the procedure fills in as it goes: what the edge records
   * when a signal (Ctrl-C) stops preflight between steps.
   */
  watch?: (result: ProcedureResult) => void;
  /** Called as each step begins, before its checks, when no command of the procedure runs. */
  stepStarting?: (number: number, name: string) => void;
  /** Team locks (the procedure's `lock:`); absent without a team database. The CLI releases them. */
  locks?: LockPort;
}

export interface ProcedureOptions {
  env?: string;
  confirm?: string;
  reason?: string;
  resume?: boolean;
  restart?: boolean;
}

export interface ProcedureInput {
  mode: "run" | "plan" | "undo";
  policy: Policy;
  procedure: Procedure;
  /** The operator's `--param` words, unparsed. */
  paramWords: string[];
  options: ProcedureOptions;
  context: RunContext;
  /** The operator's command line for this procedure, to tell them exactly how to resume or undo. */
  commandFor: (verb: "run" | "run --resume" | "undo") => string;
}
