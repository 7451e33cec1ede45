/**
 * The shared audit trail: one hash chain per team in preflight_audit, as the local log is
 * chained (src/audit/chain.ts). Appends are serialised per team by a transaction-scoped
 * advisory lock, so concurrent writers never fork the chain or leave a gap; (team, seq) is the
 * primary key besides, so a writer that skipped the lock would fail rather than fork it.
 */
import { GENESIS_HASH, hashRecord } from "../audit/chain.js";
import { canonicalJson } from "../util/canonical-json.js";
import type { Db } from "./connect.js";
import type { SpoolEntry } from "./spool.js";

/** What a shared record's hash covers: its place in the team's chain and the record itself. */
export function sharedHash(
  prevHash: string,
  row: { team: string; seq: number; recordId: string; actor: string; record: unknown },
): string {
  return hashRecord(prevHash, {
    team: row.team,
    seq: row.seq,
    recordId: row.recordId,
    actor: row.actor,
    record: row.record,
  });
}

function text(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/**
 * Appends the entries of one team in one transaction; entries already in the trail (same
 * record id) are passed over. Returns the ids now in the trail and how many were new.
 *
 * The team's chain is locked from the first round trip to the commit, so every round trip in
 * between costs every other writer: there are two, each several statements in one simple
 * query (values quoted with the client's escapeLiteral), instead of one per statement.
 */
export async function appendShared(
  db: Db,
  team: string,
  entries: readonly SpoolEntry[],
): Promise<{ ids: string[]; inserted: number }> {
  const lit = (value: string | null) => (value === null ? "NULL" : db.escapeLiteral(value));
  const ids = entries.map((e) => e.recordId);
  const idList = ids.map((id) => `${lit(id)}::uuid`).join(", ");
  try {
    const results = (await db.query(
      `BEGIN;
       SELECT pg_advisory_xact_lock(hashtext('preflight_audit'), hashtext(${lit(team)}));
       SELECT record_id::text AS record_id FROM preflight_audit WHERE record_id IN (${idList});
       SELECT seq, hash FROM preflight_audit WHERE team = ${lit(team)} ORDER BY seq DESC LIMIT 1`,
    )) as unknown as { rows: Record<string, string>[] }[];
    const already = new Set(results[2]!.rows.map((r) => r.record_id!));
    const head = results[3]!.rows[0];
    let seq = Number(head?.seq ?? 0);
    let prevHash = head?.hash ?? GENESIS_HASH;
    const rows: string[] = [];
    for (const entry of entries) {
      if (already.has(entry.recordId)) continue;
      already.add(entry.recordId);
      seq++;
      const hash = sharedHash(prevHash, { ...entry, team, seq });
      const r = entry.record;
      const env = (r.environment as { name?: unknown } | null | undefined)?.name;
      const rules = Array.isArray(r.rules) ? r.rules.filter((x) => typeof x === "string") : [];
      rows.push(
        `(${[
          lit(team),
          String(seq),
          `${lit(entry.recordId)}::uuid`,
          `${lit(text(r.startedAt))}::timestamptz`,
          lit(entry.actor),
          lit(text(env)),
          lit(text(r.outcome)),
          `ARRAY[${rules.map((rule) => lit(rule)).join(", ")}]::text[]`,
          lit(canonicalJson(r)),
          lit(prevHash),
          lit(hash),
        ].join(", ")})`,
      );
      prevHash = hash;
    }
    await db.query(
      rows.length === 0
        ? "COMMIT"
        : `INSERT INTO preflight_audit (team, seq, record_id, started_at, actor, environment, outcome, rules, record, prev_hash, hash)
           VALUES ${rows.join(",\n")}; COMMIT`,
    );
    return { ids, inserted: rows.length };
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

export type SharedVerifyResult =
  | { ok: true; records: number; lastHash: string; lastSeq: number }
  | { ok: false; records: number; seq: number; problem: string };

/** Checks a team's whole shared chain, in pages; names the first bad record. */
export async function verifyShared(db: Db, team: string): Promise<SharedVerifyResult> {
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let records = 0;
  for (;;) {
    const page = await db.query<{
      seq: string;
      record_id: string;
      actor: string;
      record: string;
      prev_hash: string;
      hash: string;
    }>(
      "SELECT seq, record_id, actor, record, prev_hash, hash FROM preflight_audit WHERE team = $1 AND seq >= $2 ORDER BY seq LIMIT 5000",
      [team, expectedSeq],
    );
    if (page.rows.length === 0) break;
    for (const row of page.rows) {
      const seq = Number(row.seq);
      const fail = (problem: string) => ({ ok: false as const, records, seq, problem });
      if (seq !== expectedSeq) return fail(`seq ${expectedSeq} is missing (a record was removed?)`);
      let record: unknown;
      try {
        record = JSON.parse(row.record);
      } catch {
        return fail("the record is not valid JSON");
      }
      const hash = sharedHash(row.prev_hash, {
        team,
        seq,
        recordId: row.record_id,
        actor: row.actor,
        record,
      });
      if (hash !== row.hash) return fail("hash does not match the record (edited?)");
      if (row.prev_hash !== expectedPrev) {
        return fail("prev_hash does not match the previous record's hash (removed or reordered?)");
      }
      expectedPrev = row.hash;
      expectedSeq++;
      records++;
    }
  }
  return { ok: true, records, lastHash: expectedPrev, lastSeq: expectedSeq - 1 };
}
