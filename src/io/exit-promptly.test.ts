import { describe, expect, it } from "vitest";
import { type ExitingProcess, exitPromptly, nothingWrittenAtExit } from "./exit-promptly.js";

function fakeProcess() {
  const events: string[] = [];
  const proc: ExitingProcess = {
    exit: (code) => void events.push(`exit(${code})`),
    emit: (event, code) => events.push(`emit ${event} ${code}`) > 0,
  };
  const immediate = ((code: number) => {
    events.push(`_exit(${code})`);
    throw new Error("the process would have ended here");
  }) as (code: number) => never;
  return { proc, events, immediate };
}

describe("exitPromptly", () => {
  it("exits at once with the code when preflight wrote nothing", () => {
    const { proc, events } = fakeProcess();
    exitPromptly(3, {}, proc, undefined);
    expect(events).toEqual(["exit(3)"]);
    expect(proc.exitCode).toBe(3);
  });

  it("with the addon, emits exit (boot writes its bytecode there) and then ends the process", () => {
    const { proc, events, immediate } = fakeProcess();
    expect(() => exitPromptly(5, {}, proc, immediate)).toThrow("would have ended");
    expect(events).toEqual(["emit exit 5", "_exit(5)"]);
  });

  it("exits at once when what it wrote has all gone out", () => {
    const { proc, events } = fakeProcess();
    exitPromptly(
      0,
      { stdout: { writableLength: 0 }, stderr: { writableLength: 0 } },
      proc,
      undefined,
    );
    expect(events).toEqual(["exit(0)"]);
  });

  it.each([
    ["stdout", { stdout: { writableLength: 12 } }],
    ["stderr", { stderr: { writableLength: 1 }, stdout: { writableLength: 0 } }],
  ])("leaves the exit to Node when %s still holds queued output, so it is flushed", (_, used) => {
    const { proc, events, immediate } = fakeProcess();
    exitPromptly(64, used, proc, immediate);
    expect(events).toEqual([]);
    expect(proc.exitCode).toBe(64);
  });
});

describe("nothingWrittenAtExit", () => {
  it("allows no options, and options that leave nothing for Node to do at exit", () => {
    expect(nothingWrittenAtExit([], {})).toBe(true);
    expect(
      nothingWrittenAtExit([], { NODE_OPTIONS: " --max-old-space-size=4096  --use-openssl-ca " }),
    ).toBe(true);
    expect(nothingWrittenAtExit(["--enable-source-maps"], { NODE_OPTIONS: "--no-warnings" })).toBe(
      true,
    );
  });

  it.each([
    [["--cpu-prof"], {}],
    [[], { NODE_OPTIONS: "--max-old-space-size=4096 --heap-prof" }],
    [[], { NODE_OPTIONS: "--require ./hook.js" }],
    [[], { NODE_OPTIONS: '--max-old-space-size="4096"' }],
    [["--inspect"], {}],
    [[], { NODE_V8_COVERAGE: "/tmp/coverage" }],
  ])("keeps Node's own exit for %j %j", (execArgv, env) => {
    expect(nothingWrittenAtExit(execArgv, env as Record<string, string>)).toBe(false);
  });
});
