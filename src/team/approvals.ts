/**
 * Four-eyes approvals in the team database: a request stores the plan (the command's argv,
 * its environment, the policy's sha256, the rules); a different person approves it; a run
 * uses it once. Every time is the database's clock, and each step is one conditional
 * statement, so two runs racing for one approval cannot both win.
 */
import { randomUUID } from "node:crypto";
import type { Db } from "./connect.js";

export interface ApprovalRequest {
  id: string;
  argv: string[];
  command: string;
  environment: string;
  policySha256: string;
  rules: string[];
  requester: string;
  requestedAt: Date;
  expiresAt: Date;
  expired: boolean;
  approver: string | null;
  approvedAt: Date | null;
  reason: string | null;
  usedAt: Date | null;
  usedBy: string | null;
}

interface Row {
  id: string;
  argv: string[];
  command: string;
  environment: string;
  policy_sha256: string;
  rules: string[];
  requester: string;
  requested_at: Date;
  expires_at: Date;
  expired: boolean;
  approver: string | null;
  approved_at: Date | null;
  reason: string | null;
  used_at: Date | null;
  used_by: string | null;
}

const COLUMNS =
  "id, argv, command, environment, policy_sha256, rules, requester, requested_at, expires_at, expires_at <= now() AS expired, approver, approved_at, reason, used_at, used_by";

const toRequest = (row: Row): ApprovalRequest => ({
  id: row.id,
  argv: row.argv,
  command: row.command,
  environment: row.environment,
  policySha256: row.policy_sha256,
  rules: row.rules,
  requester: row.requester,
  requestedAt: row.requested_at,
  expiresAt: row.expires_at,
  expired: row.expired,
  approver: row.approver,
  approvedAt: row.approved_at,
  reason: row.reason,
  usedAt: row.used_at,
  usedBy: row.used_by,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Stores a request; returns it as stored (its id, and its expiry on the database's clock). */
export async function createRequest(
  db: Db,
  team: string,
  plan: {
    argv: readonly string[];
    command: string;
    environment: string;
    policySha256: string;
    rules: readonly string[];
    requester: string;
    expirySeconds: number;
  },
): Promise<ApprovalRequest> {
  const result = await db.query<Row>(
    `INSERT INTO preflight_approvals
       (id, team, argv, command, environment, policy_sha256, rules, requester, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(secs => $9))
     RETURNING ${COLUMNS}`,
    [
      randomUUID(),
      team,
      JSON.stringify(plan.argv),
      plan.command,
      plan.environment,
      plan.policySha256,
      plan.rules,
      plan.requester,
      plan.expirySeconds,
    ],
  );
  return toRequest(result.rows[0]!);
}

/** The request with this id in this team, or undefined (an id that is not a UUID included). */
export async function findRequest(
  db: Db,
  team: string,
  id: string,
): Promise<ApprovalRequest | undefined> {
  if (!UUID.test(id)) return undefined;
  const result = await db.query<Row>(
    `SELECT ${COLUMNS} FROM preflight_approvals WHERE team = $1 AND id = $2`,
    [team, id],
  );
  return result.rows[0] ? toRequest(result.rows[0]) : undefined;
}

/** Records the approval; false when someone else's approval, the expiry or the requester got there first. */
export async function approveRequest(
  db: Db,
  team: string,
  id: string,
  approver: string,
  reason: string | undefined,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE preflight_approvals SET approver = $3, approved_at = now(), reason = $4
      WHERE team = $1 AND id = $2 AND approver IS NULL AND expires_at > now() AND requester <> $3`,
    [team, id, approver, reason ?? null],
  );
  return (result.rowCount ?? 0) > 0;
}

/**
 * Marks an approved request used, in one statement that also checks everything a run must
 * match; returns the request as it was when refused, so the caller can say why.
 */
export async function useApproval(
  db: Db,
  team: string,
  claim: { id: string; argv: readonly string[]; environment: string; policySha256: string },
  user: string,
): Promise<{ used: true; request: ApprovalRequest } | { used: false; request?: ApprovalRequest }> {
  if (!UUID.test(claim.id)) return { used: false };
  const result = await db.query<Row>(
    `UPDATE preflight_approvals SET used_at = now(), used_by = $6
      WHERE team = $1 AND id = $2 AND argv = $3::jsonb AND environment = $4
        AND policy_sha256 = $5 AND approved_at IS NOT NULL AND used_at IS NULL
        AND expires_at > now()
      RETURNING ${COLUMNS}`,
    [team, claim.id, JSON.stringify(claim.argv), claim.environment, claim.policySha256, user],
  );
  if (result.rows[0]) return { used: true, request: toRequest(result.rows[0]) };
  const request = await findRequest(db, team, claim.id);
  return { used: false, ...(request && { request }) };
}
