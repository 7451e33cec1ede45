/** Paths as the tools read them: `~/` is the home folder, a relative path is from the working folder. */
import { isAbsolute, join, resolve } from "node:path";

export function toolPath(path: string, cwd: string, home: string): string {
  if (path === "~") return home;
  if (path.startsWith("~/")) return join(home, path.slice(2));
  return isAbsolute(path) ? path : resolve(cwd, path);
}

/** The last value a flag was given (Go's flag packages keep the last), or undefined. */
export function lastOf(values: readonly string[]): string | undefined {
  return values.length > 0 ? values[values.length - 1] : undefined;
}
