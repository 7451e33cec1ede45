import { describe, expect, it } from "vitest";
import { type ExitingProcess, exitPromptly } from "./exit-promptly.js";

function fakeProcess() {
  const exits: number[] = [];
  const proc: ExitingProcess = { exit: (code) => void exits.push(code) };
  return { proc, exits };
}

describe("exitPromptly", () => {
  it("exits at once with the code when preflight wrote nothing", () => {
    const { proc, exits } = fakeProcess();
    exitPromptly(3, {}, proc);
    expect(exits).toEqual([3]);
    expect(proc.exitCode).toBe(3);
  });

  it("exits at once when what it wrote has all gone out", () => {
    const { proc, exits } = fakeProcess();
    exitPromptly(0, { stdout: { writableLength: 0 }, stderr: { writableLength: 0 } }, proc);
    expect(exits).toEqual([0]);
  });

  it.each([
    ["stdout", { stdout: { writableLength: 12 } }],
    ["stderr", { stderr: { writableLength: 1 }, stdout: { writableLength: 0 } }],
  ])("leaves the exit to Node when %s still holds queued output, so it is flushed", (_, used) => {
    const { proc, exits } = fakeProcess();
    exitPromptly(64, used, proc);
    expect(exits).toEqual([]);
    expect(proc.exitCode).toBe(64);
  });
});
