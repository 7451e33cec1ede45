/**
 * The command-line conventions people bring from other tools, read before commander sees the
 * line: `--dry-run` means `plan`, a mistyped verb gets a suggestion instead of being taken for
 * the guarded program, and options from other tools (`-o json`, `--yes`) point at ours.
 *
 * Only the full command line (program.ts) uses this module: the guarded-command fast path
 * (fast-argv.ts) never loads it, so a command no rule matches pays nothing for it.
 */
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { UsageError } from "../errors.js";
import { editDistance } from "../policy/suggest.js";

export const VERBS = [
  "run",
  "plan",
  "check",
  "procedure",
  "policy",
  "audit",
  "team",
  "request",
  "approve",
  "completion",
  "help",
] as const;

/** `--dry-run` (anywhere before `--`) as `plan`: `preflight [run] --dry-run -- CMD` → `preflight plan -- CMD`. */
export function dryRunAsPlan(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  const options = end === -1 ? args : args.slice(0, end);
  const at = options.indexOf("--dry-run");
  if (at === -1) return args;
  const first = args[0]!;
  // Only the guarded-command verbs have a plan; elsewhere commander says it is unknown.
  if (first !== "run" && first !== "plan" && !first.startsWith("-")) return args;
  const rest = args.filter(
    (_, i) => i !== at && !(i === 0 && (first === "run" || first === "plan")),
  );
  return ["plan", ...rest];
}

/**
 * A first word that is no verb but close to one is a typo, not the guarded program, when it
 * is not a program on PATH: `preflight plna` and `preflight polcy validate` get "did you mean".
 * Before `--` no word can be the guarded program, so there a close word is always a typo.
 * Throws a UsageError saying so; returns when the line is not a mistyped verb.
 */
export function refuseMistypedVerb(args: readonly string[], path: string | undefined): void {
  const first = args[0];
  if (first === undefined || first.startsWith("-") || (VERBS as readonly string[]).includes(first))
    return;
  const guess = nearestVerb(first);
  const end = args.indexOf("--");
  if (end !== -1) {
    const suggestion = guess ? `; did you mean '${guess}'?` : "";
    throw new UsageError(
      `'${first}' is neither a preflight command nor an option${suggestion} (commands: ${VERBS.join(", ")}; the command to guard goes after --)`,
    );
  }
  if (guess && !isProgramOnPath(first, path)) {
    const corrected = ["preflight", guess, ...args.slice(1)].join(" ");
    throw new UsageError(
      `unknown command '${first}': did you mean '${guess}' (${corrected})? A command to guard goes after --: preflight -- ${first} …`,
    );
  }
}

/** The verb within edit distance 2 (1 for words of two letters), if there is one. */
export function nearestVerb(word: string): string | undefined {
  const limit = word.length <= 2 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const verb of VERBS) {
    const distance = editDistance(word.toLowerCase(), verb);
    if (distance < bestDistance) {
      best = verb;
      bestDistance = distance;
    }
  }
  return best;
}

/** Whether `word` names an executable: a path as given, else a file in one of PATH's folders. */
export function isProgramOnPath(word: string, path: string | undefined): boolean {
  const candidates = word.includes("/")
    ? [word]
    : (path ?? "")
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, word));
  return candidates.some((file) => {
    try {
      accessSync(file, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Other tools' options, and where preflight's equivalent is. */
const POINTERS: Readonly<Record<string, string>> = {
  "--dry-run":
    "to see what would happen without running anything, use preflight plan (procedures: preflight procedure plan NAME)",
  "-n": "to see what would happen without running anything, use preflight plan -- CMD",
  "-o": "for JSON, use plan --json (the verdict on stdout) or --report FILE (any run)",
  "--output": "for JSON, use plan --json (the verdict on stdout) or --report FILE (any run)",
  "--format": "for JSON, use plan --json (the verdict on stdout) or --report FILE (any run)",
  "-y": "preflight has no blanket yes: --confirm NAME, with the environment's name",
  "--yes": "preflight has no blanket yes: --confirm NAME, with the environment's name",
  "--force": "preflight has no blanket yes: --confirm NAME, with the environment's name",
  "-f": "preflight has no blanket yes: --confirm NAME, with the environment's name",
};

/** commander's error message in our words: its suggestion on the same line, and a pointer for other tools' options. */
export function usageMessage(commanderMessage: string): string {
  const text = commanderMessage
    .replace(/^error: /, "")
    .replace(/\n\(Did you mean (.+)\?\)/, "; did you mean $1?");
  const option = /^unknown option '([^'=]+)/.exec(text)?.[1];
  const pointer = option ? POINTERS[option] : undefined;
  return `${text}${pointer ? ` — ${pointer}` : ""} (preflight --help shows usage)`;
}
