/** The human view of a run: the plan before confirmation and the outcome after. */
import { isAbsolute, relative } from "node:path";
import type { ChalkInstance } from "chalk";
import { formatArgv } from "../command/template.js";
import type { ChangedEntry, DiffEntry } from "../diff/types.js";
import type { RunResult } from "../run/result.js";
import { renderBanner } from "./banner.js";
import { describeEntry } from "./entry-text.js";
import { renderPredicted, renderRollbackEntries } from "./predicted.js";
import { describeProgram } from "./program-text.js";
import { redactArgv, redactText } from "./redact.js";

const MAX_LISTED = 20;

/** The plan shown before confirmation; policy paths are shown relative to `cwd` when inside it. */
export function renderPlan(result: RunResult, chalk: ChalkInstance, cwd?: string): string {
  const lines: string[] = [];
  if (result.environment) lines.push(renderBanner(result.environment, chalk));
  const row = (label: string, value: string) =>
    lines.push(`  ${chalk.bold(label.padEnd(12))} ${value}`);
  const shown = formatArgv(redactArgv(result.command));
  row("command", shown);
  for (const argv of result.normalised) {
    const runs = formatArgv(redactArgv(argv));
    if (runs !== shown) row("runs", runs);
  }
  for (const program of result.programs ?? []) row("program", describeProgram(program));
  if (result.environment) {
    const env = result.environment;
    const kind = env.known
      ? env.protected
        ? "protected"
        : "not protected"
      : "unknown, treated as protected";
    const raw = env.target !== undefined && env.target !== env.name ? ` '${env.target}'` : "";
    row("environment", `${env.name} (${kind}), from ${env.source}${raw}`);
    // The files read are in the report and in `policy explain`; the plan says where it goes.
    if (env.truth) row("goes to", env.truth.problem ?? env.truth.where);
    if (env.note !== undefined) row("names", env.note);
  }
  for (const rule of result.rules) {
    row(
      "rule",
      `${rule.id}${rule.description ? ` — ${rule.description}` : ""} ${chalk.dim(`(${displayPath(rule.file, cwd)}:${rule.line})`)}`,
    );
  }
  row("decision", `${result.decision}${result.decidedBy ? ` (rule ${result.decidedBy})` : ""}`);
  for (const check of result.checks) {
    if (check.phase === "after") continue;
    row("check", renderCheck(check, chalk));
  }
  for (const probe of result.probes) {
    row(
      "state",
      `${probe.name}: ${probe.before !== undefined ? `${probe.before} ${probe.before === 1 ? "entry" : "entries"} before` : (probe.problem ?? "not taken")}`,
    );
  }
  lines.push(...renderPredicted(result, chalk));
  for (const expected of result.expected) row("expected", expected.text);
  // A last pass over everything shown: targets, check output and probe errors can carry secrets.
  return redactText(lines.join("\n"));
}

export function renderOutcome(result: RunResult, chalk: ChalkInstance): string {
  const lines: string[] = [];
  const diff = result.diff;
  if (diff.added.length + diff.removed.length + diff.changed.length > 0) {
    lines.push(chalk.bold("  what changed"));
    lines.push(...listEntries("-", diff.removed, chalk.red));
    lines.push(...listEntries("+", diff.added, chalk.green));
    lines.push(...listEntries("~", diff.changed, chalk.yellow));
  } else if (result.probes.some((p) => p.after !== undefined)) {
    lines.push(`  ${chalk.bold("what changed")} nothing`);
  }
  for (const check of result.checks) {
    if (check.phase === "after")
      lines.push(`  ${chalk.bold("verify".padEnd(12))} ${renderCheck(check, chalk)}`);
  }
  for (const v of result.violations) {
    lines.push(
      `  ${chalk.red("✘ violated")} ${v.expectation}${v.rule ? ` (rule ${v.rule})` : ""}: ${redactText(v.message)}`,
    );
  }
  if (result.rollback.attempted) {
    lines.push(
      `  ${chalk.bold("rollback")} ${result.rollback.succeeded ? chalk.green("restored") : chalk.red("did not restore")}: ${result.rollback.detail ?? ""}`,
    );
  }
  if (result.rollback.entries && !result.rollback.attempted && result.rollback.detail) {
    lines.push(`  ${chalk.bold("rollback")} ${chalk.red("not done")}: ${result.rollback.detail}`);
  }
  lines.push(...renderRollbackEntries(result, chalk));
  const ok = result.exitCode === 0;
  const label = ok ? chalk.green(result.outcome) : chalk.red.bold(result.outcome);
  lines.push(`preflight: ${label} (exit ${result.exitCode}) — ${redactText(result.message)}`);
  if (result.hint) lines.push(`  what to do: ${redactText(result.hint)}`);
  // A last pass over everything shown: targets, check output and probe errors can carry secrets.
  return redactText(lines.join("\n"));
}

/** One check: its mark (✔ pass, ! warn, ✘ FAIL, - skip), name and detail with the measured value. */
function renderCheck(check: RunResult["checks"][number], chalk: ChalkInstance): string {
  const mark =
    check.status === "pass"
      ? chalk.green("✔ pass")
      : check.status === "warn"
        ? chalk.yellow("! warn")
        : check.status === "fail"
          ? chalk.red("✘ FAIL")
          : chalk.dim("- skip");
  return `${mark} ${check.name}${check.detail ? chalk.dim(` — ${check.detail}`) : ""}`;
}

function listEntries(
  mark: string,
  entries: readonly (DiffEntry | ChangedEntry)[],
  paint: (s: string) => string,
): string[] {
  const shown = entries.slice(0, MAX_LISTED).map((e) => {
    const text =
      "entry" in e
        ? describeEntry(e.entry)
        : `${describeEntry(e.key)} fields ${e.fields.join(", ")}`;
    return `    ${paint(mark)} ${e.state}: ${redactText(text)}`;
  });
  if (entries.length > MAX_LISTED)
    shown.push(`    … and ${entries.length - MAX_LISTED} more (see --report)`);
  return shown;
}

function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined) return file;
  const rel = relative(cwd, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}
