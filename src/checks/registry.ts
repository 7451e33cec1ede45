/**
 * Check kinds by name. Adding a kind means adding its module here, its schema to
 * `src/policy/check-schema.ts` and its compiled shape to `CheckSpec`; nothing else changes.
 * The network kinds are imported when a check of theirs runs, not before.
 */
import type { CheckSpec } from "../policy/types.js";
import { runCheck } from "./run-check.js";
import type { CheckKind } from "./types.js";

type Kinds = {
  [K in CheckSpec["kind"]]: () => Promise<CheckKind<Extract<CheckSpec, { kind: K }>>>;
};

const kinds: Kinds = {
  run: async () => runCheck,
  tls: async () => (await import("./tls-check.js")).tlsCheck,
  http: async () => (await import("./http-check.js")).httpCheck,
};

/** The kind that runs this spec. */
export async function checkKind<S extends CheckSpec>(spec: S): Promise<CheckKind<S>> {
  return (await kinds[spec.kind as S["kind"]]()) as unknown as CheckKind<S>;
}
