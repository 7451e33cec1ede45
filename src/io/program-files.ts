/** The filesystem side of finding a program: stat and realpath, for src/command/locate-program.ts. */
import { existsSync, realpathSync, statSync } from "node:fs";
import type { ProgramFiles } from "../command/locate-program.js";

export const programFiles: ProgramFiles = {
  executable(path) {
    // Most PATH folders do not hold the name: existsSync says so in one access() call,
    // without building a Stats object or throwing.
    if (!existsSync(path)) return undefined;
    try {
      const stats = statSync(path);
      if (!stats.isFile() || (stats.mode & 0o111) === 0) return undefined;
      return realpathSync.native(path);
    } catch {
      // Unreadable, or gone since: the shell could not run it either.
      return undefined;
    }
  },
};
