/**
 * Merges the compiled parts of several policy files into one policy and checks what only the
 * whole can tell: duplicate rule ids and environments, decisions that name no environment,
 * templates that nothing fills, globs that cannot compile. Each of these would otherwise
 * weaken a guard silently, so each is an error.
 */
import { placeholdersIn } from "../command/template.js";
import type { PolicyProblem } from "../errors.js";
import { own } from "../util/own.js";
import { checkPredictionAndRestore } from "./check-restore.js";
import type { PolicyPart } from "./compile.js";
import { GlobError, globToRegExp } from "./glob.js";
import { closest } from "./suggest.js";
import type { Environment, Policy, Rule, RunSpec, SourceRef } from "./types.js";

/** One policy from several files, with every problem that only the whole can show. */
export function mergePolicyParts(
  parts: readonly PolicyPart[],
  sha256: string,
): { policy: Policy; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const report = (at: SourceRef, message: string, hint?: string) =>
    problems.push({ ...at, message, ...(hint && { hint }) });

  const environments: Record<string, Environment> = {};
  const rules: Rule[] = [];
  const ruleIds = new Map<string, SourceRef>();
  for (const part of parts) {
    for (const env of Object.values(part.environments)) {
      const first = own(environments, env.name);
      if (first) {
        report(
          env.source,
          `environment '${env.name}' is defined twice`,
          `first defined at ${where(first.source)}`,
        );
      } else {
        environments[env.name] = env;
      }
    }
    for (const rule of part.rules) {
      const first = ruleIds.get(rule.id);
      if (first)
        report(rule.source, `rule id '${rule.id}' is used twice`, `first used at ${where(first)}`);
      else ruleIds.set(rule.id, rule.source);
      rules.push(rule);
    }
  }

  for (const env of Object.values(environments)) {
    for (const pattern of [...env.targets, ...Object.values(env.vars)])
      checkGlob(pattern, env.source, report);
  }
  for (const rule of rules) checkRule(rule, environments, report);

  const policy: Policy = {
    files: parts.map((p) => p.file),
    sha256,
    environments,
    // Across files the strictest setting wins, as with rules.
    unknownEnvironment: parts.some((p) => p.unknownEnvironment === "deny") ? "deny" : "protected",
    unparsableScripts: parts.some(
      (p) => p.unparsableScripts === "block" || p.unparsableScripts === undefined,
    )
      ? "block"
      : "no-match",
    rules,
    tests: parts.flatMap((p) => p.tests),
  };
  return { policy, problems };
}

type Report = (at: SourceRef, message: string, hint?: string) => void;

function checkRule(rule: Rule, environments: Record<string, Environment>, report: Report): void {
  checkPredictionAndRestore(rule, report);
  for (const pattern of [...rule.commands, ...rule.args]) checkGlob(pattern, rule.source, report);

  for (const name of Object.keys(rule.decision ?? {})) {
    if (name === "*" || own(environments, name)) continue;
    const guess = closest(name, Object.keys(environments));
    report(
      rule.source,
      `rule '${rule.id}': decision names environment '${name}', which is not defined`,
      guess
        ? `did you mean '${guess}'?`
        : `define it under environments:, or use "*" for every other environment`,
    );
  }

  const provided = (name: string): boolean => {
    if (name === "env" || name.startsWith("args.")) return true;
    if (name === "target") return rule.environment !== undefined;
    if (name === "resource") return rule.resource !== undefined;
    return false;
  };
  const templates: { at: SourceRef; spec: RunSpec | string[] }[] = [
    ...rule.checks.map((c) => ({ at: c.source, spec: c.run })),
    ...rule.state.map((s) => ({ at: s.source, spec: s.kind === "run" ? s.run : s.groups })),
    ...(rule.rollback ? [{ at: rule.source, spec: rule.rollback.run }] : []),
  ];
  if (rule.expect) {
    const selectors = [rule.expect.added, rule.expect.removed, rule.expect.changed].flatMap((c) =>
      c.kind === "limit" ? [c.only, c.never].filter((s) => s !== undefined) : [],
    );
    for (const s of [...selectors, ...rule.expect.unchanged]) {
      templates.push({ at: rule.expect.source, spec: Object.values(s) });
    }
  }
  for (const { at, spec } of templates) {
    for (const name of placeholdersIn(spec)) {
      if (provided(name)) continue;
      report(
        at,
        `rule '${rule.id}' uses {${name}}, which nothing provides`,
        name === "target"
          ? "add an environment: extractor (flag, position or vars) to the rule"
          : name === "resource"
            ? "add a resource: extractor (flag or position) to the rule"
            : "available: {target}, {env}, {resource}, {args.NAME}",
      );
    }
  }
}

function checkGlob(pattern: string, at: SourceRef, report: Report): void {
  try {
    globToRegExp(pattern);
  } catch (error) {
    if (error instanceof GlobError)
      report(at, error.message, "escape a literal character with '\\'");
    else throw error;
  }
}

function where(at: SourceRef): string {
  return `${at.file}:${at.line}:${at.column}`;
}
