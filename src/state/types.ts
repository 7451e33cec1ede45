/** The shape every state probe kind shares. */
import type { TemplateLookup } from "../command/template.js";
import type { Entry } from "../diff/types.js";
import type { StateSpec } from "../policy/types.js";
import type { ProcessRunner } from "../run/ports.js";

export interface ProbeContext {
  runner: ProcessRunner;
  lookup: TemplateLookup;
  env: Record<string, string | undefined>;
  cwd: string;
}

export class ProbeError extends Error {}

export interface StateKind<S extends StateSpec = StateSpec> {
  kind: S["kind"];
  /** Takes a snapshot; throws ProbeError when it cannot. */
  snapshot(spec: S, context: ProbeContext): Promise<Entry[]>;
}
