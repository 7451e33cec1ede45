/**
 * Turns zod's validation issues into policy problems a person can act on: file, line,
 * column, the offending value and a hint, in the policy's own words (schema-wording.ts).
 */
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import type { PolicyProblem } from "../errors.js";
import { positionOf, positionOfKey } from "./positions.js";
import { describePath, wordIssue } from "./schema-wording.js";
import { closest } from "./suggest.js";

type Issue = z.core.$ZodIssue;
type PathKey = string | number;

/** Every key the schema knows, for "did you mean" hints on unknown keys. */
const KNOWN_KEYS = [
  "version",
  "environments",
  "unknown-environment",
  "unparsable-scripts",
  "rules",
  "tests",
  "protected",
  "color",
  "description",
  "match",
  "target",
  "vars",
  "id",
  "hint",
  "command",
  "args",
  "environment",
  "resource",
  "decision",
  "require-reason",
  "checks",
  "state",
  "expect",
  "rollback",
  "flag",
  "position",
  "name",
  "run",
  "exit",
  "timeout",
  "read-only",
  "format",
  "key",
  "added",
  "removed",
  "changed",
  "unchanged",
  "max",
  "only",
  "never",
  "env",
  "lint",
  "ignore",
  "code",
  "reason",
  // checks (src/policy/check-schema.ts)
  "use",
  "tls",
  "http",
  "verify",
  "retry-for",
  "stdout",
  "body",
  "json",
  "number",
  "status",
  "latency-ms",
  "equals",
  "contains",
  "matches",
  "path",
  "min",
  "warn",
  "connect",
  "servername",
  "cert-file",
  "ca-file",
  "min-days",
  "warn-days",
  "check-hostname",
  "url",
  "method",
  "bearer-env",
  "headers-env",
  "aws-ec2-security-groups",
  "aws-account",
  "groups",
  "all",
  "predicted",
];

export function issuesToProblems(
  issues: readonly Issue[],
  file: string,
  doc: Document,
  lc: LineCounter,
): PolicyProblem[] {
  return issues.flatMap((issue) => issueToProblems(issue, file, doc, lc));
}

function issueToProblems(
  issue: Issue,
  file: string,
  doc: Document,
  lc: LineCounter,
): PolicyProblem[] {
  const path = issue.path as PathKey[];
  const where = `${describePath(path)}`;
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => {
      const pos = positionOfKey(doc, lc, path, key);
      const guess = closest(key, KNOWN_KEYS);
      return {
        file,
        ...pos,
        message: `unknown key '${key}'${path.length ? ` in ${where}` : ""}`,
        hint: guess
          ? `did you mean '${guess}'? Unknown keys are errors so that a typo cannot switch a guard off.`
          : "remove it, or check the policy format (docs/policy.md, or preflight policy schema).",
      };
    });
  }
  if (issue.code === "invalid_union") {
    // When one branch got past the type check, its issues are the useful ones.
    const deeper = issue.errors
      .filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0))
      .sort((a, b) => a.length - b.length)[0];
    if (deeper) {
      return deeper.flatMap((inner) =>
        issueToProblems({ ...inner, path: [...path, ...inner.path] } as Issue, file, doc, lc),
      );
    }
  }
  const pos = positionOf(doc, lc, path);
  const { message, hint } = wordIssue(issue, plain(doc.getIn(path)));
  return [{ file, ...pos, message, ...(hint ? { hint } : {}) }];
}

/** The YAML library hands back maps and lists as nodes; the wording wants plain values. */
function plain(value: unknown): unknown {
  if (typeof value === "object" && value !== null && "toJSON" in value) {
    return (value as { toJSON(): unknown }).toJSON();
  }
  return value;
}
