/** Configuration files from disk: a missing file (or a missing folder on the way) is "not there". */
import { readFileSync } from "node:fs";

export function diskRead(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    if (code === "EISDIR") throw new Error("it is a folder");
    throw new Error(code ?? (error as Error).message);
  }
}
