/**
 * What a run or procedure gets when a team database is configured: the audit sink that also
 * feeds the shared trail, and the lock port. Undefined when none is: nothing changes then,
 * and nothing of src/team/modules.ts (nor `pg`) is loaded.
 */
import type { Policy } from "../policy/types.js";
import type { ApprovalPort, AuditSink } from "../run/ports.js";
import { createApprovalPort } from "./approval-port.js";
import { identityOf } from "./identity.js";
import { createTeamLocks, type TeamLockPort } from "./lock-port.js";
import { teamConfig } from "./settings.js";
import { createTeamAuditSink, type TeamAuditSink } from "./sink.js";

export interface TeamPorts {
  audit: TeamAuditSink;
  locks: TeamLockPort;
  approvals: ApprovalPort;
}

export function attachTeam(
  local: AuditSink,
  policy: Policy,
  context: { env: Record<string, string | undefined>; user: string; host: string },
  auditFile: string,
  notice: (text: string) => void,
): TeamPorts | undefined {
  const config = teamConfig(policy.team, context.env, auditFile);
  if (!config) return undefined;
  const actor = identityOf(context.env, context.user, context.host).label;
  return {
    audit: createTeamAuditSink(local, config, actor, notice),
    locks: createTeamLocks(config, actor, notice),
    approvals: createApprovalPort(config, actor),
  };
}
