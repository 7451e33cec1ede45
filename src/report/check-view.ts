/** The human and JSON views of `preflight check`'s results. Secrets are redacted in both. */
import type { ChalkInstance } from "chalk";
import type { CheckRunSummary } from "../checks/summary.js";
import { redactDeep, redactText } from "./redact.js";

/** One line per check (mark, name, detail with the measured value, time taken), then a verdict. */
export function renderCheckSummary(summary: CheckRunSummary, chalk: ChalkInstance): string {
  const lines = summary.checks.map((check) => {
    const mark =
      check.status === "pass"
        ? chalk.green("✔ pass")
        : check.status === "warn"
          ? chalk.yellow("! warn")
          : chalk.red("✘ FAIL");
    return `${mark}  ${chalk.bold(check.name)} — ${check.detail} ${chalk.dim(`(${check.kind}, ${check.durationMs} ms)`)}`;
  });
  const count = (status: string) => summary.checks.filter((c) => c.status === status).length;
  const total = summary.checks.length;
  const verdict =
    summary.outcome === "fail"
      ? chalk.red.bold(`${count("fail")} of ${total} check${total === 1 ? "" : "s"} failed`)
      : summary.outcome === "warn"
        ? chalk.yellow(`${count("warn")} of ${total} check${total === 1 ? "" : "s"} warned`)
        : chalk.green(total === 1 ? "the check passed" : `all ${total} checks passed`);
  lines.push(`preflight: ${verdict} (exit ${summary.exitCode})`);
  return redactText(lines.join("\n"));
}

/** `preflight check --json`: outcome, exit code and every check with its measured value. */
export function checkSummaryJson(
  summary: CheckRunSummary,
  timing: { startedAt: Date; durationMs: number },
): Record<string, unknown> {
  return redactDeep({
    version: 1,
    outcome: summary.outcome,
    exitCode: summary.exitCode,
    checks: summary.checks,
    startedAt: timing.startedAt.toISOString(),
    durationMs: timing.durationMs,
  });
}
