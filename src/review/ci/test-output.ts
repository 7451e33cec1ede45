/** `policy test` in Markdown and as GitHub annotations (one error per failing case). */

import { type Annotation, workflowCommands } from "../../ci/github.js";
import { cell, link, table } from "../../ci/markdown.js";
import { formatProblem } from "../../errors.js";
import { formatPercent, type PolicyTestRun, runFailed } from "../testing/report.js";

export function renderTestMarkdown(runs: readonly PolicyTestRun[]): string {
  const failed = runs.filter(runFailed).length;
  const out = [
    `### policy test: ${failed === 0 ? "✔ passed" : `**✘ failed** (${failed} of ${runs.length})`}`,
    "",
  ];
  const rows = runs.map((run) => {
    const passed = run.results.filter((r) => r.passed).length;
    const c = run.coverage;
    return [
      `${runFailed(run) ? "✘" : "✔"} ${cell(run.name)}`,
      run.problems.length ? "invalid" : `${passed} of ${run.results.length}`,
      c ? formatPercent(c.percent) : "",
      c
        ? `${formatPercent(c.environmentPercent)} (${c.environmentCovered} of ${c.environmentItems})`
        : "",
    ];
  });
  out.push(...table(["policy", "cases passed", "rule coverage", "rule × environment"], rows), "");
  const failures = runs.flatMap((run) => [
    ...run.problems.map((p) => [link(p), cell(formatProblem(p))]),
    ...run.results
      .filter((r) => !r.passed)
      .map((r) => [link(r.test.source), cell(`${r.test.name}: ${r.failures.join("; ")}`)]),
    ...(run.coverage?.rules ?? []).flatMap((c) =>
      c.environments
        .filter((e) => !e.covered && run.coverageShort)
        .map((e) => [
          link(c.rule.source),
          cell(`${c.rule.id} × ${e.environment}: no test asserts this decision`),
        ]),
    ),
  ]);
  if (failures.length) out.push(...table(["where", "what failed"], failures), "");
  return out.join("\n");
}

export function testAnnotations(runs: readonly PolicyTestRun[]): string {
  const annotations: Annotation[] = runs.flatMap((run) => [
    ...run.problems.map((p) => ({
      level: "error" as const,
      at: p,
      title: "invalid policy",
      message: p.hint ? `${p.message} (${p.hint})` : p.message,
    })),
    ...run.results
      .filter((r) => !r.passed)
      .map((r) => ({
        level: "error" as const,
        at: r.test.source,
        title: `policy test failed: ${r.test.name}`,
        message: r.failures.join("\n"),
      })),
    ...(run.coverageShort
      ? [
          {
            level: "error" as const,
            message: `${run.name}: coverage ${formatPercent(run.coverageShort.percent)} is below --min-coverage ${run.coverageShort.min}%`,
          },
        ]
      : []),
  ]);
  return workflowCommands(annotations);
}
