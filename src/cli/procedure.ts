/**
 * `preflight procedure list|show|plan|run|undo`: named multi-step procedures from the policy.
 * Loads the policy, builds the ports, runs the procedure verb, renders the outcome and
 * writes the report; the procedure's audit records are written as it goes.
 */
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import { resolveAuditLogPath } from "../audit/path.js";
import { describeCheck } from "../checks/describe.js";
import { formatArgv } from "../command/template.js";
import { UsageError } from "../errors.js";
import { createAuditSink } from "../io/audit-sink.js";
import { chalkFor } from "../io/presenter.js";
import { createProcessRunner } from "../io/process-runner.js";
import { createStepAnnouncer } from "../io/progress-line.js";
import { createTerminalPrompter } from "../io/prompter.js";
import { loadPolicy } from "../policy/load.js";
import { closest } from "../policy/suggest.js";
import type { Policy, Procedure } from "../policy/types.js";
import type { ProcedureInput, ProcedurePorts } from "../procedure/ports.js";
import { createProgressStore, progressFile } from "../procedure/progress.js";
import { toProcedureReport } from "../procedure/records.js";
import type { ProcedureResult } from "../procedure/result.js";
import { ensureReportWritable } from "../report/write-report.js";
import type { TeamPorts } from "../team/attach.js";
import type { CliContext } from "./context.js";
import type { Interruptions } from "./interruption.js";
import { watchProcedure } from "./procedure-watch.js";

export interface ProcedureCommandOptions {
  verb: "list" | "show" | "plan" | "run" | "undo";
  name?: string;
  policy: string[];
  params: string[];
  env?: string;
  confirm?: string;
  reason?: string;
  report?: string;
  auditLog?: string;
  resume: boolean;
  restart: boolean;
  json: boolean;
  color: boolean;
}

export async function procedureCommand(
  options: ProcedureCommandOptions,
  ctx: CliContext,
): Promise<number> {
  const { policy } = await loadPolicy({
    explicit: options.policy,
    env: ctx.env,
    cwd: ctx.cwd,
    home: ctx.home,
  });
  const procedures = policy.procedures ?? {};
  if (options.verb === "list") return listProcedures(procedures, policy, options, ctx);
  const procedure = findProcedure(procedures, options.name ?? "", policy);
  if (options.verb === "show") return showProcedure(procedure, options, ctx);
  if (options.resume && options.restart)
    throw new UsageError("--resume and --restart contradict each other: choose one");

  if (options.report) ensureReportWritable(resolve(ctx.cwd, options.report));
  const color = ctx.color && options.color;
  const chalk = await chalkFor(color);
  const auditFile = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  const quiet = options.json;
  // With a team database, records also go to the shared trail, and the lock: can be taken.
  let team: TeamPorts | undefined;
  if (policy.team || ctx.env.PREFLIGHT_DATABASE_URL) {
    const { attachTeam } = await import("../team/attach.js");
    team = attachTeam(
      createAuditSink(auditFile),
      policy,
      { env: ctx.env, user: currentUser(ctx.env), host: hostname() },
      auditFile,
      ctx.stderr,
    );
  }
  const announce = createStepAnnouncer({
    write: ctx.stderr,
    columns: ctx.columns ?? (() => undefined),
  });
  const context = {
    cwd: ctx.cwd,
    env: ctx.env,
    user: currentUser(ctx.env),
    host: hostname(),
    interactive: ctx.interactive,
    ci: Boolean(ctx.env.CI),
  };
  const { renderProcedureOutcome } = await import("../report/procedure-human.js");
  const render = (result: ProcedureResult) => renderProcedureOutcome(result, chalk);
  const ports: ProcedurePorts & { readonly interruptions?: Interruptions } = watchProcedure(
    {
      runner: createProcessRunner({ onTerminal: ctx.terminal, notice: ctx.stderr }),
      prompter: createTerminalPrompter({
        onCtrlC: () => ports.interruptions?.interrupt("SIGINT"),
      }),
      presenter: {
        async showPlan(plan) {
          if (quiet) return;
          const { renderProcedurePlan } = await import("../report/procedure-human.js");
          ctx.stderr(`${renderProcedurePlan(plan, chalk, ctx.columns?.())}\n`);
        },
        progress(message) {
          if (!quiet) ctx.stderr(`preflight: ${message}\n`);
        },
        step: (what, limitMs) => (quiet ? () => {} : announce(what, limitMs)),
      },
      audit: team?.audit ?? createAuditSink(auditFile),
      ...(team && { locks: team.locks }),
      progress: createProgressStore(progressFile(auditFile, procedure.name)),
      now: () => new Date(),
      newRunId: randomUUID,
      pid: process.pid,
      isRunning,
    },
    {
      context,
      resumeCommand: commandLine("run --resume", procedure.name, options),
      onStop: (stopped) => {
        // A signal handler cannot hand an exit code back to src/index.ts.
        process.exit(reportProcedure(stopped, options, ctx, render));
      },
    },
  );
  const input: ProcedureInput = {
    mode: options.verb,
    policy,
    procedure,
    paramWords: options.params,
    options: {
      ...(options.env !== undefined && { env: options.env }),
      ...(options.confirm !== undefined && { confirm: options.confirm }),
      ...(options.reason !== undefined && { reason: options.reason }),
      resume: options.resume,
      restart: options.restart,
    },
    context,
    commandFor: (verb) => commandLine(verb, procedure.name, options),
  };
  let result: ProcedureResult;
  if (options.verb === "undo") {
    const { undoProcedure } = await import("../procedure/undo-procedure.js");
    result = await undoProcedure(input, ports);
  } else {
    const { runProcedure } = await import("../procedure/run-procedure.js");
    result = await runProcedure(input, ports);
  }

  if (team) {
    // Stopped halfway, the lock waits for this procedure's own resume or undo.
    await team.locks.releaseAll({
      park: options.verb === "run" && result.next.resume !== undefined,
    });
    if (input.mode !== "plan") {
      const notice = await team.audit.flush();
      if (notice) ctx.stderr(notice);
    }
  }
  ports.interruptions?.commandStarting();
  return reportProcedure(result, options, ctx, render);
}

/** Prints the outcome (or the JSON), writes the report; returns the exit code. */
function reportProcedure(
  result: ProcedureResult,
  options: ProcedureCommandOptions,
  ctx: CliContext,
  render: (result: ProcedureResult) => string,
): number {
  const report = `${JSON.stringify(toProcedureReport(result), null, 2)}\n`;
  if (options.json) ctx.stdout(report);
  if (result.auditFailure) {
    ctx.stderr(
      `preflight: WARNING: an audit record could not be written (${result.auditFailure.error}). The record:\n${JSON.stringify(result.auditFailure.record)}\n`,
    );
  }
  // On a terminal, a progress line may be half drawn (Ctrl-C stopped it).
  const clear = ctx.columns?.() !== undefined ? "\r\x1b[K" : "";
  if (!options.json) ctx.stderr(`${clear}${render(result)}\n`);
  if (options.report) {
    try {
      writeFileSync(resolve(ctx.cwd, options.report), report);
    } catch (error) {
      ctx.stderr(`preflight: could not write the report: ${(error as Error).message}\n`);
    }
  }
  return result.exitCode;
}

function findProcedure(
  procedures: Record<string, Procedure>,
  name: string,
  policy: Policy,
): Procedure {
  const procedure = Object.hasOwn(procedures, name) ? procedures[name] : undefined;
  if (procedure) return procedure;
  const names = Object.keys(procedures);
  const guess = closest(name, names);
  throw new UsageError(
    names.length === 0
      ? `the policy (${policy.files.join(", ")}) defines no procedures; add them under procedures:`
      : `there is no procedure '${name}'${guess ? `; did you mean '${guess}'?` : ""} (defined: ${names.join(", ")})`,
  );
}

function listProcedures(
  procedures: Record<string, Procedure>,
  policy: Policy,
  options: ProcedureCommandOptions,
  ctx: CliContext,
): number {
  const list = Object.values(procedures).map((p) => ({
    name: p.name,
    description: p.description ?? "",
    steps: p.steps.length,
    file: p.source.file,
    line: p.source.line,
  }));
  if (options.json) {
    ctx.stdout(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  if (list.length === 0) {
    ctx.stdout(`no procedures in ${policy.files.join(", ")}\n`);
    return 0;
  }
  const width = Math.max(...list.map((p) => p.name.length));
  for (const p of list) {
    ctx.stdout(`${p.name.padEnd(width)}  ${String(p.steps).padStart(2)} steps  ${p.description}\n`);
  }
  return 0;
}

function showProcedure(
  procedure: Procedure,
  options: ProcedureCommandOptions,
  ctx: CliContext,
): number {
  if (options.json) {
    ctx.stdout(`${JSON.stringify(procedure, null, 2)}\n`);
    return 0;
  }
  const text = (spec: string | string[]) => (typeof spec === "string" ? spec : formatArgv(spec));
  const lines = [
    `procedure ${procedure.name}${procedure.description ? ` — ${procedure.description}` : ""}`,
    `  defined at ${procedure.source.file}:${procedure.source.line}`,
    `  environment from ${procedure.environment?.vars.length ? `variables ${procedure.environment.vars.join(", ")}` : "--env only"}`,
    `  on failure: ${procedure.onFailure}`,
  ];
  for (const p of procedure.params) {
    const how = p.default !== undefined ? `default ${p.secret ? "***" : p.default}` : "required";
    lines.push(
      `  param ${p.name} (${how}${p.pattern ? `, must match /${p.pattern}/` : ""}${p.secret ? ", secret: give it as @env:VARIABLE" : ""})${p.description ? ` — ${p.description}` : ""}`,
    );
  }
  procedure.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.name}`);
    for (const c of step.checks) lines.push(`       check  ${c.name} — ${describeCheck(c)}`);
    if (step.run !== undefined) lines.push(`       run    ${text(step.run)}`);
    for (const c of step.verify) lines.push(`       verify ${c.name} — ${describeCheck(c)}`);
    if (step.undo !== undefined) lines.push(`       undo   ${text(step.undo)}`);
  });
  ctx.stdout(`${lines.join("\n")}\n`);
  return 0;
}

/** The command that resumes or undoes this procedure, with the operator's own options. */
function commandLine(
  verb: "run" | "run --resume" | "undo",
  name: string,
  options: ProcedureCommandOptions,
): string {
  const [command, ...flags] = verb.split(" ");
  const words = ["preflight", "procedure", command!, name, ...flags];
  for (const p of options.policy) words.push("--policy", p);
  for (const p of options.params) words.push("--param", p);
  if (options.env !== undefined) words.push("--env", options.env);
  if (options.confirm !== undefined) words.push("--confirm", options.confirm);
  if (options.auditLog !== undefined) words.push("--audit-log", options.auditLog);
  return formatArgv(words);
}

function isRunning(pid: number, host: string): boolean {
  if (host !== hostname()) return true; // Cannot tell from here: assume it is, and say so.
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? "unknown";
  }
}
