/** The filesystem side of finding a program: stat and realpath, for src/command/locate-program.ts. */
import { realpathSync, statSync } from "node:fs";
import type { ProgramFiles } from "../command/locate-program.js";

export const programFiles: ProgramFiles = {
  executable(path) {
    try {
      // stat first: most PATH folders do not hold the name, and one failed stat says so.
      const stats = statSync(path, { throwIfNoEntry: false });
      if (!stats?.isFile() || (stats.mode & 0o111) === 0) return undefined;
      return realpathSync.native(path);
    } catch {
      // Unreadable folder, a loop of symlinks: the shell could not run it either.
      return undefined;
    }
  },
};
