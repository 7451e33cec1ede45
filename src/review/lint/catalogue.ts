/**
 * Every lint code, in one table. To add a check: write its function (in checks/), add a row
 * here with the next free code, and add a case to catalogue.test.ts with a policy that
 * triggers it and one that does not. Codes are stable: never reuse or renumber one, since
 * suppressions in people's policies name them. The README's table is generated from the
 * same rows (`preflight policy lint --list`).
 */
import {
  allowInProtected,
  destructiveUnverified,
  rollbackUnverified,
} from "./checks/destructive.js";
import {
  protectedWithoutSignal,
  undetectableDecision,
  unknownEnvironmentImplicit,
  unknownWeakerThanProtected,
} from "./checks/environments.js";
import { neverMatches, overBroadMatch, shadowedRules } from "./checks/matching.js";
import { shellStringWithoutShell } from "./checks/run-specs.js";
import { unusedSuppressions } from "./checks/suppressions.js";
import type { LintCheck } from "./types.js";

export const LINT_CHECKS: readonly LintCheck[] = [
  {
    code: "PF100",
    name: "unused-suppression",
    severity: "warning",
    scope: "rule",
    title: "a suppression that suppresses nothing",
    why: "a stale suppression would silently hide the same finding when it comes back",
    check: unusedSuppressions,
    afterSuppressions: true,
  },
  {
    code: "PF101",
    name: "never-matches",
    severity: "error",
    scope: "rule",
    title: "a rule that can never match",
    why: "its author believes a command is guarded that is not",
    check: neverMatches,
  },
  {
    code: "PF102",
    name: "shadowed-rule",
    severity: "warning",
    scope: "rule",
    title: "a rule fully shadowed by another",
    why: "it changes nothing, so a reviewer may approve an edit to it that has no effect",
    check: shadowedRules,
  },
  {
    code: "PF103",
    name: "allow-in-protected",
    severity: "error",
    scope: "rule",
    title: "a destructive rule that allows in a protected environment",
    why: "the PaaS outage: a delete ran in production with nobody asked",
    check: allowInProtected,
  },
  {
    code: "PF104",
    name: "protected-without-signal",
    severity: "warning",
    scope: "environment",
    title: "a protected environment with no match.target, match.vars or match.aws-account",
    why: "preflight cannot recognise it from a command's target, so its protection rarely applies",
    check: protectedWithoutSignal,
  },
  {
    code: "PF105",
    name: "unknown-environment-implicit",
    severity: "warning",
    scope: "policy",
    title: "unknown-environment not written down",
    why: "what happens to an unidentified target is a decision reviewers must see",
    check: unknownEnvironmentImplicit,
  },
  {
    code: "PF106",
    name: "unknown-environment-weaker",
    severity: "warning",
    scope: "policy",
    title: "unknown environments confirmed where a protected one is denied",
    why: "a production target missing from match.target is one typed name away from running",
    check: unknownWeakerThanProtected,
  },
  {
    code: "PF107",
    name: "destructive-unverified",
    severity: "warning",
    scope: "rule",
    title: "a rule that deletes or revokes with no state or expect",
    why: "the Chargify outage: a revoke removed more than it named and nobody saw it",
    check: destructiveUnverified,
  },
  {
    code: "PF108",
    name: "rollback-unverified",
    severity: "error",
    scope: "rule",
    title: "a rollback without state and expectations to trigger it",
    why: "rollback runs only when verification fails, so without it the rollback never runs",
    check: rollbackUnverified,
  },
  {
    code: "PF109",
    name: "needless-shell",
    severity: "warning",
    scope: "rule",
    title: "a sh -c string where an argv list would do",
    why: "a list runs without a shell, so no value can be read as shell syntax",
    check: shellStringWithoutShell,
  },
  {
    code: "PF110",
    name: "over-broad-match",
    severity: "warning",
    scope: "rule",
    title: "a bare multi-purpose tool with no args",
    why: "guarding every kubectl or git command trains people to confirm without reading",
    check: overBroadMatch,
  },
  {
    code: "PF111",
    name: "undetectable-decision",
    severity: "warning",
    scope: "rule",
    title: "a decision for an environment the rule cannot detect",
    why: "only --env selects it, so the decision depends on the operator knowing where they are",
    check: undetectableDecision,
  },
];

export function lintCheck(code: string): LintCheck | undefined {
  return LINT_CHECKS.find((c) => c.code === code);
}
