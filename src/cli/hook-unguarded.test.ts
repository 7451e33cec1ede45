import { describe, expect, it } from "vitest";
import { readHookArgv } from "./hook-unguarded.js";

describe("readHookArgv: what the hook's fast path takes, and what it leaves to commander", () => {
  it.each([
    [["hook", "claude-code"], { agent: "claude-code", policy: [] }],
    [
      ["hook", "codex", "--policy", "a.yaml", "--policy=b.yaml"],
      { agent: "codex", policy: ["a.yaml", "b.yaml"] },
    ],
    [["hook", "--audit-log", "/tmp/a.jsonl", "gemini"], { agent: "gemini", policy: [] }],
    [["hook", "gemini", "--audit-log=/tmp/a.jsonl"], { agent: "gemini", policy: [] }],
  ])("%j", (args, expected) => {
    expect(readHookArgv(args)).toEqual(expected);
  });

  it.each([
    [["run", "--", "true"]],
    [["hook"]],
    [["hook", "install", "claude-code"]],
    [["hook", "uninstall", "codex", "--write"]],
    [["hook", "claude"]],
    [["hook", "claude-code", "--help"]],
    [["hook", "claude-code", "--policy"]],
    [["hook", "claude-code", "--policy", "--audit-log"]],
    [["hook", "claude-code", "extra"]],
    [["hook", "claude-code", "--project"]],
  ])("leaves %j to the full CLI", (args) => {
    expect(readHookArgv(args)).toBeUndefined();
  });
});
