/**
 * The audit record (toAuditRecord): the report plus who, where and when, redacted as a whole
 * once, so that the log can take it as it is.
 */
import { describe, expect, it } from "vitest";
import { policy } from "../../test/helpers/policy-factory.js";
import { evaluateCommand } from "../run/evaluate.js";
import { initialResult } from "../run/initial-result.js";
import type { RunInput } from "../run/ports.js";
import { toAuditRecord, toJsonReport } from "./json.js";
import { isRedactedCopy, redactDeep } from "./redact.js";

function result(argv: string[], cwd: string) {
  const input: RunInput = {
    mode: "run",
    argv,
    policy: policy(),
    options: { reason: "token=hunter2-secret-value" },
    context: { cwd, env: {}, user: "ops", host: "box", interactive: false, ci: true, home: "/h" },
  };
  const evaluation = evaluateCommand({ policy: input.policy, argv, vars: {} });
  const run = initialResult(input, evaluation, new Date("2026-12-07T10:00:00.000Z"));
  run.commandExitCode = 0;
  return run;
}

describe("toAuditRecord", () => {
  const run = result(["mysql", "-u", "root", "--password", "hunter3-secret"], "/srv/PGPASSWORD=x1");
  const context = { user: "ops", host: "box", cwd: "/srv/PGPASSWORD=x1", ci: true };
  const record = toAuditRecord(run, context);

  it("puts who, where and when first, then the report", () => {
    expect(Object.keys(record).slice(0, 6)).toEqual([
      "time",
      "user",
      "host",
      "cwd",
      "ci",
      "version",
    ]);
    const { time: _time, user: _u, host: _h, cwd: _c, ci: _ci, ...report } = record;
    expect(report).toEqual(toJsonReport(run));
  });

  it("redacts everything in it, its own fields too, in one pass the log need not repeat", () => {
    const text = JSON.stringify(record);
    expect(text).not.toContain("hunter2");
    expect(text).not.toContain("hunter3");
    expect(record.cwd).not.toContain("x1");
    expect(isRedactedCopy(record)).toBe(true);
    expect(redactDeep(record)).toEqual(record);
  });
});
