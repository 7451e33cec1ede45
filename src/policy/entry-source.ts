/**
 * Where a compiled-policy cache entry's body is read from: a buffer (a small entry, read
 * whole), or an open file read as needed (a large one: reading all 34 MB of a 100,000-rule
 * entry into a new buffer costs about 100 ms in page faults on a small virtual machine, more
 * than the whole load may).
 */
import { closeSync, readSync } from "node:fs";

/** Where the body's bytes come from: a buffer, or an open file read as needed. */
export interface EntrySource {
  readonly size: number;
  /** Bytes [at, at + length) of the body; throws if it has fewer. */
  read(at: number, length: number): Buffer;
  /** Releases the file: the entry was refused (a policy reading it lets it be collected). */
  close(): void;
}

/** A body held in memory. */
export function bufferSource(body: Buffer): EntrySource {
  return {
    size: body.length,
    read(at, length) {
      if (at < 0 || at + length > body.length) throw new RangeError("a read past the end");
      return body.subarray(at, at + length);
    },
    close() {},
  };
}

/**
 * A body in an open file, from `start` for `size` bytes, read as needed. The descriptor is
 * closed by close(), or when the policy reading it is collected (or the process exits).
 */
export function fileSource(fd: number, start: number, size: number): EntrySource {
  let closed = false;
  const source: EntrySource = {
    size,
    read(at, length) {
      if (closed) throw new RangeError("a read of a closed entry");
      if (at < 0 || at + length > size) throw new RangeError("a read past the end");
      return readBytes(fd, start + at, length);
    },
    close() {
      if (closed) return;
      closed = true;
      unclosed.unregister(source);
      closeQuietly(fd);
    },
  };
  unclosed.register(source, fd, source);
  return source;
}

const unclosed = new FinalizationRegistry<number>(closeQuietly);

/** Exactly `length` bytes from `at`; throws if the file has fewer. */
export function readBytes(fd: number, at: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, bytes, done, length - done, at + done);
    if (n === 0) throw new RangeError("the file is shorter than it was");
    done += n;
  }
  return bytes;
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
}
