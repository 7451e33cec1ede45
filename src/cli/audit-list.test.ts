import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliContext } from "../../test/helpers/cli-context.js";
import { appendAuditRecord } from "../audit/log.js";
import { auditList } from "./audit-list.js";

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-cli-list-"));
  file = join(dir, "audit.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeContext(env: Record<string, string | undefined> = {}) {
  return fakeCliContext(dir, env);
}

function runRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    time: "2026-11-21T10:00:00.000Z",
    outcome: "blocked",
    exitCode: 66,
    command: ["fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
    environment: { name: "production", protected: true },
    user: "alice",
    host: "ops-1",
    ...overrides,
  };
}

describe("auditList", () => {
  it("prints an aligned table, oldest first", async () => {
    appendAuditRecord(file, runRecord());
    appendAuditRecord(
      file,
      runRecord({
        time: "2026-11-21T10:05:00.000Z",
        outcome: "ok",
        exitCode: 0,
        command: ["sh", "-c", "echo 'two words'"],
        environment: { name: "dev" },
        user: "bob",
      }),
    );
    const { ctx, out } = fakeContext();
    expect(await auditList({ auditLog: file }, ctx)).toBe(0);
    expect(out.stdout).toBe(
      [
        "SEQ  TIME                      OUTCOME  EXIT  ENVIRONMENT  USER   COMMAND",
        "1    2026-11-21T10:00:00.000Z  blocked  66    production   alice  fly -t prod destroy-pipeline -p main",
        "2    2026-11-21T10:05:00.000Z  ok       0     dev          bob    sh -c 'echo '\\''two words'\\'''",
        "",
      ].join("\n"),
    );
  });

  it("shows the last `limit` records", async () => {
    for (let n = 1; n <= 5; n++) appendAuditRecord(file, runRecord({ user: `user${n}` }));
    const { ctx, out } = fakeContext();
    expect(await auditList({ auditLog: file, limit: 2 }, ctx)).toBe(0);
    const rows = out.stdout.trimEnd().split("\n");
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain("user4");
    expect(rows[2]).toContain("user5");
  });

  it("defaults to 20 records", async () => {
    for (let n = 1; n <= 25; n++) appendAuditRecord(file, runRecord());
    const { ctx, out } = fakeContext();
    await auditList({ auditLog: file }, ctx);
    expect(out.stdout.trimEnd().split("\n")).toHaveLength(21);
  });

  it("tolerates missing fields and older record shapes", async () => {
    appendAuditRecord(file, { startedAt: "2026-01-01T00:00:00.000Z", environment: "staging" });
    appendAuditRecord(file, {});
    const { ctx, out } = fakeContext();
    expect(await auditList({ auditLog: file }, ctx)).toBe(0);
    const rows = out.stdout.trimEnd().split("\n");
    expect(rows[1]).toMatch(/^1\s+2026-01-01T00:00:00.000Z\s+-\s+-\s+staging\s+-\s+-$/);
    expect(rows[2]).toMatch(/^2(\s+-){6}$/);
  });

  it("never shows secrets or terminal control characters", async () => {
    appendAuditRecord(file, runRecord());
    // A line written by something other than preflight, secrets and an escape sequence included.
    appendFileSync(
      file,
      `${JSON.stringify({ user: "mallory\u001b[2J", command: ["psql", "--password", "hunter2"] })}\n`,
    );
    const { ctx, out } = fakeContext();
    await auditList({ auditLog: file }, ctx);
    expect(out.stdout).not.toContain("hunter2");
    expect(out.stdout).not.toContain("\u001b");
    expect(out.stdout).toContain("mallory?[2J");
    expect(out.stdout).toContain("psql --password ***");
  });

  it("prints a JSON array with --json", async () => {
    appendAuditRecord(file, runRecord());
    appendAuditRecord(file, runRecord({ outcome: "ok" }));
    const { ctx, out } = fakeContext();
    expect(await auditList({ auditLog: file, json: true, limit: 5 }, ctx)).toBe(0);
    const records = JSON.parse(out.stdout);
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ outcome: "blocked", seq: 1, user: "alice" });
    expect(records[1]).toMatchObject({ outcome: "ok", seq: 2 });
    expect(typeof records[1].hash).toBe("string");
  });

  it("keeps stdout empty when there is no log yet", async () => {
    const { ctx, out } = fakeContext({ PREFLIGHT_AUDIT_LOG: "none.jsonl" });
    expect(await auditList({}, ctx)).toBe(0);
    expect(out.stdout).toBe("");
    expect(out.stderr).toBe(`no audit log at ${join(dir, "none.jsonl")} yet\n`);

    const json = fakeContext({ PREFLIGHT_AUDIT_LOG: "none.jsonl" });
    expect(await auditList({ json: true }, json.ctx)).toBe(0);
    expect(json.out.stdout).toBe("[]\n");
  });

  it("rejects a limit below 1 with 64", async () => {
    const { ctx, out } = fakeContext();
    expect(await auditList({ auditLog: file, limit: 0 }, ctx)).toBe(64);
    expect(out.stderr).toContain("--limit");
  });

  it("returns 71 when the log cannot be read", async () => {
    mkdirSync(file);
    const { ctx, out } = fakeContext();
    expect(await auditList({ auditLog: file }, ctx)).toBe(71);
    expect(out.stderr).toContain(`cannot read the audit log ${file}`);
  });
});
