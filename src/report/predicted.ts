/**
 * The predicted change in the plan (shown before confirmation), grant by grant, with its
 * warnings; and what a rollback did with each entry, in the outcome.
 */
import type { ChalkInstance } from "chalk";
import type { RunResult } from "../run/result.js";
import { describeEntry } from "./entry-text.js";
import { redactText } from "./redact.js";

const MAX_LISTED = 20;
const INDENT = " ".repeat(15);

/** Rows for the plan: one block per predicted state change, then what cannot be predicted. */
export function renderPredicted(result: RunResult, chalk: ChalkInstance): string[] {
  const predicted = result.predicted;
  if (!predicted) return [];
  const lines: string[] = [];
  const row = (label: string, value: string) =>
    lines.push(`  ${chalk.bold(label.padEnd(12))} ${value}`);
  for (const change of predicted.changes) {
    const noun = change.noun ?? "entry";
    const plural = noun === "entry" ? "entries" : `${noun}s`;
    const count = (n: number, verb: string) => `${verb} ${n} ${n === 1 ? noun : plural}`;
    const what = [
      change.removed.length > 0 ? count(change.removed.length, "removes") : "",
      change.added.length > 0 ? count(change.added.length, "adds") : "",
    ].filter(Boolean);
    const effect = change.noChange
      ? "changes nothing"
      : what.length > 0
        ? what.join(", ")
        : "changes nothing";
    row(
      "predicted",
      `${change.state}: ${change.command} ${effect}${change.noChange && what.length > 0 ? ` (a real call ${what.join(", ")})` : ""}`,
    );
    const list = (
      mark: string,
      paint: (s: string) => string,
      entries: readonly Record<string, unknown>[],
    ) => {
      for (const entry of entries.slice(0, MAX_LISTED)) {
        lines.push(`${INDENT}${paint(mark)} ${describeEntry(entry, false)}`);
      }
      if (entries.length > MAX_LISTED)
        lines.push(
          `${INDENT}… and ${entries.length - MAX_LISTED} more (preflight plan --json lists them all)`,
        );
    };
    list("-", chalk.red, change.removed);
    list("+", chalk.green, change.added);
    for (const u of change.unmatched.slice(0, MAX_LISTED)) {
      lines.push(`${INDENT}${chalk.yellow("?")} ${describeEntry(u.entry, false)} — ${u.why}`);
    }
    for (const note of change.notes) lines.push(`${INDENT}${chalk.yellow.bold("⚠")} ${note}`);
  }
  for (const u of predicted.unpredictable) {
    row("predicted", `${u.state}: ${chalk.yellow("cannot predict")} — ${u.problem}`);
  }
  return lines.map(redactText);
}

/** Rows for the outcome: every entry a rollback looked at, and what happened to it. */
export function renderRollbackEntries(result: RunResult, chalk: ChalkInstance): string[] {
  const entries = result.rollback.entries ?? [];
  const lines = entries.slice(0, MAX_LISTED).map((e) => {
    const mark = e.action.startsWith("kept")
      ? chalk.dim("·")
      : e.ok
        ? chalk.green("✔")
        : chalk.red("✘");
    return `    ${mark} ${e.action}: ${e.change} ${describeEntry(e.entry)}`;
  });
  if (entries.length > MAX_LISTED)
    lines.push(`    … and ${entries.length - MAX_LISTED} more (the audit record lists them all)`);
  return lines.map(redactText);
}
