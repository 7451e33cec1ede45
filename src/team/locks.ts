/**
 * Target locks: a row per (team, key) with an owner, a start time and a lease the holder
 * renews while its command runs. Every time is the database's clock (now()), so two machines
 * whose clocks disagree still agree on who holds what. A holder killed with SIGKILL stops
 * renewing; its lease runs out and the next run takes the lock over.
 */
import { randomUUID } from "node:crypto";
import { connect, type Db } from "./connect.js";
import type { TeamConfig } from "./settings.js";

export interface LockHolder {
  key: string;
  owner: string;
  command: string;
  since: Date;
  expires: Date;
  parked: boolean;
}

export type LockAttempt =
  | { ok: true; db: Db; token: string; tookOver: LockHolder[] }
  | { ok: false; holder: LockHolder };

interface HolderRow {
  key: string;
  owner: string;
  command: string;
  acquired_at: Date;
  expires: Date;
  parked: boolean;
  expired: boolean;
}

const toHolder = (row: HolderRow): LockHolder => ({
  key: row.key,
  owner: row.owner,
  command: row.command,
  since: row.acquired_at,
  expires: row.expires,
  parked: row.parked,
});

/**
 * Takes every key or none, in one transaction (sorted, so two runs wanting the same keys
 * cannot deadlock). An expired lease is taken over; a parked lock only by its own owner and
 * command (a procedure's resume). On success the connection stays open for renewals.
 */
export async function tryAcquire(
  config: TeamConfig,
  keys: readonly string[],
  owner: string,
  command: string,
): Promise<LockAttempt> {
  const db = await connect(config);
  const token = randomUUID();
  try {
    await db.query("BEGIN");
    const tookOver: LockHolder[] = [];
    for (const key of [...new Set(keys)].sort()) {
      const before = await holderOf(db, config.team, key);
      // The condition is the whole decision: two runs inserting the same key at once are
      // serialised by the primary key, and the second sees the first's row here.
      const taken = await db.query(
        `INSERT INTO preflight_locks (team, key, owner, token, command, lease)
         VALUES ($1, $2, $3, $4, $5, make_interval(secs => $6))
         ON CONFLICT (team, key) DO UPDATE SET owner = EXCLUDED.owner, token = EXCLUDED.token,
           command = EXCLUDED.command, acquired_at = now(), renewed_at = now(),
           lease = EXCLUDED.lease, parked = false
         WHERE preflight_locks.renewed_at + preflight_locks.lease < now()
            OR (preflight_locks.parked AND preflight_locks.owner = EXCLUDED.owner
                AND preflight_locks.command = EXCLUDED.command)
         RETURNING token`,
        [config.team, key, owner, token, command, config.leaseSeconds],
      );
      if (taken.rowCount === 0) {
        const holder = await holderOf(db, config.team, key);
        await db.query("ROLLBACK");
        await db.end().catch(() => {});
        if (!holder) return tryAcquire(config, keys, owner, command); // released meanwhile
        return { ok: false, holder: toHolder(holder) };
      }
      if (before?.expired) tookOver.push(toHolder(before));
    }
    await db.query("COMMIT");
    return { ok: true, db, token, tookOver };
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    await db.end().catch(() => {});
    throw error;
  }
}

async function holderOf(db: Db, team: string, key: string): Promise<HolderRow | undefined> {
  const result = await db.query<HolderRow>(
    `SELECT key, owner, command, acquired_at, renewed_at + lease AS expires, parked,
            renewed_at + lease < now() AS expired
       FROM preflight_locks WHERE team = $1 AND key = $2`,
    [team, key],
  );
  return result.rows[0];
}

/** Extends the lease of the locks this token holds; false when they are no longer ours. */
export async function renew(db: Db, team: string, token: string): Promise<boolean> {
  const result = await db.query(
    "UPDATE preflight_locks SET renewed_at = now() WHERE team = $1 AND token = $2",
    [team, token],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Gives the locks back; `park` keeps them for the owner's own resume, for a day. */
export async function release(db: Db, team: string, token: string, park: boolean): Promise<void> {
  if (park) {
    await db.query(
      "UPDATE preflight_locks SET parked = true, renewed_at = now(), lease = interval '24 hours' WHERE team = $1 AND token = $2",
      [team, token],
    );
  } else {
    await db.query("DELETE FROM preflight_locks WHERE team = $1 AND token = $2", [team, token]);
  }
}

/** `team unlock KEY`: removes a lock whoever holds it; returns what was removed. */
export async function forceUnlock(
  db: Db,
  team: string,
  key: string,
): Promise<LockHolder | undefined> {
  const result = await db.query<HolderRow>(
    `DELETE FROM preflight_locks WHERE team = $1 AND key = $2
     RETURNING key, owner, command, acquired_at, renewed_at + lease AS expires, parked, false AS expired`,
    [team, key],
  );
  return result.rows[0] ? toHolder(result.rows[0]) : undefined;
}

/** Every lock of a team, for `team status`. */
export async function listLocks(
  db: Db,
  team: string,
): Promise<(LockHolder & { expired: boolean })[]> {
  const result = await db.query<HolderRow>(
    `SELECT key, owner, command, acquired_at, renewed_at + lease AS expires, parked,
            renewed_at + lease < now() AS expired
       FROM preflight_locks WHERE team = $1 ORDER BY key`,
    [team],
  );
  return result.rows.map((row) => ({ ...toHolder(row), expired: row.expired }));
}

/**
 * Renews the lease of acquired locks every third of it until the returned release is called.
 * A renewal that fails is said once: the lease then runs out as if the holder had crashed.
 */
export function holdLease(
  config: TeamConfig,
  held: { db: Db; token: string },
  notice: (text: string) => void,
): (options?: { park?: boolean }) => Promise<void> {
  let warned = false;
  const timer = setInterval(
    () => {
      renew(held.db, config.team, held.token).then(
        (still) => {
          if (!still && !warned) {
            warned = true;
            notice("preflight: WARNING: the team lock was taken over (its lease had run out)\n");
          }
        },
        () => {
          if (!warned) {
            warned = true;
            notice(
              "preflight: WARNING: the team lock's lease could not be renewed; it will run out\n",
            );
          }
        },
      );
    },
    Math.max(200, (config.leaseSeconds * 1000) / 3),
  );
  timer.unref();
  return async (options = {}) => {
    clearInterval(timer);
    try {
      await release(held.db, config.team, held.token, options.park ?? false);
    } catch {
      // The lease runs out by itself; nothing is lost but a little time.
    } finally {
      await held.db.end().catch(() => {});
    }
  };
}
