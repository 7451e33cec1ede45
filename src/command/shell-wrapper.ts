/** Shells whose `-c SCRIPT` is unpacked. */
export const SHELLS: ReadonlySet<string> = new Set(["sh", "bash", "zsh", "dash", "ksh"]);

// Options whose value is the next word, so that word is not mistaken for the script.
const SHORT_WITH_VALUE = "oO";
const LONG_WITH_VALUE = new Set(["--rcfile", "--init-file"]);

/**
 * Index of the SCRIPT in `sh [options] -c SCRIPT [name args...]` for the shell at `at`, or
 * undefined when the shell runs a script file or reads standard input instead.
 */
export function shellScriptIndex(words: readonly string[], at: number): number | undefined {
  let commandString = false;
  for (let k = at + 1; k < words.length; k++) {
    const word = words[k] ?? "";
    if (word === "--" || word === "-") {
      return commandString && k + 1 < words.length ? k + 1 : undefined;
    }
    if (word.startsWith("--")) {
      if (LONG_WITH_VALUE.has(word)) k++;
    } else if ((word.startsWith("-") || word.startsWith("+")) && word.length > 1) {
      const letters = word.slice(1);
      // `-xec`, `-lc`: `c` anywhere in a `-` cluster; `+c` does not exist.
      if (word.startsWith("-") && letters.includes("c")) commandString = true;
      if ([...letters].some((letter) => SHORT_WITH_VALUE.includes(letter))) k++;
    } else {
      return commandString ? k : undefined;
    }
  }
  return undefined;
}
