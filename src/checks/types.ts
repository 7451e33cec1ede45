/** The shape every check kind shares, so the lifecycle (and procedures) run them all the same way. */
import type { TemplateLookup } from "../command/template.js";
import type { CheckSpec } from "../policy/types.js";
import type { ProcessRunner } from "../ports/process-runner.js";

export interface CheckContext {
  runner: ProcessRunner;
  /** Fills `{target}`, `{resource}`, `{args.NAME}`… in the check's templates. */
  lookup: TemplateLookup;
  /** The variables the check runs with (the command's own, in a guarded run). */
  env: Record<string, string | undefined>;
  cwd: string;
  /** The clock: days to a certificate's expiry are counted from it. */
  now: () => Date;
}

export type CheckStatus = "pass" | "warn" | "fail";

/** What a check measured: a number, the value at a JSON path, a status, a first line of output. */
export type CheckValue = string | number | boolean | null;

export interface CheckOutcome {
  /** `warn` does not stop a run, but is shown and recorded. */
  status: CheckStatus;
  /** One line: why, with the measured value in it. */
  detail: string;
  /** The measured value, for machines (the report, `preflight check --json`). */
  value?: CheckValue;
}

/** A check kind receives its spec with every template already filled (see templates.ts). */
export interface CheckKind<S extends CheckSpec = CheckSpec> {
  kind: S["kind"];
  run(spec: S, context: CheckContext): Promise<CheckOutcome>;
}
