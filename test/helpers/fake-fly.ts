/**
 * The fake Concourse `fly` (test/helpers/bin/fly, a plain Node script) and its state: the
 * pipelines live in a JSON file named by $FAKE_FLY_STATE; every call is logged to $FAKE_FLY_LOG.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const FAKE_FLY = join(import.meta.dirname, "bin", "fly");

export interface Pipeline {
  name: string;
  paused: boolean;
  team: string;
}

export function writePipelines(file: string, names: readonly string[]): void {
  const pipelines: Pipeline[] = names.map((name) => ({ name, paused: false, team: "main" }));
  writeFileSync(file, `${JSON.stringify(pipelines, null, 2)}\n`);
}

/** The names of the pipelines the fake Concourse holds now. */
export function readPipelines(file: string): string[] {
  return (JSON.parse(readFileSync(file, "utf8")) as Pipeline[]).map((p) => p.name);
}

/** Every fly invocation so far, as argv lists (without the program name). */
export function readFlyCalls(logFile: string): string[][] {
  if (!existsSync(logFile)) return [];
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as string[]);
}

/** The fly calls that ran a subcommand, e.g. "destroy-pipeline". */
export function flyCallsOf(logFile: string, subcommand: string): string[][] {
  return readFlyCalls(logFile).filter((argv) => argv.includes(subcommand));
}
