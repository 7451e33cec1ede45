import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { controllingTtyNumber, hasControllingTerminal, runInherited } from "./run-inherited.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-run-inherited-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const options = () => ({
  cwd: dir,
  env: { PATH: process.env.PATH },
  onTerminal: false,
  notice: () => {},
});

describe("runInherited: work done while the command runs", () => {
  it("runs it after the command started and before its exit is reported", async () => {
    const seen: string[] = [];
    const exit = await runInherited(["sh", "-c", "sleep 0.3; touch done; exit 3"], {
      ...options(),
      whileRunning: () => {
        seen.push(existsSync(join(dir, "done")) ? "after the command" : "while it ran");
      },
    });
    expect(exit).toEqual({ exitCode: 3 });
    expect(seen).toEqual(["while it ran"]);
  });

  it("rethrows its error only once the command has ended, so nothing is left running", async () => {
    const run = runInherited(["sh", "-c", "sleep 0.3; touch done"], {
      ...options(),
      whileRunning: () => {
        throw new Error("bookkeeping failed");
      },
    });
    await expect(run).rejects.toThrow("bookkeeping failed");
    expect(existsSync(join(dir, "done"))).toBe(true);
  });
});

describe("hasControllingTerminal", () => {
  it("finds tty_nr in /proc/self/stat, whatever the command's name holds", () => {
    const stat = join(dir, "stat");
    writeFileSync(stat, "4242 (odd) name) S 1 4242 4242 0 -1 4194560 95 0 0 0\n");
    expect(controllingTtyNumber(stat)).toBe(0);
    writeFileSync(stat, "4242 (sh) S 1 4242 4242 34816 4242 4194560 95 0 0 0\n");
    expect(controllingTtyNumber(stat)).toBe(34816);
    writeFileSync(stat, "garbage");
    expect(controllingTtyNumber(stat)).toBeUndefined();
    expect(controllingTtyNumber(join(dir, "missing"))).toBeUndefined();
    expect(controllingTtyNumber("/proc/self/stat")).toEqual(expect.any(Number));
  });

  it("reads 'none' from /proc/self/stat's tty_nr without opening /dev/tty", () => {
    const stat = join(dir, "stat");
    // A command name with a space and a parenthesis, as the kernel writes it.
    writeFileSync(stat, "4242 (odd) name) S 1 4242 4242 0 -1 4194560 95 0 0 0\n");
    let asked = 0;
    const opensTty = () => {
      asked++;
      return true;
    };
    expect(hasControllingTerminal(stat, opensTty)).toBe(false);
    expect(asked).toBe(0);
  });

  it("asks /dev/tty when /proc names a terminal, or cannot be read", () => {
    const stat = join(dir, "stat");
    writeFileSync(stat, "4242 (sh) S 1 4242 4242 34816 4242 4194560 95 0 0 0\n");
    for (const answer of [true, false]) {
      expect(hasControllingTerminal(stat, () => answer)).toBe(answer);
      expect(hasControllingTerminal(join(dir, "missing"), () => answer)).toBe(answer);
    }
  });
});
