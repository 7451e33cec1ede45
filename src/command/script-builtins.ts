import { optionsEnd, WRAPPERS } from "./wrapper-options.js";

export const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * Why a shell builtin at the head of `argv` hides what a script runs, or undefined when it
 * does not: eval and source run text preflight never sees, and a bare exec rewires the shell.
 */
export function refuseScriptBuiltin(argv: readonly string[]): string | undefined {
  const name = argv[0];
  if (name === "eval") return "eval runs a string as a script, which hides which command runs";
  if (name === "source" || name === ".") {
    return `"${name}" runs the commands of another file, which preflight cannot see`;
  }
  if (name === "exec") {
    const start = optionsEnd(argv, 0, WRAPPERS.get("exec") ?? {}) ?? 0;
    if (start >= argv.length) {
      return "exec without a command changes the shell itself; run the command directly";
    }
  }
  return undefined;
}

/** What a script line does to the variables later lines see. */
export interface EnvEffect {
  assign: Record<string, string>;
  unset: string[];
}

/**
 * The effect of a line that only changes variables (`X=1`, `export X=1`, `unset X`), or
 * undefined for a line that runs something. Later commands of the script inherit it.
 */
export function scriptEnvEffect(argv: readonly string[]): EnvEffect | undefined {
  const effect: EnvEffect = { assign: Object.create(null), unset: [] };
  const [name, ...args] = argv;
  if (name === "export") {
    for (const arg of args) addAssignment(effect, arg);
    return effect;
  }
  if (name === "unset") {
    // `unset -f` removes functions, which no command here can be.
    if (args.some((arg) => /^-[a-z]*f/.test(arg))) return effect;
    effect.unset = args.filter((arg) => !arg.startsWith("-"));
    return effect;
  }
  for (const arg of argv) {
    if (!addAssignment(effect, arg)) return undefined;
  }
  return effect;
}

function addAssignment(effect: EnvEffect, word: string): boolean {
  const match = ASSIGNMENT.exec(word);
  if (match?.[1] === undefined) return false;
  effect.assign[match[1]] = word.slice(match[0].length);
  return true;
}
