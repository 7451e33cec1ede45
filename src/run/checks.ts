/** Running the guards' pre-checks. A check that cannot run fails; it never passes by default. */
import { checkKind } from "../checks/registry.js";
import type { Guard } from "./guards.js";
import type { ProcessRunner } from "./ports.js";
import type { CheckResult } from "./result.js";

export async function runChecks(
  guards: readonly Guard[],
  options: { runner: ProcessRunner; cwd: string; readOnlyOnly: boolean },
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const guard of guards) {
    for (const spec of guard.rule.checks) {
      const id = { name: spec.name, rule: guard.rule.id };
      if (options.readOnlyOnly && !spec.readOnly) {
        results.push({ ...id, status: "skipped", detail: "not run by plan: not marked read-only" });
        continue;
      }
      try {
        const context = {
          runner: options.runner,
          lookup: guard.lookup,
          env: guard.vars,
          cwd: options.cwd,
        };
        results.push({ ...id, ...(await checkKind(spec).run(spec, context)) });
      } catch (error) {
        results.push({
          ...id,
          status: "fail",
          detail: `could not run: ${(error as Error).message}`,
        });
      }
    }
  }
  return results;
}
