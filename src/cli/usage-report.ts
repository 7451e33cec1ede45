/**
 * `--report FILE` is written "whatever the outcome" (DESIGN.md), usage errors included: a CI
 * job that archives the report should find one saying why nothing ran. The command line
 * could not be parsed, so the report path is read from the raw arguments.
 */
import { resolve } from "node:path";
import { writeReport } from "../report/write-report.js";
import { earlyResult } from "../run/early-result.js";
import type { CliContext } from "./context.js";

export function writeUsageErrorReport(
  args: readonly string[],
  message: string,
  ctx: CliContext,
): void {
  const end = args.indexOf("--");
  const options = end === -1 ? args : args.slice(0, end);
  // Only run and plan have --report; another verb's arguments are not ours to read.
  const first = options[0];
  if (first !== undefined && !first.startsWith("-") && first !== "run" && first !== "plan") return;
  const file = reportPath(options);
  if (file === undefined) return;
  const verb = options[0] === "plan" ? "plan" : "run";
  const now = new Date();
  const result = earlyResult({
    mode: verb,
    argv: end === -1 ? [] : args.slice(end + 1),
    outcome: "usage-error",
    message,
    hint: "preflight --help shows usage",
    startedAt: now,
    durationMs: 0,
  });
  writeReport(resolve(ctx.cwd, file), result, ctx.stderr);
}

function reportPath(options: readonly string[]): string | undefined {
  for (let i = 0; i < options.length; i++) {
    const token = options[i]!;
    if (token === "--report") return options[i + 1];
    if (token.startsWith("--report=")) return token.slice("--report=".length);
  }
  return undefined;
}
