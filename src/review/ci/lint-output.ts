/**
 * `policy lint` in Markdown, as GitHub annotations, and as a GitLab Code Quality report (the
 * JSON array GitLab shows in merge requests: description, check_name, fingerprint, severity,
 * location.path and location.lines.begin).
 */
import { createHash } from "node:crypto";
import { type Annotation, repositoryPath, workflowCommands } from "../../ci/github.js";
import { cell, code, link, table } from "../../ci/markdown.js";
import type { PolicyProblem } from "../../errors.js";
import { type PolicyLintResult, summarise } from "../lint/report.js";
import type { Finding } from "../lint/types.js";

export function renderLintMarkdown(results: readonly PolicyLintResult[]): string {
  const s = summarise(results);
  const clean = s.invalid + s.errors + s.warnings === 0;
  const out = [
    `### policy lint: ${clean ? "✔ clean" : `${s.invalid ? `**${s.invalid} invalid**, ` : ""}${s.errors} error${s.errors === 1 ? "" : "s"}, ${s.warnings} warning${s.warnings === 1 ? "" : "s"}`}${s.suppressed ? ` (${s.suppressed} suppressed)` : ""}`,
    "",
  ];
  const rank = { error: 0, warning: 1 } as const;
  const rows = [
    ...results.flatMap((r) => r.problems.map((p) => ["✘ invalid", "", link(p), cell(p.message)])),
    ...results
      .flatMap((r) => r.findings.filter((f) => !f.suppressed))
      .sort((a, b) => rank[a.severity] - rank[b.severity])
      .map((f) => [
        f.severity === "error" ? "✘ error" : "⚠ warning",
        `${code(f.code)} ${f.name}`,
        link(f.at),
        cell(f.message),
      ]),
  ];
  if (rows.length) out.push(...table(["", "code", "where", "finding"], rows), "");
  return out.join("\n");
}

export function lintAnnotations(results: readonly PolicyLintResult[]): string {
  const annotations: Annotation[] = [
    ...results.flatMap((r) => r.problems.map(problemAnnotation)),
    ...results
      .flatMap((r) => r.findings.filter((f) => !f.suppressed))
      .map((f) => ({
        level: f.severity === "error" ? ("error" as const) : ("warning" as const),
        at: f.at,
        title: `${f.code} ${f.name}`,
        message: f.message,
      })),
  ];
  return workflowCommands(annotations);
}

function problemAnnotation(p: PolicyProblem): Annotation {
  return {
    level: "error",
    at: p,
    title: "invalid policy",
    message: p.hint ? `${p.message} (${p.hint})` : p.message,
  };
}

/** GitLab Code Quality: one issue per finding and per validation problem. */
export function renderGitlabCodeQuality(results: readonly PolicyLintResult[]): string {
  const issue = (
    checkName: string,
    description: string,
    severity: string,
    at: PolicyProblem | Finding["at"],
  ) => ({
    description,
    check_name: checkName,
    // Stable across runs that do not change the finding, so GitLab can tell new from fixed.
    fingerprint: createHash("sha256")
      .update([checkName, repositoryPath(at.file), description].join("\0"))
      .digest("hex"),
    severity,
    location: { path: repositoryPath(at.file), lines: { begin: at.line } },
  });
  const issues = [
    ...results.flatMap((r) =>
      r.problems.map((p) => issue("invalid-policy", p.message, "blocker", p)),
    ),
    ...results
      .flatMap((r) => r.findings.filter((f) => !f.suppressed))
      .map((f) =>
        issue(
          `${f.code} ${f.name}`,
          f.message,
          f.severity === "error" ? "critical" : "minor",
          f.at,
        ),
      ),
  ];
  return `${JSON.stringify(issues, null, 2)}\n`;
}
