/**
 * Pre-tool-use events as each coding agent sends them on the hook's stdin, in the formats
 * their documentation gives (docs/agents.md says where), and a workspace to feed them to
 * `bin/preflight.js hook AGENT`: a project folder the agent works in, and a fake kubectl,
 * terraform and dropdb that log any call, so a test can show that nothing ran.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { TestContext } from "vitest";
import type { ExecResult } from "./exec.js";
import { useWorkspace, type Workspace } from "./workspace.js";

export type Agent = "claude-code" | "codex" | "gemini";

/** The event an agent sends before running `command` in `cwd`. */
export function shellEvent(
  agent: Agent,
  command: string,
  cwd: string,
  extra: Record<string, unknown> = {},
): string {
  if (agent === "gemini") {
    return JSON.stringify({
      session_id: "gemini-session-7",
      transcript_path: "/home/dev/.gemini/tmp/chat.json",
      cwd,
      hook_event_name: "BeforeTool",
      timestamp: "2026-12-06T21:00:00.000Z",
      tool_name: "run_shell_command",
      tool_input: { command, description: "requested by the model", ...extra },
    });
  }
  return JSON.stringify({
    session_id: agent === "codex" ? "codex-session-3" : "claude-session-1",
    transcript_path: "/home/dev/.claude/projects/p/session.jsonl",
    cwd,
    hook_event_name: "PreToolUse",
    ...(agent === "codex" && { model: "gpt-5", turn_id: "turn-1" }),
    permission_mode: "default",
    tool_name: "Bash",
    tool_input: { command, description: "requested by the model", ...extra },
    tool_use_id: "toolu_01",
  });
}

const LOGGING_TOOL = `#!/bin/sh
echo "$(basename "$0") $*" >> "$FAKE_TOOLS_LOG"
`;

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://k8s-prod.example.com:6443
  name: prod
- cluster:
    server: https://k8s.staging.example.com:6443
  name: staging
contexts:
- context:
    cluster: prod
  name: prod
- context:
    cluster: staging
  name: staging
`;

export class AgentWorkspace {
  readonly project: string;
  readonly toolsLog: string;

  constructor(readonly ws: Workspace) {
    this.project = ws.path("project");
    this.toolsLog = ws.path("tools.log");
    mkdirSync(this.project);
    for (const tool of ["kubectl", "terraform", "dropdb"]) ws.installScript(tool, LOGGING_TOOL);
    // The bundled policy reads kubectl's own configuration to see where --context goes.
    mkdirSync(`${ws.home}/.kube`, { recursive: true });
    writeFileSync(`${ws.home}/.kube/config`, KUBECONFIG);
  }

  /** Writes the project's own policy (`preflight.yaml` in the project folder). */
  writePolicy(yaml: string, folder = this.project): void {
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${folder}/preflight.yaml`, yaml);
  }

  /** Feeds `eventText` to `preflight hook AGENT`, run from the workspace root, not the project. */
  hook(
    agent: string,
    eventText: string,
    env: Record<string, string | undefined> = {},
  ): Promise<ExecResult> {
    return this.ws.run(["hook", agent], {
      input: eventText,
      env: { FAKE_TOOLS_LOG: this.toolsLog, ...env },
    });
  }

  /** The agent's event for `command` in the project folder, answered. */
  ask(agent: Agent, command: string): Promise<ExecResult> {
    return this.hook(agent, shellEvent(agent, command, this.project));
  }

  /** What the fake tools were asked to do; the hook itself must never run anything. */
  toolCalls(): string[] {
    return existsSync(this.toolsLog) ? readFileSync(this.toolsLog, "utf8").trim().split("\n") : [];
  }

  auditRecords(): Record<string, unknown>[] {
    if (!existsSync(this.ws.auditLog)) return [];
    return this.ws.auditRecords() as unknown as Record<string, unknown>[];
  }
}

export function useAgentWorkspace(t: Pick<TestContext, "onTestFinished">): AgentWorkspace {
  return new AgentWorkspace(useWorkspace(t));
}
