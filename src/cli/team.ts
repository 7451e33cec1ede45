/**
 * `preflight team init|status|sync|unlock`, `audit verify --team`, `audit list --team`: the
 * team database seen from the command line. Each reads the configuration as a run does
 * (PREFLIGHT_DATABASE_URL, or the policy's team: section), so they all talk to the same place.
 */
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { resolveAuditLogPath } from "../audit/path.js";
import { UsageError } from "../errors.js";
import { createAuditSink } from "../io/audit-sink.js";
import { loadPolicy } from "../policy/load.js";
import { redactDeep } from "../report/redact.js";
import type { Checkpoint } from "../team/checkpoints.js";
import { identityOf } from "../team/identity.js";
import { loadTeamModules } from "../team/lazy.js";
import { formatDbTime } from "../team/lock-port.js";
import { type TeamConfig, teamConfig } from "../team/settings.js";
import { readSpool } from "../team/spool.js";
import { stateDirectory } from "../util/dirs.js";
import { HEADER, renderTable, row } from "./audit-list.js";
import type { CliContext } from "./context.js";

export interface TeamOptions {
  policy?: string[];
  auditLog?: string;
}

const UNUSABLE = 71;

function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}

/** The team configuration the commands share; a usage error when there is none. */
async function configured(options: TeamOptions, ctx: CliContext): Promise<TeamConfig> {
  const { policy } = await loadPolicy({
    explicit: options.policy ?? [],
    env: ctx.env,
    cwd: ctx.cwd,
    home: ctx.home,
  });
  const auditFile = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  const config = teamConfig(policy.team, ctx.env, auditFile);
  if (!config) {
    throw new UsageError(
      "no team database is configured: set PREFLIGHT_DATABASE_URL to a PostgreSQL URL (or add a team: section to the policy naming the variable that holds it)",
    );
  }
  return config;
}

function requireUrl(config: TeamConfig): string {
  if (config.url === undefined) {
    throw new UsageError(`${config.urlVariable} is not set (the policy's team: section names it)`);
  }
  return config.url;
}

/** `team init`: creates or upgrades the schema; safe to run again. */
export async function teamInit(options: TeamOptions, ctx: CliContext): Promise<number> {
  const config = await configured(options, ctx);
  const url = requireUrl(config);
  const team = await loadTeamModules();
  try {
    const applied = await team.withDb(config, (db) => team.migrate(db));
    const where = team.describeTarget(url);
    ctx.stdout(
      applied.length === 0
        ? `team database ${where}: schema already at version ${team.SCHEMA_VERSION}; nothing to do\n`
        : `team database ${where}: applied migration${applied.length === 1 ? "" : "s"} ${applied.join(", ")}; schema at version ${team.SCHEMA_VERSION}\n` +
            "  operators and CI log in as roles that are members of preflight_writer (GRANT preflight_writer TO alice)\n",
    );
    return 0;
  } catch (error) {
    ctx.stderr(`preflight: team init failed: ${team.describeDbError(error, url)}\n`);
    return UNUSABLE;
  }
}

/** `team status`: what is configured, whether it answers, the chain's head, locks, spool. */
export async function teamStatus(options: TeamOptions, ctx: CliContext): Promise<number> {
  const config = await configured(options, ctx);
  const spooled = readSpool(config.spoolFile).length;
  const lines = [
    `team:      ${config.team}`,
    `database:  ${config.url === undefined ? `(${config.urlVariable} is not set)` : (await loadTeamModules()).describeTarget(config.url)} (from ${config.urlVariable})`,
    `offline:   ${config.offline === "spool" ? "spool records and go ahead" : "refuse protected runs"}`,
    `spool:     ${spooled} record${spooled === 1 ? "" : "s"} waiting in ${config.spoolFile}`,
  ];
  if (config.url === undefined) {
    ctx.stdout(`${lines.join("\n")}\n`);
    return UNUSABLE;
  }
  const team = await loadTeamModules();
  try {
    await team.withDb(config, async (db) => {
      const version = await team.schemaVersion(db);
      const problem = team.schemaProblem(version);
      lines.push(`reachable: yes; schema version ${version}${problem ? ` (${problem})` : ""}`);
      if (problem) return;
      const head = await db.query<{ n: string; seq: string | null; hash: string | null }>(
        "SELECT count(*) AS n, max(seq) AS seq, (SELECT hash FROM preflight_audit WHERE team = $1 ORDER BY seq DESC LIMIT 1) AS hash FROM preflight_audit WHERE team = $1",
        [config.team],
      );
      const h = head.rows[0]!;
      lines.push(
        `records:   ${h.n}${h.hash ? ` (last seq ${h.seq}, hash ${h.hash.slice(0, 16)}…)` : ""}`,
      );
      const locks = await team.listLocks(db, config.team);
      lines.push(`locks:     ${locks.length === 0 ? "none" : ""}`);
      for (const lock of locks) {
        lines.push(
          `  ${lock.key}: ${lock.owner} since ${formatDbTime(lock.since)} for \`${lock.command}\`${lock.expired ? " (lease ran out)" : lock.parked ? " (parked for a resume)" : ""}`,
        );
      }
    });
  } catch (error) {
    lines.push(`reachable: no: ${team.describeDbError(error, config.url)}`);
    ctx.stdout(`${lines.join("\n")}\n`);
    return UNUSABLE;
  }
  ctx.stdout(`${lines.join("\n")}\n`);
  return 0;
}

/** `team sync`: uploads the spool; 0 when it is empty afterwards. */
export async function teamSync(options: TeamOptions, ctx: CliContext): Promise<number> {
  const config = await configured(options, ctx);
  const result = await (await loadTeamModules()).uploadSpool(config);
  if (result.error !== undefined) {
    ctx.stderr(
      `preflight: uploaded ${result.uploaded}; ${result.remaining} still waiting in ${config.spoolFile}: ${result.error}\n`,
    );
    return UNUSABLE;
  }
  const already = result.alreadyThere > 0 ? ` (${result.alreadyThere} were already there)` : "";
  ctx.stdout(
    `uploaded ${result.uploaded} record${result.uploaded === 1 ? "" : "s"}${already}; the spool is empty\n`,
  );
  return 0;
}

/** `team unlock KEY --reason TEXT`: removes a lock whoever holds it, and records that. */
export async function teamUnlock(
  key: string,
  options: TeamOptions & { reason?: string },
  ctx: CliContext,
): Promise<number> {
  if (!options.reason?.trim()) {
    throw new UsageError("team unlock needs --reason TEXT: removing someone's lock is recorded");
  }
  const config = await configured(options, ctx);
  const url = requireUrl(config);
  const team = await loadTeamModules();
  let removed: Awaited<ReturnType<typeof team.forceUnlock>>;
  try {
    removed = await team.withDb(config, (db) => team.forceUnlock(db, config.team, key));
  } catch (error) {
    ctx.stderr(`preflight: team unlock failed: ${team.describeDbError(error, url)}\n`);
    return UNUSABLE;
  }
  if (!removed) {
    ctx.stderr(`preflight: there is no lock ${key} in team ${config.team}\n`);
    return 1;
  }
  const user = currentUser(ctx.env);
  const host = hostname();
  const { createTeamAuditSink } = await import("../team/sink.js");
  const auditFile = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
  const sink = createTeamAuditSink(
    createAuditSink(auditFile),
    config,
    identityOf(ctx.env, user, host).label,
    ctx.stderr,
  );
  sink.append({
    kind: "team-unlock",
    startedAt: new Date().toISOString(),
    outcome: "ok",
    lock: key,
    heldBy: removed.owner,
    heldSince: removed.since.toISOString(),
    heldFor: removed.command,
    reason: options.reason,
    user,
    host,
  });
  const notice = await sink.flush();
  if (notice) ctx.stderr(notice);
  ctx.stdout(
    `removed the lock ${key} held by ${removed.owner} since ${formatDbTime(removed.since)} for \`${removed.command}\`\n`,
  );
  return 0;
}

function readCheckpointFile(file: string): Checkpoint {
  let parsed: Partial<Checkpoint>;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<Checkpoint>;
  } catch (error) {
    throw new UsageError(`--checkpoint ${file}: ${(error as Error).message}`);
  }
  const ok =
    typeof parsed.team === "string" &&
    Number.isSafeInteger(parsed.seq) &&
    typeof parsed.hash === "string" &&
    typeof parsed.signedAt === "string" &&
    typeof parsed.publicKey === "string" &&
    typeof parsed.signature === "string";
  if (!ok) {
    throw new UsageError(
      `--checkpoint ${file}: not a checkpoint (the JSON \`preflight audit checkpoint\` prints)`,
    );
  }
  return parsed as Checkpoint;
}

/** `audit checkpoint`: signs the team chain's head (ed25519), stores and prints it. */
export async function auditCheckpoint(
  options: TeamOptions & { key?: string },
  ctx: CliContext,
): Promise<number> {
  const config = await configured(options, ctx);
  const url = requireUrl(config);
  const team = await loadTeamModules();
  const keyFile = resolve(
    ctx.cwd,
    options.key ??
      ctx.env.PREFLIGHT_CHECKPOINT_KEY ??
      join(stateDirectory(ctx.env, ctx.home), "checkpoint-key.pem"),
  );
  let key: ReturnType<typeof team.loadOrCreateKey>;
  try {
    key = team.loadOrCreateKey(keyFile);
  } catch (error) {
    ctx.stderr(
      `preflight: cannot read or create the signing key ${keyFile}: ${(error as Error).message}\n`,
    );
    return UNUSABLE;
  }
  let checkpoint: Checkpoint | undefined;
  try {
    checkpoint = await team.withDb(config, (db) => team.signCheckpoint(db, config.team, key));
  } catch (error) {
    ctx.stderr(`preflight: audit checkpoint failed: ${team.describeDbError(error, url)}\n`);
    return UNUSABLE;
  }
  if (!checkpoint) {
    ctx.stderr(`preflight: team ${config.team} has no records yet; nothing to sign\n`);
    return 1;
  }
  ctx.stdout(`${JSON.stringify(checkpoint, null, 2)}\n`);
  ctx.stderr(
    `signed seq ${checkpoint.seq} of team ${config.team} with ${keyFile}; keep this JSON elsewhere: \`preflight audit verify --team --checkpoint FILE\` proves later that nothing was cut from the end\n`,
  );
  return 0;
}

/** `audit verify --team`: checks the team's whole shared chain; 1 names the first bad record. */
export async function auditVerifyTeam(
  options: TeamOptions & { checkpoint?: string },
  ctx: CliContext,
): Promise<number> {
  const config = await configured(options, ctx);
  const url = requireUrl(config);
  const team = await loadTeamModules();
  let result: Awaited<ReturnType<typeof team.verifyShared>>;
  try {
    result = await team.withDb(config, (db) => team.verifyShared(db, config.team));
  } catch (error) {
    ctx.stderr(
      `preflight: cannot read the shared audit trail: ${team.describeDbError(error, url)}\n`,
    );
    return UNUSABLE;
  }
  const where = `team ${config.team} at ${team.describeTarget(url)}`;
  if (result.ok) {
    // The chain cannot show a cut at its end; signed checkpoints can.
    let kept: Checkpoint[] = [];
    if (options.checkpoint !== undefined)
      kept = [readCheckpointFile(resolve(ctx.cwd, options.checkpoint))];
    let problem: string | undefined;
    let checked = 0;
    try {
      problem = await team.withDb(config, async (db) => {
        const all = [...(await team.storedCheckpoints(db, config.team)), ...kept];
        checked = all.length;
        return team.checkCheckpoints(db, config.team, all);
      });
    } catch (error) {
      ctx.stderr(`preflight: cannot read the checkpoints: ${team.describeDbError(error, url)}\n`);
      return UNUSABLE;
    }
    if (problem !== undefined) {
      ctx.stderr(`shared audit trail of ${where}: ${result.records} records, but ${problem}\n`);
      return 1;
    }
    if (checked > 0) {
      ctx.stdout(`${checked} signed checkpoint${checked === 1 ? "" : "s"} agree with the chain\n`);
    }
    ctx.stdout(
      `shared audit trail of ${where}: ${result.records} record${result.records === 1 ? "" : "s"}, hash chain intact${result.records > 0 ? ` (last hash ${result.lastHash})` : ""}\n`,
    );
    return 0;
  }
  ctx.stderr(
    `shared audit trail of ${where}: seq ${result.seq}: ${result.problem}\n  the ${result.records} record${result.records === 1 ? "" : "s"} before it verified; records from seq ${result.seq} on cannot be trusted\n`,
  );
  return 1;
}

export interface TeamListOptions extends TeamOptions {
  json?: boolean;
  limit?: number;
  user?: string;
  environment?: string;
  rule?: string;
  outcome?: string;
  since?: string;
  until?: string;
}

/** `audit list --team`: the shared trail's records, filtered. */
export async function auditListTeam(options: TeamListOptions, ctx: CliContext): Promise<number> {
  const limit = options.limit ?? 20;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new UsageError(`--limit must be a whole number of at least 1, not ${limit}`);
  }
  for (const [flag, value] of [
    ["--since", options.since],
    ["--until", options.until],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      throw new UsageError(`${flag} ${value}: give a time such as 2026-12-06 or 2026-12-06T21:00Z`);
    }
  }
  const config = await configured(options, ctx);
  const url = requireUrl(config);
  const team = await loadTeamModules();
  let records: Awaited<ReturnType<typeof team.listShared>>;
  try {
    records = await team.withDb(config, (db) =>
      team.listShared(db, config.team, {
        limit,
        ...(options.user !== undefined && { user: options.user }),
        ...(options.environment !== undefined && { environment: options.environment }),
        ...(options.rule !== undefined && { rule: options.rule }),
        ...(options.outcome !== undefined && { outcome: options.outcome }),
        ...(options.since !== undefined && { since: options.since }),
        ...(options.until !== undefined && { until: options.until }),
      }),
    );
  } catch (error) {
    ctx.stderr(
      `preflight: cannot read the shared audit trail: ${team.describeDbError(error, url)}\n`,
    );
    return UNUSABLE;
  }
  if (options.json) {
    ctx.stdout(`${JSON.stringify(redactDeep(records), null, 2)}\n`);
    return 0;
  }
  if (records.length === 0) {
    ctx.stderr(`no matching records in the shared audit trail of team ${config.team}\n`);
    return 0;
  }
  // The shared trail's own seq, and the actor (who ran it, as the trail records it).
  const rows = records.map((r) => {
    const cells = row(r.record);
    cells[0] = String(r.seq);
    cells[5] = r.actor;
    return cells;
  });
  ctx.stdout(`${renderTable([HEADER, ...rows])}\n`);
  return 0;
}
