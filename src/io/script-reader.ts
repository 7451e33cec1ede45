/**
 * Reads the script files a command would run (`bash deploy.sh`, `./deploy.sh`) so preflight
 * can see the commands inside. Binaries and large files are not scripts worth reading:
 * anything over 1 MiB, or with a NUL byte in its first 512 bytes, is left alone.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import type { ScriptReader } from "../command/normalise.js";

const MAX_SCRIPT_BYTES = 1024 * 1024;
const SNIFF_BYTES = 512;

export function createScriptReader(cwd: string): ScriptReader {
  return (path) => {
    let fd: number | undefined;
    try {
      fd = openSync(resolve(cwd, path), "r");
      const { size } = fstatSync(fd);
      if (size > MAX_SCRIPT_BYTES) return undefined;
      const buffer = Buffer.alloc(size);
      const head = readSync(fd, buffer, 0, Math.min(size, SNIFF_BYTES), 0);
      if (buffer.subarray(0, head).includes(0)) return undefined;
      let read = head;
      while (read < size) {
        const n = readSync(fd, buffer, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      return buffer.subarray(0, read).toString("utf8");
    } catch {
      // Not there, not a file, not readable: the command itself will say so.
      return undefined;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  };
}
