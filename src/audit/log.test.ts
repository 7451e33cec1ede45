import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InternalError } from "../errors.js";
import { GENESIS_HASH, hashRecord } from "./chain.js";
import {
  AuditWriteError,
  appendAuditRecord,
  appendPreparedRecord,
  ensureAuditWritable,
  prepareAuditRecord,
  readAuditRecords,
  verifyAuditLog,
} from "./log.js";

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-audit-"));
  file = join(dir, "state", "preflight", "audit.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function record(n: number): Record<string, unknown> {
  return {
    time: `2026-11-21T10:00:0${n}.000Z`,
    outcome: "ok",
    exitCode: 0,
    command: ["fly", "-t", "dev", "destroy-pipeline", "-p", `p${n}`],
    environment: { name: "dev", protected: false },
    user: "ops",
  };
}

function lines(): string[] {
  return readFileSync(file, "utf8").split("\n").slice(0, -1);
}

function writeLines(content: string[]): void {
  writeFileSync(file, content.map((line) => `${line}\n`).join(""));
}

function appendThree(): void {
  for (const n of [1, 2, 3]) appendAuditRecord(file, record(n));
}

describe("appendAuditRecord", () => {
  it("chains records from GENESIS_HASH, one line each, hash fields last", () => {
    const results = [1, 2, 3].map((n) => appendAuditRecord(file, record(n)));
    expect(results.map((r) => r.line)).toEqual([1, 2, 3]);
    expect(results[0]!.prevHash).toBe(GENESIS_HASH);
    expect(results[1]!.prevHash).toBe(results[0]!.hash);
    expect(results[2]!.prevHash).toBe(results[1]!.hash);

    const written = lines().map((line) => JSON.parse(line));
    expect(written).toHaveLength(3);
    expect(Object.keys(written[1]).slice(-3)).toEqual(["seq", "prevHash", "hash"]);
    expect(written[1]).toMatchObject({ ...record(2), seq: 2, hash: results[1]!.hash });
    expect(written[1].hash).toBe(hashRecord(written[1].prevHash, written[1]));
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 3 });
  });

  it("redacts secrets before they reach the file, without changing the caller's record", () => {
    const input = {
      command: ["psql", "--password", "hunter2", "postgres://app:pw1@db/app"],
      env: { PGPASSWORD: "pw2" },
      reason: "rotate AWS_SECRET_ACCESS_KEY=pw3",
    };
    appendAuditRecord(file, input);
    const text = readFileSync(file, "utf8");
    for (const secret of ["hunter2", "pw1", "pw2", "pw3"]) expect(text).not.toContain(secret);
    expect(input.command[2]).toBe("hunter2");
    expect(verifyAuditLog(file).ok).toBe(true);
  });

  it("ignores chain fields a caller passes in", () => {
    appendAuditRecord(file, { a: 1, seq: 99, prevHash: "forged", hash: "forged" });
    expect(JSON.parse(lines()[0]!)).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(verifyAuditLog(file).ok).toBe(true);
  });

  it("hashes values the way they are written (a Date becomes its ISO string)", () => {
    appendAuditRecord(file, { time: new Date(0), n: Number.NaN, gone: undefined });
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 1 });
  });

  it("finds the previous hash behind a last line longer than the read window", () => {
    appendAuditRecord(file, { output: "x".repeat(200_000) });
    const second = appendAuditRecord(file, { output: "y" });
    expect(second.line).toBe(2);
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 2 });
  });

  it("continues the chain past a cut last line, which verify then reports", () => {
    appendAuditRecord(file, record(1));
    appendAuditRecord(file, record(2));
    appendFileSync(file, '{"time":"2026-11-21T10:00:03.000Z","outc'); // a crash mid-write
    expect(verifyAuditLog(file)).toEqual({
      ok: false,
      records: 2,
      line: 3,
      problem: "not valid JSON (the last line is incomplete: an interrupted write?)",
    });

    const next = appendAuditRecord(file, record(4));
    expect(lines()).toHaveLength(4);
    expect(verifyAuditLog(file)).toEqual({
      ok: false,
      records: 2,
      line: 3,
      problem: "not valid JSON",
    });
    expect(next.prevHash).toBe(JSON.parse(lines()[1]!).hash);

    // The documented repair: remove the cut line; every whole record still verifies.
    const [first, secondLine, , fourth] = lines();
    writeLines([first!, secondLine!, fourth!]);
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 3 });
    expect(next.line).toBe(3);
  });

  it("counts lines for seq when the last record has none", () => {
    mkdirSync(join(dir, "state", "preflight"), { recursive: true });
    const legacy = { a: 1, prevHash: GENESIS_HASH, hash: hashRecord(GENESIS_HASH, { a: 1 }) };
    writeLines([JSON.stringify(legacy)]);
    expect(appendAuditRecord(file, { a: 2 }).line).toBe(2);
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 2 });
  });

  it("throws AuditWriteError, an InternalError that says what to do", () => {
    writeFileSync(join(dir, "not-a-folder"), "");
    const bad = join(dir, "not-a-folder", "audit.jsonl");
    let thrown: unknown;
    try {
      appendAuditRecord(bad, record(1));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AuditWriteError);
    expect(thrown).toBeInstanceOf(InternalError);
    expect((thrown as Error).message).toContain(bad);
    expect((thrown as Error).message).toContain(
      "set --audit-log or PREFLIGHT_AUDIT_LOG to a writable file",
    );
    expect((thrown as Error).cause).toHaveProperty("syscall", "mkdir");
  });
});

describe("prepareAuditRecord and appendPreparedRecord", () => {
  it("write the line appendAuditRecord writes, with the late fields in their places", () => {
    const other = join(dir, "other", "audit.jsonl");
    appendAuditRecord(other, record(1));
    const { time, ...early } = record(1);
    const prepared = prepareAuditRecord(file, { time: "not yet", ...early });
    expect(() => readFileSync(file)).toThrow(); // nothing written before the append
    appendPreparedRecord(prepared, { time });
    expect(readFileSync(file, "utf8")).toBe(readFileSync(other, "utf8"));
    expect(verifyAuditLog(file).ok).toBe(true);
  });

  it("redact the record when prepared and the late fields when appended", () => {
    const prepared = prepareAuditRecord(file, { ...record(1), reason: "token=hunter2-value" });
    appendPreparedRecord(prepared, { message: "password=hunter3-value" });
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("hunter3");
  });

  it("report a log folder that cannot be made at the append, not before", () => {
    writeFileSync(join(dir, "blocked"), "a file where the folder should be");
    const blocked = join(dir, "blocked", "audit.jsonl");
    const prepared = prepareAuditRecord(blocked, record(1));
    expect(() => appendPreparedRecord(prepared, {})).toThrow(AuditWriteError);
  });
});

describe("the log's end read ahead (prepareAuditRecord with readAhead)", () => {
  it("is used when nothing touched the log since: the same line as without it", () => {
    const other = join(dir, "other", "audit.jsonl");
    for (const log of [file, other]) {
      appendAuditRecord(log, record(1));
      appendAuditRecord(log, record(2));
    }
    const ahead = prepareAuditRecord(file, record(3), { readAhead: true });
    expect(ahead.ahead?.end?.seq).toBe(2);
    appendPreparedRecord(ahead, {});
    appendPreparedRecord(prepareAuditRecord(other, record(3)), {});
    expect(readFileSync(file, "utf8")).toBe(readFileSync(other, "utf8"));
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 3 });
  });

  it("is what the append chains from while the file is unchanged (the tail is not read again)", () => {
    appendAuditRecord(file, record(1));
    const prepared = prepareAuditRecord(file, record(2), { readAhead: true });
    // A reading the file does not hold: only the read-ahead can supply this hash.
    const marked = "f".repeat(64);
    prepared.ahead = { ...prepared.ahead!, end: { ...prepared.ahead!.end!, hash: marked } };
    expect(appendPreparedRecord(prepared, {}).prevHash).toBe(marked);
  });

  it("is not used when another run appended in between: the chain goes on from that record", () => {
    appendAuditRecord(file, record(1));
    const prepared = prepareAuditRecord(file, record(3), { readAhead: true });
    const between = appendAuditRecord(file, record(2));
    const written = appendPreparedRecord(prepared, {});
    expect(written.prevHash).toBe(between.hash);
    expect(written.line).toBe(3);
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 3 });
  });

  it("is not used when the log was replaced by another file of the same size", () => {
    const other = join(dir, "other", "audit.jsonl");
    appendAuditRecord(file, record(1));
    appendAuditRecord(other, record(1));
    appendAuditRecord(other, { ...record(1), user: "spy" }); // same length as record(1)'s line
    const replacement = readFileSync(other, "utf8").split("\n")[1]!;
    expect(replacement.length).toBe(lines()[0]!.length);
    const prepared = prepareAuditRecord(file, record(2), { readAhead: true });
    // Rewritten (a new inode, same size): the read-ahead saw the old last record.
    writeFileSync(`${file}.new`, `${replacement}\n`);
    renameSync(`${file}.new`, file);
    const written = appendPreparedRecord(prepared, {});
    expect(written.prevHash).toBe(JSON.parse(replacement).hash);
  });

  it("is nothing when there is no log yet, and the append starts the chain", () => {
    const prepared = prepareAuditRecord(file, record(1), { readAhead: true });
    expect(prepared.ahead).toBeUndefined();
    expect(appendPreparedRecord(prepared, {}).prevHash).toBe(GENESIS_HASH);
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 1 });
  });
});

describe("ensureAuditWritable", () => {
  it("creates the folder and the file", () => {
    ensureAuditWritable(file);
    expect(readFileSync(file, "utf8")).toBe("");
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 0 });
  });

  it("throws AuditWriteError when the path cannot be a file", () => {
    mkdirSync(file, { recursive: true });
    expect(() => ensureAuditWritable(file)).toThrow(AuditWriteError);
  });
});

describe("verifyAuditLog", () => {
  it("accepts a missing file with 0 records", () => {
    expect(verifyAuditLog(join(dir, "missing.jsonl"))).toEqual({ ok: true, records: 0 });
  });

  it("names the line of an edited record", () => {
    appendThree();
    const [first, second, third] = lines();
    writeLines([first!, second!.replace('"outcome":"ok"', '"outcome":"blocked"'), third!]);
    expect(verifyAuditLog(file)).toEqual({
      ok: false,
      records: 1,
      line: 2,
      problem: "hash does not match the record (edited?)",
    });
  });

  it("names the line after a removed record", () => {
    appendThree();
    const [first, , third] = lines();
    writeLines([first!, third!]);
    expect(verifyAuditLog(file)).toEqual({
      ok: false,
      records: 1,
      line: 2,
      problem:
        "prevHash does not match the previous record's hash (a record was removed or reordered?)",
    });
  });

  it("names the first line out of order", () => {
    appendThree();
    const [first, second, third] = lines();
    writeLines([first!, third!, second!]);
    expect(verifyAuditLog(file)).toMatchObject({ ok: false, line: 2 });
  });

  it("notices a removed first record", () => {
    appendThree();
    writeLines(lines().slice(1));
    expect(verifyAuditLog(file)).toMatchObject({ ok: false, line: 1 });
  });

  it("reports lines that are not records", () => {
    appendThree();
    writeLines([...lines(), '{"outcome":"ok"}']);
    expect(verifyAuditLog(file)).toEqual({
      ok: false,
      records: 3,
      line: 4,
      problem: "missing hash fields",
    });
    writeLines(["not json"]);
    expect(verifyAuditLog(file)).toEqual({
      ok: false,
      records: 0,
      line: 1,
      problem: "not valid JSON",
    });
  });

  it("reads a log larger than its read chunk", () => {
    const big = "z".repeat(300_000);
    for (let n = 0; n < 5; n++) appendAuditRecord(file, { n, big, text: "naïve ✓" });
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: 5 });
  });
});

describe("readAuditRecords", () => {
  it("returns the last records, oldest first", () => {
    for (let n = 1; n <= 5; n++) appendAuditRecord(file, record(n));
    expect(readAuditRecords(file, 2).map((r) => r.seq)).toEqual([4, 5]);
    expect(readAuditRecords(file, 20).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(readAuditRecords(file, 0)).toEqual([]);
  });

  it("reads back far enough when records are larger than the window", () => {
    for (let n = 1; n <= 4; n++) appendAuditRecord(file, { n, output: "o".repeat(20_000) });
    expect(readAuditRecords(file, 3).map((r) => r.n)).toEqual([2, 3, 4]);
  });

  it("skips lines that are not JSON objects", () => {
    appendAuditRecord(file, record(1));
    appendFileSync(file, "garbage\n[1]\n");
    appendAuditRecord(file, record(2));
    expect(readAuditRecords(file, 5).map((r) => r.seq)).toEqual([1, 2]);
  });

  it("has nothing for a missing file", () => {
    expect(readAuditRecords(join(dir, "missing.jsonl"), 5)).toEqual([]);
  });
});
