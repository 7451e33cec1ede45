/**
 * `preflight run` and `preflight plan`: load the policy, build the ports, run the lifecycle,
 * then render the outcome, write the report and return the exit code.
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import { resolveAuditLogPath } from "../audit/path.js";
import { createAwsClients } from "../aws/clients.js";
import { PolicyError, UsageError } from "../errors.js";
import { createAuditSink } from "../io/audit-sink.js";
import { createPresenter } from "../io/presenter.js";
import { createProcessRunner } from "../io/process-runner.js";
import { programFiles } from "../io/program-files.js";
import { createTerminalPrompter } from "../io/prompter.js";
import { loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import { toAuditRecord } from "../report/json.js";
import { learnSecrets } from "../report/redact.js";
import { hangingIndent } from "../report/wrap.js";
import { ensureReportWritable, writeReport } from "../report/write-report.js";
import { earlyResult } from "../run/early-result.js";
import { interruptedResult } from "../run/interrupted.js";
import { guardedRun } from "../run/lifecycle.js";
import type { RunContext } from "../run/ports.js";
import type { RunResult } from "../run/result.js";
import type { TeamPorts } from "../team/attach.js";
import type { CliContext } from "./context.js";
import { currentUser } from "./current-user.js";
import { recordInterruptionsUntilStart } from "./interruption.js";
import { renderRunResult } from "./render-run.js";
import type { RunCommandOptions } from "./run-options.js";
import { watchRun } from "./run-watch.js";

/** `preflight run` / `plan`: returns the exit code; writes the report and audit record whatever happens. */
export async function runCommand(
  options: RunCommandOptions,
  ctx: CliContext,
  /** `preflight request`: receives the plan's result (and the policy) once it is rendered. */
  onPlanned?: (result: RunResult, policy: Policy) => Promise<number>,
): Promise<number> {
  if (!options.command[0]?.trim()) {
    throw new UsageError(
      `the command after -- is empty${options.command.length > 0 ? ' ("")' : ""}: is a variable in it unset?`,
    );
  }
  if (options.wait !== undefined) parseDuration(options.wait); // a typo is a usage error now
  // Before anything prints: a check that echoes the command's password must not show it.
  learnSecrets(options.command);
  // A report that cannot be written is found out now, not after the command has run.
  if (options.report) ensureReportWritable(resolve(ctx.cwd, options.report));
  const started = new Date();
  const color = ctx.color && options.color;
  const auditFile = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  const audit = createAuditSink(auditFile);
  const runContext: RunContext = {
    cwd: ctx.cwd,
    env: ctx.env,
    user: currentUser(ctx.env),
    host: hostname(),
    interactive: ctx.interactive,
    ci: Boolean(ctx.env.CI),
    home: ctx.home,
  };

  const watch = watchRun();
  const interruption = recordInterruptionsUntilStart((signal) => {
    const stopped = interruptedResult(
      watch.result ??
        earlyResult({
          mode: options.verb,
          argv: options.command,
          outcome: "interrupted",
          message: "",
          ...(options.reason !== undefined && { reason: options.reason }),
          startedAt: started,
          durationMs: 0,
        }),
      { signal, during: watch.during, now: new Date() },
    );
    if (options.verb === "run") recordOrPrint(stopped, audit, runContext, ctx);
    if (options.report) writeReport(resolve(ctx.cwd, options.report), stopped, ctx.stderr);
    // On a terminal, the progress line (and the ^C the terminal echoed on it) is cleared.
    const columns = ctx.columns?.();
    const line = `interrupted (exit ${stopped.exitCode}) — ${stopped.message}`;
    ctx.stderr(
      `${columns !== undefined ? "\r\x1b[K" : ""}${hangingIndent("preflight: ", line, columns)}\n`,
    );
    // A signal handler cannot hand an exit code back to src/index.ts: the lifecycle is still
    // awaiting a check or a prompt that will never matter now.
    process.exit(stopped.exitCode);
  });
  const runner = createProcessRunner({ onTerminal: ctx.terminal, notice: ctx.stderr });

  let result: RunResult;
  let team: TeamPorts | undefined;
  let loaded: Policy | undefined;
  try {
    watch.at("loading the policy");
    const { policy } = await loadPolicy({
      explicit: options.policy,
      env: ctx.env,
      cwd: ctx.cwd,
      home: ctx.home,
    });
    loaded = policy;
    // With a team database, records also go to the shared trail, and locks can be taken.
    if (policy.team || ctx.env.PREFLIGHT_DATABASE_URL) {
      const { attachTeam } = await import("../team/attach.js");
      team = attachTeam(audit, policy, runContext, auditFile, ctx.stderr);
    }
    result = await guardedRun(
      {
        mode: options.verb,
        argv: options.command,
        policy,
        options: {
          ...(options.env !== undefined && { env: options.env }),
          ...(options.confirm !== undefined && { confirm: options.confirm }),
          ...(options.reason !== undefined && { reason: options.reason }),
          ...(options.report !== undefined && { report: options.report }),
          ...(options.wait !== undefined && { lockWaitMs: parseDuration(options.wait) }),
          ...(options.approval !== undefined && { approval: options.approval }),
        },
        context: runContext,
      },
      {
        runner: {
          ...runner,
          runInherited: (argv, runOptions) => {
            interruption.commandStarting();
            return runner.runInherited(argv, runOptions);
          },
        },
        ...watch.wrap({
          prompter: createTerminalPrompter({ onCtrlC: () => interruption.interrupt("SIGINT") }),
          presenter: createPresenter({
            cwd: ctx.cwd,
            color,
            write: ctx.stderr,
            quiet: options.json,
            columns: ctx.columns ?? (() => undefined),
          }),
        }),
        audit: team?.audit ?? audit,
        now: () => new Date(),
        aws: createAwsClients(),
        files: programFiles,
        ...(team && { locks: team.locks, approvals: team.approvals }),
      },
    );
  } catch (error) {
    // Whatever stopped the run, it still gets its report and its audit record.
    const invalid = error instanceof PolicyError;
    if (!invalid) {
      ctx.stderr(
        `preflight: internal error (a bug in preflight; please report it with this output):\n${(error as Error)?.stack ?? String(error)}\n`,
      );
    }
    result = earlyResult({
      mode: options.verb,
      argv: options.command,
      outcome: invalid ? "policy-invalid" : "internal-error",
      message: invalid
        ? `the policy is invalid, so nothing was run:\n${error.message}`
        : `preflight failed: ${(error as Error)?.message ?? String(error)}`,
      hint: invalid
        ? "fix the policy (preflight policy validate shows every problem); preflight refuses rather than run unguarded"
        : "check the state by hand if the command may have run; the audit record says how far it got",
      ...(options.reason !== undefined && { reason: options.reason }),
      startedAt: started,
      durationMs: Date.now() - started.getTime(),
    });
    if (options.verb === "run") recordOrPrint(result, audit, runContext, ctx);
  }

  interruption.commandStarting();
  // A command no rule matched does not wait for the database: its record rides along with
  // the next guarded run's upload (or `preflight team sync`).
  if (team && result.outcome !== "no-rule") {
    const notice = await team.audit.flush();
    if (notice) ctx.stderr(notice);
  }
  await renderRunResult(result, options, ctx, color);
  if (options.report) writeReport(resolve(ctx.cwd, options.report), result, ctx.stderr);
  if (ctx.env.GITHUB_ACTIONS === "true" && result.outcome !== "no-rule") {
    // Only once a rule was involved: a command no rule matches loads nothing more.
    const { reportToGithub } = await import("../report/github-run.js");
    reportToGithub(result, ctx.env, ctx.stderr);
  }
  if (onPlanned && loaded) return onPlanned(result, loaded);
  return result.exitCode;
}

/** Writes a record the lifecycle could not; if even that fails, prints it rather than lose it. */
function recordOrPrint(
  result: RunResult,
  audit: ReturnType<typeof createAuditSink>,
  context: RunContext,
  ctx: CliContext,
): void {
  try {
    audit.append(toAuditRecord(result, context));
  } catch (error) {
    ctx.stderr(
      `preflight: WARNING: the audit record could not be written (${(error as Error).message}). The record:\n${JSON.stringify(toAuditRecord(result, context))}\n`,
    );
  }
}

/** `--wait`: `90`, `30s`, `5m`, `1h` as milliseconds; anything else is a usage error. */
function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(`--wait ${text}: give a duration such as 30s, 5m or 1h`);
  }
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] ?? "s"]!;
  return Number(match[1]) * unit;
}
