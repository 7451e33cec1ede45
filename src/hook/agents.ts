/**
 * The coding agents preflight guards, as data: what their pre-tool-use event for a shell
 * command looks like, how they take an answer, and where their hook settings live. Where each
 * was looked up is in docs/agents.md.
 */

export type AgentName = "claude-code" | "codex" | "gemini";

export interface AgentProtocol {
  name: AgentName;
  /** The agent as its users call it. */
  title: string;
  /** `hook_event_name` of the event sent before a tool runs. */
  event: string;
  /** `tool_name` of the shell tool; other tools are none of preflight's business. */
  shellTool: string;
  /** The agent can ask its user itself (`permissionDecision: "ask"`). */
  canAsk: boolean;
  /** On allow: what to print on stdout (exit 0). Empty means "no opinion". */
  allowOutput: string;
  /** Hook settings, relative to the project folder and to the home folder. */
  settings: { project: string; user: string };
  /** The `timeout` written into the settings, in the unit the agent reads. */
  settingsTimeout: number;
  /** What one installed hook looks like in the settings' `hooks.<event>` array. */
  entry(command: string): Record<string, unknown>;
}

/** preflight answers within this, well inside the timeout it installs (30 s). */
export const HOOK_BUDGET_MS = 10_000;

const claudeLike = (command: string, timeout: number) => ({
  matcher: "Bash",
  hooks: [{ type: "command", command, timeout }],
});

export const AGENTS: Record<AgentName, AgentProtocol> = {
  "claude-code": {
    name: "claude-code",
    title: "Claude Code",
    event: "PreToolUse",
    shellTool: "Bash",
    canAsk: true,
    allowOutput: "",
    settings: { project: ".claude/settings.json", user: ".claude/settings.json" },
    settingsTimeout: 30,
    entry: (command) => claudeLike(command, 30),
  },
  codex: {
    name: "codex",
    title: "Codex CLI",
    event: "PreToolUse",
    shellTool: "Bash",
    // Codex parses "ask" but does not act on it (it runs the command): never rely on it.
    canAsk: false,
    allowOutput: "",
    settings: { project: ".codex/hooks.json", user: ".codex/hooks.json" },
    settingsTimeout: 30,
    entry: (command) => claudeLike(command, 30),
  },
  gemini: {
    name: "gemini",
    title: "Gemini CLI",
    event: "BeforeTool",
    shellTool: "run_shell_command",
    canAsk: false,
    // Gemini parses stdout as JSON on exit 0; an empty object is "no decision".
    allowOutput: "{}\n",
    settings: { project: ".gemini/settings.json", user: ".gemini/settings.json" },
    // Gemini reads hook timeouts in milliseconds.
    settingsTimeout: 30_000,
    entry: (command) => ({
      matcher: "run_shell_command",
      hooks: [{ name: "preflight", type: "command", command, timeout: 30_000 }],
    }),
  },
};

export function isAgentName(name: string): name is AgentName {
  return Object.hasOwn(AGENTS, name);
}

export const AGENT_NAMES = Object.keys(AGENTS) as AgentName[];
