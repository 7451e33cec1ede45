/**
 * Check kinds by name. Adding a kind means adding its module here and its schema to the
 * policy schema; nothing else changes.
 */
import type { CheckSpec } from "../policy/types.js";
import { runCheck } from "./run-check.js";
import type { CheckKind } from "./types.js";

const kinds: Record<CheckSpec["kind"], CheckKind> = {
  run: runCheck,
};

export function checkKind(spec: CheckSpec): CheckKind {
  return kinds[spec.kind];
}
