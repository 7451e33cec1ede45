/**
 * The team database's schema, as numbered migrations applied in order by `preflight team
 * init` (idempotent: each runs once, under an advisory lock, recorded in preflight_schema).
 * A run refuses a database without the schema, or with a newer one than it knows.
 *
 * Append-only is enforced twice: a trigger refuses UPDATE, DELETE and TRUNCATE on the audit
 * table for everyone (its owner included, short of dropping the trigger), and the role
 * preflight_writer, which operators' and CI's logins are made members of, may only INSERT and
 * SELECT there.
 */
import type { Db } from "./connect.js";

export const MIGRATIONS: readonly { version: number; description: string; sql: string }[] = [
  {
    version: 1,
    description: "shared audit trail, locks, checkpoints, writer role",
    sql: `
CREATE TABLE preflight_audit (
  team text NOT NULL,
  seq bigint NOT NULL CHECK (seq > 0),
  record_id uuid NOT NULL UNIQUE,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  actor text NOT NULL,
  environment text,
  outcome text,
  rules text[] NOT NULL DEFAULT '{}',
  record text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (team, seq)
);
CREATE FUNCTION preflight_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'preflight_audit is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER preflight_audit_append_only BEFORE UPDATE OR DELETE ON preflight_audit
  FOR EACH ROW EXECUTE FUNCTION preflight_refuse_change();
CREATE TRIGGER preflight_audit_no_truncate BEFORE TRUNCATE ON preflight_audit
  FOR EACH STATEMENT EXECUTE FUNCTION preflight_refuse_change();
CREATE TABLE preflight_locks (
  team text NOT NULL,
  key text NOT NULL,
  owner text NOT NULL,
  token uuid NOT NULL,
  command text NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  renewed_at timestamptz NOT NULL DEFAULT now(),
  lease interval NOT NULL,
  -- A procedure stopped halfway keeps its lock for its own resume (or undo).
  parked boolean NOT NULL DEFAULT false,
  PRIMARY KEY (team, key)
);
CREATE TABLE preflight_checkpoints (
  team text NOT NULL,
  seq bigint NOT NULL,
  hash text NOT NULL,
  signed_at timestamptz NOT NULL DEFAULT now(),
  public_key text NOT NULL,
  signature text NOT NULL,
  PRIMARY KEY (team, seq, public_key)
);
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'preflight_writer') THEN
    CREATE ROLE preflight_writer NOLOGIN;
  END IF;
END $$;
GRANT SELECT, INSERT ON preflight_audit, preflight_checkpoints TO preflight_writer;
GRANT SELECT, INSERT, UPDATE, DELETE ON preflight_locks TO preflight_writer;
GRANT SELECT ON preflight_schema TO preflight_writer;
`,
  },
  {
    version: 2,
    description: "four-eyes approvals",
    sql: `
CREATE TABLE preflight_approvals (
  id uuid PRIMARY KEY,
  team text NOT NULL,
  argv jsonb NOT NULL,
  command text NOT NULL,
  environment text NOT NULL,
  policy_sha256 text NOT NULL,
  rules text[] NOT NULL,
  requester text NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  approver text,
  approved_at timestamptz,
  reason text,
  used_at timestamptz,
  used_by text,
  -- The second pair of eyes is a different person, whatever the client says.
  CHECK (approver IS NULL OR approver <> requester),
  CHECK (used_at IS NULL OR approved_at IS NOT NULL)
);
GRANT SELECT, INSERT, UPDATE ON preflight_approvals TO preflight_writer;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS.at(-1)!.version;

/** The schema version the database has: 0 when preflight_schema does not exist. */
export async function schemaVersion(db: Db): Promise<number> {
  const exists = await db.query<{ t: string | null }>(
    "SELECT to_regclass('preflight_schema') AS t",
  );
  if (!exists.rows[0]?.t) return 0;
  const result = await db.query<{ v: number | null }>(
    "SELECT max(version) AS v FROM preflight_schema",
  );
  return result.rows[0]?.v ?? 0;
}

/** Why a run cannot use this database's schema, or undefined when it can. */
export function schemaProblem(version: number): string | undefined {
  if (version === 0) return "the database has no preflight schema: run `preflight team init`";
  if (version > SCHEMA_VERSION) {
    return `the database's preflight schema is version ${version}, newer than this preflight knows (${SCHEMA_VERSION}): upgrade preflight`;
  }
  if (version < SCHEMA_VERSION) {
    return `the database's preflight schema is version ${version}, older than this preflight needs (${SCHEMA_VERSION}): run \`preflight team init\``;
  }
  return undefined;
}

/** Applies the migrations the database lacks, in one transaction; returns those applied. */
export async function migrate(db: Db): Promise<number[]> {
  await db.query("BEGIN");
  try {
    await db.query("SELECT pg_advisory_xact_lock(hashtext('preflight_schema'))");
    await db.query(
      "CREATE TABLE IF NOT EXISTS preflight_schema (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const current = await schemaVersion(db);
    if (current > SCHEMA_VERSION) throw new Error(schemaProblem(current));
    const applied: number[] = [];
    for (const migration of MIGRATIONS.filter((m) => m.version > current)) {
      await db.query(migration.sql);
      await db.query("INSERT INTO preflight_schema (version, description) VALUES ($1, $2)", [
        migration.version,
        migration.description,
      ]);
      applied.push(migration.version);
    }
    await db.query("COMMIT");
    return applied;
  } catch (error) {
    await db.query("ROLLBACK").catch(() => {});
    throw error;
  }
}
