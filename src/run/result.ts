/** What one run or plan produced, as plain data; the JSON report and the human view render it. */
import type { CheckValue } from "../checks/types.js";
import type { StateDiff, Violation } from "../diff/types.js";
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

export interface RunResult {
  mode: "run" | "plan";
  outcome: Outcome;
  exitCode: number;
  commandExitCode: number | null;
  command: string[];
  /** How preflight read the command: each simple command it found, wrappers stripped. */
  normalised: string[][];
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
  } | null;
  checks: CheckResult[];
  probes: ProbeSummary[];
  expected: ExpectationSummary[];
  predicted: null;
  diff: StateDiff;
  violations: Violation[];
  confirmation: { required: boolean; given: boolean; method: "none" | "typed" | "flag" };
  rollback: { attempted: boolean; succeeded: boolean | null; detail?: string };
  reason: string | null;
  /** One sentence on why the run ended as it did, and what to do next. */
  message: string;
  hint?: string;
  policy: { files: string[]; sha256: string } | null;
  startedAt: string;
  durationMs: number;
  /** Not in the report: set when the audit record could not be written, so the edge prints it. */
  auditFailure?: { error: string; record: Record<string, unknown> };
}
