import { closeSync, fstatSync, fsyncSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { InternalError } from "../errors.js";
import { isRedactedCopy, redactDeep } from "../report/redact.js";
import { GENESIS_HASH, hashRecord } from "./chain.js";
import { FileLockTimeoutError, withFileLock } from "./lock.js";
import { type AuditRecord, hasHashFields, parseRecordLine } from "./parse.js";
import { readTail } from "./tail.js";

export type { AuditRecord } from "./parse.js";
export { readAuditRecords } from "./records.js";
export { type AuditVerifyResult, verifyAuditLog } from "./verify.js";

export interface AuditWriteResult {
  hash: string;
  prevHash: string;
  /** The record's `seq`: its line number, unless the log holds lines that are not records. */
  line: number;
}

function isFsError(error: unknown): boolean {
  return typeof (error as { syscall?: unknown } | null)?.syscall === "string";
}

/**
 * The audit log cannot be written. An InternalError (exit 71) when nothing handles it; the
 * run decides whether a run may go ahead without its record.
 */
export class AuditWriteError extends InternalError {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    const reason =
      cause instanceof FileLockTimeoutError
        ? `${cause.message}; if no preflight is running, delete ${cause.lockFile}, or`
        : `${cause instanceof Error ? cause.message : String(cause)};`;
    super(
      `cannot write the audit log ${file}: ${reason} set --audit-log or PREFLIGHT_AUDIT_LOG to a writable file`,
      { cause },
    );
  }
}

function wrapWriteErrors<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (isFsError(error) || error instanceof FileLockTimeoutError) {
      throw new AuditWriteError(file, error);
    }
    throw error;
  }
}

/**
 * Fails early, before a protected command runs, when its record could not be written: creates
 * the log's folder and opens the file for appending. Throws AuditWriteError.
 */
export function ensureAuditWritable(file: string): void {
  wrapWriteErrors(file, () => {
    // The log names commands, users and hosts: private by default.
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    closeSync(openSync(file, "a", 0o600));
  });
}

type ChainedRecord = AuditRecord & { hash: string };

/** The last whole record of the chain; lines after it that are not records are passed over. */
function findChainEnd(lines: readonly string[]): ChainedRecord | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const record = parseRecordLine(lines[i]!);
    if (record !== undefined && hasHashFields(record)) return record;
  }
  return undefined;
}

function countNewlines(fd: number, size: number): number {
  const chunk = Buffer.allocUnsafe(1 << 20);
  let count = 0;
  for (let position = 0; position < size; ) {
    const read = readSync(fd, chunk, 0, chunk.length, position);
    if (read === 0) break;
    const data = chunk.subarray(0, read);
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, nl + 1)) count++;
    position += read;
  }
  return count;
}

/** The `seq` of the next record: one more than the last one's, or its line number. */
function nextSeq(
  fd: number,
  size: number,
  end: ChainedRecord | undefined,
  cutLine: boolean,
): number {
  if (end === undefined) return 1;
  const last = end.seq;
  if (typeof last === "number" && Number.isSafeInteger(last)) return last + 1;
  // A log written by hand or by another tool: fall back to counting lines, once.
  return countNewlines(fd, size) + (cutLine ? 2 : 1);
}

/** Where the chain ends in a log file, and the file's stats when that was read. */
export interface ChainEnd {
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  /** The last whole record, undefined in a log that has none. */
  end: ChainedRecord | undefined;
  /** The file does not end with a newline (a crash cut its last line). */
  cutLine: boolean;
}

function readChainEnd(fd: number): ChainEnd {
  const { ino, size, mtimeMs, ctimeMs } = fstatSync(fd);
  const tail = readTail(fd, size, (lines) => findChainEnd(lines) !== undefined);
  return {
    ino,
    size,
    mtimeMs,
    ctimeMs,
    end: findChainEnd(tail.lines),
    cutLine: !tail.endsWithNewline,
  };
}

/**
 * The chain's end read before the lock is taken, or undefined (no log yet, unreadable). The
 * append uses it only if the file under the lock is the same one, unchanged: same inode,
 * size and times. Any append since (another preflight's) changes the size.
 */
export function readChainEndAhead(file: string): ChainEnd | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    return readChainEnd(fd);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function unchanged(
  ahead: ChainEnd,
  now: { ino: number; size: number; mtimeMs: number; ctimeMs: number },
) {
  return (
    ahead.ino === now.ino &&
    ahead.size === now.size &&
    ahead.mtimeMs === now.mtimeMs &&
    ahead.ctimeMs === now.ctimeMs
  );
}

function appendLocked(
  file: string,
  content: AuditRecord,
  fsync: boolean,
  ahead: ChainEnd | undefined,
): AuditWriteResult {
  const fd = openSync(file, "a+", 0o600);
  try {
    const stats = fstatSync(fd);
    const { size } = stats;
    const { end, cutLine } = ahead && unchanged(ahead, stats) ? ahead : readChainEnd(fd);
    // A cut last line (a crash mid-write) is closed with a newline and left for verify to
    // report; the chain continues from the last whole record, so nothing after it is lost and
    // deleting the cut line later leaves an intact chain.
    const prevHash = end?.hash ?? GENESIS_HASH;
    const seq = nextSeq(fd, size, end, cutLine);
    const body = { ...content, seq };
    const hash = hashRecord(prevHash, body);
    const text = `${cutLine ? "\n" : ""}${JSON.stringify({ ...body, prevHash, hash })}\n`;
    const bytes = Buffer.from(text, "utf8");
    // One write with O_APPEND; the loop only matters if the kernel ever writes short.
    for (let written = 0; written < bytes.length; ) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    if (fsync) fsyncSync(fd);
    return { hash, prevHash, line: seq };
  } finally {
    closeSync(fd);
  }
}

/**
 * Appends one record to the hash-chained log, under a lock on `<file>.lock`: reads the last
 * record's hash from the tail of the file (a missing or empty file starts at GENESIS_HASH),
 * and writes the record with `seq`, then `prevHash` and `hash` as its last keys, in a single
 * write followed by fsync (`fsync: false` skips only that, for a command no rule matched; see
 * src/io/audit-sink.ts). The record is redacted first (redactDeep), so whatever a caller
 * passes, secrets do not reach the log; the caller's object is not changed.
 * Throws AuditWriteError when the file cannot be locked or written.
 */
export function appendAuditRecord(
  file: string,
  record: Record<string, unknown>,
  options: { fsync?: boolean } = {},
): AuditWriteResult {
  return appendPreparedRecord(prepareAuditRecord(file, record), {}, options);
}

/** A record redacted for the log, and whether the log's folder is known to exist. */
export interface PreparedAuditRecord {
  file: string;
  content: AuditRecord;
  folderMade: boolean;
  /** The log's end read ahead (readChainEndAhead), used if the file has not changed since. */
  ahead?: ChainEnd;
}

/**
 * What an append does before it takes the lock: the record redacted (and the caller's object
 * left alone), the log's folder made, and with `readAhead` the chain's end read (for a record
 * prepared while a command runs: after it ends, the lock is all that is left to wait for).
 * It never throws: a failure here is met again, and reported, by appendPreparedRecord.
 */
export function prepareAuditRecord(
  file: string,
  record: Record<string, unknown>,
  options: { readAhead?: boolean } = {},
): PreparedAuditRecord {
  const redacted = isRedactedCopy(record) ? record : redactDeep(record);
  const { seq: _seq, prevHash: _prev, hash: _hash, ...content } = redacted;
  const ahead = options.readAhead ? readChainEndAhead(file) : undefined;
  // A log that could be read is in a folder that exists.
  let folderMade = ahead !== undefined;
  try {
    if (!folderMade) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    folderMade = true;
  } catch {
    // Reported by the append, which tries again.
  }
  return { file, content, folderMade, ...(ahead && { ahead }) };
}

/**
 * Appends a prepared record, with `late` fields (set once the run has ended: its duration and
 * time) redacted too and written in their places, or added at the end when new. Throws
 * AuditWriteError as appendAuditRecord does.
 */
export function appendPreparedRecord(
  prepared: PreparedAuditRecord,
  late: Record<string, unknown>,
  options: { fsync?: boolean } = {},
): AuditWriteResult {
  const { file, folderMade } = prepared;
  const content: AuditRecord = { ...prepared.content };
  const { seq: _seq, prevHash: _prev, hash: _hash, ...stamped } = redactDeep(late);
  Object.assign(content, stamped);
  return wrapWriteErrors(file, () => {
    if (!folderMade) mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    return withFileLock(file, () =>
      appendLocked(file, content, options.fsync ?? true, prepared.ahead),
    );
  });
}
