/**
 * Check kinds by name. Adding a kind means: its module in this folder and its entry here;
 * its compiled shape in `CheckSpec` (src/policy/types.ts); its schema and compilation in
 * src/policy/check-schema.ts and compile-check.ts; its template fields in templates.ts.
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
