/**
 * The `run` state probe: a command that prints the state, as a JSON array of objects or as
 * lines (each line an entry `{ line }`).
 */

import { fillRunSpec } from "../command/fill-spec.js";
import type { Entry } from "../diff/types.js";
import type { RunStateSpec } from "../policy/types.js";
import { redactOutput } from "../report/redact.js";
import { ProbeError, type StateKind } from "./types.js";

export const runProbe: StateKind<RunStateSpec> = {
  kind: "run",
  async snapshot(spec, { runner, lookup, env, cwd }) {
    const command = fillRunSpec(spec.run, lookup);
    const output = await runner.capture(command, { timeoutMs: spec.timeoutMs, env, cwd });
    if (output.exitCode === null)
      throw new ProbeError(`could not run: ${output.failure ?? "unknown error"}`);
    if (output.exitCode !== 0) {
      const said = redactOutput(output.stderr.trim().split("\n")[0] ?? "");
      throw new ProbeError(`exited ${output.exitCode}${said ? `: ${said}` : ""}`);
    }
    return spec.format === "lines" ? parseLines(output.stdout) : parseJsonEntries(output.stdout);
  },
};

export function parseLines(text: string): Entry[] {
  return text
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0)
    .map((line) => ({ line }));
}

export function parseJsonEntries(text: string): Entry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ProbeError(
      `did not print JSON (${(error as Error).message}); use format: lines for plain text`,
    );
  }
  if (!Array.isArray(data)) throw new ProbeError("printed JSON that is not an array of objects");
  return data.map((item, i) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) {
      throw new ProbeError(`item ${i} of its JSON array is not an object`);
    }
    return item as Entry;
  });
}
