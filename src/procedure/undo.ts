/**
 * Reverting a procedure: the `undo` commands of the steps that made their change, newest
 * first. Every undo is attempted even when one fails, and each says what became of it: at
 * 3 a.m. the operator needs the whole picture, not the first error.
 */
import { describeExit } from "../run/outcome.js";
import type { ProcedurePorts } from "./ports.js";
import { display, type PreparedProcedure } from "./prepare.js";
import type { UndoResult } from "./result.js";

/** Runs the undo of each listed step (0-based indices) in reverse order. */
export async function undoSteps(
  prepared: PreparedProcedure,
  indices: readonly number[],
  ports: ProcedurePorts,
  cwd: string,
): Promise<UndoResult> {
  const result: UndoResult = { attempted: indices.length > 0, succeeded: null, steps: [] };
  for (const index of [...indices].sort((a, b) => b - a)) {
    const step = prepared.procedure.steps[index]!;
    const argv = prepared.commands[index]?.undo;
    const id = { number: index + 1, name: step.name };
    if (!argv) {
      // A step that only checked changed nothing; one that changed something without an undo
      // is left as it is, and said so.
      const changed = step.run !== undefined;
      result.steps.push({
        ...id,
        status: "no-undo",
        detail: changed ? "it has no undo: revert it by hand" : "it changed nothing",
      });
      continue;
    }
    ports.presenter.progress(`undoing step ${index + 1}: ${step.name}`);
    const exit = await ports.runner.runInherited(argv, { cwd, env: prepared.vars });
    result.steps.push({
      ...id,
      command: display(argv),
      status: exit.exitCode === 0 ? "undone" : "failed",
      detail:
        exit.exitCode === 0 ? "undone" : describeExit(exit).replace("the command", "the undo"),
    });
  }
  if (result.attempted) {
    result.succeeded = result.steps.every(
      (s) => s.status === "undone" || (s.status === "no-undo" && s.detail === "it changed nothing"),
    );
  }
  return result;
}
