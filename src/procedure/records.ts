/**
 * Audit records of a procedure: one per step that ran (or stopped it), and one for the
 * procedure as a whole when it ends. Secrets are redacted exactly as in a run's report.
 */
import { redactDeep } from "../report/redact.js";
import type { RunContext } from "../run/ports.js";
import type { ProcedureResult, StepResult } from "./result.js";

/** The JSON report of a procedure: its result with secrets redacted and internals dropped. */
export function toProcedureReport(result: ProcedureResult): Record<string, unknown> {
  const { auditFailure: _auditFailure, ...rest } = result;
  return redactDeep(rest);
}

function who(context: RunContext, time: Date): Record<string, unknown> {
  return {
    time: time.toISOString(),
    user: context.user,
    host: context.host,
    cwd: context.cwd,
    ci: context.ci,
  };
}

/** The record of one step. */
export function stepRecord(
  result: ProcedureResult,
  step: StepResult,
  outcome: string,
  context: RunContext,
  time: Date,
): Record<string, unknown> {
  return {
    ...who(context, time),
    ...redactDeep({
      version: 1,
      kind: "procedure-step",
      procedure: result.procedure,
      runId: result.runId,
      step: step.number,
      stepName: step.name,
      outcome,
      command: step.command ?? null,
      commandExitCode: step.commandExitCode,
      checks: step.checks,
      verify: step.verify,
      diff: step.diff ?? null,
      violations: step.violations,
      ...(step.problem !== undefined && { problem: step.problem }),
      environment: result.environment,
      params: result.params,
      reason: result.reason,
      policy: result.policy,
    }),
  };
}

/** The record of the procedure as a whole. */
export function procedureRecord(
  result: ProcedureResult,
  context: RunContext,
  time: Date,
): Record<string, unknown> {
  return { ...who(context, time), ...toProcedureReport(result) };
}
