/**
 * What each kind of run gets from the audit sink: every run's record is chained, locked and
 * written before the sink returns; every run except a command no rule matched (the fast path)
 * also has it fsynced before the sink returns, so a guarded run loses nothing on a crash.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";

const synced = vi.hoisted(() => ({ fds: [] as number[], sizesAtSync: [] as number[] }));

vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return {
    ...fs,
    fsyncSync: (fd: number) => {
      synced.fds.push(fd);
      synced.sizesAtSync.push(fs.fstatSync(fd).size);
      fs.fsyncSync(fd);
    },
  };
});

const { createAuditSink } = await import("./audit-sink.js");
const { verifyAuditLog } = await import("../audit/log.js");

describe("createAuditSink", () => {
  beforeEach(() => {
    synced.fds.length = 0;
    synced.sizesAtSync.length = 0;
  });

  it("fsyncs every record by default, after writing it whole and before returning", () => {
    const log = join(mkdtempSync(join(tmpdir(), "preflight-sink-")), "audit.jsonl");
    const sink = createAuditSink(log);
    sink.append({ outcome: "ok", decision: "confirm" });
    expect(synced.fds).toHaveLength(1);
    expect(synced.sizesAtSync[0]).toBe(readFileSync(log).length);
    sink.append({ outcome: "blocked", decision: "deny" });
    expect(synced.fds).toHaveLength(2);
    expect(synced.sizesAtSync[1]).toBe(readFileSync(log).length);
  });

  it("leaves out only the fsync for the unguarded sink: the record is still chained and written", () => {
    const log = join(mkdtempSync(join(tmpdir(), "preflight-sink-")), "audit.jsonl");
    createAuditSink(log).append({ outcome: "ok" });
    createAuditSink(log, { fsync: false }).append({ outcome: "no-rule" });
    createAuditSink(log).append({ outcome: "blocked" });
    expect(synced.fds).toHaveLength(2);
    const lines = readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.map((r) => r.outcome)).toEqual(["ok", "no-rule", "blocked"]);
    expect(lines[2].prevHash).toBe(lines[1].hash);
    expect(verifyAuditLog(log)).toMatchObject({ ok: true });
  });
});
