/**
 * The JSON report (DESIGN.md, contract): the run's result with secrets redacted. The same
 * object, plus who/where, is the audit record.
 */
import type { RunResult } from "../run/result.js";
import { isoTime } from "../util/iso-time.js";
import { redactArgv, redactDeep } from "./redact.js";

export type JsonReport = Record<string, unknown>;

/** The contract's JSON report of a run, secrets redacted. */
export function toJsonReport(result: RunResult): JsonReport {
  return redactDeep(reportFields(result));
}

/** The report's fields before redactDeep: each caller redacts what it builds, once. */
function reportFields(result: RunResult): JsonReport {
  const { auditFailure: _auditFailure, ...rest } = result;
  return {
    version: 1,
    ...rest,
    command: redactArgv(result.command),
    normalised: result.normalised.map((argv) => redactArgv(argv)),
    rules: result.rules.map((r) => r.id),
    ruleDetails: result.rules,
  };
}

export interface AuditContext {
  user: string;
  host: string;
  cwd: string;
  ci: boolean;
}

/** When the run ended: the audit record's `time`. */
export function recordTime(result: Pick<RunResult, "startedAt" | "durationMs">): string {
  return isoTime(Date.parse(result.startedAt) + result.durationMs);
}

/**
 * The audit record: the report plus who ran it, where, and when, redacted as a whole in one
 * pass (the log sees it is redactDeep's copy and does not walk it again).
 */
export function toAuditRecord(result: RunResult, context: AuditContext): Record<string, unknown> {
  return redactDeep({
    time: recordTime(result),
    user: context.user,
    host: context.host,
    cwd: context.cwd,
    ci: context.ci,
    ...reportFields(result),
  });
}
