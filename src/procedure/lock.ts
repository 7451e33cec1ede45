/**
 * A procedure's team lock (`lock:` on the procedure): taken once its start is confirmed, held
 * across every step, and (by the CLI) parked when it stops halfway, so that only its own
 * resume or undo, by the same person, takes it back. `{env}` and `{procedure}` fill the key.
 */
import { fillArgv, TemplateError } from "../command/template.js";
import type { ProcedureInput, ProcedurePorts } from "./ports.js";
import type { PreparedProcedure } from "./prepare.js";

export type ProcedureLockOutcome =
  | { ok: true }
  | { ok: false; outcome: "blocked" | "internal-error"; message: string; hint: string };

/** Takes the procedure's lock when it has one; a refusal names the holder. */
export async function lockProcedure(
  input: ProcedureInput,
  ports: ProcedurePorts,
  prepared: PreparedProcedure,
): Promise<ProcedureLockOutcome> {
  const template = input.procedure.lock;
  if (template === undefined) return { ok: true };
  let key: string;
  try {
    const values: Record<string, string> = {
      env: prepared.environment.name,
      procedure: input.procedure.name,
    };
    [key] = fillArgv([template], (name) => values[name]) as [string];
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return {
      ok: false,
      outcome: "blocked",
      message: `the procedure's lock key needs {${error.missing}}; a procedure's lock may use {env} and {procedure}`,
      hint: "fix the procedure's lock: template",
    };
  }
  if (!ports.locks) {
    return {
      ok: false,
      outcome: "blocked",
      message: `procedure ${input.procedure.name} holds the team lock ${key} while it runs, and no team database is configured; nothing was run`,
      hint: "set PREFLIGHT_DATABASE_URL (or the variable the policy's team: section names) and run `preflight team init` once",
    };
  }
  // The same command line for run, resume and undo, so a parked lock knows its own procedure.
  const acquired = await ports.locks.acquire([key], `procedure ${input.procedure.name}`);
  return acquired.ok ? { ok: true } : acquired;
}
