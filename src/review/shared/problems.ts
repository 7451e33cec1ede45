/** Policy problems in reading order: by file (in load order), then line and column. */
import type { PolicyProblem } from "../../errors.js";

export function sortProblems(
  problems: readonly PolicyProblem[],
  files: readonly string[],
): PolicyProblem[] {
  const order = (file: string) => {
    const i = files.indexOf(file);
    return i === -1 ? files.length : i;
  };
  return [...problems].sort(
    (a, b) =>
      order(a.file) - order(b.file) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column,
  );
}
