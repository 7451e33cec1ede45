/** Writes the JSON report to a file; a failure to write is said, never fatal. */
import { closeSync, openSync, writeFileSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { RunResult } from "../run/result.js";
import { toJsonReport } from "./json.js";

/** Throws a UsageError when FILE cannot be opened for writing (a folder, a missing parent). */
export function ensureReportWritable(file: string): void {
  try {
    closeSync(openSync(file, "a"));
  } catch (error) {
    throw new UsageError(
      `--report ${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was run`,
    );
  }
}

export function writeReport(file: string, result: RunResult, warn: (text: string) => void): void {
  try {
    writeFileSync(file, `${JSON.stringify(toJsonReport(result), null, 2)}\n`);
  } catch (error) {
    warn(`preflight: could not write the report to ${file}: ${(error as Error).message}\n`);
  }
}
