/**
 * Runs every check of the catalogue over a valid policy: findings in file order, each marked
 * when a suppression on its subject covers it.
 */

import type { Policy } from "../../policy/types.js";
import type { ReviewPolicy } from "../shared/review-policy.js";
import { LINT_CHECKS } from "./catalogue.js";
import { applySuppressions } from "./suppressions.js";
import type { Finding, LintCheck } from "./types.js";

export function lintPolicy(review: ReviewPolicy & { policy: Policy }): Finding[] {
  const input = { policy: review.policy, review };
  for (const s of review.suppressions) s.used = false;
  const run = (checks: readonly LintCheck[]): Finding[] =>
    checks.flatMap((check) =>
      check.check(input).map((draft) => ({
        ...draft,
        code: check.code,
        name: check.name,
        severity: check.severity,
      })),
    );
  const findings = run(LINT_CHECKS.filter((c) => !c.afterSuppressions));
  applySuppressions(findings, review.suppressions);
  findings.push(...run(LINT_CHECKS.filter((c) => c.afterSuppressions)));
  return findings.sort(
    (a, b) =>
      a.at.file.localeCompare(b.at.file) ||
      a.at.line - b.at.line ||
      a.at.column - b.at.column ||
      a.code.localeCompare(b.code),
  );
}
