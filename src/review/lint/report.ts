/**
 * The result of linting one or more policies as plain data, and its text and JSON views.
 * SARIF, the view code hosts read, is in sarif.ts.
 */
import { formatProblem, type PolicyProblem } from "../../errors.js";
import type { Finding, Subject } from "./types.js";

export interface PolicyLintResult {
  name: string;
  files: string[];
  /** Validation problems; when there are any, the policy was not linted. */
  problems: PolicyProblem[];
  findings: Finding[];
}

export interface LintSummary {
  invalid: number;
  errors: number;
  warnings: number;
  suppressed: number;
}

export function summarise(results: readonly PolicyLintResult[]): LintSummary {
  const active = results.flatMap((r) => r.findings.filter((f) => !f.suppressed));
  return {
    invalid: results.filter((r) => r.problems.length > 0).length,
    errors: active.filter((f) => f.severity === "error").length,
    warnings: active.filter((f) => f.severity === "warning").length,
    suppressed: results.reduce((n, r) => n + r.findings.filter((f) => f.suppressed).length, 0),
  };
}

/** 65 for an invalid policy or any error; 1 for warnings under --strict; else 0. */
export function lintExitCode(summary: LintSummary, strict: boolean): number {
  if (summary.invalid > 0 || summary.errors > 0) return 65;
  return strict && summary.warnings > 0 ? 1 : 0;
}

export function renderLintText(
  results: readonly PolicyLintResult[],
  options: { showSuppressed: boolean },
): string {
  const lines: string[] = [];
  for (const result of results) {
    for (const problem of result.problems) lines.push(formatProblem(problem));
    for (const f of result.findings) {
      const where = `${f.at.file}:${f.at.line}:${f.at.column}`;
      if (!f.suppressed) lines.push(`${where}: ${f.severity} ${f.code} ${f.name}: ${f.message}`);
      else if (options.showSuppressed)
        lines.push(
          `${where}: suppressed ${f.code} ${f.name}: ${f.message}\n  reason: ${f.suppressed.reason}`,
        );
    }
    const s = summarise([result]);
    lines.push(
      result.problems.length > 0
        ? `${result.name}: invalid (${count(result.problems.length, "problem")}), not linted`
        : `${result.name}: ${count(s.errors, "error")}, ${count(s.warnings, "warning")}${s.suppressed ? `, ${s.suppressed} suppressed` : ""}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function renderLintJson(results: readonly PolicyLintResult[]): string {
  return `${JSON.stringify(
    {
      version: 1,
      summary: summarise(results),
      policies: results.map((r) => ({
        name: r.name,
        files: r.files,
        valid: r.problems.length === 0,
        problems: r.problems,
        findings: r.findings.map((f) => ({
          code: f.code,
          name: f.name,
          severity: f.severity,
          message: f.message,
          file: f.at.file,
          line: f.at.line,
          column: f.at.column,
          subject: subjectJson(f.subject),
          ...(f.suppressed && { suppressed: { reason: f.suppressed.reason } }),
        })),
      })),
    },
    null,
    2,
  )}\n`;
}

export function subjectJson(subject: Subject): Record<string, string> {
  if (subject.kind === "rule") return { kind: "rule", id: subject.rule.id };
  if (subject.kind === "environment") return { kind: "environment", name: subject.env.name };
  return { kind: "policy" };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
