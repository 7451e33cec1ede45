/**
 * SARIF 2.1.0, the format code hosts (GitHub code scanning, GitLab, Azure DevOps) read to
 * annotate a pull request: one run, the catalogue as the tool's rules, each finding as a
 * result at its file, line and column. Suppressed findings stay in, marked with their
 * reason, so the host shows them as dismissed rather than forgetting them. A policy that is
 * invalid appears as PF000 results, one per problem.
 */
import type { PolicyProblem } from "../../errors.js";
import { LINT_CHECKS } from "./catalogue.js";
import type { PolicyLintResult } from "./report.js";
import type { Severity } from "./types.js";

const INVALID = {
  code: "PF000",
  name: "invalid-policy",
  severity: "error" as Severity,
  title: "the policy is invalid",
  why: "preflight refuses to run anything under an invalid policy",
  scope: "policy",
};

export function renderSarif(
  results: readonly PolicyLintResult[],
  options: { version: string; root: string },
): string {
  const rules = [INVALID, ...LINT_CHECKS];
  const index = new Map(rules.map((r, i) => [r.code, i]));
  const location = (file: string, line: number, column: number) => ({
    physicalLocation: {
      artifactLocation: artifactLocation(file),
      region: { startLine: line, startColumn: column },
    },
  });
  const problemResult = (p: PolicyProblem) => ({
    ruleId: INVALID.code,
    ruleIndex: 0,
    level: "error",
    message: { text: p.hint ? `${p.message} (${p.hint})` : p.message },
    locations: [location(p.file, p.line, p.column)],
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "preflight",
            semanticVersion: options.version,
            rules: rules.map((r) => ({
              id: r.code,
              name: r.name,
              shortDescription: { text: r.title },
              fullDescription: { text: r.why },
              help: {
                text: `${r.title}: ${r.why}.${r.code === INVALID.code ? "" : ` To accept it, write lint: { ignore: [{ code: ${r.code}, reason: "…" }] } on the ${r.scope === "policy" ? "top level of the policy file" : r.scope}.`}`,
              },
              defaultConfiguration: { level: r.severity },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: toDirectoryUri(options.root) } },
        columnKind: "utf16CodeUnits",
        results: results.flatMap((r) => [
          ...r.problems.map(problemResult),
          ...r.findings.map((f) => ({
            ruleId: f.code,
            ruleIndex: index.get(f.code)!,
            level: f.severity,
            message: { text: f.message },
            locations: [location(f.at.file, f.at.line, f.at.column)],
            ...(f.suppressed && {
              suppressions: [
                {
                  kind: "inSource",
                  justification: f.suppressed.reason,
                  location: location(
                    f.suppressed.at.file,
                    f.suppressed.at.line,
                    f.suppressed.at.column,
                  ),
                },
              ],
            }),
          })),
        ]),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** A file relative to %SRCROOT% (the working folder); `git:REV:path` is that path. */
function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  const path = file.startsWith("git:") ? file.replace(/^git:[^:]*:/, "") : file;
  const uri = path.split("/").map(encodeURIComponent).join("/");
  return path.startsWith("/") ? { uri: `file://${uri}` } : { uri, uriBaseId: "%SRCROOT%" };
}

function toDirectoryUri(dir: string): string {
  const encoded = dir.split("/").map(encodeURIComponent).join("/");
  return `file://${encoded.endsWith("/") ? encoded : `${encoded}/`}`;
}
