import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInherited } from "./run-inherited.js";

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
