/** `audit list --team`: the shared trail's records, filtered in SQL, oldest of the page first. */
import type { Db } from "./connect.js";

export interface SharedListFilter {
  /** Matches the actor (`alice@host`, `octocat@github`) or its part before the `@`. */
  user?: string;
  environment?: string;
  rule?: string;
  outcome?: string;
  /** ISO times; records started at or after / before. */
  since?: string;
  until?: string;
  limit: number;
}

export interface SharedRecord {
  seq: number;
  actor: string;
  recordedAt: string;
  record: Record<string, unknown>;
}

/** The most recent `limit` records of a team that pass every filter given. */
export async function listShared(
  db: Db,
  team: string,
  filter: SharedListFilter,
): Promise<SharedRecord[]> {
  const where = ["team = $1"];
  const values: unknown[] = [team];
  const add = (sql: (p: string) => string, value: unknown) => {
    values.push(value);
    where.push(sql(`$${values.length}`));
  };
  if (filter.user) add((p) => `(actor = ${p} OR split_part(actor, '@', 1) = ${p})`, filter.user);
  if (filter.environment) add((p) => `environment = ${p}`, filter.environment);
  if (filter.rule) add((p) => `${p} = ANY(rules)`, filter.rule);
  if (filter.outcome) add((p) => `outcome = ${p}`, filter.outcome);
  if (filter.since)
    add((p) => `coalesce(started_at, recorded_at) >= ${p}::timestamptz`, filter.since);
  if (filter.until)
    add((p) => `coalesce(started_at, recorded_at) < ${p}::timestamptz`, filter.until);
  values.push(filter.limit);
  const result = await db.query<{ seq: string; actor: string; recorded_at: Date; record: string }>(
    `SELECT seq, actor, recorded_at, record FROM preflight_audit WHERE ${where.join(" AND ")}
     ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  );
  return result.rows.reverse().map((row) => ({
    seq: Number(row.seq),
    actor: row.actor,
    recordedAt: row.recorded_at.toISOString(),
    record: JSON.parse(row.record) as Record<string, unknown>,
  }));
}
