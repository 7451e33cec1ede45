/**
 * `preflight hook install|uninstall AGENT`: a dry run by default that shows the change; with
 * --write, merged into the user's settings (their keys kept), idempotent, and undone exactly.
 * The command it installs is then run as the agent runs it (`sh -c`), with an event on stdin.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellEvent, useAgentWorkspace } from "../helpers/agent-events.js";
import { cleanEnv } from "../helpers/exec.js";

const USER_SETTINGS = {
  model: "opus",
  permissions: { allow: ["Bash(npm test:*)"], deny: ["Read(./.env)"] },
  hooks: {
    PreToolUse: [
      { matcher: "Write|Edit", hooks: [{ type: "command", command: "./scripts/fmt.sh" }] },
    ],
    Stop: [{ hooks: [{ type: "command", command: "notify-send done" }] }],
  },
};
const ORIGINAL = `${JSON.stringify(USER_SETTINGS, null, 2)}\n`;

describe.concurrent("preflight hook install claude-code on an existing settings file", () => {
  it("shows the change, then merges it, then changes nothing the second time", async (t) => {
    const aw = useAgentWorkspace(t);
    const file = join(aw.project, ".claude", "settings.json");
    mkdirSync(join(aw.project, ".claude"));
    writeFileSync(file, ORIGINAL);
    const run = (args: string[]) => aw.ws.run(["hook", ...args], { cwd: aw.project });

    const dry = await run(["install", "claude-code"]);
    expect(dry.exitCode).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
    expect(dry.stdout).toContain(`${file}\n`);
    expect(dry.stdout).toContain('+         "matcher": "Bash",');
    expect(dry.stdout).toMatch(
      /\+ +"command": ".*bin\/preflight\.js hook claude-code \|\| exit 2",/,
    );
    expect(dry.stderr).toContain("this is a dry run");
    expect(dry.stderr).toContain("Run it again with --write");

    const written = await run(["install", "claude-code", "--project", "--write"]);
    expect(written.exitCode).toBe(0);
    const settings = JSON.parse(readFileSync(file, "utf8"));
    expect(settings.model).toBe("opus");
    expect(settings.permissions).toEqual(USER_SETTINGS.permissions);
    expect(settings.hooks.Stop).toEqual(USER_SETTINGS.hooks.Stop);
    expect(settings.hooks.PreToolUse).toHaveLength(2);
    expect(settings.hooks.PreToolUse[0]).toEqual(USER_SETTINGS.hooks.PreToolUse[0]);
    expect(settings.hooks.PreToolUse[1]).toMatchObject({
      matcher: "Bash",
      hooks: [{ type: "command", timeout: 30 }],
    });
    const afterFirst = readFileSync(file, "utf8");

    const again = await run(["install", "claude-code", "--write"]);
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain("already installed; nothing to change");
    expect(readFileSync(file, "utf8")).toBe(afterFirst);

    // The installed command, run as Claude Code runs it, answers the agent.
    const command: string = settings.hooks.PreToolUse[1].hooks[0].command;
    const hook = spawnSync("sh", ["-c", command], {
      input: shellEvent("claude-code", "kubectl --context prod delete ns payments", aw.project),
      env: cleanEnv({ ...aw.ws.env, FAKE_TOOLS_LOG: aw.toolsLog }),
      encoding: "utf8",
    });
    expect(hook.status).toBe(2);
    expect(hook.stderr).toContain("rule 'kubectl-delete-namespace' denies this in production");

    const removed = await run(["uninstall", "claude-code", "--write"]);
    expect(removed.exitCode).toBe(0);
    expect(removed.stderr).toContain("removed preflight's PreToolUse hook (1 entry)");
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);

    const removedAgain = await run(["uninstall", "claude-code", "--write"]);
    expect(removedAgain.stderr).toContain("preflight's hook is not installed");
    expect(readFileSync(file, "utf8")).toBe(ORIGINAL);
  });

  it("if preflight cannot start at all, the installed command still blocks", async (t) => {
    const aw = useAgentWorkspace(t);
    const result = await aw.ws.run(
      [
        "hook",
        "install",
        "codex",
        "--write",
        "--command",
        "/nonexistent/preflight hook codex || exit 2",
      ],
      { cwd: aw.project },
    );
    expect(result.exitCode).toBe(0);
    const settings = JSON.parse(readFileSync(join(aw.project, ".codex", "hooks.json"), "utf8"));
    const hook = spawnSync("sh", ["-c", settings.hooks.PreToolUse[0].hooks[0].command], {
      input: shellEvent("codex", "ls", aw.project),
      encoding: "utf8",
    });
    expect(hook.status).toBe(2);
  });

  it("refuses a settings file it cannot read, naming where", async (t) => {
    const aw = useAgentWorkspace(t);
    mkdirSync(join(aw.project, ".claude"));
    const file = join(aw.project, ".claude", "settings.json");
    writeFileSync(file, '{\n  "model": "opus",\n}\n');

    const result = await aw.ws.run(["hook", "install", "claude-code", "--write"], {
      cwd: aw.project,
    });

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain(`${file}`);
    expect(result.stderr).toContain("not valid JSON");
    expect(readFileSync(file, "utf8")).toBe('{\n  "model": "opus",\n}\n');
  });
});

describe.concurrent("each agent's settings", () => {
  it.for([
    ["codex", ".codex/hooks.json", { matcher: "Bash", event: "PreToolUse", timeout: 30 }],
    [
      "gemini",
      ".gemini/settings.json",
      { matcher: "run_shell_command", event: "BeforeTool", timeout: 30000 },
    ],
  ] as const)("%s: --user writes %s in the home folder", async ([agent, path, expected], t) => {
    const aw = useAgentWorkspace(t);
    const file = join(aw.ws.home, path);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(file, '{\n    "theme": "dark"\n}\n');

    const result = await aw.ws.run(["hook", "install", agent, "--user", "--write"]);

    expect(result.exitCode).toBe(0);
    const text = readFileSync(file, "utf8");
    // Their own indentation (four spaces) is kept.
    expect(text).toMatch(/^\{\n {4}"theme": "dark",\n {4}"hooks"/);
    const settings = JSON.parse(text);
    expect(settings.hooks[expected.event]).toEqual([
      {
        matcher: expected.matcher,
        hooks: [
          expect.objectContaining({
            type: "command",
            command: expect.stringMatching(
              new RegExp(`bin/preflight\\.js hook ${agent} \\|\\| exit 2$`),
            ),
            timeout: expected.timeout,
          }),
        ],
      },
    ]);

    await aw.ws.run(["hook", "uninstall", agent, "--user", "--write"]);
    expect(readFileSync(file, "utf8")).toBe('{\n    "theme": "dark"\n}\n');
  });
});
