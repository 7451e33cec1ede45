/**
 * What preflight is waiting on, while it waits. On a terminal: one line, redrawn every second,
 * with what runs, how long it has run and its time limit — a 30-second probe must not look
 * like a hang. Elsewhere (CI logs, a pipe): one line per step, never redrawn.
 */
import type { AnnounceStep } from "../run/ports.js";

const CLEAR_LINE = "\r\x1b[K";

export function createStepAnnouncer(options: {
  write: (text: string) => void;
  /** The terminal's width (stderr's columns); undefined when stderr is not a terminal. */
  columns: () => number | undefined;
}): AnnounceStep {
  return (what, limitMs) => {
    const limit = `time limit ${duration(limitMs)}`;
    if (options.columns() === undefined) {
      options.write(`preflight: ${what} (${limit})…\n`);
      return () => {};
    }
    const started = Date.now();
    const draw = () => {
      const elapsed = duration(Date.now() - started);
      const line = fitRow(`preflight: ${what} · ${elapsed} · ${limit}`, options.columns() ?? 80);
      options.write(`${CLEAR_LINE}${line}`);
    };
    draw();
    const timer = setInterval(draw, 1000);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      clearInterval(timer);
      options.write(CLEAR_LINE);
    };
  };
}

/** 4 s, 2 min 5 s. */
export function duration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const rest = seconds % 60;
  return `${Math.floor(seconds / 60)} min${rest ? ` ${rest} s` : ""}`;
}

/** One terminal row: a line that would wrap would leave its first half behind on each redraw. */
function fitRow(line: string, columns: number): string {
  const room = Math.max(10, columns - 1);
  return line.length <= room ? line : `${line.slice(0, room - 1)}…`;
}
