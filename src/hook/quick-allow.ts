/**
 * The hook's fast path (src/cli/hook-unguarded.ts): the answer to an agent's event when it is
 * "allow" and needs nothing but the policy, decided by the same parsing and judging as
 * guardToolCall (guard.ts), which answers "allow" the same way and records nothing for it.
 * Anything else (an unreadable event, no cached policy, a rule that reads the AWS account or a
 * tool's configuration, a refusal, a question) returns undefined having done nothing, and the
 * full hook (src/cli/hook.ts) answers from the start.
 */
import type { ProgramFiles } from "../command/locate-program.js";
import type { Policy } from "../policy/types.js";
import type { AgentProtocol } from "./agents.js";
import { allow, answerVerdict, type HookAnswer } from "./answer.js";
import { judgeShellCommand } from "./decide.js";
import { type HookEvent, parseHookEvent } from "./event.js";

export interface QuickAllowInput {
  agent: AgentProtocol;
  eventText: string;
  /** The policy for a command run in `cwd`, when it is at hand (cached); else undefined. */
  policyFor: (cwd: string) => Policy | undefined;
  vars: Record<string, string | undefined>;
  files: ProgramFiles;
}

export function quickAllow(input: QuickAllowInput): HookAnswer | undefined {
  let event: HookEvent;
  try {
    event = parseHookEvent(input.agent, input.eventText);
  } catch {
    return undefined;
  }
  if (event.kind === "other-tool") return allow(input.agent);
  const { command, cwd } = event.call;
  const policy = input.policyFor(cwd);
  if (!policy) return undefined;
  let needsMore = false;
  const verdict = judgeShellCommand({
    policy,
    command,
    cwd,
    vars: input.vars,
    files: input.files,
    awsAccount: () => {
      needsMore = true;
      return undefined;
    },
    readTarget: () => {
      needsMore = true;
      return undefined;
    },
  });
  if (needsMore || verdict.decision !== "allow") return undefined;
  return answerVerdict(input.agent, verdict, cwd);
}
