/** Running the guards' pre-checks (and, after the command, their `verify` checks). */
import { runOneCheck } from "../checks/run-checks.js";
import type { CheckSpec } from "../policy/types.js";
import type { Guard } from "./guards.js";
import type { AnnounceStep, ProcessRunner } from "./ports.js";
import type { CheckResult } from "./result.js";

export async function runChecks(
  guards: readonly Guard[],
  options: {
    runner: ProcessRunner;
    cwd: string;
    readOnlyOnly: boolean;
    now?: () => Date;
    /** Which list: the pre-checks (default) or the checks run after the command. */
    phase?: "before" | "after";
    /** Shows each check as it runs (the terminal's progress line). */
    step?: AnnounceStep;
    /** Hears each result as it comes: a run stopped halfway still records the checks done. */
    onResult?: (result: CheckResult) => void;
  },
): Promise<CheckResult[]> {
  const phase = options.phase ?? "before";
  const results: CheckResult[] = [];
  for (const guard of guards) {
    const specs: CheckSpec[] = phase === "before" ? guard.rule.checks : (guard.rule.verify ?? []);
    for (const spec of specs) {
      const id = { name: spec.name, rule: guard.rule.id, ...(phase === "after" && { phase }) };
      if (options.readOnlyOnly && !spec.readOnly) {
        results.push({ ...id, status: "skipped", detail: "not run by plan: not marked read-only" });
        continue;
      }
      const done = options.step?.(`check '${spec.name}'`, spec.timeoutMs + spec.retryForMs);
      const { status, detail, value } = await runOneCheck(spec, {
        runner: options.runner,
        lookup: guard.lookup,
        env: guard.vars,
        cwd: options.cwd,
        now: options.now ?? (() => new Date()),
      }).finally(done);
      const result: CheckResult = { ...id, status, detail, ...(value !== undefined && { value }) };
      results.push(result);
      options.onResult?.(result);
    }
  }
  return results;
}
