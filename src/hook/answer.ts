/**
 * The agent's answer, in its own protocol. A refusal is always exit 2 with the reason on
 * stderr: every agent here documents it as "block, and tell the model why", and it holds even
 * if the agent misreads JSON. Only Claude Code's "ask the user" needs JSON on stdout.
 */
import type { AgentProtocol } from "./agents.js";
import type { HookVerdict } from "./decide.js";

export interface HookAnswer {
  /** What the agent is told: allow (no objection), deny, or ask its user. */
  decision: "allow" | "deny" | "ask";
  exitCode: 0 | 2;
  stdout: string;
  stderr: string;
  /** The sentence that explains it (the audit record's message). */
  message: string;
}

/** The answer to a verdict on a command the agent meant to run in `cwd`. */
export function answerVerdict(agent: AgentProtocol, verdict: HookVerdict, cwd: string): HookAnswer {
  if (verdict.decision === "allow") return allow(agent);
  if (verdict.decision === "deny") {
    return deny(`${verdict.reason}\nWhat to do instead: ${verdict.hint}`);
  }
  if (agent.canAsk && !verdict.needsPreflightRun) {
    const message = `preflight: ${verdict.reason} Allow it only if that is what you mean; the agent cannot confirm it for you.`;
    const output = {
      hookSpecificOutput: {
        hookEventName: agent.event,
        permissionDecision: "ask",
        permissionDecisionReason: message,
      },
    };
    return {
      decision: "ask",
      exitCode: 0,
      stdout: `${JSON.stringify(output)}\n`,
      stderr: "",
      message,
    };
  }
  const why = verdict.needsPreflightRun
    ? "An agent cannot confirm this, and only a preflight run does the checks and verification the policy asks for."
    : "An agent cannot confirm this.";
  return deny(
    `${verdict.reason}\n${why} Ask your user to run it themselves, at their terminal in ${cwd}:\n  ${verdict.humanCommand}`,
  );
}

/** No objection: the agent's own permission rules decide, as if preflight were not there. */
export function allow(agent: AgentProtocol): HookAnswer {
  return { decision: "allow", exitCode: 0, stdout: agent.allowOutput, stderr: "", message: "" };
}

/** A refusal with `reason` (also what preflight answers when it cannot decide). */
export function deny(reason: string): HookAnswer {
  const message = `preflight blocked this command: ${reason}`;
  return { decision: "deny", exitCode: 2, stdout: "", stderr: `${message}\n`, message };
}
