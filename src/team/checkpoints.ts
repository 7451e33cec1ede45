/**
 * Checkpoints: the head of a team's chain (seq and hash), signed with an ed25519 key
 * (node:crypto), printed and stored. A chain shows edits and removals in the middle, never a
 * cut at the end; a checkpoint kept elsewhere (a ticket, a chat, an auditor's inbox) does, as
 * CloudTrail's digest files do: the chain must still reach that seq with that hash.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { Db } from "./connect.js";

export interface Checkpoint {
  team: string;
  seq: number;
  hash: string;
  signedAt: string;
  /** The public key, SPKI DER in base64. */
  publicKey: string;
  signature: string;
}

/** The exact bytes signed: a versioned text, so a signature cannot be read as anything else. */
export function checkpointMessage(
  c: Pick<Checkpoint, "team" | "seq" | "hash" | "signedAt">,
): Buffer {
  return Buffer.from(`preflight-checkpoint v1\n${c.team}\n${c.seq}\n${c.hash}\n${c.signedAt}\n`);
}

/** The signing key at `file` (PKCS#8 PEM), created (0600) on first use. */
export function loadOrCreateKey(file: string): KeyObject {
  if (existsSync(file)) return createPrivateKey(readFileSync(file));
  const { privateKey } = generateKeyPairSync("ed25519");
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, privateKey.export({ type: "pkcs8", format: "pem" }), {
    mode: 0o600,
    flag: "wx",
  });
  return privateKey;
}

/** Signs the team's current head and stores the checkpoint; undefined for an empty chain. */
export async function signCheckpoint(
  db: Db,
  team: string,
  key: KeyObject,
): Promise<Checkpoint | undefined> {
  const head = await db.query<{ seq: string; hash: string; now: Date }>(
    "SELECT seq, hash, now() AS now FROM preflight_audit WHERE team = $1 ORDER BY seq DESC LIMIT 1",
    [team],
  );
  const row = head.rows[0];
  if (!row) return undefined;
  const body = { team, seq: Number(row.seq), hash: row.hash, signedAt: row.now.toISOString() };
  const checkpoint: Checkpoint = {
    ...body,
    publicKey: createPublicKey(key).export({ type: "spki", format: "der" }).toString("base64"),
    signature: sign(null, checkpointMessage(body), key).toString("base64"),
  };
  await db.query(
    "INSERT INTO preflight_checkpoints (team, seq, hash, signed_at, public_key, signature) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    [
      team,
      checkpoint.seq,
      checkpoint.hash,
      checkpoint.signedAt,
      checkpoint.publicKey,
      checkpoint.signature,
    ],
  );
  return checkpoint;
}

/** Whether a checkpoint's signature holds for its own public key. */
export function signatureHolds(c: Checkpoint): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.from(c.publicKey, "base64"),
      format: "der",
      type: "spki",
    });
    return verify(null, checkpointMessage(c), key, Buffer.from(c.signature, "base64"));
  } catch {
    return false;
  }
}

/** The checkpoints stored for a team, oldest first. */
export async function storedCheckpoints(db: Db, team: string): Promise<Checkpoint[]> {
  const rows = await db.query<{
    seq: string;
    hash: string;
    signed_at: Date;
    public_key: string;
    signature: string;
  }>(
    "SELECT seq, hash, signed_at, public_key, signature FROM preflight_checkpoints WHERE team = $1 ORDER BY seq",
    [team],
  );
  return rows.rows.map((row) => ({
    team,
    seq: Number(row.seq),
    hash: row.hash,
    signedAt: row.signed_at.toISOString(),
    publicKey: row.public_key,
    signature: row.signature,
  }));
}

/**
 * Checks checkpoints (stored, or kept elsewhere and given back) against a chain already
 * verified: each signature holds, and the chain still has that hash at that seq. Returns the
 * first problem, or undefined.
 */
export async function checkCheckpoints(
  db: Db,
  team: string,
  checkpoints: readonly Checkpoint[],
): Promise<string | undefined> {
  if (checkpoints.length === 0) return undefined;
  const rows = await db.query<{ seq: string; hash: string }>(
    "SELECT seq, hash FROM preflight_audit WHERE team = $1 AND seq = ANY($2::bigint[])",
    [team, checkpoints.map((c) => c.seq)],
  );
  const hashAt = new Map(rows.rows.map((r) => [Number(r.seq), r.hash]));
  for (const c of checkpoints) {
    if (c.team !== team) return `a checkpoint of team ${c.team}, not ${team}`;
    if (!signatureHolds(c))
      return `the checkpoint at seq ${c.seq} has a signature that does not hold`;
    const actual = hashAt.get(c.seq);
    if (actual === undefined) {
      return `the chain ends before seq ${c.seq}, which the checkpoint signed at ${c.signedAt} saw: records were cut from the end`;
    }
    if (actual !== c.hash) {
      return `seq ${c.seq} no longer has the hash the checkpoint signed at ${c.signedAt} saw`;
    }
  }
  return undefined;
}
