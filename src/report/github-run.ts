/**
 * A guarded run in GitHub Actions (GITHUB_ACTIONS=true): a refusal or a violation becomes an
 * `::error::` annotation with the reason and the fix, and the run's summary (environment,
 * rule, decision, outcome, change) is appended to the step summary. Built from the redacted
 * JSON report, so nothing here can show a secret the report would hide.
 */
import { type Annotation, appendStepSummary, workflowCommands } from "../ci/github.js";
import { cell, code, table } from "../ci/markdown.js";
import type { RunResult } from "../run/result.js";
import { toJsonReport } from "./json.js";

/** The report as data, secrets already hidden (the JSON report's own type is loose). */
type Redacted = Omit<RunResult, "rules"> & { rules: string[] };
const redacted = (result: RunResult) => toJsonReport(result) as unknown as Redacted;

/** Outcomes where the run did what it was asked. */
const FINE = new Set(["ok", "no-rule"]);

export function runAnnotations(result: RunResult): string {
  const report = redacted(result);
  const annotations: Annotation[] = [];
  if (!FINE.has(report.outcome)) {
    annotations.push({
      level: "error",
      title: `preflight ${report.mode}: ${report.outcome} (exit ${report.exitCode})`,
      message: `${report.message}${report.hint ? `\nfix: ${report.hint}` : ""}`,
    });
  }
  for (const v of report.violations)
    annotations.push({
      level: "error",
      title: `preflight: ${v.predicted ? "predicted " : ""}violation of ${v.expectation}${v.rule ? ` (rule ${v.rule})` : ""}`,
      message: v.message,
    });
  return workflowCommands(annotations);
}

export function runSummaryMarkdown(result: RunResult): string {
  const r = redacted(result);
  const env = r.environment
    ? `${r.environment.name}${r.environment.protected ? " (protected)" : ""}`
    : "none";
  const change = `${r.diff.added.length} added, ${r.diff.removed.length} removed, ${r.diff.changed.length} changed`;
  const mark = FINE.has(r.outcome) ? "✔" : "✘";
  return [
    `### preflight ${r.mode}: ${mark} ${r.outcome} (exit ${r.exitCode})`,
    "",
    ...table(
      ["command", "environment", "rule", "decision", "change"],
      [
        [
          cell(code(r.command.join(" "))),
          cell(env),
          cell(r.decidedBy ?? r.rules.join(", ")),
          r.decision,
          change,
        ],
      ],
    ),
    "",
    cell(r.message),
    ...(r.hint ? ["", `**Fix:** ${cell(r.hint)}`] : []),
    ...r.violations.map((v) => `- ✘ ${cell(v.message)}`),
    "",
  ].join("\n");
}

/** Writes both, when the run is in GitHub Actions and a rule was involved. */
export function reportToGithub(
  result: RunResult,
  env: Record<string, string | undefined>,
  write: (text: string) => void,
): void {
  write(runAnnotations(result));
  appendStepSummary(env, runSummaryMarkdown(result));
}
