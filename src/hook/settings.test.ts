import { describe, expect, it } from "vitest";
import { AGENTS } from "./agents.js";
import { addHook, isPreflightHook, removeHook, SettingsError } from "./settings.js";

const claude = AGENTS["claude-code"];
const COMMAND = "/usr/bin/node /opt/preflight/bin/preflight.js hook claude-code || exit 2";

describe("addHook / removeHook", () => {
  it("creates the settings from nothing, and removes them back to an empty object", () => {
    const added = addHook(claude, "s.json", undefined, COMMAND);
    expect(JSON.parse(added.text)).toEqual({
      hooks: {
        PreToolUse: [
          { matcher: "Bash", hooks: [{ type: "command", command: COMMAND, timeout: 30 }] },
        ],
      },
    });
    expect(removeHook(claude, "s.json", added.text).text).toBe("{}\n");
  });

  it("updates its own entry in place when preflight moved, once", () => {
    const first = addHook(claude, "s.json", undefined, COMMAND).text;
    const moved = addHook(claude, "s.json", first, "preflight hook claude-code || exit 2");
    expect(moved.summary).toContain("updated");
    expect(JSON.parse(moved.text).hooks.PreToolUse).toHaveLength(1);
    expect(
      addHook(claude, "s.json", moved.text, "preflight hook claude-code || exit 2").changed,
    ).toBe(false);
  });

  it("leaves another agent's preflight hook and the user's own hooks alone", () => {
    const text = JSON.stringify({
      hooks: {
        PreToolUse: [
          {
            matcher: "Bash",
            hooks: [
              { type: "command", command: "my-guard.sh" },
              { type: "command", command: COMMAND },
            ],
          },
          { matcher: "Bash", hooks: [{ type: "command", command: "preflight hook codex" }] },
        ],
      },
    });
    const removed = JSON.parse(removeHook(claude, "s.json", text).text);
    expect(removed.hooks.PreToolUse).toEqual([
      { matcher: "Bash", hooks: [{ type: "command", command: "my-guard.sh" }] },
      { matcher: "Bash", hooks: [{ type: "command", command: "preflight hook codex" }] },
    ]);
  });

  it.each([
    ["[]", "not a JSON object"],
    ['{"hooks": []}', '"hooks" is not an object'],
    ['{"hooks": {"PreToolUse": {}}}', '"hooks.PreToolUse" is not a list'],
    ['{\n  "a": 1,\n}', "s.json:3:1: not valid JSON"],
  ])("refuses %s", (text, message) => {
    expect(() => addHook(claude, "s.json", text, COMMAND)).toThrow(SettingsError);
    expect(() => addHook(claude, "s.json", text, COMMAND)).toThrow(message);
  });

  it("knows its own command however it is written", () => {
    expect(isPreflightHook(COMMAND, claude)).toBe(true);
    expect(isPreflightHook("'/x y/preflight.js' hook claude-code", claude)).toBe(true);
    expect(isPreflightHook("preflight hook claude-codex", claude)).toBe(false);
    expect(isPreflightHook("preflight hook codex", claude)).toBe(false);
    expect(isPreflightHook(42, claude)).toBe(false);
  });
});
