/**
 * `preflight procedure run|plan NAME`: the whole plan first, one confirmation, then each step
 * guarded in turn. The first failure stops it with what state things are in and the exact
 * command to resume or undo; with `on-failure: undo` the steps that made their change are
 * reverted, newest first. Progress is written after every step, so a resume continues after
 * the last verified one.
 */
import { runChecks } from "../run/checks.js";
import type { Outcome } from "../run/outcome.js";
import { confirmProcedure, type Finish, startProcedure } from "./begin.js";
import type { ProcedureInput, ProcedurePorts } from "./ports.js";
import type { PreparedProcedure } from "./prepare.js";
import type { ProcedureProgress } from "./progress.js";
import { stepRecord } from "./records.js";
import type { ProcedureResult, StepResult } from "./result.js";
import { runStep, stepGuard } from "./step.js";
import { undoSteps } from "./undo.js";

/** Runs (or plans) a procedure; returns its result as data, with every record written. */
export async function runProcedure(
  input: ProcedureInput,
  ports: ProcedurePorts,
): Promise<ProcedureResult> {
  const { result, finish, begun } = await startProcedure(input, ports);
  if (!("prepared" in begun)) return begun;
  const { prepared, resumeAt } = begun;
  await ports.presenter.showPlan(prepared.plan);

  if (input.mode === "plan") return planOnly(prepared, resumeAt, input, ports, result, finish);

  const confirmed = await confirmProcedure(input, ports, result, prepared);
  if (!confirmed.ok) return finish(confirmed.outcome, confirmed.message, confirmed.hint);

  const now = ports.now().toISOString();
  const progress: ProcedureProgress = {
    version: 1,
    procedure: input.procedure.name,
    runId: result.runId ?? ports.newRunId(),
    policySha256: input.policy.sha256,
    paramsHash: begun.paramsHash,
    environment: prepared.environment.name,
    status: "running",
    completed: resumeAt > 0 ? (begun.existing?.completed.slice(0, resumeAt) ?? []) : [],
    params: prepared.plan.params,
    startedAt: resumeAt > 0 ? (begun.existing?.startedAt ?? now) : now,
    updatedAt: now,
    pid: ports.pid,
    host: input.context.host,
  };
  result.runId = progress.runId;
  try {
    ports.progress.write(progress);
  } catch (error) {
    return finish(
      "internal-error",
      `the progress file could not be written (${(error as Error).message}), so a failure could not be resumed; nothing was run`,
      `fix the folder of ${ports.progress.file} (it sits beside the audit log)`,
    );
  }
  for (let i = 0; i < resumeAt; i++) {
    const step = prepared.procedure.steps[i]!;
    result.steps.push(emptyStep(i, step.name, "done-before"));
  }

  const total = prepared.procedure.steps.length;
  for (let index = resumeAt; index < total; index++) {
    const run = await runStep(prepared, index, ports, {
      cwd: input.context.cwd,
      interactive: input.context.interactive,
    });
    result.steps.push(run.result);
    const recorded = record(result, run.result, run.outcome ?? "ok", input, ports);
    if (run.outcome === undefined) {
      progress.completed.push({
        index,
        name: run.result.name,
        at: ports.now().toISOString(),
      });
      progress.updatedAt = ports.now().toISOString();
      try {
        ports.progress.write(progress);
      } catch (error) {
        return stopAt(
          index,
          "internal-error",
          `its progress could not be saved (${(error as Error).message})`,
        );
      }
      if (!recorded)
        return stopAt(index + 1, "internal-error", "its audit record could not be written");
      continue;
    }
    return stopAt(
      index,
      run.outcome,
      run.result.problem ?? "it failed",
      run.commandSucceeded,
      run.commandStarted,
    );
  }

  progress.status = "completed";
  progress.updatedAt = ports.now().toISOString();
  try {
    ports.progress.write(progress);
  } catch {
    // Every step is done and recorded in the audit log; a stale progress file only means a
    // later run is asked to --restart.
  }
  return finish("ok", `all ${total} steps of '${input.procedure.name}' ran and were verified`);

  /** Ends the run at step `index` (0-based; `total` when the failure came after the last). */
  async function stopAt(
    index: number,
    outcome: Outcome,
    problem: string,
    commandSucceeded = false,
    commandStarted = false,
  ): Promise<ProcedureResult> {
    const step = prepared.procedure.steps[Math.min(index, total - 1)]!;
    const failedIndex = Math.min(index, total - 1);
    result.failedStep = failedIndex + 1;
    for (let i = index + 1; i < total; i++) {
      result.steps.push(emptyStep(i, prepared.procedure.steps[i]!.name, "not-run"));
    }
    progress.status = "failed";
    progress.failed = { index: failedIndex, name: step.name, message: problem };
    progress.updatedAt = ports.now().toISOString();
    let progressSaved = true;
    try {
      ports.progress.write(progress);
    } catch {
      progressSaved = false;
    }
    const done = progress.completed.map((c) => c.index);
    const state = describeState(done, failedIndex, total, commandSucceeded, outcome);
    const what = `step ${failedIndex + 1}/${total} '${step.name}' failed: ${problem}. ${state}`;
    // With nothing completed, running it again is all a resume would do.
    result.next =
      done.length > 0
        ? { resume: input.commandFor("run --resume"), undo: input.commandFor("undo") }
        : { resume: input.commandFor("run") };

    // Whether completed steps changed anything (a step that only checks does not). The failed
    // step's own command may have done part of its work too; that is said, not undone.
    const changedBefore = done.some((i) => prepared.procedure.steps[i]!.run !== undefined);
    const partial = commandStarted && !commandSucceeded;
    const saveNote = progressSaved
      ? ""
      : ` WARNING: the progress file ${ports.progress.file} could not be written, so --resume will not know about this run.`;
    const next = result.next.undo
      ? `after fixing the cause, resume with: ${result.next.resume}\n  or revert the completed steps with: ${result.next.undo}`
      : `nothing needs reverting; after fixing the cause, run it again: ${result.next.resume}`;

    // Declining a step is a pause the operator chose, not a failure: nothing is undone.
    const failure = outcome !== "confirmation-required";
    if (input.procedure.onFailure === "undo" && failure && (changedBefore || commandSucceeded)) {
      const toUndo = commandSucceeded ? [...done, failedIndex] : done;
      result.undo = await undoSteps(prepared, toUndo, ports, input.context.cwd);
      if (result.undo.succeeded === true) {
        progress.status = "undone";
        progress.updatedAt = ports.now().toISOString();
        try {
          ports.progress.write(progress);
        } catch {
          // The undo is recorded in the audit log; the file only offers a resume that is refused.
        }
        result.next = {};
        return finish(
          "verification-failed-restored",
          `${what} on-failure is undo: ${undoneList(result)}${partial ? ` If step ${failedIndex + 1}'s failed command did part of its work, that part is not undone.` : ""}`,
          "find out why the step failed before running the procedure again",
        );
      }
      const broken = result.undo.steps.filter(
        (s) => s.status !== "undone" && s.detail !== "it changed nothing",
      );
      return finish(
        "verification-failed",
        `${what} The undo did not restore everything: ${[
          ...(partial
            ? [
                `step ${failedIndex + 1} '${step.name}' may have done part of its work, which no undo can revert`,
              ]
            : []),
          ...broken.map((s) => `step ${s.number} '${s.name}': ${s.detail}`),
        ].join("; ")}.${saveNote}`,
        "check the systems by hand and revert what is listed; the report lists each step and what was done",
      );
    }
    const undoNote =
      input.procedure.onFailure === "undo" && failure && !changedBefore
        ? " on-failure is undo, but no completed step had changed anything, so there was nothing to undo."
        : "";
    if (changedBefore && failure) {
      // Stopped halfway by a failure: the systems are in a state the procedure did not mean
      // to leave them in, which is what 70 says. (Declining a step is the operator's choice: 68.)
      return finish("verification-failed", `${what}${saveNote}`, next);
    }
    return finish(outcome, `${what}${undoNote}${saveNote}`, next);
  }
}

/** `procedure plan`: the plan, and the first step's read-only checks as a preview. */
async function planOnly(
  prepared: PreparedProcedure,
  resumeAt: number,
  input: ProcedureInput,
  ports: ProcedurePorts,
  result: ProcedureResult,
  finish: Finish,
): Promise<ProcedureResult> {
  const step = prepared.procedure.steps[resumeAt]!;
  // plan reads state nowhere: only the first step's read-only checks run.
  const guard = stepGuard(prepared, resumeAt, step.checks);
  const checks = await runChecks([{ ...guard, rule: { ...guard.rule, state: [] } }], {
    runner: ports.runner,
    cwd: input.context.cwd,
    readOnlyOnly: true,
  });
  result.steps = prepared.plan.steps.map((s, i) => ({
    ...emptyStep(i, s.name, i < resumeAt ? "done-before" : "not-run"),
    ...(i === resumeAt && { checks }),
  }));
  const failed = checks.filter((c) => c.status === "fail");
  if (failed.length > 0) {
    return finish(
      "check-failed",
      `step ${resumeAt + 1} '${step.name}' would stop at its checks: ${failed.map((c) => `${c.name} (${c.detail})`).join("; ")}`,
      "fix what the check reports before running the procedure",
    );
  }
  const word = prepared.plan.confirmation.word;
  return finish(
    "ok",
    `preflight would run ${prepared.procedure.steps.length - resumeAt} step(s)${prepared.plan.confirmation.required ? `, after you type ${word} (or --confirm ${word})` : ""}; later steps' checks run when their turn comes`,
  );
}

function emptyStep(index: number, name: string, status: StepResult["status"]): StepResult {
  return {
    number: index + 1,
    name,
    status,
    checks: [],
    commandExitCode: null,
    verify: [],
    violations: [],
  };
}

/** Writes a step's audit record; false when it could not be written (it is kept for printing). */
function record(
  result: ProcedureResult,
  step: StepResult,
  outcome: string,
  input: ProcedureInput,
  ports: ProcedurePorts,
): boolean {
  const entry = stepRecord(result, step, outcome, input.context, ports.now());
  try {
    ports.audit.append(entry);
    return true;
  } catch (error) {
    result.auditFailure = { error: (error as Error).message, record: entry };
    return false;
  }
}

/** Which steps are done, which one is in doubt, which did not run, in one sentence. */
function describeState(
  done: number[],
  failed: number,
  total: number,
  commandSucceeded: boolean,
  outcome: Outcome,
): string {
  const parts: string[] = [];
  if (done.length > 0)
    parts.push(
      `${stepList(done.map((i) => i + 1))} completed and ${done.length === 1 ? "was" : "were"} verified`,
    );
  else parts.push("no step had completed");
  if (outcome === "check-failed" || outcome === "confirmation-required")
    parts.push(`step ${failed + 1} did not run`);
  else if (commandSucceeded) parts.push(`step ${failed + 1} ran but is not verified`);
  else if (outcome === "command-failed") parts.push(`step ${failed + 1} may have partly run`);
  if (failed + 1 < total) parts.push(`${stepList(range(failed + 2, total))} did not run`);
  const sentence = parts.join("; ");
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}

function stepList(numbers: number[]): string {
  if (numbers.length === 1) return `step ${numbers[0]}`;
  const contiguous = numbers.every((n, i) => i === 0 || n === numbers[i - 1]! + 1);
  return contiguous ? `steps ${numbers[0]}–${numbers.at(-1)}` : `steps ${numbers.join(", ")}`;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

function undoneList(result: ProcedureResult): string {
  const undone = result.undo.steps.filter((s) => s.status === "undone").map((s) => s.number);
  if (undone.length === 0) return "no step had changed anything, so nothing needed undoing.";
  const list = stepList(undone.sort((a, b) => a - b));
  return `${list} ${undone.length === 1 ? "was" : "were"} reverted, newest first.`;
}
