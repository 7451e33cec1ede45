/**
 * Reading the agent's event from standard input. Anything that is not the documented shape is
 * an error, and the caller refuses the tool call: a guard that cannot read its input must not
 * let the command through.
 */
import { isAbsolute, resolve } from "node:path";
import type { AgentProtocol } from "./agents.js";

/** The shell command an agent is about to run. */
export interface ShellToolCall {
  command: string;
  /** Where it will run: the event's `cwd` (and Gemini's `dir_path` under it). */
  cwd: string;
  sessionId?: string;
}

export type HookEvent =
  | { kind: "shell"; call: ShellToolCall }
  | { kind: "other-tool"; tool: string };

/** The event could not be read; `message` says what was wrong with it. */
export class HookEventError extends Error {
  override readonly name = "HookEventError";
}

/** The shell call in an agent's event, or the name of another tool; throws HookEventError. */
export function parseHookEvent(agent: AgentProtocol, text: string): HookEvent {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    const what = text.trim() === "" ? "standard input was empty" : (error as Error).message;
    throw new HookEventError(`the ${agent.title} event is not JSON (${what})`);
  }
  if (typeof event !== "object" || event === null || Array.isArray(event)) {
    throw new HookEventError(`the ${agent.title} event is not a JSON object`);
  }
  const fields = event as Record<string, unknown>;
  const name = fields.hook_event_name;
  if (name !== agent.event) {
    throw new HookEventError(
      `expected a ${agent.event} event from ${agent.title}, got hook_event_name ${JSON.stringify(name)}`,
    );
  }
  const tool = fields.tool_name;
  if (typeof tool !== "string") throw new HookEventError("the event has no tool_name");
  if (tool !== agent.shellTool) return { kind: "other-tool", tool };

  const input = fields.tool_input;
  const command =
    typeof input === "object" && input !== null
      ? (input as Record<string, unknown>).command
      : undefined;
  if (typeof command !== "string" || command.trim() === "") {
    throw new HookEventError(`the ${tool} event has no tool_input.command string`);
  }
  const cwd = fields.cwd;
  if (typeof cwd !== "string" || !isAbsolute(cwd)) {
    throw new HookEventError(
      `the event's cwd ${JSON.stringify(cwd)} is not an absolute path, so the policy that applies cannot be found`,
    );
  }
  const session = fields.session_id;
  return {
    kind: "shell",
    call: {
      command,
      cwd: resolve(cwd, subfolder(input as Record<string, unknown>)),
      ...(typeof session === "string" && session !== "" && { sessionId: session }),
    },
  };
}

/** Gemini's shell tool may run in a folder under the project (`dir_path`, formerly `directory`). */
function subfolder(input: Record<string, unknown>): string {
  const dir = input.dir_path ?? input.directory;
  return typeof dir === "string" ? dir : ".";
}
