import { closeSync, openSync, readSync } from "node:fs";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Calls `onLine` for each line of a file, in order, reading it in chunks so a large log is
 * never held in memory whole. `terminated` is false for a last line without a newline. Stops
 * early when `onLine` returns false. Throws the fs error when the file cannot be read.
 */
export function forEachLine(
  file: string,
  onLine: (line: string, terminated: boolean) => boolean,
): void {
  const fd = openSync(file, "r");
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    // Bytes of a line that continues into the next chunk: split on bytes, decode whole lines,
    // so a multi-byte character cut by a chunk boundary still decodes.
    let pending: Buffer[] = [];
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK, null);
      if (read === 0) break;
      const data = chunk.subarray(0, read);
      let start = 0;
      for (let nl = data.indexOf(NEWLINE); nl !== -1; nl = data.indexOf(NEWLINE, start)) {
        let line: string;
        if (pending.length === 0) {
          line = data.toString("utf8", start, nl);
        } else {
          pending.push(data.subarray(start, nl));
          line = Buffer.concat(pending).toString("utf8");
          pending = [];
        }
        start = nl + 1;
        if (!onLine(line, true)) return;
      }
      // Copied: the chunk buffer is reused by the next read.
      if (start < read) pending.push(Buffer.from(data.subarray(start)));
    }
    if (pending.length > 0) onLine(Buffer.concat(pending).toString("utf8"), false);
  } finally {
    closeSync(fd);
  }
}
