/** Writes the JSON report to a file; a failure to write is said, never fatal. */
import { writeFileSync } from "node:fs";
import type { RunResult } from "../run/result.js";
import { toJsonReport } from "./json.js";

export function writeReport(file: string, result: RunResult, warn: (text: string) => void): void {
  try {
    writeFileSync(file, `${JSON.stringify(toJsonReport(result), null, 2)}\n`);
  } catch (error) {
    warn(`preflight: could not write the report to ${file}: ${(error as Error).message}\n`);
  }
}
