/**
 * What a command module gets from the edge instead of touching `process` itself:
 * the working folder, the environment variables, and writers for stdout and stderr.
 */
export interface CliContext {
  cwd: string;
  env: Record<string, string | undefined>;
  home: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when standard input is a terminal and CI is not set. */
  interactive: boolean;
  /** True when preflight runs on a terminal (stdin or stderr is one), whatever CI says. */
  terminal: boolean;
  /** True when colour may be used on stderr (NO_COLOR / FORCE_COLOR / --no-color honoured). */
  color: boolean;
  /** The terminal's width when stderr is a terminal (read when asked: it builds the stream). */
  columns?: () => number | undefined;
}
