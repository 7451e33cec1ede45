/** What one run or plan produced, as plain data; the JSON report and the human view render it. */

import type { CheckValue } from "../checks/types.js";
import type { ProgramIdentity } from "../command/identify-program.js";
import type { Entry, StateDiff, Violation } from "../diff/types.js";
import type { TruthView } from "../environment/truth.js";
import type { Decision } from "../policy/types.js";
import type { Outcome } from "./outcome.js";

export interface CheckResult {
  name: string;
  rule: string;
  /** A warn does not stop the run; it is shown and recorded. */
  status: "pass" | "warn" | "fail" | "skipped";
  detail: string;
  /** What the check measured (a number, a JSON value, days to a certificate's expiry). */
  value?: CheckValue;
  /** "after": a `verify` check, run once the command had run. */
  phase?: "after";
}

export interface ProbeSummary {
  name: string;
  rule: string;
  before?: number;
  after?: number;
  /** Why a snapshot is missing. */
  problem?: string;
}

export interface ExpectationSummary {
  rule: string;
  text: string;
}

/** What the commands were predicted to change, before they ran (the report's `predicted`). */
export interface PredictedReport {
  changes: {
    rule: string;
    state: string;
    /** The call in words: "revoke-security-group-ingress on db (sg-1)". */
    command: string;
    removed: Entry[];
    added: Entry[];
    /** Entries the command names that do not match the state, and why. */
    unmatched: { entry: Entry; why: string }[];
    notes: string[];
    /** Nothing will change whatever the state (a dry run, a call AWS refuses). */
    noChange: boolean;
    /** What one entry is called ("grant"). */
    noun?: string;
  }[];
  /** Commands a kind recognised but could not read, and why. */
  unpredictable: { rule: string; state: string; problem: string }[];
}

/** What a rollback did to one entry of the diff (`rollback: auto|prompt`). */
export interface RollbackEntry {
  rule: string;
  state: string;
  change: "removed" | "added" | "changed";
  entry: Entry;
  /** "re-authorized", "revoked", "description restored", "kept: allowed by the policy", "not done: …". */
  action: string;
  ok: boolean;
}

export interface RunResult {
  mode: "run" | "plan";
  outcome: Outcome;
  exitCode: number;
  commandExitCode: number | null;
  command: string[];
  /** How preflight read the command: each simple command it found, wrappers stripped. */
  normalised: string[][];
  /**
   * Programs judged under another name than the one typed (`k` → /usr/local/bin/kubectl,
   * `python3 -m awscli` → aws); absent when every program is judged as typed.
   */
  programs?: ProgramIdentity[];
  rules: { id: string; description?: string; file: string; line: number }[];
  decision: Decision | "none";
  decidedBy?: string;
  environment: {
    name: string;
    protected: boolean;
    known: boolean;
    source: string;
    target?: string;
    color: string;
    /** What the tool's own configuration says the command talks to (a rule's `target`). */
    truth?: TruthView;
    /** The environment the command's names point at, when the truth says another. */
    alias?: { name: string; known: boolean; protected: boolean; source: string; target?: string };
    /** Names and truth disagreeing, in one sentence. */
    note?: string;
  } | null;
  checks: CheckResult[];
  probes: ProbeSummary[];
  expected: ExpectationSummary[];
  predicted: PredictedReport | null;
  diff: StateDiff;
  violations: Violation[];
  confirmation: { required: boolean; given: boolean; method: "none" | "typed" | "flag" };
  rollback: {
    attempted: boolean;
    succeeded: boolean | null;
    detail?: string;
    /** `rollback: auto|prompt`: every entry of the diff and what was done with it. */
    entries?: RollbackEntry[];
    /** Commands that would undo what should not have changed, when preflight did not run them. */
    commands?: string[];
  };
  reason: string | null;
  /** One sentence on why the run ended as it did, and what to do next. */
  message: string;
  hint?: string;
  policy: { files: string[]; sha256: string } | null;
  /** `run --approval ID`: the approved request this run used, who asked and who approved. */
  approval?: { id: string; requester: string; approver: string };
  startedAt: string;
  durationMs: number;
  /** Set when a signal (Ctrl-C) stopped preflight before the command started: which, and during what. */
  interruption?: { signal: string; during: string };
  /** Not in the report: set when the audit record could not be written, so the edge prints it. */
  auditFailure?: { error: string; record: Record<string, unknown> };
}
