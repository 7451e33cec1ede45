/**
 * preflight's small error hierarchy. Each class maps to one outcome, and so to one exit code
 * (see `src/run/outcome.ts`); only `src/index.ts` turns them into a process exit.
 *
 * Refusals (blocked, check failed, confirmation, verification) are not errors here but
 * outcomes in the run's result: they are expected, they carry data (the rule, the diff, the
 * violations) into the report and the audit record, and a thrown error would skip both.
 */

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export function formatProblem(p: PolicyProblem): string {
  const hint = p.hint ? `\n  hint: ${p.hint}` : "";
  return `${p.file}:${p.line}:${p.column}: ${p.message}${hint}`;
}

export class PreflightError extends Error {
  override readonly name: string = "PreflightError";
}

/** Wrong use of the command line. */
export class UsageError extends PreflightError {
  override readonly name = "UsageError";
}

/** A policy could not be read or is invalid. Nothing runs. */
export class PolicyError extends PreflightError {
  override readonly name = "PolicyError";
  constructor(
    readonly problems: PolicyProblem[],
    options?: { cause?: unknown },
  ) {
    super(
      problems.length === 1
        ? formatProblem(problems[0]!)
        : `${problems.length} problems in the policy:\n${problems.map(formatProblem).join("\n")}`,
      options,
    );
  }
}

/** preflight itself failed: a probe that cannot run, an unwritable audit log, a bug. */
export class InternalError extends PreflightError {
  override readonly name = "InternalError";
}
