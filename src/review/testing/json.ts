/** `policy test --format json`: every result and both coverage measures, as data. */
import { type PolicyTestRun, runFailed } from "./report.js";

export function renderTestJson(runs: readonly PolicyTestRun[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      passed: !runs.some(runFailed),
      policies: runs.map((run) => ({
        name: run.name,
        files: run.files,
        passed: !runFailed(run),
        problems: run.problems,
        results: run.results.map((r) => ({
          name: r.test.name,
          passed: r.passed,
          failures: r.failures,
          file: r.test.source.file,
          line: r.test.source.line,
          column: r.test.source.column,
          actual: {
            decision: r.actual.decision,
            environment: r.actual.environment,
            rules: r.actual.rules,
          },
        })),
        ...(run.coverage && {
          coverage: {
            percent: run.coverage.percent,
            covered: run.coverage.covered,
            environmentPercent: run.coverage.environmentPercent,
            environmentCovered: run.coverage.environmentCovered,
            environmentItems: run.coverage.environmentItems,
            rules: run.coverage.rules.map((c) => ({
              id: c.rule.id,
              covered: c.covered,
              matched: c.matched,
              positive: c.positive,
              negative: c.negative,
              environments: c.environments,
            })),
          },
        }),
        ...(run.coverageShort && { coverageShort: run.coverageShort }),
      })),
    },
    null,
    2,
  )}\n`;
}
