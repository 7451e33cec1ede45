import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readAuditRecords, verifyAuditLog } from "./log.js";

// The lock is only meaningful between processes, so this test runs real ones. Node 20 cannot
// import TypeScript, so the real log.ts (with its imports) is bundled with esbuild, which comes
// with vitest, into a temporary .mjs: no copy of the code, and the children start as fast as
// plain node, so they genuinely overlap.
const PROCESSES = 20;
const APPENDS_EACH = 5;

const CHILD = `
const [moduleUrl, file, id, count, startAt] = process.argv.slice(1);
const { appendAuditRecord } = await import(moduleUrl);
// Start together, so the appends contend for the lock instead of arriving one by one.
const wait = Number(startAt) - Date.now();
if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
for (let n = 0; n < Number(count); n++) {
  appendAuditRecord(file, { writer: Number(id), n, pid: process.pid, output: "x".repeat(n * 997) });
}
`;

let dir: string;
let moduleUrl: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-audit-procs-"));
  const outfile = join(dir, "log.mjs");
  buildSync({
    entryPoints: [fileURLToPath(new URL("./log.ts", import.meta.url))],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile,
    logLevel: "silent",
  });
  moduleUrl = pathToFileURL(outfile).href;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runChild(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", CHILD, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("appendAuditRecord from many processes at once", () => {
  it(`keeps one intact chain across ${PROCESSES} processes`, async () => {
    const file = join(dir, "audit.jsonl");
    const startAt = String(Date.now() + 1500);
    const results = await Promise.all(
      Array.from({ length: PROCESSES }, (_, id) =>
        runChild([moduleUrl, file, String(id), String(APPENDS_EACH), startAt]),
      ),
    );
    expect(results.filter((r) => r.code !== 0)).toEqual([]);

    const total = PROCESSES * APPENDS_EACH;
    expect(verifyAuditLog(file)).toEqual({ ok: true, records: total });
    const records = readAuditRecords(file, total);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(records.map((r) => r.pid)).size).toBe(PROCESSES);
    for (let id = 0; id < PROCESSES; id++) {
      const mine = records.filter((r) => r.writer === id).map((r) => r.n);
      expect(mine).toEqual([0, 1, 2, 3, 4]);
    }
  });
});
