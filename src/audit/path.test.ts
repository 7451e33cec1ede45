import { describe, expect, it } from "vitest";
import { defaultAuditLogPath, resolveAuditLogPath } from "./path.js";

describe("defaultAuditLogPath", () => {
  it("prefers PREFLIGHT_AUDIT_LOG", () => {
    const env = { PREFLIGHT_AUDIT_LOG: "/var/log/pf.jsonl", XDG_STATE_HOME: "/state" };
    expect(defaultAuditLogPath(env, "/home/ops")).toBe("/var/log/pf.jsonl");
  });

  it("then XDG_STATE_HOME", () => {
    expect(defaultAuditLogPath({ XDG_STATE_HOME: "/state" }, "/home/ops")).toBe(
      "/state/preflight/audit.jsonl",
    );
  });

  it("then ~/.local/state, also when the variables are empty or XDG_STATE_HOME is relative", () => {
    const expected = "/home/ops/.local/state/preflight/audit.jsonl";
    expect(defaultAuditLogPath({}, "/home/ops")).toBe(expected);
    expect(defaultAuditLogPath({ PREFLIGHT_AUDIT_LOG: "", XDG_STATE_HOME: "" }, "/home/ops")).toBe(
      expected,
    );
    expect(defaultAuditLogPath({ XDG_STATE_HOME: "state" }, "/home/ops")).toBe(expected);
  });
});

describe("resolveAuditLogPath", () => {
  it("resolves --audit-log or the default against the working folder", () => {
    expect(resolveAuditLogPath("a.jsonl", {}, "/home/ops", "/repo")).toBe("/repo/a.jsonl");
    expect(resolveAuditLogPath(undefined, { PREFLIGHT_AUDIT_LOG: "l.jsonl" }, "/h", "/repo")).toBe(
      "/repo/l.jsonl",
    );
  });
});
