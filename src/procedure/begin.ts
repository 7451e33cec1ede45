/**
 * What every procedure verb does before touching anything: read the params, look at the
 * progress of earlier runs, resolve the environment and the decision, and (for run and undo)
 * take the one typed confirmation. Each refusal says why and what to do next.
 */
import { learnSecrets } from "../report/redact.js";
import { obtainConfirmation } from "../run/confirm.js";
import { exitCodeFor, type Outcome } from "../run/outcome.js";
import { lockProcedure } from "./lock.js";
import { resolveParams } from "./params.js";
import type { ProcedureInput, ProcedurePorts } from "./ports.js";
import { type PreparedProcedure, prepareProcedure } from "./prepare.js";
import { hashParams, type ProcedureProgress } from "./progress.js";
import { procedureRecord } from "./records.js";
import type { ProcedureResult } from "./result.js";

export type Finish = (outcome: Outcome, message: string, hint?: string) => ProcedureResult;

export interface Begun {
  prepared: PreparedProcedure;
  existing: ProcedureProgress | undefined;
  paramsHash: string;
  /** 0-based index of the first step to run. */
  resumeAt: number;
}

/** An empty result for a procedure verb, filled in as it goes. */
export function newProcedureResult(input: ProcedureInput, started: Date): ProcedureResult {
  return {
    version: 1,
    kind: "procedure",
    mode: input.mode,
    procedure: input.procedure.name,
    runId: null,
    outcome: "ok",
    exitCode: 0,
    environment: null,
    decision: "none",
    params: {},
    confirmation: { required: false, given: false, method: "none" },
    reason: input.options.reason ?? null,
    steps: [],
    failedStep: null,
    resumedAt: null,
    undo: { attempted: false, succeeded: null, steps: [] },
    message: "",
    next: {},
    policy: { files: input.policy.files, sha256: input.policy.sha256 },
    startedAt: started.toISOString(),
    durationMs: 0,
  };
}

/** Sets a result's outcome, exit code and message. */
export function conclude(
  result: ProcedureResult,
  outcome: Outcome,
  message: string,
  hint: string | undefined,
  commandExitCode: number | null = null,
): ProcedureResult {
  result.outcome = outcome;
  result.exitCode = exitCodeFor(outcome, commandExitCode);
  result.message = message;
  if (hint !== undefined) result.hint = hint;
  return result;
}

/** Everything up to (and including) the confirmation; returns a finished result on refusal. */
export async function beginProcedure(
  input: ProcedureInput,
  ports: ProcedurePorts,
  result: ProcedureResult,
  finish: Finish,
): Promise<Begun | ProcedureResult> {
  const { procedure, options } = input;
  const params = resolveParams(procedure, input.paramWords, input.context.env);
  if (!params.ok) return finish("usage-error", params.problems.join("; "), params.hint);
  for (const name of params.params.secrets) {
    // So that a check or step echoing the new credential never shows it.
    learnSecrets(["--secret", params.params.values[name]!]);
  }
  const paramsHash = hashParams(procedure.name, params.params.values);

  let existing: ProcedureProgress | undefined;
  try {
    existing = ports.progress.read();
  } catch (error) {
    return finish(
      "internal-error",
      `${(error as Error).message}; nothing was run`,
      `the file is ${ports.progress.file}`,
    );
  }
  const stopped =
    existing && (existing.status === "running" || existing.status === "failed")
      ? existing
      : undefined;
  // A run that stopped before completing any step left nothing half-done: starting again is
  // the same as resuming it, so only one with completed steps blocks a fresh start.
  const unfinished =
    stopped && (stopped.completed.length > 0 || stopped.status === "running") ? stopped : undefined;
  if (stopped?.status === "running" && ports.isRunning(stopped.pid, stopped.host)) {
    return finish(
      "blocked",
      `procedure '${procedure.name}' is being run right now (process ${stopped.pid} on ${stopped.host}, started ${stopped.startedAt}); nothing was run`,
      "wait for it to finish; two runs of one procedure at once would fight over the same systems",
    );
  }

  let resumeAt = 0;
  if (options.resume && input.mode !== "undo") {
    if (!stopped) {
      return finish(
        "usage-error",
        existing
          ? `there is nothing to resume: the last run of '${procedure.name}' ${existing.status === "completed" ? "completed" : "was undone"} (${existing.updatedAt})`
          : `there is nothing to resume: '${procedure.name}' has no unfinished run (looked in ${ports.progress.file})`,
        `run it without --resume to start from step 1`,
      );
    }
    if (stopped.policySha256 !== input.policy.sha256) {
      return finish(
        "blocked",
        "the policy changed since this procedure stopped, so its remaining steps may not be the ones that were planned; nothing was run",
        `restore the policy it ran with (sha256 ${stopped.policySha256.slice(0, 12)}…), or start again from step 1 with --restart`,
      );
    }
    if (stopped.paramsHash !== paramsHash) {
      return finish(
        "blocked",
        "the params differ from the ones the stopped run used; nothing was run",
        `resume with the same params (${Object.entries(stopped.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")}), or start again with --restart`,
      );
    }
    resumeAt = stopped.completed.length;
    result.resumedAt = resumeAt + 1;
    result.runId = stopped.runId;
  } else if (unfinished && input.mode === "run" && !options.restart) {
    const at = unfinished.failed
      ? `stopped at step ${unfinished.failed.index + 1} '${unfinished.failed.name}'`
      : `was interrupted after step ${unfinished.completed.length}`;
    return finish(
      "blocked",
      `an earlier run of '${procedure.name}' ${at} (${unfinished.updatedAt}); starting again from step 1 would repeat steps that already ran; nothing was run`,
      `continue it with: ${input.commandFor("run --resume")}   or revert it with: ${input.commandFor("undo")}   (or --restart to start from step 1 anyway)`,
    );
  }

  const preparation = prepareProcedure({
    policy: input.policy,
    procedure,
    params: params.params,
    env: input.context.env,
    ...(options.env !== undefined && { intendedEnv: options.env }),
    ...(resumeAt > 0 && { resumeAt }),
  });
  if (!preparation.ok) {
    if (preparation.environment) result.environment = environmentView(preparation.environment);
    return finish(preparation.outcome, preparation.message, preparation.hint);
  }
  const { prepared } = preparation;
  result.environment = prepared.plan.environment;
  result.decision = prepared.decision;
  result.params = prepared.plan.params;
  result.confirmation.required = prepared.decision === "confirm";
  if (stopped && (options.resume || input.mode === "undo")) {
    if (stopped.environment !== prepared.environment.name) {
      return finish(
        "blocked",
        `the stopped run targeted ${stopped.environment}, but this one targets ${prepared.environment.name}; nothing was run`,
        `check the variables and params; they must point where the stopped run went`,
      );
    }
  }

  if (prepared.decision === "deny") {
    await ports.presenter.showPlan(prepared.plan);
    return finish(
      "blocked",
      `the policy denies procedure '${procedure.name}' in ${prepared.environment.name}${prepared.environment.known ? "" : " (an environment preflight cannot identify)"}`,
      "change the policy through review if it must run there",
    );
  }
  if (prepared.decision === "approve") {
    // Approvals are built for single commands (preflight request); a procedure fails closed.
    await ports.presenter.showPlan(prepared.plan);
    return finish(
      "blocked",
      `the policy requires a second person's approval for procedure '${procedure.name}' in ${prepared.environment.name}, and procedures cannot be approved yet; nothing was run`,
      "run its steps one by one through preflight request / approve / run --approval, or change the policy through review",
    );
  }
  return { prepared, existing, paramsHash, resumeAt };
}

/** Asks for the reason and the typed environment name, as for a guarded command. */
export async function confirmProcedure(
  input: ProcedureInput,
  ports: ProcedurePorts,
  result: ProcedureResult,
  prepared: PreparedProcedure,
): Promise<
  | { ok: true }
  | {
      ok: false;
      outcome: "internal-error" | "confirmation-required" | "blocked";
      message: string;
      hint: string;
    }
> {
  if (prepared.environment.protected) {
    try {
      await ports.audit.ensureWritable();
    } catch (error) {
      return {
        ok: false,
        outcome: "internal-error",
        message: `the audit log cannot be written (${(error as Error).message}), so this protected procedure was not started`,
        hint:
          (error as { hint?: string }).hint ??
          "fix the audit log's folder or permissions, or point --audit-log / PREFLIGHT_AUDIT_LOG at a writable file",
      };
    }
  }
  const confirmation = await obtainConfirmation({
    needed: prepared.decision === "confirm",
    requireReason: input.procedure.requireReason,
    reasonRuleIds: [`procedure ${input.procedure.name}`],
    environment: prepared.environment,
    environmentsDefined: Object.keys(input.policy.environments).length > 0,
    ...(input.options.confirm !== undefined && { confirmFlag: input.options.confirm }),
    ...(input.options.reason !== undefined && { reason: input.options.reason }),
    interactive: input.context.interactive,
    prompter: ports.prompter,
  });
  result.reason = confirmation.reason;
  result.confirmation.method = confirmation.method;
  if (!confirmation.ok) {
    return {
      ok: false,
      outcome: "confirmation-required",
      message: confirmation.message,
      hint: confirmation.hint,
    };
  }
  result.confirmation.given = result.confirmation.required;
  if (input.mode !== "plan") {
    const locked = await lockProcedure(input, ports, prepared);
    if (!locked.ok) return locked;
  }
  return { ok: true };
}

function environmentView(env: PreparedProcedure["environment"]): ProcedureResult["environment"] {
  return {
    name: env.name,
    protected: env.protected,
    known: env.known,
    source: env.source,
    color: env.color,
    ...(env.target !== undefined && { target: env.target }),
  };
}

/** The start every procedure verb shares: a fresh result, its `finish`, and beginProcedure. */
export async function startProcedure(input: ProcedureInput, ports: ProcedurePorts) {
  const started = ports.now();
  const result = newProcedureResult(input, started);
  ports.watch?.(result);
  const finish: Finish = (outcome, message, hint) =>
    finishProcedure(result, { outcome, message, hint, input, ports, started });
  const begun = await beginProcedure(input, ports, result, finish);
  return { result, finish, begun };
}

/** Sets the outcome and duration and, for run and undo, writes the procedure's audit record. */
export function finishProcedure(
  result: ProcedureResult,
  ending: {
    outcome: Outcome;
    message: string;
    hint: string | undefined;
    input: ProcedureInput;
    ports: ProcedurePorts;
    started: Date;
  },
): ProcedureResult {
  const { input, ports } = ending;
  const lastStep = [...result.steps].reverse().find((s) => s.commandExitCode !== null);
  conclude(result, ending.outcome, ending.message, ending.hint, lastStep?.commandExitCode ?? null);
  result.durationMs = Math.max(0, ports.now().getTime() - ending.started.getTime());
  if (input.mode === "plan") return result;
  const entry = procedureRecord(result, input.context, ports.now());
  try {
    ports.audit.append(entry);
  } catch (error) {
    result.auditFailure ??= { error: (error as Error).message, record: entry };
  }
  return result;
}
