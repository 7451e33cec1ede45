/** What a procedure run, plan or undo produced, as plain data; the views and the report render it. */
import type { StateDiff, Violation } from "../diff/types.js";
import type { Decision } from "../policy/types.js";
import type { Outcome } from "../run/outcome.js";
import type { CheckResult, RunResult } from "../run/result.js";

/** How one step is described before it runs: the commands with their templates filled. */
export interface StepPlan {
  /** 1-based, as the operator counts. */
  number: number;
  name: string;
  checks: { name: string; command: string }[];
  command?: string;
  verify: { name: string; command: string }[];
  undo?: string;
  state: string[];
  expected?: string;
  /** Already completed and verified by the run being resumed. */
  done: boolean;
}

export interface ProcedurePlan {
  procedure: string;
  description?: string;
  environment: NonNullable<RunResult["environment"]>;
  decision: Decision;
  confirmation: { required: boolean; word: string };
  params: Record<string, string>;
  onFailure: "stop" | "undo";
  steps: StepPlan[];
  /** The 1-based step a resumed run starts at. */
  resumeAt?: number;
  /** The plan of an undo: these steps' undo commands, newest first. */
  undoing?: boolean;
}

export type StepStatus = "verified" | "failed" | "declined" | "not-run" | "done-before";

export interface StepResult {
  number: number;
  name: string;
  status: StepStatus;
  checks: CheckResult[];
  command?: string;
  commandExitCode: number | null;
  verify: CheckResult[];
  diff?: StateDiff;
  violations: Violation[];
  /** Why it failed, in one sentence. */
  problem?: string;
}

export interface UndoResult {
  attempted: boolean;
  succeeded: boolean | null;
  steps: {
    number: number;
    name: string;
    command?: string;
    status: "undone" | "failed" | "no-undo" | "left";
    detail: string;
  }[];
}

export interface ProcedureResult {
  version: 1;
  kind: "procedure";
  mode: "run" | "plan" | "undo";
  procedure: string;
  runId: string | null;
  outcome: Outcome;
  exitCode: number;
  environment: RunResult["environment"];
  decision: Decision | "none";
  params: Record<string, string>;
  confirmation: RunResult["confirmation"];
  reason: string | null;
  steps: StepResult[];
  /** The 1-based number of the step that failed, if one did. */
  failedStep: number | null;
  resumedAt: number | null;
  undo: UndoResult;
  message: string;
  hint?: string;
  /** The exact commands to go on from here. */
  next: { resume?: string; undo?: string };
  policy: { files: string[]; sha256: string } | null;
  startedAt: string;
  durationMs: number;
  auditFailure?: { error: string; record: Record<string, unknown> };
}
