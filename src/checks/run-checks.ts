/**
 * Running checks: the one function the guarded run, `preflight check` and procedures call.
 * It fills each check's templates, runs it with its own variables, retries a failing check
 * for as long as its `retry-for` allows, and turns anything that stops a check from running
 * (a missing template value, a thrown error) into a fail with the reason. A check never
 * passes by default.
 */
import { TemplateError } from "../command/template.js";
import type { CheckSpec } from "../policy/types.js";
import { checkKind } from "./registry.js";
import { fillCheck } from "./templates.js";
import type { CheckContext, CheckOutcome } from "./types.js";

/** One check's result: its outcome, what it was and how long it took. */
export interface CheckReport extends CheckOutcome {
  name: string;
  kind: CheckSpec["kind"];
  durationMs: number;
}

const RETRY_INTERVAL_MS = 1000;

/** Runs the checks in order (each one's result is independent of the others'). */
export async function runCheckList(
  specs: readonly CheckSpec[],
  context: CheckContext,
): Promise<CheckReport[]> {
  const reports: CheckReport[] = [];
  for (const spec of specs) reports.push(await runOneCheck(spec, context));
  return reports;
}

/** Runs one check; a fail is retried every second for up to its `retry-for`. */
export async function runOneCheck(spec: CheckSpec, context: CheckContext): Promise<CheckReport> {
  const started = performance.now();
  const deadline = Date.now() + spec.retryForMs;
  let outcome = await attempt(spec, context);
  while (outcome.status === "fail" && Date.now() + RETRY_INTERVAL_MS <= deadline) {
    await new Promise((r) => setTimeout(r, RETRY_INTERVAL_MS));
    outcome = await attempt(spec, context);
  }
  return {
    name: spec.name,
    kind: spec.kind,
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  };
}

async function attempt(spec: CheckSpec, context: CheckContext): Promise<CheckOutcome> {
  try {
    const filled = fillCheck(spec, context.lookup);
    const kind = await checkKind(filled);
    return await kind.run(filled, { ...context, env: { ...context.env, ...filled.env } });
  } catch (error) {
    if (error instanceof TemplateError) {
      return {
        status: "fail",
        detail: `could not run: the check needs {${error.missing}}, which the command does not give`,
      };
    }
    return { status: "fail", detail: `could not run: ${(error as Error).message}` };
  }
}
