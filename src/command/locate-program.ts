/**
 * Where a program word leads, the way the shell that runs it would find it: a word with a
 * slash is a path from the working folder, any other word is looked up in the PATH the command
 * runs with; then every symlink is followed to the real file. The filesystem is a port, so this
 * module stays pure and a test can hand it a fake one.
 */
import { isAbsolute, join } from "node:path";

export interface ProgramFiles {
  /**
   * The real path of `path` (every symlink followed) when it is an executable regular file,
   * otherwise undefined. One stat and one realpath at most.
   */
  executable(path: string): string | undefined;
}

/** What locating a program needs to know about where the command runs. */
export interface ProgramLookup {
  files: ProgramFiles;
  /** The working folder the command runs in; undefined when preflight cannot tell which. */
  cwd: string | undefined;
}

/**
 * The search path an exec uses when PATH is unset (`env -i k`): glibc's and musl's
 * `_PATH_DEFPATH` (confstr's _CS_PATH).
 */
export const DEFAULT_SEARCH_PATH = "/bin:/usr/bin";

/**
 * The real file `word` runs, or undefined when it runs no file preflight can find (not on PATH,
 * not executable, a shell builtin or function): such a program is judged by its typed name.
 * `searchPath` is the PATH the command runs with; undefined means unset.
 */
export function locateProgram(
  word: string,
  searchPath: string | undefined,
  lookup: ProgramLookup,
): string | undefined {
  if (word === "") return undefined;
  const { cwd } = lookup;
  if (word.includes("/")) {
    if (isAbsolute(word)) return lookup.files.executable(word);
    return cwd === undefined ? undefined : lookup.files.executable(join(cwd, word));
  }
  for (const folder of (searchPath ?? DEFAULT_SEARCH_PATH).split(":")) {
    // An empty entry (`PATH=:/bin`, a trailing colon) means the working folder, as in sh.
    const base = isAbsolute(folder) ? folder : cwd === undefined ? undefined : join(cwd, folder);
    // In a folder preflight cannot tell, the shell might find the name there: stop, and the
    // program is judged by its typed name rather than by a file further down PATH.
    if (base === undefined) return undefined;
    const found = lookup.files.executable(join(base, word));
    if (found !== undefined) return found;
  }
  return undefined;
}
