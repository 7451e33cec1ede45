/** The shape every check kind shares, so the lifecycle runs them all the same way. */
import type { TemplateLookup } from "../command/template.js";
import type { CheckSpec } from "../policy/types.js";
import type { ProcessRunner } from "../run/ports.js";

export interface CheckContext {
  runner: ProcessRunner;
  lookup: TemplateLookup;
  env: Record<string, string | undefined>;
  cwd: string;
}

export interface CheckOutcome {
  status: "pass" | "fail";
  /** One line: why, and the measured value. */
  detail: string;
}

export interface CheckKind<S extends CheckSpec = CheckSpec> {
  kind: S["kind"];
  run(spec: S, context: CheckContext): Promise<CheckOutcome>;
}
