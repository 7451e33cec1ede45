/**
 * The audit record of a command an agent was refused or had to ask about: the same record a
 * `preflight run` writes, plus who asked (`caller: agent NAME`) and the agent's session id.
 * Commands an agent may run unguarded are not recorded, as `preflight run` records none of
 * its own no-rule commands' verdicts either.
 */

import type { Policy } from "../policy/types.js";
import { toAuditRecord } from "../report/json.js";
import { earlyResult } from "../run/early-result.js";
import type { Evaluation } from "../run/evaluate.js";
import { initialResult } from "../run/initial-result.js";
import { exitCodeFor, type Outcome } from "../run/outcome.js";
import type { RunContext } from "../run/ports.js";
import type { AgentProtocol } from "./agents.js";
import type { HookAnswer } from "./answer.js";

export interface HookRecordInput {
  agent: AgentProtocol;
  command: string;
  sessionId?: string;
  answer: HookAnswer;
  hint?: string;
  /** Absent when the policy could not be loaded. */
  policy?: Policy;
  evaluation?: Evaluation;
  context: RunContext;
  started: Date;
  now: Date;
}

export function hookAuditRecord(input: HookRecordInput): Record<string, unknown> {
  const argv = ["bash", "-c", input.command];
  const outcome: Outcome =
    input.answer.decision === "ask"
      ? "confirmation-required"
      : input.policy
        ? "blocked"
        : "policy-invalid";
  const base =
    input.policy && input.evaluation
      ? initialResult(
          { mode: "plan", argv, policy: input.policy, options: {}, context: input.context },
          input.evaluation,
          input.started,
        )
      : earlyResult({
          mode: "plan",
          argv,
          outcome,
          message: "",
          startedAt: input.started,
          durationMs: 0,
        });
  const result = {
    ...base,
    outcome,
    exitCode: exitCodeFor(outcome, null),
    message: input.answer.message,
    ...(input.hint !== undefined && { hint: input.hint }),
    durationMs: Math.max(0, input.now.getTime() - input.started.getTime()),
  };
  return {
    ...toAuditRecord(result, input.context),
    caller: `agent ${input.agent.name}`,
    session: input.sessionId ?? null,
    agentAnswer: input.answer.decision,
  };
}
