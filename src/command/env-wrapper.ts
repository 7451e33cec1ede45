import { parseShellScript } from "./shell-parse.js";

/** `env`'s options read off the words after it; `words` is what follows them. */
export type EnvOptions =
  | {
      ok: true;
      words: string[];
      dynamic: boolean[];
      clearEnv: boolean;
      unset: string[];
      /** `-C DIR` / `--chdir=DIR`, in order; null for a folder only known at run time. */
      chdir: (string | null)[];
    }
  | { ok: false; reason: string; script: string };

const LONG_WITH_VALUE = new Set(["--unset", "--chdir", "--split-string"]);

/**
 * Reads `env [-i|-] [-u NAME] [-C DIR] [-S STRING] [--]` starting after the `env` at `at`.
 * `-S` splits its string into words that are read on as if written in place.
 */
export function readEnvOptions(
  words: readonly string[],
  dynamic: readonly boolean[],
  at: number,
): EnvOptions {
  const queue = words.slice(at + 1);
  const flags = dynamic.slice(at + 1);
  let clearEnv = false;
  const unset: string[] = [];
  const chdir: (string | null)[] = [];
  const apply = (option: string, value: string | undefined): EnvOptions | undefined => {
    if (option === "i" || option === "--ignore-environment") clearEnv = true;
    else if (value === undefined) return undefined;
    else if (option === "u" || option === "--unset") unset.push(value);
    else if (option === "C" || option === "--chdir") chdir.push(/[$`]/.test(value) ? null : value);
    else if (option === "S" || option === "--split-string") return split(value);
    return undefined;
  };
  const split = (value: string): EnvOptions | undefined => {
    const parsed = parseShellScript(value);
    if (!parsed.ok || parsed.commands.length > 1) {
      const reason = parsed.ok ? "it holds more than one command" : parsed.reason;
      return { ok: false, reason: `env -S string could not be split: ${reason}`, script: value };
    }
    const inserted = parsed.commands[0]?.words ?? [];
    queue.unshift(...inserted.map((word) => word.text));
    flags.unshift(...inserted.map((word) => word.dynamic));
    return undefined;
  };
  for (;;) {
    const word = queue[0];
    if (word === undefined || !word.startsWith("-")) break;
    queue.shift();
    flags.shift();
    // A lone `-` is `-i`, and like `--` it ends the options.
    if (word === "-" || word === "--") {
      clearEnv ||= word === "-";
      break;
    }
    let failure: EnvOptions | undefined;
    if (word.startsWith("--")) {
      const eq = word.indexOf("=");
      const name = eq === -1 ? word : word.slice(0, eq);
      const value = eq !== -1 ? word.slice(eq + 1) : LONG_WITH_VALUE.has(name) ? take() : "";
      failure = apply(name, value);
    } else {
      for (let j = 1; j < word.length; j++) {
        const letter = word.charAt(j);
        if ("uCS".includes(letter)) {
          failure = apply(letter, j < word.length - 1 ? word.slice(j + 1) : take());
          break;
        }
        apply(letter, "");
      }
    }
    if (failure !== undefined) return failure;
  }
  return { ok: true, words: queue, dynamic: flags, clearEnv, unset, chdir };

  function take(): string | undefined {
    flags.shift();
    return queue.shift();
  }
}
