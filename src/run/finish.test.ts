/**
 * Ending a run in one step (finishRun) or with the record built ahead (prepareFinish, for the
 * unguarded run): both must write the same record, and neither may lose one.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policy } from "../../test/helpers/policy-factory.js";
import { createAuditSink } from "../io/audit-sink.js";
import { evaluateCommand } from "./evaluate.js";
import { finishRun, prepareFinish } from "./finish.js";
import { initialResult } from "./initial-result.js";
import type { AuditSink, RunInput } from "./ports.js";

const STARTED = new Date("2026-12-07T10:00:00.000Z");

function setUp(argv: string[], secret = false) {
  const input: RunInput = {
    mode: "run",
    argv,
    policy: policy(),
    options: { reason: secret ? "token=hunter2-secret-value" : "routine" },
    context: {
      cwd: "/srv",
      env: {},
      user: "ops",
      host: "box",
      interactive: false,
      ci: true,
      home: "/home/ops",
    },
  };
  const evaluation = evaluateCommand({ policy: input.policy, argv, vars: {} });
  const written: Record<string, unknown>[] = [];
  const audit: AuditSink = {
    ensureWritable: () => {},
    append: (record) => {
      written.push(JSON.parse(JSON.stringify(record)));
    },
  };
  let clock = STARTED.getTime();
  const ports = { audit, now: () => new Date(clock) };
  const result = initialResult(input, evaluation, STARTED);
  result.commandExitCode = 0;
  return { input, result, written, ports, advance: (ms: number) => (clock += ms) };
}

const ENDING = { outcome: "no-rule", message: "the command exited 0" } as const;

describe("prepareFinish", () => {
  it("writes, when finished, byte for byte the record finishRun writes", () => {
    const one = setUp(["ls", "-la"], true);
    one.advance(1234);
    finishRun(one.result, { ...ENDING, input: one.input, ports: one.ports, started: STARTED });

    const two = setUp(["ls", "-la"], true);
    const { finish } = prepareFinish(two.result, {
      ...ENDING,
      input: two.input,
      ports: two.ports,
      started: STARTED,
    });
    expect(two.written).toEqual([]);
    two.advance(1234);
    const result = finish();

    expect(JSON.stringify(two.written)).toBe(JSON.stringify(one.written));
    expect(two.written[0]).toMatchObject({
      time: "2026-12-07T10:00:01.234Z",
      durationMs: 1234,
      outcome: "no-rule",
      exitCode: 0,
    });
    expect(JSON.stringify(two.written)).not.toContain("hunter2");
    expect(result).toEqual(one.result);
  });

  it("writes through the real log sink, prepared ahead, the very line finishRun writes", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-finish-"));
    try {
      const lines: string[] = [];
      for (const ahead of [false, true]) {
        const file = join(dir, String(ahead), "audit.jsonl");
        const run = setUp(["ls", "-la"], true);
        const ports = { ...run.ports, audit: createAuditSink(file, { fsync: false }) };
        const ending = { ...ENDING, input: run.input, ports, started: STARTED };
        if (ahead) {
          const { finish } = prepareFinish(run.result, ending);
          run.advance(1234);
          finish();
        } else {
          run.advance(1234);
          finishRun(run.result, ending);
        }
        lines.push(readFileSync(file, "utf8"));
      }
      expect(lines[1]).toBe(lines[0]);
      expect(lines[0]).toContain('"durationMs":1234');
      expect(lines[0]).not.toContain("hunter2");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps the record when the log cannot be written, as finishRun does", () => {
    const run = setUp(["ls"]);
    run.ports.audit.append = () => {
      throw new Error("disk full");
    };
    const { finish } = prepareFinish(run.result, {
      ...ENDING,
      input: run.input,
      ports: run.ports,
      started: STARTED,
    });
    run.advance(5);
    const result = finish();
    expect(result.auditFailure?.error).toBe("disk full");
    expect(result.auditFailure?.record).toMatchObject({ durationMs: 5, outcome: "no-rule" });
  });
});
