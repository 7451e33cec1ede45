import { readSync } from "node:fs";

// One page: a record of a command no rule matched is about 1 kB, and every byte of the first
// window is a fresh allocation (two, as bytes and as text) on every append.
const FIRST_WINDOW = 4 * 1024;

export interface FileTail {
  /** The last lines of the file, oldest first; the final one may lack its newline. */
  lines: string[];
  /** False when the file is non-empty and its last byte is not a newline. */
  endsWithNewline: boolean;
}

/**
 * Reads whole lines from the end of an open file of `size` bytes, growing the window until
 * `isEnough(lines)` or the start of the file: appending to a long log must not read all of it.
 * A window that starts mid-file drops its first, possibly cut, line.
 */
export function readTail(
  fd: number,
  size: number,
  isEnough: (lines: readonly string[]) => boolean,
): FileTail {
  if (size === 0) return { lines: [], endsWithNewline: true };
  let window = FIRST_WINDOW;
  for (;;) {
    const start = Math.max(0, size - window);
    const buffer = Buffer.allocUnsafe(size - start);
    let filled = 0;
    while (filled < buffer.length) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, start + filled);
      if (read === 0) break;
      filled += read;
    }
    const text = buffer.toString("utf8", 0, filled);
    const lines = text.split("\n");
    const endsWithNewline = text.endsWith("\n");
    if (endsWithNewline) lines.pop();
    if (start > 0) lines.shift();
    if (start === 0 || isEnough(lines)) return { lines, endsWithNewline };
    window *= 4;
  }
}
