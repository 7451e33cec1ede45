/** State probe kinds by name; adding one means adding its module here and its schema. */
import type { StateSpec } from "../policy/types.js";
import { runProbe } from "./run-probe.js";
import type { StateKind } from "./types.js";

const kinds: Record<StateSpec["kind"], StateKind> = {
  run: runProbe,
};

export function stateKind(spec: StateSpec): StateKind {
  return kinds[spec.kind];
}
