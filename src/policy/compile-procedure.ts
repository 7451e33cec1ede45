/** Turns the `procedures:` of one policy file into normalised procedures. */

import { type CheckUse, compileCheck } from "./compile-check.js";
import { compileExpect, compileState, list, runSpec } from "./compile-shared.js";
import type { ProcedureInput } from "./schema.js";
import type { CheckSpec, Decision, Procedure, ProcedureStep, SourceRef } from "./types.js";

/** A procedure before merging: its steps' checks may still `use:` a named check. */
export type PartProcedure = Omit<Procedure, "steps"> & {
  steps: (Omit<ProcedureStep, "checks" | "verify"> & {
    checks: (CheckSpec | CheckUse)[];
    verify: (CheckSpec | CheckUse)[];
  })[];
};

type At = (...path: (string | number)[]) => SourceRef;

export function compileProcedures(
  input: Record<string, ProcedureInput> | undefined,
  at: At,
): PartProcedure[] {
  return Object.entries(input ?? {}).map(([name, p]) => {
    const here: At = (...path) => at("procedures", name, ...path);
    return {
      name,
      ...(p.description !== undefined && { description: p.description }),
      ...(p.environment && {
        // The param reaches the steps as $PARAM_NAME; reading it from there is the same signal.
        environment: {
          flags: [],
          vars: [
            ...list(p.environment.vars),
            ...(p.environment.param ? [paramVariable(p.environment.param)] : []),
          ],
        },
      }),
      ...(p.environment?.param !== undefined && { environmentParam: p.environment.param }),
      params: (p.params ?? []).map((param) => ({
        name: param.name,
        ...(param.description !== undefined && { description: param.description }),
        ...(param.default !== undefined && { default: String(param.default) }),
        ...(param.pattern !== undefined && { pattern: param.pattern }),
        secret: param.secret ?? false,
      })),
      ...(p.decision !== undefined && {
        decision:
          typeof p.decision === "string"
            ? { "*": p.decision }
            : (p.decision as Record<string, Decision>),
      }),
      requireReason: p["require-reason"] ?? false,
      ...(p.lock !== undefined && { lock: p.lock === true ? `{env}/procedure/${name}` : p.lock }),
      onFailure: p["on-failure"] ?? "stop",
      steps: p.steps.map((step, i) => {
        const at = (...path: (string | number)[]) => here("steps", i, ...path);
        return {
          name: step.name,
          checks: (step.checks ?? []).map((c, j) => compileCheck(c, at("checks", j))),
          ...(step.run !== undefined && { run: runSpec(step.run) }),
          verify: (step.verify ?? []).map((c, j) => compileCheck(c, at("verify", j))),
          ...(step.undo !== undefined && { undo: runSpec(step.undo) }),
          state: (step.state ?? []).map((s, j) => compileState(s, at("state", j))),
          ...(step.expect && { expect: compileExpect(step.expect, at("expect")) }),
          source: at(),
        };
      }),
      source: here(),
    };
  });
}

/** The variable a param reaches the steps' commands and checks as: `new-token` → PARAM_NEW_TOKEN. */
export function paramVariable(name: string): string {
  return `PARAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}
