/**
 * The result of `policy test` for one policy, as data, and its test-runner view. A policy
 * with no test cases fails: a green run that tested nothing is how guards rot unnoticed.
 */
import { formatProblem, type PolicyProblem } from "../../errors.js";
import type { PolicyTestResult } from "../../policy/test-cases.js";
import type { PolicyCoverage } from "./coverage.js";

export interface PolicyTestRun {
  name: string;
  files: string[];
  problems: PolicyProblem[];
  results: PolicyTestResult[];
  coverage?: PolicyCoverage;
  /** Set when --min-coverage asked for more than the policy has. */
  coverageShort?: { min: number; percent: number };
}

export function runFailed(run: PolicyTestRun): boolean {
  return (
    run.problems.length > 0 ||
    run.results.length === 0 ||
    run.results.some((r) => !r.passed) ||
    run.coverageShort !== undefined
  );
}

/** 65 for an invalid policy; 1 for a failed test, no tests or too little coverage; else 0. */
export function testExitCode(runs: readonly PolicyTestRun[]): number {
  if (runs.some((r) => r.problems.length > 0)) return 65;
  return runs.some(runFailed) ? 1 : 0;
}

export function renderTestText(runs: readonly PolicyTestRun[], showCoverage: boolean): string {
  const out: string[] = [];
  for (const run of runs) {
    out.push(run.name);
    if (run.problems.length > 0) {
      for (const p of run.problems) out.push(indent(formatProblem(p), "  "));
      out.push(`  ✘ the policy is invalid, so its tests were not run`, "");
      continue;
    }
    if (run.results.length === 0) {
      out.push(
        "  ✘ no test cases: add `tests:` to the policy, or a NAME.test.yaml beside it; a policy with no tests proves nothing",
      );
    }
    for (const r of run.results) {
      out.push(`  ${r.passed ? "✔" : "✘"} ${r.test.name}`);
      if (r.passed) continue;
      for (const failure of r.failures) out.push(`      ${failure}`);
      out.push(`      at ${r.test.source.file}:${r.test.source.line}:${r.test.source.column}`);
    }
    if (run.coverage && (showCoverage || run.coverageShort))
      out.push(...renderCoverage(run, showCoverage));
    const failed = run.results.filter((r) => !r.passed).length;
    out.push(
      `  ${run.results.length - failed} of ${run.results.length} test cases passed${run.coverage ? `; ${coverageSummary(run.coverage)}` : ""}`,
      "",
    );
  }
  const failedRuns = runs.filter(runFailed).length;
  const policies = `${runs.length} ${runs.length === 1 ? "policy" : "policies"}`;
  out.push(
    failedRuns === 0
      ? `policy test: passed (${policies})`
      : `policy test: failed (${failedRuns} of ${policies})`,
  );
  return `${out.join("\n")}\n`;
}

/** Both measures in one line: whole rules, and rule × environment decisions. */
export function coverageSummary(coverage: PolicyCoverage): string {
  return `rule coverage ${formatPercent(coverage.percent)} (${coverage.covered} of ${coverage.rules.length} rules with a positive case, a negative case and every environment); rule × environment coverage ${formatPercent(coverage.environmentPercent)} (${coverage.environmentCovered} of ${coverage.environmentItems})`;
}

/** The lower of the two measures: what --min-coverage holds the policy to. */
export function coveragePercent(coverage: PolicyCoverage): number {
  return Math.min(coverage.percent, coverage.environmentPercent);
}

function renderCoverage(run: PolicyTestRun, all: boolean): string[] {
  const coverage = run.coverage!;
  const out: string[] = [];
  if (run.coverageShort) {
    out.push(
      `  ✘ coverage ${formatPercent(run.coverageShort.percent)} is below --min-coverage ${run.coverageShort.min}%`,
    );
  }
  const rows = coverage.rules.filter((c) => all || !c.covered);
  if (rows.length === 0) return out;
  const width = Math.max(4, ...rows.map((c) => c.rule.id.length));
  out.push(`  ${"rule".padEnd(width)}  matched  positive  negative  environments`);
  for (const c of rows) {
    const mark = (names: string[]) => (names.length > 0 ? `✔ ${names.length}` : "✘ 0").padEnd(8);
    const envs = c.environments.map((e) => `${e.covered ? "✔" : "✘"} ${e.environment}`).join("  ");
    out.push(
      `  ${c.rule.id.padEnd(width)}  ${mark(c.matched)} ${mark(c.positive)}  ${mark(c.negative)}  ${envs}`.trimEnd(),
    );
  }
  const missing = rows.filter((c) => !c.covered);
  if (missing.length > 0) {
    out.push(
      "  a positive case lists the rule in expect.rules and matches it; a negative case runs the rule's program but does not match it;",
      "  an environment is covered by a test that matches the rule there and asserts the decision (the fallback: in any environment the decision map does not name)",
    );
  }
  return out;
}

export function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}
