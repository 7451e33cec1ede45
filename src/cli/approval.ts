/**
 * `preflight request -- CMD` and `preflight approve ID`: the first two steps of a four-eyes
 * run (the third is `preflight run --approval ID -- CMD`). The request is evaluated exactly as
 * `plan` does and its plan stored; the approver sees that stored plan and must be a different
 * identity (src/team/identity.ts: the OS user, or the CI's own actor variables, never a flag).
 */
import { hostname, userInfo } from "node:os";
import { resolveAuditLogPath } from "../audit/path.js";
import { formatArgv } from "../command/template.js";
import { UsageError } from "../errors.js";
import { createAuditSink } from "../io/audit-sink.js";
import { loadPolicy } from "../policy/load.js";
import type { Policy } from "../policy/types.js";
import type { RunResult } from "../run/result.js";
import type { ApprovalRequest } from "../team/approvals.js";
import { identityOf } from "../team/identity.js";
import { loadTeamModules } from "../team/lazy.js";
import { formatDbTime } from "../team/lock-port.js";
import { type TeamConfig, teamConfig } from "../team/settings.js";
import type { CliContext } from "./context.js";
import { runCommand } from "./run.js";

export const DEFAULT_APPROVAL_EXPIRY_SECONDS = 3_600;
const REFUSED = 66;
const UNUSABLE = 71;

export interface RequestOptions {
  command: string[];
  policy: string[];
  env?: string;
  auditLog?: string;
}

function osUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}

function whoAmI(ctx: CliContext): { user: string; host: string; label: string } {
  const user = osUser(ctx.env);
  const host = hostname();
  return { user, host, label: identityOf(ctx.env, user, host).label };
}

/** Appends a record to the local log and the shared trail, and uploads it now. */
async function record(
  config: TeamConfig,
  auditLog: string | undefined,
  ctx: CliContext,
  entry: Record<string, unknown>,
): Promise<void> {
  const me = whoAmI(ctx);
  const { createTeamAuditSink } = await import("../team/sink.js");
  const auditFile = resolveAuditLogPath(auditLog, ctx.env, ctx.home, ctx.cwd);
  const sink = createTeamAuditSink(createAuditSink(auditFile), config, me.label, ctx.stderr);
  sink.append({
    startedAt: new Date().toISOString(),
    outcome: "ok",
    user: me.user,
    host: me.host,
    ...entry,
  });
  const notice = await sink.flush();
  if (notice) ctx.stderr(notice);
}

/** The team configuration, or why approvals cannot be kept (they fail closed without one). */
function approvalsConfig(
  policy: Policy,
  auditLog: string | undefined,
  ctx: CliContext,
): TeamConfig | string {
  const auditFile = resolveAuditLogPath(auditLog, ctx.env, ctx.home, ctx.cwd);
  const config = teamConfig(policy.team, ctx.env, auditFile);
  if (!config) {
    return "approvals are kept in the team database, and none is configured: set PREFLIGHT_DATABASE_URL (or the variable the policy's team: section names) and run `preflight team init` once";
  }
  if (config.url === undefined) {
    return `approvals are kept in the team database, and ${config.urlVariable} is not set`;
  }
  return config;
}

/** `preflight request -- CMD`: plans the command and stores the plan for a teammate's approval. */
export async function requestCommand(options: RequestOptions, ctx: CliContext): Promise<number> {
  return runCommand(
    {
      verb: "plan",
      command: options.command,
      policy: options.policy,
      json: false,
      color: true,
      ...(options.env !== undefined && { env: options.env }),
      ...(options.auditLog !== undefined && { auditLog: options.auditLog }),
    },
    ctx,
    (result, policy) => storeRequest(result, policy, options, ctx),
  );
}

async function storeRequest(
  result: RunResult,
  policy: Policy,
  options: RequestOptions,
  ctx: CliContext,
): Promise<number> {
  if (result.outcome !== "ok") return result.exitCode; // refused by the plan: said above
  if (result.decision !== "approve") {
    ctx.stderr(
      `preflight: this command needs no approval (the policy decides ${result.decision} here); run it with \`preflight run\`\n`,
    );
    return 64;
  }
  const config = approvalsConfig(policy, options.auditLog, ctx);
  if (typeof config === "string") {
    ctx.stderr(`preflight: ${config}\n`);
    return UNUSABLE;
  }
  const me = whoAmI(ctx);
  const team = await loadTeamModules();
  let request: ApprovalRequest;
  try {
    request = await team.withDb(config, (db) =>
      team.createRequest(db, config.team, {
        argv: result.command,
        command: formatArgv(result.command),
        environment: result.environment!.name,
        policySha256: policy.sha256,
        rules: result.rules.map((r) => r.id),
        requester: me.label,
        expirySeconds: policy.team?.approvalExpirySeconds ?? DEFAULT_APPROVAL_EXPIRY_SECONDS,
      }),
    );
  } catch (error) {
    ctx.stderr(
      `preflight: the request could not be stored: ${team.describeDbError(error, config.url!)}\n`,
    );
    return UNUSABLE;
  }
  await record(config, options.auditLog, ctx, {
    kind: "approval-request",
    approval: request.id,
    command: request.argv,
    environment: request.environment,
    rules: request.rules,
    policySha256: request.policySha256,
    expiresAt: request.expiresAt.toISOString(),
  });
  ctx.stdout(`${request.id}\n`);
  ctx.stderr(
    `preflight: requested approval ${request.id} as ${me.label}; it expires at ${formatDbTime(request.expiresAt)}\n` +
      `  next: a teammate runs \`preflight approve ${request.id}\`, then you run \`preflight run --approval ${request.id} -- ${request.command}\`\n`,
  );
  return 0;
}

/** What the approver reads before approving: the plan as it was requested. */
function describeRequest(request: ApprovalRequest): string {
  return [
    `request:     ${request.id}`,
    `command:     ${request.command}`,
    `environment: ${request.environment}`,
    `rules:       ${request.rules.join(", ")}`,
    `policy:      sha256 ${request.policySha256}`,
    `requested:   by ${request.requester} at ${formatDbTime(request.requestedAt)}`,
    `expires:     ${formatDbTime(request.expiresAt)}`,
  ].join("\n");
}

/** `preflight approve ID [--reason TEXT]`: a different identity approves a stored request. */
export async function approveCommand(
  id: string,
  options: { policy: string[]; reason?: string; auditLog?: string },
  ctx: CliContext,
): Promise<number> {
  const { policy } = await loadPolicy({
    explicit: options.policy,
    env: ctx.env,
    cwd: ctx.cwd,
    home: ctx.home,
  });
  const config = approvalsConfig(policy, options.auditLog, ctx);
  if (typeof config === "string") {
    ctx.stderr(`preflight: ${config}\n`);
    return UNUSABLE;
  }
  const me = whoAmI(ctx);
  const team = await loadTeamModules();
  let request: ApprovalRequest | undefined;
  let approved = false;
  try {
    request = await team.withDb(config, async (db) => {
      const found = await team.findRequest(db, config.team, id);
      if (!found || found.approver || found.expired || found.requester === me.label) return found;
      approved = await team.approveRequest(db, config.team, id, me.label, options.reason);
      return approved ? found : team.findRequest(db, config.team, id);
    });
  } catch (error) {
    ctx.stderr(
      `preflight: the approval could not be recorded: ${team.describeDbError(error, config.url!)}\n`,
    );
    return UNUSABLE;
  }
  if (!request) throw new UsageError(`there is no request ${id} in team ${config.team}`);
  ctx.stderr(`${describeRequest(request)}\n`);
  if (request.policySha256 !== policy.sha256) {
    ctx.stderr(
      `note: your policy (sha256 ${policy.sha256.slice(0, 12)}…) is not the one the request was planned with; the run will be refused unless it uses the requested one\n`,
    );
  }
  if (!approved) {
    const why =
      request.requester === me.label
        ? `you (${me.label}) requested it: an approval must come from someone else`
        : request.approver
          ? `it was already approved by ${request.approver} at ${formatDbTime(request.approvedAt!)}`
          : `it expired at ${formatDbTime(request.expiresAt)}`;
    ctx.stderr(`preflight: blocked (exit ${REFUSED}) — request ${id} was not approved: ${why}\n`);
    await record(config, options.auditLog, ctx, {
      kind: "approval",
      outcome: "blocked",
      approval: id,
      requester: request.requester,
      command: request.argv,
      environment: request.environment,
      message: why,
    });
    return REFUSED;
  }
  await record(config, options.auditLog, ctx, {
    kind: "approval",
    approval: id,
    requester: request.requester,
    approver: me.label,
    command: request.argv,
    environment: request.environment,
    ...(options.reason !== undefined && { reason: options.reason }),
  });
  ctx.stderr(
    `preflight: approved ${id} as ${me.label}; ${request.requester} may now run it once, until ${formatDbTime(request.expiresAt)}\n`,
  );
  return 0;
}
