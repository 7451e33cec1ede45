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

/**
 * `instanceof` by a mark every instance carries (a `Symbol.for`, shared by every copy of this
 * module), not by class identity: the policy tools are a bundle of their own
 * (dist/policy-tools.cjs) with their own copy of these classes, and a usage error thrown there
 * must still be a usage error (64, one line) when src/index.ts reports it, not a "bug".
 */
function mark(error: Error, name: string): void {
  Object.defineProperty(error, Symbol.for(`preflight.${name}`), { value: true });
}
const marked = (name: string) => (value: unknown) =>
  typeof value === "object" &&
  value !== null &&
  (value as Record<symbol, unknown>)[Symbol.for(`preflight.${name}`)] === true;

export class PreflightError extends Error {
  override readonly name: string = "PreflightError";
  static override [Symbol.hasInstance] = marked("PreflightError");
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    mark(this, "PreflightError");
  }
}

/** Wrong use of the command line. */
export class UsageError extends PreflightError {
  override readonly name = "UsageError";
  static override [Symbol.hasInstance] = marked("UsageError");
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    mark(this, "UsageError");
  }
}

/** A policy could not be read or is invalid. Nothing runs. */
export class PolicyError extends PreflightError {
  override readonly name = "PolicyError";
  static override [Symbol.hasInstance] = marked("PolicyError");
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
    mark(this, "PolicyError");
  }
}

/** preflight itself failed: a probe that cannot run, an unwritable audit log, a bug. */
export class InternalError extends PreflightError {
  override readonly name = "InternalError";
  static override [Symbol.hasInstance] = marked("InternalError");
  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    mark(this, "InternalError");
  }
}
