/**
 * Merges the compiled parts of several policy files into one policy and checks what only the
 * whole can tell: duplicate rule ids and environments, decisions that name no environment,
 * templates that nothing fills, globs that cannot compile. Each of these would otherwise
 * weaken a guard silently, so each is an error.
 */
import { checkTemplates } from "../checks/templates.js";
import { placeholdersIn } from "../command/template.js";
import type { PolicyProblem } from "../errors.js";
import { own } from "../util/own.js";
import { mergeProcedures } from "./check-procedures.js";
import { checkPredictionAndRestore } from "./check-restore.js";
import type { PolicyPart } from "./compile.js";
import { GlobError, globToRegExp } from "./glob.js";
import { collectNamedChecks, resolveCheckUses } from "./named-checks.js";
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
  // Where each rule's and environment's own keys were written, for precise positions.
  const locators = new Map<Rule | Environment, Locate>();
  const checks = collectNamedChecks(parts, report);
  for (const part of parts) {
    for (const env of Object.values(part.environments)) {
      const locate: Locate = (path, key) => part.locate(["environments", env.name, ...path], key);
      const first = own(environments, env.name);
      if (first) {
        report(
          env.source,
          `environment '${env.name}' is defined twice`,
          `first defined at ${where(first.source)}`,
        );
      } else {
        environments[env.name] = env;
        locators.set(env, locate);
      }
    }
    part.rules.forEach((rule, i) => {
      const locate: Locate = (path, key) => part.locate(["rules", i, ...path], key);
      const first = ruleIds.get(rule.id);
      if (first)
        report(
          locate(["id"]),
          `rule id '${rule.id}' is used twice`,
          `first used at ${where(first)}`,
        );
      else ruleIds.set(rule.id, rule.source);
      const merged: Rule = {
        ...rule,
        checks: resolveCheckUses(rule.checks, checks, report),
        verify: resolveCheckUses(rule.verify, checks, report),
      };
      locators.set(merged, locate);
      rules.push(merged);
    });
  }

  for (const env of Object.values(environments)) {
    const locate = locators.get(env)!;
    for (const [k, pattern] of env.targets.entries())
      checkGlob(pattern, locate(["match", "target", k]), report);
    for (const [name, pattern] of Object.entries(env.vars))
      checkGlob(pattern, locate(["match", "vars", name]), report);
  }
  for (const rule of rules) checkRule(rule, environments, report, locators.get(rule)!);

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
    checks,
    procedures: mergeProcedures(parts, environments, checks, report),
  };
  const teams = parts.flatMap((p) => (p.team ? [p.team] : []));
  if (teams[0]) policy.team = teams[0];
  // Two team sections would leave it to file order which database gets the records.
  for (const extra of teams.slice(1)) {
    report(extra.source, "a second team: section", `the first is at ${where(teams[0]!.source)}`);
  }
  return { policy, problems };
}

type Report = (at: SourceRef, message: string, hint?: string) => void;
type Locate = (path: readonly (string | number)[], key?: string) => SourceRef;

function checkRule(
  rule: Rule,
  environments: Record<string, Environment>,
  report: Report,
  locate: Locate,
): void {
  checkPredictionAndRestore(rule, report);
  for (const [k, p] of rule.commands.entries())
    checkGlob(p, locate(["match", "command", k]), report);
  for (const [k, p] of rule.args.entries()) checkGlob(p, locate(["match", "args", k]), report);

  for (const name of Object.keys(rule.decision ?? {})) {
    if (name === "*" || own(environments, name)) continue;
    const guess = closest(name, Object.keys(environments));
    report(
      locate(["decision"], name),
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
  // Every templated string with where it was written: the argv word or selector value; for a
  // check (which may come from a named check in another file), the check itself.
  const templates: { at: SourceRef; text: string }[] = [];
  const addRun = (path: (string | number)[], spec: RunSpec) => {
    if (typeof spec === "string") templates.push({ at: locate(path), text: spec });
    else for (const [k, text] of spec.entries()) templates.push({ at: locate([...path, k]), text });
  };
  for (const [list, checks] of [
    ["checks", rule.checks],
    ["verify", rule.verify ?? []],
  ] as const) {
    for (const [i, c] of checks.entries()) {
      // A check written in the rule points at its argv word; one from `use:` at the named check.
      const inline = sameRef(c.source, locate([list, i]));
      if (inline && c.kind === "run") {
        addRun([list, i, "run"], c.run);
        for (const text of Object.values(c.env)) templates.push({ at: c.source, text });
        continue;
      }
      for (const spec of checkTemplates(c))
        for (const text of typeof spec === "string" ? [spec] : spec)
          templates.push({ at: c.source, text });
    }
  }
  for (const [i, s] of rule.state.entries()) {
    if (s.kind === "run") addRun(["state", i, "run"], s.run);
    else
      for (const [k, text] of s.groups.entries())
        templates.push({ at: locate(["state", i, s.kind, "groups", k]), text });
  }
  if (rule.rollback) addRun(["rollback", "run"], rule.rollback.run);
  if (rule.expect) {
    for (const kind of ["added", "removed", "changed"] as const) {
      const change = rule.expect[kind];
      if (change.kind !== "limit") continue;
      for (const which of ["only", "never"] as const) {
        for (const [field, text] of Object.entries(change[which] ?? {})) {
          templates.push({ at: locate(["expect", kind, which, field]), text });
          checkSelectorGlob(text, locate(["expect", kind, which, field]), report);
        }
      }
    }
    rule.expect.unchanged.forEach((selector, j) => {
      for (const [field, text] of Object.entries(selector)) {
        templates.push({ at: locate(["expect", "unchanged", j, field]), text });
        checkSelectorGlob(text, locate(["expect", "unchanged", j, field]), report);
      }
    });
  }
  for (const { at, text } of templates) {
    for (const name of placeholdersIn(text)) {
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

/** A selector value is a glob once its {placeholders} are filled (with escaped text). */
function checkSelectorGlob(text: string, at: SourceRef, report: Report): void {
  checkGlob(text.replace(/\{[A-Za-z_][A-Za-z0-9_.-]*\}/g, "x"), at, report);
}

function sameRef(a: SourceRef, b: SourceRef): boolean {
  return a.file === b.file && a.line === b.line && a.column === b.column;
}

function where(at: SourceRef): string {
  return `${at.file}:${at.line}:${at.column}`;
}
