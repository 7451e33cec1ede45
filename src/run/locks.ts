/**
 * The team locks a guarded run takes before its command starts (rules with `lock:`), and
 * gives back when it has been verified and recorded. Without a team database a rule that
 * asks for a lock is refused: a lock nobody else can see would only look like protection.
 */
import { fillArgv, formatArgv, TemplateError } from "../command/template.js";
import type { Guard } from "./guards.js";
import type { LockAcquisition, RunPorts } from "./ports.js";

/** The lock keys the matching rules ask for, filled from the command. Throws TemplateError. */
export function lockKeysOf(guards: readonly Guard[]): string[] {
  const keys = guards.flatMap((g) => (g.rule.lock ? fillArgv([g.rule.lock], g.lookup) : []));
  return [...new Set(keys)];
}

/** Takes the run's locks; a refusal says who holds which, or why none could be taken. */
export async function takeLocks(
  guards: readonly Guard[],
  argv: readonly string[],
  ports: Pick<RunPorts, "locks">,
  waitMs: number | undefined,
): Promise<LockAcquisition> {
  let keys: string[];
  try {
    keys = lockKeysOf(guards);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return {
      ok: false,
      outcome: "blocked",
      message: `the rule's lock key needs {${error.missing}}, which this command does not give; nothing was run`,
      hint: "name it in the command, or fix the rule's lock: template",
    };
  }
  if (keys.length === 0) return { ok: true, release: async () => {} };
  if (!ports.locks) {
    const rules = guards.filter((g) => g.rule.lock).map((g) => g.rule.id);
    return {
      ok: false,
      outcome: "blocked",
      message: `rule ${[...new Set(rules)].join(", ")} holds a team lock on ${keys.join(", ")} while it runs, and no team database is configured; nothing was run`,
      hint: "set PREFLIGHT_DATABASE_URL (or the variable the policy's team: section names) and run `preflight team init` once",
    };
  }
  return ports.locks.acquire(keys, formatArgv(argv), waitMs === undefined ? {} : { waitMs });
}
