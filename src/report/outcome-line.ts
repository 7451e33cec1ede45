/**
 * The last lines of every run's output: the outcome, its exit code and message, and what to
 * do. Apart from human.ts so that the unguarded fast path can say it without loading the rest.
 */
import type { ChalkInstance } from "chalk";
import type { RunResult } from "../run/result.js";
import { redactText } from "./redact.js";

export function renderOutcomeLines(result: RunResult, chalk: ChalkInstance): string[] {
  const ok = result.exitCode === 0;
  const label = ok ? chalk.green(result.outcome) : chalk.red.bold(result.outcome);
  const lines = [`preflight: ${label} (exit ${result.exitCode}) — ${redactText(result.message)}`];
  if (result.hint) lines.push(`  what to do: ${redactText(result.hint)}`);
  return lines;
}
