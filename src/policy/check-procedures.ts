/**
 * What only the merged policy can tell about procedures: a name defined twice, a decision
 * naming no environment, a template no param provides, a secret param pasted into a command
 * line (where `ps` and the plan would show it), a pattern that is not a regular expression.
 */
import { checkTemplates } from "../checks/templates.js";
import { placeholdersIn } from "../command/template.js";
import { own } from "../util/own.js";
import { type PartProcedure, paramVariable } from "./compile-procedure.js";
import { resolveCheckUses } from "./named-checks.js";
import { closest } from "./suggest.js";
import type { CheckSpec, Environment, Procedure, RunSpec, SourceRef } from "./types.js";

type Report = (at: SourceRef, message: string, hint?: string) => void;

/**
 * Merges the files' procedures by name, resolving their steps' `use:` checks, and reports
 * duplicates and every problem in each.
 */
export function mergeProcedures(
  parts: readonly { procedures: readonly PartProcedure[] }[],
  environments: Record<string, Environment>,
  namedChecks: Record<string, CheckSpec>,
  report: Report,
): Record<string, Procedure> {
  const procedures: Record<string, Procedure> = {};
  for (const part of parts) {
    for (const written of part.procedures) {
      const procedure: Procedure = {
        ...written,
        steps: written.steps.map((step) => ({
          ...step,
          checks: resolveCheckUses(step.checks, namedChecks, report),
          verify: resolveCheckUses(step.verify, namedChecks, report),
        })),
      };
      const first = own(procedures, procedure.name);
      if (first) {
        report(
          procedure.source,
          `procedure '${procedure.name}' is defined twice`,
          `first defined at ${first.source.file}:${first.source.line}:${first.source.column}`,
        );
        continue;
      }
      procedures[procedure.name] = procedure;
      checkProcedure(procedure, environments, report);
    }
  }
  return procedures;
}

function checkProcedure(
  procedure: Procedure,
  environments: Record<string, Environment>,
  report: Report,
): void {
  const label = `procedure '${procedure.name}'`;
  for (const name of Object.keys(procedure.decision ?? {})) {
    if (name === "*" || own(environments, name)) continue;
    const guess = closest(name, Object.keys(environments));
    report(
      procedure.source,
      `${label}: decision names environment '${name}', which is not defined`,
      guess ? `did you mean '${guess}'?` : `define it under environments:, or use "*"`,
    );
  }

  const params = new Map(procedure.params.map((p) => [p.name, p]));
  if (procedure.environmentParam !== undefined && !params.has(procedure.environmentParam)) {
    report(
      procedure.source,
      `${label}: environment names param '${procedure.environmentParam}', which is not declared`,
      "declare it under params:",
    );
  }
  if (params.size < procedure.params.length)
    report(procedure.source, `${label} declares a param twice`, "give each param one entry");
  for (const param of procedure.params) {
    if (param.pattern === undefined) continue;
    try {
      new RegExp(param.pattern, "u");
    } catch (error) {
      report(
        procedure.source,
        `${label}: param '${param.name}' has a pattern that is not a regular expression: ${(error as Error).message}`,
        "patterns are JavaScript regular expressions matched against the whole value",
      );
    }
  }

  const templates: { at: SourceRef; spec: RunSpec }[] = procedure.steps.flatMap((step) => [
    ...[...step.checks, ...step.verify].flatMap((c) =>
      checkTemplates(c).map((spec) => ({ at: c.source, spec })),
    ),
    ...step.state.map((s) => ({ at: s.source, spec: s.kind === "run" ? s.run : s.groups })),
    ...(step.run !== undefined ? [{ at: step.source, spec: step.run }] : []),
    ...(step.undo !== undefined ? [{ at: step.source, spec: step.undo }] : []),
  ]);
  for (const { at, spec } of templates) {
    for (const name of placeholdersIn(spec)) {
      if (name === "env" || name.startsWith("vars.")) continue;
      const param = name.startsWith("params.") ? params.get(name.slice(7)) : undefined;
      if (param?.secret) {
        report(
          at,
          `${label} puts the secret param {${name}} into a command line, where ps and the plan would show it`,
          `read it from the environment instead: every param is passed to the steps as $${paramVariable(param.name)}`,
        );
      } else if (!param) {
        const declared = [...params.keys()].map((p) => `{params.${p}}`);
        report(
          at,
          `${label} uses {${name}}, which nothing provides`,
          `available: ${[...declared, "{vars.NAME}", "{env}"].join(", ")}${name.startsWith("params.") ? "; declare it under params:" : ""}`,
        );
      }
    }
  }

  procedure.steps.forEach((step) => {
    if (step.run === undefined && step.checks.length === 0 && step.verify.length === 0) {
      report(
        step.source,
        `${label}, step '${step.name}' neither runs nor checks anything`,
        "give it run:, checks: or verify:",
      );
    }
    if (step.undo !== undefined && step.run === undefined) {
      report(
        step.source,
        `${label}, step '${step.name}' has undo: but no run: to undo`,
        "move undo: to the step that makes the change",
      );
    }
  });
}
