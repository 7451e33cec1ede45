import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliContext } from "../../test/helpers/cli-context.js";
import { appendAuditRecord } from "../audit/log.js";
import { auditVerify } from "./audit-verify.js";

let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-cli-verify-"));
  file = join(dir, "audit.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function fakeContext(env: Record<string, string | undefined> = {}) {
  return fakeCliContext(dir, env);
}

function appendThree(): void {
  for (const n of [1, 2, 3]) appendAuditRecord(file, { outcome: "ok", n });
}

describe("auditVerify", () => {
  it("reports an intact chain and returns 0", async () => {
    appendThree();
    const { ctx, out } = fakeContext();
    expect(await auditVerify({ auditLog: file }, ctx)).toBe(0);
    expect(out.stdout).toBe(`audit log ${file}: 3 records, hash chain intact\n`);
    expect(out.stderr).toBe("");
  });

  it("names the file and line of a broken chain and returns 1", async () => {
    appendThree();
    const lines = readFileSync(file, "utf8").split("\n");
    lines[1] = lines[1]!.replace('"n":2', '"n":20');
    writeFileSync(file, lines.join("\n"));
    const { ctx, out } = fakeContext();
    expect(await auditVerify({ auditLog: file }, ctx)).toBe(1);
    expect(out.stdout).toBe("");
    expect(out.stderr).toContain(`${file}:2: hash does not match the record (edited?)\n`);
    expect(out.stderr).toContain("the 1 record before it verified");
    expect(out.stderr).toContain(
      "records from this line on cannot be trusted; keep a copy of the file for investigation",
    );
  });

  it("fails (1) on a log that does not exist: a mistyped path or a deleted log must not pass", async () => {
    const { ctx, out } = fakeContext();
    expect(await auditVerify({ auditLog: "missing.jsonl" }, ctx)).toBe(1);
    expect(out.stderr).toBe(
      `preflight: no audit log at ${join(dir, "missing.jsonl")}; nothing was verified\n`,
    );
  });

  it("returns 71 when the log cannot be read", async () => {
    mkdirSync(file);
    const { ctx, out } = fakeContext();
    expect(await auditVerify({ auditLog: file }, ctx)).toBe(71);
    expect(out.stderr).toContain(`preflight: cannot read the audit log ${file}: `);
  });

  it("defaults to PREFLIGHT_AUDIT_LOG, then the state folder under home", async () => {
    appendThree();
    const fromEnv = fakeContext({ PREFLIGHT_AUDIT_LOG: "audit.jsonl" });
    expect(await auditVerify({}, fromEnv.ctx)).toBe(0);
    expect(fromEnv.out.stdout).toContain(`audit log ${file}: 3 records`);

    const fromHome = fakeContext();
    expect(await auditVerify({}, fromHome.ctx)).toBe(1);
    expect(fromHome.out.stderr).toContain(
      `no audit log at ${join(dir, "home", ".local", "state", "preflight", "audit.jsonl")}`,
    );
  });
});
