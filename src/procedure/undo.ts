/**
 * Reverting a procedure: the `undo` commands of the steps that made their change, newest
 * first, and only as far back as it is safe. A step that changed something and cannot be
 * reverted (it has no undo, or its undo failed) stops the undo there: undoing the steps
 * before it underneath it could make things worse (restarting the old primary after the
 * standby was promoted makes two primaries). Every step says what became of it.
 */
import { describeExit } from "../run/outcome.js";
import type { ProcedurePorts } from "./ports.js";
import { display, type PreparedProcedure } from "./prepare.js";
import type { UndoResult } from "./result.js";

/** Runs the undo of each listed step (0-based indices), newest first, stopping where one cannot be reverted. */
export async function undoSteps(
  prepared: PreparedProcedure,
  indices: readonly number[],
  ports: ProcedurePorts,
  cwd: string,
): Promise<UndoResult> {
  const result: UndoResult = { attempted: false, succeeded: null, steps: [] };
  let blockedBy: number | undefined;
  for (const index of [...indices].sort((a, b) => b - a)) {
    const step = prepared.procedure.steps[index]!;
    const argv = prepared.commands[index]?.undo;
    const id = { number: index + 1, name: step.name };
    if (step.run === undefined) {
      result.steps.push({ ...id, status: "no-undo", detail: "it changed nothing" });
      continue;
    }
    if (blockedBy !== undefined) {
      result.steps.push({
        ...id,
        status: "left",
        detail: `left as it is: step ${blockedBy} could not be reverted, and undoing this one under it could make things worse`,
      });
      continue;
    }
    if (!argv) {
      result.steps.push({ ...id, status: "no-undo", detail: "it has no undo: revert it by hand" });
      blockedBy = index + 1;
      continue;
    }
    result.attempted = true;
    ports.presenter.progress(`undoing step ${index + 1}: ${step.name}`);
    const exit = await ports.runner.runInherited(argv, { cwd, env: prepared.vars });
    const undone = exit.exitCode === 0;
    result.steps.push({
      ...id,
      command: display(argv),
      status: undone ? "undone" : "failed",
      detail: undone ? "undone" : describeExit(exit).replace("the command", "the undo"),
    });
    if (!undone) blockedBy = index + 1;
  }
  const changed = result.steps.filter((s) => s.detail !== "it changed nothing");
  if (changed.length > 0) result.succeeded = changed.every((s) => s.status === "undone");
  return result;
}
