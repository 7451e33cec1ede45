/**
 * Emptying the spool into the shared trail, and telling whether the database can take
 * records at all (before a protected run starts).
 */
import { connect, describeDbError, withDb } from "./connect.js";
import { schemaProblem, schemaVersion } from "./migrations.js";
import type { TeamConfig } from "./settings.js";
import { appendShared } from "./shared-chain.js";
import { readSpool, removeFromSpool, type SpoolEntry } from "./spool.js";

export interface UploadResult {
  /** Entries new to the trail. */
  uploaded: number;
  /** Entries that were there already (a second upload after a crash or a race). */
  alreadyThere: number;
  remaining: number;
  /** Why some entries could not be uploaded; undefined when the spool was emptied. */
  error?: string;
}

/** Why the database cannot take records (unreachable, refused, no or wrong schema), or undefined. */
export async function checkReachable(config: TeamConfig): Promise<string | undefined> {
  if (config.url === undefined) return `${config.urlVariable} is not set`;
  try {
    return await withDb(config, async (db) => schemaProblem(await schemaVersion(db)));
  } catch (error) {
    return describeDbError(error, config.url);
  }
}

/** Uploads every spooled entry, team by team, and removes from the spool what landed. */
export async function uploadSpool(config: TeamConfig): Promise<UploadResult> {
  const entries = readSpool(config.spoolFile);
  if (entries.length === 0) return { uploaded: 0, alreadyThere: 0, remaining: 0 };
  if (config.url === undefined) {
    const error = `${config.urlVariable} is not set`;
    return { uploaded: 0, alreadyThere: 0, remaining: entries.length, error };
  }
  const byTeam = new Map<string, SpoolEntry[]>();
  for (const entry of entries) byTeam.set(entry.team, [...(byTeam.get(entry.team) ?? []), entry]);
  const landed = new Set<string>();
  let uploaded = 0;
  let error: string | undefined;
  try {
    const db = await connect(config);
    try {
      const problem = schemaProblem(await schemaVersion(db));
      if (problem) error = problem;
      else {
        for (const [team, teamEntries] of byTeam) {
          const result = await appendShared(db, team, teamEntries);
          for (const id of result.ids) landed.add(id);
          uploaded += result.inserted;
        }
      }
    } finally {
      await db.end().catch(() => {});
    }
  } catch (caught) {
    error = describeDbError(caught, config.url);
  }
  removeFromSpool(config.spoolFile, landed);
  const remaining = readSpool(config.spoolFile).length;
  return {
    uploaded,
    alreadyThere: landed.size - uploaded,
    remaining,
    ...(error !== undefined && { error }),
  };
}
