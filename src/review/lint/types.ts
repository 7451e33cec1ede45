/**
 * The data `policy lint` works with: checks that look at a valid policy and return findings,
 * each with a stable code, a severity and the exact place a reviewer should look.
 */

import type { Policy, SourceRef } from "../../policy/types.js";
import type { ReviewPolicy, Subject } from "../shared/review-policy.js";

export type { Subject };

/** errors make `policy lint` exit 65; warnings exit 1 with --strict. */
export type Severity = "error" | "warning";

export interface FindingDraft {
  subject: Subject;
  message: string;
  at: SourceRef;
}

export interface Finding extends FindingDraft {
  code: string;
  name: string;
  severity: Severity;
  /** Set when a `lint: { ignore: … }` entry on the subject covers this finding. */
  suppressed?: { reason: string; at: SourceRef };
}

export interface LintInput {
  policy: Policy;
  review: ReviewPolicy;
}

/** One row of the catalogue: everything about a lint code lives here. */
export interface LintCheck {
  code: string;
  /** A short slug, e.g. "never-matches" (SARIF's rule name). */
  name: string;
  severity: Severity;
  /** Where a suppression of this code is written: on a rule, an environment, or the file. */
  scope: Subject["kind"];
  /** One line: what is wrong. */
  title: string;
  /** One line: why it matters. */
  why: string;
  check: (input: LintInput) => FindingDraft[];
  /** Runs once the other findings have been matched against the suppressions (PF100). */
  afterSuppressions?: boolean;
}
