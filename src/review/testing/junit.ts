/**
 * JUnit XML for CI systems that show test results (GitLab, Jenkins, Azure, the GitHub
 * actions that read it): one suite per policy, one case per test case, plus a failing case
 * for a policy with no tests, an invalid policy or coverage below --min-coverage.
 */
import { formatProblem } from "../../errors.js";
import { formatPercent, type PolicyTestRun } from "./report.js";

export function renderJunit(runs: readonly PolicyTestRun[]): string {
  const suites = runs.map((run) => {
    const cases: string[] = [];
    const fail = (name: string, message: string, body = message) =>
      cases.push(
        `    <testcase classname="${xml(run.name)}" name="${xml(name)}">\n      <failure message="${xml(message)}">${xml(body)}</failure>\n    </testcase>`,
      );
    if (run.problems.length > 0) {
      fail("policy is valid", "the policy is invalid", run.problems.map(formatProblem).join("\n"));
    } else if (run.results.length === 0) {
      fail("policy has test cases", "no test cases: a policy with no tests proves nothing");
    }
    for (const r of run.results) {
      const at = `${r.test.source.file}:${r.test.source.line}:${r.test.source.column}`;
      if (r.passed) {
        cases.push(
          `    <testcase classname="${xml(run.name)}" name="${xml(r.test.name)}" file="${xml(r.test.source.file)}" line="${r.test.source.line}"/>`,
        );
      } else {
        fail(r.test.name, r.failures.join("; "), `${r.failures.join("\n")}\nat ${at}`);
      }
    }
    if (run.coverageShort) {
      const rules = run.coverage!.rules;
      const uncovered = rules
        .filter((c) => c.positive.length === 0 || c.negative.length === 0)
        .map((c) => c.rule.id);
      const environments = rules.flatMap((c) =>
        c.environments.filter((e) => !e.covered).map((e) => `${c.rule.id} × ${e.environment}`),
      );
      fail(
        `coverage at least ${run.coverageShort.min}%`,
        `coverage ${formatPercent(run.coverageShort.percent)} is below ${run.coverageShort.min}%`,
        [
          `rule coverage ${formatPercent(run.coverage!.percent)}; rule × environment coverage ${formatPercent(run.coverage!.environmentPercent)}`,
          ...(uncovered.length
            ? [`rules without both a positive and a negative case: ${uncovered.join(", ")}`]
            : []),
          ...(environments.length
            ? [`rule × environment decisions no test asserts: ${environments.join(", ")}`]
            : []),
        ].join("\n"),
      );
    }
    const failures = cases.filter((c) => c.includes("<failure")).length;
    return `  <testsuite name="${xml(run.name)}" tests="${cases.length}" failures="${failures}" errors="0">\n${cases.join("\n")}\n  </testsuite>`;
  });
  const total = (pattern: RegExp) =>
    suites.reduce((n, s) => n + (s.match(pattern)?.length ?? 0), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="preflight policy test" tests="${total(/<testcase /g)}" failures="${total(/<failure /g)}" errors="0">\n${suites.join("\n")}\n</testsuites>\n`;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
      // Characters XML 1.0 cannot carry at all.
      .replace(/[^\t\n\r\u{20}-\u{D7FF}\u{E000}-\u{FFFD}\u{10000}-\u{10FFFF}]/gu, "")
  );
}
