/** PF100: suppressions that matched no finding (run after the others are matched). */
import type { FindingDraft, LintInput } from "../types.js";

export function unusedSuppressions({ review }: LintInput): FindingDraft[] {
  return review.suppressions
    .filter((s) => !s.used)
    .map((s) => ({
      subject: s.subject,
      at: s.at,
      message: `the suppression of ${s.code} suppresses nothing here; remove it, so it cannot hide the finding if it comes back`,
    }));
}
