/** The human view of a procedure: its whole plan before anything runs, and how it ended. */
import type { ChalkInstance } from "chalk";
import type { ProcedurePlan, ProcedureResult } from "../procedure/result.js";
import type { CheckResult } from "../run/result.js";
import { renderBanner } from "./banner.js";
import { redactText } from "./redact.js";

/** Every step with its checks, command, verification and undo; done steps are marked. */
export function renderProcedurePlan(
  plan: ProcedurePlan,
  chalk: ChalkInstance,
  columns?: number,
): string {
  const lines = [renderBanner(plan.environment, chalk, columns)];
  const title = plan.undoing ? "undo of procedure" : "procedure";
  lines.push(
    `  ${chalk.bold(title)} ${plan.procedure}${plan.description ? ` — ${plan.description}` : ""}`,
  );
  const env = plan.environment;
  const kind = env.known
    ? env.protected
      ? "protected"
      : "not protected"
    : "unknown, treated as protected";
  lines.push(`  ${chalk.bold("environment")} ${env.name} (${kind}), from ${env.source}`);
  const params = Object.entries(plan.params);
  if (params.length > 0)
    lines.push(`  ${chalk.bold("params")}      ${params.map(([k, v]) => `${k}=${v}`).join("  ")}`);
  if (!plan.undoing) {
    lines.push(
      `  ${chalk.bold("on failure")}  ${plan.onFailure === "undo" ? "undo the completed steps, newest first" : "stop, and say how to resume or undo"}`,
    );
  }
  if (plan.resumeAt !== undefined)
    lines.push(
      `  ${chalk.bold("resuming")}    at step ${plan.resumeAt}; the steps before it are done`,
    );

  const steps = plan.undoing ? [...plan.steps].reverse() : plan.steps;
  for (const step of steps) {
    const head = `  ${String(step.number).padStart(2)}. ${step.name}`;
    lines.push(step.done ? chalk.dim(`${head}  (done)`) : chalk.bold(head));
    if (step.done) continue;
    const row = (label: string, text: string) => lines.push(`        ${label.padEnd(7)} ${text}`);
    if (plan.undoing) {
      row(
        "undo",
        step.undo ??
          (step.command
            ? chalk.yellow("(no undo: revert it by hand)")
            : chalk.dim("(nothing to undo: it only checks)")),
      );
      continue;
    }
    for (const c of step.checks) row("check", `${c.name} ${chalk.dim(`— ${oneLine(c.command)}`)}`);
    if (step.command) row("run", oneLine(step.command, 200));
    for (const s of step.state) row("state", s);
    if (step.expected) row("expect", step.expected);
    for (const c of step.verify) row("verify", `${c.name} ${chalk.dim(`— ${oneLine(c.command)}`)}`);
    if (step.undo) row("undo", chalk.dim(step.undo));
  }
  if (plan.decision === "confirm")
    lines.push(
      `  ${chalk.bold("confirm")}     type ${plan.confirmation.word} once, before the first step (or --confirm ${plan.confirmation.word})`,
    );
  return redactText(lines.join("\n"));
}

/** What happened to each step, the undo, the outcome, and exactly what to run next. */
export function renderProcedureOutcome(result: ProcedureResult, chalk: ChalkInstance): string {
  const lines: string[] = [];
  for (const step of result.steps) {
    const mark =
      step.status === "verified"
        ? chalk.green("✔ verified")
        : step.status === "done-before"
          ? chalk.dim("✔ done earlier")
          : step.status === "failed"
            ? chalk.red("✘ FAILED")
            : step.status === "declined"
              ? chalk.yellow("■ declined")
              : chalk.dim("· not run");
    if (result.mode === "plan" && step.checks.length === 0) continue;
    lines.push(`  ${mark} ${step.number}. ${step.name}`);
    for (const c of [...step.checks, ...step.verify])
      if (c.status !== "pass" || step.status === "failed" || result.mode === "plan")
        lines.push(`      ${checkLine(c, chalk)}`);
    if (step.problem) lines.push(`      ${chalk.red(step.problem)}`);
  }
  for (const undo of result.undo.steps) {
    const mark =
      undo.status === "undone"
        ? chalk.green("↶ undone")
        : undo.status === "failed"
          ? chalk.red("✘ undo FAILED")
          : chalk.yellow("· no undo");
    lines.push(
      `  ${mark} ${undo.number}. ${undo.name}${undo.status === "undone" ? "" : ` — ${undo.detail}`}`,
    );
  }
  const label =
    result.exitCode === 0 ? chalk.green(result.outcome) : chalk.red.bold(result.outcome);
  lines.push(`preflight: ${label} (exit ${result.exitCode}) — ${result.message}`);
  if (result.hint) lines.push(`  what to do: ${result.hint}`);
  return redactText(lines.join("\n"));
}

/** A check's command on one line, cut short: the plan is read at a glance; `procedure show` has it whole. */
function oneLine(text: string, max = 100): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function checkLine(check: CheckResult, chalk: ChalkInstance): string {
  const mark =
    check.status === "pass"
      ? chalk.green("pass")
      : check.status === "fail"
        ? chalk.red("FAIL")
        : chalk.dim("skip");
  return `${mark} ${check.name}${check.detail ? chalk.dim(` — ${check.detail}`) : ""}`;
}
