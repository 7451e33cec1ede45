/**
 * Every value given for any of `names` (e.g. ["-t", "--target"]), in argv order:
 * `--target prod`, `--target=prod`, `-t prod`, `-tprod` and `-t=prod` (the last two for
 * single-dash single-letter names only). A value-taking flag as the last word yields nothing;
 * a bare `--` ends the options.
 */
export function flagValues(argv: readonly string[], names: readonly string[]): string[] {
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? "";
    if (word === "--") break;
    for (const name of names) {
      const value = valueAt(argv, i, word, name);
      if (value === undefined) continue;
      values.push(value.text);
      i += value.words - 1;
      break;
    }
  }
  return values;
}

/** argv[index] (0 is the program), or undefined. */
export function positionalValue(argv: readonly string[], index: number): string | undefined {
  return argv[index];
}

function valueAt(
  argv: readonly string[],
  i: number,
  word: string,
  name: string,
): { text: string; words: number } | undefined {
  if (word === name) {
    // Like getopt, the next word is the value even when it looks like an option.
    const next = argv[i + 1];
    return next === undefined ? undefined : { text: next, words: 2 };
  }
  if (word.charCodeAt(name.length) === 61 && word.startsWith(name)) {
    return { text: word.slice(name.length + 1), words: 1 };
  }
  // `-t=prod` was read just above, as Go-style parsers (pflag, cobra) read it.
  if (
    name.length === 2 &&
    name[0] === "-" &&
    name[1] !== "-" &&
    word.startsWith(name) &&
    word.length > 2
  ) {
    return { text: word.slice(2), words: 1 };
  }
  return undefined;
}
