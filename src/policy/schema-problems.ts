/**
 * Turns zod's validation issues into policy problems a person can act on: file, line,
 * column, the offending value and a hint.
 */
import type { Document, LineCounter } from "yaml";
import type { z } from "zod";
import type { PolicyProblem } from "../errors.js";
import { positionOf, positionOfKey } from "./positions.js";
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
          : "remove it, or check the policy format in the README (preflight policy schema).",
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
  const value = doc.getIn(path);
  return [{ file, ...pos, message: `${where}: ${describeIssue(issue, value)}` }];
}

function describeIssue(issue: Issue, value: unknown): string {
  const shown = value === undefined ? "nothing" : JSON.stringify(value);
  switch (issue.code) {
    case "invalid_type":
      return value === undefined
        ? `is required (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${shown}`;
    case "invalid_value":
      return `${shown} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_union":
      return `${shown} is not valid here (${unionExpectation(issue)})`;
    default:
      return `${issue.message} (got ${shown})`;
  }
}

function unionExpectation(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    for (const inner of branch) {
      if (inner.code === "invalid_type") expected.add(String(inner.expected));
      if (inner.code === "invalid_value")
        for (const v of inner.values) expected.add(JSON.stringify(v));
    }
  }
  return expected.size ? `expected ${[...expected].join(" or ")}` : issue.message;
}

function describePath(path: readonly PathKey[]): string {
  if (path.length === 0) return "the file";
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}
