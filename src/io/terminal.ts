/** Facts about the terminal preflight runs in, read once at the edge. */

/** Non-interactive means: standard input is not a terminal, or CI is set (DESIGN.md). */
export function isInteractive(
  stdinIsTTY: boolean,
  env: Record<string, string | undefined>,
): boolean {
  return stdinIsTTY && !env.CI;
}

/** NO_COLOR and --no-color switch colour off; FORCE_COLOR switches it on; else a terminal decides. */
export function useColor(
  stderrIsTTY: boolean,
  env: Record<string, string | undefined>,
  noColorFlag: boolean,
): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
  return stderrIsTTY && env.TERM !== "dumb";
}
