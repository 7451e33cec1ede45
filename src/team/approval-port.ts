/**
 * The run's approval port over the team database: uses an approved request once, or says in
 * words why it cannot (wrong command, environment or policy, not approved, expired, used).
 * Light: the PostgreSQL parts are loaded from dist/team.cjs when an approval is used.
 */
import { formatArgv } from "../command/template.js";
import type { ApprovalClaim, ApprovalPort, ApprovalUse } from "../run/ports.js";
import type { ApprovalRequest } from "./approvals.js";
import { loadTeamModules } from "./lazy.js";
import { formatDbTime } from "./lock-port.js";
import type { TeamConfig } from "./settings.js";

/** Why a request cannot be used for this claim: the first thing that differs. */
export function whyNotUsable(request: ApprovalRequest, claim: ApprovalClaim): string {
  if (JSON.stringify(request.argv) !== JSON.stringify(claim.argv)) {
    return `approval ${request.id} is for \`${request.command}\`, not \`${formatArgv(claim.argv)}\``;
  }
  if (request.environment !== claim.environment) {
    return `approval ${request.id} is for ${request.environment}, and this command targets ${claim.environment}`;
  }
  if (request.policySha256 !== claim.policySha256) {
    return `the policy changed since approval ${request.id} was requested (sha256 ${request.policySha256.slice(0, 12)}…, now ${claim.policySha256.slice(0, 12)}…)`;
  }
  if (request.usedAt) {
    return `approval ${request.id} was already used by ${request.usedBy} at ${formatDbTime(request.usedAt)}; an approval runs once`;
  }
  if (!request.approvedAt) return `request ${request.id} has not been approved yet`;
  if (request.expired)
    return `approval ${request.id} expired at ${formatDbTime(request.expiresAt)}`;
  return `approval ${request.id} could not be used`;
}

export function createApprovalPort(config: TeamConfig, user: string): ApprovalPort {
  return {
    async use(claim): Promise<ApprovalUse> {
      const refuse = (message: string, hint: string): ApprovalUse => ({
        ok: false,
        message: `${message}; nothing was run`,
        hint,
      });
      const again = "request a new approval: `preflight request -- COMMAND`";
      if (config.url === undefined) {
        return refuse(
          `approvals need the team database, and ${config.urlVariable} is not set`,
          again,
        );
      }
      const team = await loadTeamModules();
      try {
        const outcome = await team.withDb(config, (db) =>
          team.useApproval(db, config.team, claim, user),
        );
        if (outcome.used) {
          return {
            ok: true,
            requester: outcome.request.requester,
            approver: outcome.request.approver!,
          };
        }
        if (!outcome.request) {
          return refuse(`there is no request ${claim.id} in team ${config.team}`, again);
        }
        return refuse(
          whyNotUsable(outcome.request, claim),
          outcome.request.approvedAt || outcome.request.usedAt
            ? again
            : `ask a teammate to run \`preflight approve ${claim.id}\``,
        );
      } catch (error) {
        return refuse(
          `the approval could not be checked (${team.describeDbError(error, config.url)})`,
          "fix the connection (`preflight team status` shows it) and run it again",
        );
      }
    },
  };
}
