/**
 * `preflight procedure undo NAME`: reverts what the last unfinished (or completed) run of a
 * procedure changed, running the undo of each completed step, newest first, after the same
 * confirmation a run needs. The steps come from the progress file, so it undoes exactly what
 * was done, not what the policy says today: a changed policy is refused.
 */
import { confirmProcedure, startProcedure } from "./begin.js";
import type { ProcedureInput, ProcedurePorts } from "./ports.js";
import type { ProcedureResult } from "./result.js";
import { undoSteps } from "./undo.js";

export async function undoProcedure(
  input: ProcedureInput,
  ports: ProcedurePorts,
): Promise<ProcedureResult> {
  const { result, finish, begun } = await startProcedure(input, ports);
  if (!("prepared" in begun)) return begun;
  const { prepared, existing } = begun;
  const name = input.procedure.name;
  if (!existing || existing.status === "undone") {
    return finish(
      "usage-error",
      existing
        ? `the last run of '${name}' was already undone (${existing.updatedAt}); nothing was run`
        : `'${name}' has no recorded run to undo (looked in ${ports.progress.file})`,
      "there is nothing for preflight to revert",
    );
  }
  if (existing.policySha256 !== input.policy.sha256) {
    return finish(
      "blocked",
      "the policy changed since that run, so its undo commands may not be the ones that match what was done; nothing was run",
      `restore the policy it ran with (sha256 ${existing.policySha256.slice(0, 12)}…) and undo again, or revert by hand`,
    );
  }
  if (existing.paramsHash !== begun.paramsHash) {
    return finish(
      "blocked",
      "the params differ from the ones that run used, so the undo commands would point elsewhere; nothing was run",
      `give the same params (${Object.entries(existing.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ")})`,
    );
  }
  result.runId = existing.runId;
  const indices = existing.completed.map((c) => c.index);
  prepared.plan.steps = prepared.plan.steps.filter((s) => indices.includes(s.number - 1));
  await ports.presenter.showPlan({ ...prepared.plan, undoing: true });

  const confirmed = await confirmProcedure(input, ports, result, prepared);
  if (!confirmed.ok) return finish(confirmed.outcome, confirmed.message, confirmed.hint);

  result.undo = await undoSteps(prepared, indices, ports, input.context.cwd);
  if (!result.undo.attempted) {
    return finish("ok", "no step of that run had completed, so there was nothing to undo");
  }
  if (result.undo.succeeded) {
    try {
      ports.progress.write({ ...existing, status: "undone", updatedAt: ports.now().toISOString() });
    } catch {
      // The undo is in the audit log; a stale file only makes a later resume be refused.
    }
    return finish("ok", `the completed steps of '${name}' were undone, newest first`);
  }
  const broken = result.undo.steps.filter((s) => s.status !== "undone");
  return finish(
    "verification-failed",
    `the undo did not finish: ${broken.map((s) => `step ${s.number} '${s.name}': ${s.detail}`).join("; ")}`,
    "revert what is left by hand; the report lists each step and what was done",
  );
}
