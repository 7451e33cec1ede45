/** The human view of a run: the plan before confirmation and the outcome after. */
import { isAbsolute, relative } from "node:path";
import type { ChalkInstance } from "chalk";
import { formatArgv } from "../command/template.js";
import type { ChangedEntry, DiffEntry, Violation } from "../diff/types.js";
import type { RunResult } from "../run/result.js";
import { canonicalJson } from "../util/canonical-json.js";
import { renderBanner } from "./banner.js";
import { describeEntry } from "./entry-text.js";
import { renderPredicted, renderRollbackEntries } from "./predicted.js";
import { describeProgram } from "./program-text.js";
import { redactArgv, redactDeep, redactText } from "./redact.js";
import { hangingIndent, NARROW } from "./wrap.js";

const MAX_LISTED = 20;

/**
 * The plan shown before confirmation; policy paths are shown relative to `cwd` when inside it.
 * On a terminal `columns` wide, values wrap between words under their column.
 */
export function renderPlan(
  result: RunResult,
  chalk: ChalkInstance,
  cwd?: string,
  columns?: number,
): string {
  const lines: string[] = [];
  if (result.environment) lines.push(renderBanner(result.environment, chalk, columns));
  // On a narrow terminal the label column would leave too little room for the values.
  const narrow = columns !== undefined && columns < NARROW;
  const row = (label: string, value: string) =>
    lines.push(
      hangingIndent(`  ${chalk.bold(narrow ? label : label.padEnd(12))} `, value, columns),
    );
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

/** The outcome after a run: what changed (before → after, allowed or violating), then why it ended. */
export function renderOutcome(result: RunResult, chalk: ChalkInstance, columns?: number): string {
  const lines: string[] = [];
  const wrapped = (first: string, text: string) => lines.push(hangingIndent(first, text, columns));
  const diff = result.diff;
  if (diff.added.length + diff.removed.length + diff.changed.length > 0) {
    lines.push(chalk.bold("  what changed"));
    const judged = { violations: result.violations, chalk, columns, mode: result.mode };
    lines.push(...listEntries("-", diff.removed, chalk.red, judged));
    lines.push(...listEntries("+", diff.added, chalk.green, judged));
    lines.push(...listEntries("~", diff.changed, chalk.yellow, judged));
  } else if (result.probes.some((p) => p.after !== undefined)) {
    lines.push(`  ${chalk.bold("what changed")} nothing`);
  }
  for (const check of result.checks) {
    if (check.phase === "after")
      wrapped(`  ${chalk.bold("verify".padEnd(12))} `, renderCheck(check, chalk));
  }
  for (const v of result.violations) {
    wrapped(
      `  ${chalk.red("✘ violated")} `,
      `${v.expectation}${v.rule ? ` (rule ${v.rule})` : ""}: ${redactText(v.message)}`,
    );
  }
  if (result.rollback.attempted) {
    wrapped(
      `  ${chalk.bold("rollback")} `,
      `${result.rollback.succeeded ? chalk.green("restored") : chalk.red("did not restore")}: ${result.rollback.detail ?? ""}`,
    );
  }
  if (result.rollback.entries && !result.rollback.attempted && result.rollback.detail) {
    wrapped(`  ${chalk.bold("rollback")} `, `${chalk.red("not done")}: ${result.rollback.detail}`);
  }
  lines.push(...renderRollbackEntries(result, chalk));
  const ok = result.exitCode === 0;
  const label = ok ? chalk.green(result.outcome) : chalk.red.bold(result.outcome);
  wrapped("preflight: ", `${label} (exit ${result.exitCode}) — ${redactText(result.message)}`);
  if (result.hint) wrapped("  what to do: ", redactText(result.hint));
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

/**
 * The entries of one kind of change, each marked allowed or with the expectation it
 * violates; a changed entry shows each changed field as before → after.
 */
function listEntries(
  mark: string,
  entries: readonly (DiffEntry | ChangedEntry)[],
  paint: (s: string) => string,
  judged: {
    violations: readonly Violation[];
    chalk: ChalkInstance;
    columns: number | undefined;
    mode: RunResult["mode"];
  },
): string[] {
  const { chalk, columns } = judged;
  const violated = (e: DiffEntry | ChangedEntry) =>
    judged.violations.filter((v) => v.entries.some((o) => sameEntry(o, e)));
  // `max` lists every entry of its kind: no single one broke it. When other entries broke a
  // per-entry expectation (only, never, none), those are the wrong ones; only when none did
  // does each entry carry the count it is part of.
  const isCount = (v: Violation) => v.expectation.endsWith(".max");
  const someBrokeOne = entries.some((e) => violated(e).some((v) => !isCount(v)));
  const shown = entries.slice(0, MAX_LISTED).flatMap((e) => {
    const broken = violated(e).filter((v) => !(someBrokeOne && isCount(v)));
    const verdict =
      broken.length > 0
        ? chalk.red(`✘ violates ${[...new Set(broken.map((v) => v.expectation))].join(", ")}`)
        : chalk.green("✔ allowed");
    const text = "entry" in e ? describeEntry(e.entry) : describeEntry(e.key);
    const lines = [hangingIndent(`    ${paint(mark)} `, `${verdict} ${e.state}: ${text}`, columns)];
    if (!("entry" in e)) {
      for (const field of e.fields) {
        const [before, after] = [e.before, e.after].map(
          (side) => JSON.stringify(redactDeep({ [field]: side[field] })[field]) ?? "(none)",
        );
        lines.push(hangingIndent(`        ${field}: `, `${before} → ${after}`, columns));
      }
    }
    return lines.map(redactText);
  });
  if (entries.length > MAX_LISTED) {
    shown.push(
      `    … and ${entries.length - MAX_LISTED} more (${judged.mode === "run" ? "the audit record lists them all: preflight audit list, then audit show SEQ" : "--json lists them all"})`,
    );
  }
  return shown;
}

/** The same entry of the same state: compared by its key, as the diff identified it. */
function sameEntry(a: DiffEntry | ChangedEntry, b: DiffEntry | ChangedEntry): boolean {
  return a === b || (a.state === b.state && canonicalJson(a.key) === canonicalJson(b.key));
}

function displayPath(file: string, cwd: string | undefined): string {
  if (cwd === undefined) return file;
  const rel = relative(cwd, file);
  return rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}
