import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from "node:fs";
import { hrtime, kill, pid as ownPid } from "node:process";
import { hostName } from "../util/identity.js";
import { isoTime } from "../util/iso-time.js";

export interface FileLockOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** A lock older than this is abandoned, whoever holds it. Default 30 s. */
  staleMs?: number;
  /** Whether a process on this host exists. Default: `process.kill(pid, 0)` does not throw ESRCH. */
  isAlive?: (pid: number) => boolean;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

/** The lock stayed held by someone else for the whole timeout. */
export class FileLockTimeoutError extends Error {
  override readonly name = "FileLockTimeoutError";
  constructor(
    readonly lockFile: string,
    holder: string,
    timeoutMs: number,
  ) {
    super(`${lockFile} is still held${holder} after ${timeoutMs / 1000} s`);
  }
}

interface LockSnapshot {
  ino: number;
  mtimeMs: number;
  text: string;
  pid?: number;
  host?: string;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | null)?.code;
}

/** The lock file as it is now, or undefined when there is none. */
function readLock(path: string): LockSnapshot | undefined {
  try {
    const { ino, mtimeMs } = statSync(path);
    const text = readFileSync(path, "utf8");
    const snapshot: LockSnapshot = { ino, mtimeMs, text };
    try {
      const owner = JSON.parse(text) as { pid?: unknown; host?: unknown };
      if (Number.isSafeInteger(owner.pid) && (owner.pid as number) > 0) {
        snapshot.pid = owner.pid as number;
      }
      if (typeof owner.host === "string") snapshot.host = owner.host;
    } catch {
      // Empty or half-written: the owner is between create and write. Only age can tell.
    }
    return snapshot;
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function defaultIsAlive(pid: number): boolean {
  try {
    kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errorCode(error) !== "ESRCH";
  }
}

function sameLock(a: LockSnapshot, b: LockSnapshot): boolean {
  return a.ino === b.ino && a.mtimeMs === b.mtimeMs && a.text === b.text;
}

/** Creates `path` exclusively with our owner text; false when it already exists. */
function tryCreate(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Removes a file that may already be gone. unlinkSync, not rmSync: rmSync loads Node's
 * recursive-removal module, ~0.5 ms of every unguarded run.
 */
function removeFile(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errorCode(error) !== "ENOENT") throw error;
  }
}

/** Removes `path` only when it still holds `text`: never someone else's lock. */
function removeIfOwned(path: string, text: string): void {
  const current = readLock(path);
  if (current?.text === text) removeFile(path);
}

/**
 * Runs `fn` while holding an exclusive lock on `<file>.lock`, across processes. The lock file
 * records pid, host and time. A lock whose process is gone (same host) or that is older than
 * `staleMs` is taken over; waiting is a synchronous sleep, because the audit append that uses
 * this is synchronous by design. Throws FileLockTimeoutError after `timeoutMs`.
 *
 * Taking over is serialised through a second lock file (`<file>.lock.break`) and re-checks
 * that the lock is the very one judged stale, so two waiters that both see a dead owner cannot
 * delete each other's fresh lock. What remains is inherent to stale-lock breaking: an owner
 * that is alive but holds the lock past `staleMs` (a hung disk) can lose it.
 */
export function withFileLock<T>(file: string, fn: () => T, options: FileLockOptions = {}): T {
  const lockFile = `${file}.lock`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 30_000;
  const isAlive = options.isAlive ?? defaultIsAlive;
  const now = options.now ?? Date.now;
  const host = hostName();
  const ownerText = (): string =>
    JSON.stringify({
      pid: ownPid,
      host,
      time: isoTime(now()),
      // Tells our lock from a later one by the same pid; not a secret, so no crypto RNG
      // (seeding it costs ~1 ms on every run).
      nonce: `${hrtime.bigint().toString(36)}${Math.random().toString(36).slice(2, 10)}`,
    });

  const isStale = (lock: LockSnapshot): boolean => {
    if (now() - lock.mtimeMs > staleMs) return true;
    // A pid only means something on the host that wrote it (the log may be on a shared disk).
    return lock.pid !== undefined && lock.host === host && !isAlive(lock.pid);
  };

  /** True when the stale lock is gone (by our hand or another waiter's). */
  const breakStale = (judged: LockSnapshot): boolean => {
    const breakFile = `${lockFile}.break`;
    const breakText = ownerText();
    if (!tryCreate(breakFile, breakText)) {
      // Another waiter is breaking it right now; a break lock left by a crash is cleared.
      const other = readLock(breakFile);
      if (other && isStale(other)) removeFile(breakFile);
      return false;
    }
    try {
      const current = readLock(lockFile);
      if (current && sameLock(current, judged)) removeFile(lockFile);
      return true;
    } finally {
      removeIfOwned(breakFile, breakText);
    }
  };

  const text = ownerText();
  const deadline = now() + timeoutMs;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  let lastSeen: LockSnapshot | undefined;
  for (let attempt = 0; !tryCreate(lockFile, text); attempt++) {
    lastSeen = readLock(lockFile);
    if (lastSeen === undefined || (isStale(lastSeen) && breakStale(lastSeen))) continue;
    if (now() >= deadline) {
      const holder =
        lastSeen?.pid === undefined
          ? ""
          : ` by pid ${lastSeen.pid}${lastSeen.host ? ` on ${lastSeen.host}` : ""}`;
      throw new FileLockTimeoutError(lockFile, holder, timeoutMs);
    }
    // Short, jittered waits: the critical section is one tail read and one write.
    const delay = Math.min(25, 1 + attempt) * (0.5 + Math.random());
    Atomics.wait(sleeper, 0, 0, delay);
  }
  try {
    return fn();
  } finally {
    removeIfOwned(lockFile, text);
  }
}
