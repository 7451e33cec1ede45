/**
 * `preflight check`: runs checks without wrapping a command — named checks from a policy, or
 * one check given on the command line — prints each with its measured value, and exits 0
 * (all pass, or warn), 1 (a warn, with --fail-on-warn) or 67 (a fail). A check that cannot
 * run is a fail with its reason, never a crash and never a pass.
 */
import { runCheckList } from "../checks/run-checks.js";
import { summariseChecks } from "../checks/summary.js";
import { UsageError } from "../errors.js";
import { chalkFor } from "../io/presenter.js";
import { createProcessRunner } from "../io/process-runner.js";
import { loadPolicy } from "../policy/load.js";
import type { CheckSpec } from "../policy/types.js";
import { checkSummaryJson, renderCheckSummary } from "../report/check-view.js";
import { learnSecrets } from "../report/redact.js";
import { httpCheckInput, runCheckInput, templateValues, tlsCheckInput } from "./check-args.js";
import type { CliContext } from "./context.js";

export type CheckCommandOptions = {
  json: boolean;
  failOnWarn: boolean;
  color: boolean;
  policy: string[];
  /** `--set NAME=VALUE`: values for the checks' `{NAME}` templates. */
  set: string[];
} & (
  | { form: "named"; names: string[] }
  | { form: "tls" | "http"; target: string; flags: Record<string, unknown> }
  | { form: "run"; argv: string[]; flags: Record<string, unknown> }
);

export async function checkCommand(options: CheckCommandOptions, ctx: CliContext): Promise<number> {
  const started = new Date();
  const values = templateValues(options.set);
  // A secret on the command line (`check run -- psql --password=…`) is scrubbed from what the check prints.
  if (options.form === "run") learnSecrets(options.argv);
  const specs =
    options.form === "named"
      ? await namedChecks(options.names, options.policy, ctx)
      : [await commandLineCheck(options)];
  const reports = await runCheckList(specs, {
    runner: createProcessRunner({ onTerminal: ctx.terminal, notice: ctx.stderr }),
    lookup: (name) => (Object.hasOwn(values, name) ? values[name] : undefined),
    env: ctx.env,
    cwd: ctx.cwd,
    now: () => new Date(),
  });
  const summary = summariseChecks(reports, { failOnWarn: options.failOnWarn });
  if (options.json) {
    const durationMs = Date.now() - started.getTime();
    ctx.stdout(
      `${JSON.stringify(checkSummaryJson(summary, { startedAt: started, durationMs }), null, 2)}\n`,
    );
  } else {
    ctx.stdout(`${renderCheckSummary(summary, await chalkFor(ctx.color && options.color))}\n`);
  }
  return summary.exitCode;
}

/** The named checks asked for (all of them when none is named), from the policy that applies. */
async function namedChecks(
  names: readonly string[],
  policyPaths: string[],
  ctx: CliContext,
): Promise<CheckSpec[]> {
  const { policy, source } = await loadPolicy({
    explicit: policyPaths,
    env: ctx.env,
    cwd: ctx.cwd,
    home: ctx.home,
  });
  const defined = policy.checks ?? {};
  const known = Object.keys(defined);
  if (known.length === 0) {
    throw new UsageError(
      `the policy (${source.files.join(", ")}) defines no named checks: add them under a top-level checks: key, or give one on the command line (preflight check tls|http|run …)`,
    );
  }
  if (names.length === 0) return Object.values(defined);
  const { closest } = await import("../policy/suggest.js");
  return names.map((name) => {
    if (Object.hasOwn(defined, name)) return defined[name]!;
    const guess = closest(name, known);
    throw new UsageError(
      `the policy defines no check named '${name}'${guess ? ` (did you mean '${guess}'?)` : ""}; its checks: ${known.join(", ")}`,
    );
  });
}

/** The one check the flags describe, validated by the policy's own schema. */
async function commandLineCheck(
  options: Extract<CheckCommandOptions, { form: "tls" | "http" | "run" }>,
): Promise<CheckSpec> {
  const input =
    options.form === "run"
      ? runCheckInput(options.argv, options.flags)
      : options.form === "tls"
        ? tlsCheckInput(options.target, options.flags)
        : httpCheckInput(options.target, options.flags);
  const { ruleCheckSchema } = await import("../policy/check-schema.js");
  const { compileCheck } = await import("../policy/compile-check.js");
  const parsed = ruleCheckSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const at = issue.path.filter((p) => typeof p === "string").at(-1);
      return `${at ? `${String(at)}: ` : ""}${issue.message}`;
    });
    throw new UsageError(`preflight check ${options.form}: ${problems.join("; ")}`);
  }
  const spec = compileCheck(parsed.data, { file: "<command line>", line: 1, column: 1 });
  if (spec.kind === "use") throw new UsageError("a command-line check cannot `use` a named one");
  return spec;
}
