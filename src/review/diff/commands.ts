/**
 * The commands `policy diff` compares the two versions on: every test case of either version
 * (with its variables and --env), plus the lines of a --commands file.
 */
import { parseShellScript } from "../../command/shell-parse.js";
import type { PolicyProblem } from "../../errors.js";
import type { Policy } from "../../policy/types.js";

export interface DiffCommand {
  argv: string[];
  vars: Record<string, string>;
  env?: string;
  /** Where it came from: a test case's name, or `FILE:LINE`. */
  from: string;
}

/** Test cases of both versions, then the extra commands, each distinct command once. */
export function diffCommands(
  oldPolicy: Policy,
  newPolicy: Policy,
  extra: readonly DiffCommand[],
): DiffCommand[] {
  const seen = new Set<string>();
  const all: DiffCommand[] = [];
  const add = (c: DiffCommand) => {
    const key = JSON.stringify([c.argv, Object.entries(c.vars).sort(), c.env ?? null]);
    if (seen.has(key)) return;
    seen.add(key);
    all.push(c);
  };
  for (const policy of [oldPolicy, newPolicy]) {
    for (const t of policy.tests) {
      add({
        argv: t.command,
        vars: t.vars,
        ...(t.env !== undefined && { env: t.env }),
        from: `test '${t.name}'`,
      });
    }
  }
  for (const c of extra) add(c);
  return all;
}

/**
 * A --commands file: one command per line as you would type it (`#` starts a comment;
 * `VAR=value` prefixes are the command's variables). A line with `&&`, `|` or `;` is kept
 * whole, as an `sh -c` script.
 */
export function parseCommandsFile(
  file: string,
  text: string,
): { commands: DiffCommand[]; problems: PolicyProblem[] } {
  const commands: DiffCommand[] = [];
  const problems: PolicyProblem[] = [];
  for (const [i, raw] of text.split("\n").entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const parsed = parseShellScript(line);
    if (!parsed.ok) {
      problems.push({
        file,
        line: i + 1,
        column: 1,
        message: `cannot read this command: ${parsed.reason}`,
      });
      continue;
    }
    const single = parsed.commands.length === 1 ? parsed.commands[0] : undefined;
    const argv =
      single && !single.words.some((w) => w.dynamic)
        ? single.words.map((w) => w.text)
        : ["sh", "-c", line];
    commands.push({ argv, vars: {}, from: `${file}:${i + 1}` });
  }
  return { commands, problems };
}
