import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileLockTimeoutError, withFileLock } from "./lock.js";

let dir: string;
let file: string;
let lockFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-lock-"));
  file = join(dir, "audit.jsonl");
  lockFile = `${file}.lock`;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function writeLock(owner: object, ageMs = 0): void {
  writeFileSync(lockFile, JSON.stringify(owner));
  const when = new Date(Date.now() - ageMs);
  utimesSync(lockFile, when, when);
}

describe("withFileLock", () => {
  it("holds the lock file while fn runs and removes it afterwards", () => {
    const result = withFileLock(file, () => {
      const owner = JSON.parse(readFileSync(lockFile, "utf8"));
      expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
      return 42;
    });
    expect(result).toBe(42);
    expect(existsSync(lockFile)).toBe(false);
  });

  it("releases the lock when fn throws", () => {
    expect(() =>
      withFileLock(file, () => {
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(existsSync(lockFile)).toBe(false);
  });

  it("takes over a lock whose process is gone", () => {
    writeLock({ pid: 999_999_999, host: hostname(), time: new Date().toISOString() });
    const checked: number[] = [];
    const isAlive = (pid: number) => {
      checked.push(pid);
      return false;
    };
    expect(withFileLock(file, () => "ran", { isAlive, timeoutMs: 1000 })).toBe("ran");
    expect(checked).toContain(999_999_999);
    expect(existsSync(lockFile)).toBe(false);
  });

  it("takes over a dead pid with the default process check", () => {
    // Larger than any pid_max, so process.kill(pid, 0) fails with ESRCH.
    writeLock({ pid: 2 ** 30, host: hostname() });
    expect(withFileLock(file, () => "ran", { timeoutMs: 1000 })).toBe("ran");
  });

  it("takes over a lock older than staleMs even when its process is alive", () => {
    writeLock({ pid: process.pid, host: hostname() }, 60_000);
    expect(withFileLock(file, () => "ran", { isAlive: () => true, timeoutMs: 1000 })).toBe("ran");
  });

  it("waits for a live holder and gives up after timeoutMs, naming it", () => {
    writeLock({ pid: 4242, host: hostname() });
    const started = Date.now();
    expect(() => withFileLock(file, () => "ran", { isAlive: () => true, timeoutMs: 150 })).toThrow(
      FileLockTimeoutError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(() => withFileLock(file, () => "ran", { isAlive: () => true, timeoutMs: 0 })).toThrow(
      /held by pid 4242/,
    );
    expect(existsSync(lockFile)).toBe(true);
  });

  it("does not judge a pid from another host, only the lock's age", () => {
    writeLock({ pid: 4242, host: "some-other-host" });
    expect(() => withFileLock(file, () => "ran", { isAlive: () => false, timeoutMs: 50 })).toThrow(
      FileLockTimeoutError,
    );
  });

  it("does not remove a lock that someone else holds by the time fn ends", () => {
    withFileLock(file, () => {
      // As if another process had judged us stale and taken over.
      writeFileSync(lockFile, JSON.stringify({ pid: 1, host: "elsewhere" }));
    });
    expect(JSON.parse(readFileSync(lockFile, "utf8"))).toEqual({ pid: 1, host: "elsewhere" });
  });

  it("clears a break lock left behind by a crashed waiter", () => {
    writeLock({ pid: 999_999_999, host: hostname() });
    writeFileSync(`${lockFile}.break`, JSON.stringify({ pid: 999_999_998, host: hostname() }));
    expect(withFileLock(file, () => "ran", { isAlive: () => false, timeoutMs: 1000 })).toBe("ran");
    expect(existsSync(`${lockFile}.break`)).toBe(false);
  });
});
