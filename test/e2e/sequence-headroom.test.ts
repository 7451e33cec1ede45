/**
 * GoCardless, April 2018, replayed on a real PostgreSQL: sequences near the end of the range
 * they can reach, measured by policies/examples/postgres.yaml's `sequence-headroom` check,
 * on its own (`preflight check`) and before a migration script (a guarded `psql -f`).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/exec.js";
import { describeWithPostgres, type PgServer, startPostgres } from "../helpers/postgres.js";
import { useWorkspace } from "../helpers/workspace.js";

const POLICY = join(REPO_ROOT, "policies", "examples", "postgres.yaml");
const INT_MAX = 2_147_483_647;

describeWithPostgres("sequence headroom against a real PostgreSQL", () => {
  let pg: PgServer;

  /** A database whose one sequence has used `share` of the integer range. */
  async function database(name: string, setup: string): Promise<void> {
    await pg.psql(`create database ${name}`);
    await pg.psql(setup, name);
  }

  beforeAll(async () => {
    pg = await startPostgres();
    // A serial (integer sequence, integer column) at 90% and at 10% of its range.
    await database(
      "serial_at_90",
      `create table audit_logs (id serial primary key, note text);
       select setval('audit_logs_id_seq', ${Math.round(INT_MAX * 0.9)});`,
    );
    await database(
      "serial_at_10",
      `create table audit_logs (id serial primary key, note text);
       select setval('audit_logs_id_seq', ${Math.round(INT_MAX * 0.1)});`,
    );
    // A bigint sequence (as every sequence made before PostgreSQL 10 is) feeding an integer
    // column: at 0.0000002% of its own range, but at 90% of the column's.
    await database(
      "bigint_seq_int_column",
      `create sequence legacy_audit_seq as bigint;
       create table audit_logs (id integer primary key default nextval('legacy_audit_seq'));
       select setval('legacy_audit_seq', ${Math.round(INT_MAX * 0.9)});`,
    );
    await database(
      "serial_at_60",
      `create table events (id serial primary key);
       select setval('events_id_seq', ${Math.round(INT_MAX * 0.6)});`,
    );
  });
  afterAll(async () => {
    await pg?.stop();
  });

  const check = (ws: ReturnType<typeof useWorkspace>, db: string, extra: string[] = []) =>
    ws.run(["check", "--policy", POLICY, ...extra, "sequence-headroom"], {
      env: { ...pg.env, PGDATABASE: db },
    });

  it("fails a serial at 90% of the integer range, naming it and showing the value", async (t) => {
    const ws = useWorkspace(t);
    const result = await check(ws, "serial_at_90");
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toContain(
      "✘ FAIL  sequence-headroom — 0.9 is above the maximum of 0.8 — 0.9000 audit_logs_id_seq feeds audit_logs.id (integer): 1932735282 of 2147483647",
    );
    expect(result.stdout).toContain("preflight: 1 of 1 check failed (exit 67)");
  });

  it("passes a serial at 10%, still showing what it measured", async (t) => {
    const ws = useWorkspace(t);
    const result = await check(ws, "serial_at_10");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "✔ pass  sequence-headroom — 0.1 (maximum 0.8) — 0.1000 audit_logs_id_seq feeds audit_logs.id (integer): 214748365 of 2147483647",
    );
  });

  it("measures a bigint sequence feeding an integer column against the column's range", async (t) => {
    const ws = useWorkspace(t);
    const result = await check(ws, "bigint_seq_int_column", ["--json"]);
    expect(result.exitCode).toBe(67);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      outcome: "fail",
      exitCode: 67,
      checks: [
        {
          name: "sequence-headroom",
          kind: "run",
          status: "fail",
          value: 0.9,
          detail: expect.stringContaining(
            "legacy_audit_seq feeds audit_logs.id (integer): 1932735282 of 2147483647",
          ),
        },
      ],
    });
  });

  it("warns at 60% without failing, unless --fail-on-warn", async (t) => {
    const ws = useWorkspace(t);
    const result = await check(ws, "serial_at_60");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "! warn  sequence-headroom — 0.6 is past the warning level of 0.5 (maximum 0.8)",
    );
    expect((await check(ws, "serial_at_60", ["--fail-on-warn"])).exitCode).toBe(1);
  });

  it("fails, rather than passes, when it cannot read the database", async (t) => {
    const ws = useWorkspace(t);
    const result = await check(ws, "no_such_database");
    expect(result.exitCode).toBe(67);
    expect(result.stdout).toMatch(
      /✘ FAIL {2}sequence-headroom — exit 2, expected 0: .*no_such_database/,
    );
  });

  it("stops a migration script with exit 67 before it runs, and records the check", async (t) => {
    const ws = useWorkspace(t);
    const migration = ws.path("043_add_column.sql");
    writeFileSync(migration, "alter table audit_logs add column migrated boolean;\n");
    const result = await ws.run([
      "--policy",
      POLICY,
      "--report",
      ws.reportFile,
      "--",
      "psql",
      "-h",
      "127.0.0.1",
      "-p",
      String(pg.port),
      "-U",
      "postgres",
      "-d",
      "serial_at_90",
      "-v",
      "ON_ERROR_STOP=1",
      "-f",
      migration,
    ]);
    expect(result.exitCode).toBe(67);
    expect(result.stderr).toContain(
      "check        ✘ FAIL sequence-headroom — 0.9 is above the maximum of 0.8",
    );
    expect(result.stderr).toContain("preflight: check-failed (exit 67)");
    // The migration did not run: the column is not there.
    expect(
      await pg.psql(
        "select count(*) from information_schema.columns where column_name = 'migrated'",
        "serial_at_90",
      ),
    ).toBe("0");
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "check-failed",
      commandExitCode: null,
      rules: ["psql-script"],
      environment: { name: "development" },
    });
    expect(report.checks).toEqual([
      expect.objectContaining({ name: "sequence-headroom", status: "fail", value: 0.9 }),
    ]);
    expect(ws.auditRecords().at(-1)).toMatchObject({ outcome: "check-failed", exitCode: 67 });
  });

  it("checks the database the script names, not the one the variables point at", async (t) => {
    const ws = useWorkspace(t);
    const migration = ws.path("044.sql");
    writeFileSync(migration, "create table from_migration_044 (id int);\n");
    // PGDATABASE says the healthy database; the script's own -d says the exhausted one.
    const args = (db: string) => [
      "--policy",
      POLICY,
      "--",
      "psql",
      "-h",
      "127.0.0.1",
      "-p",
      String(pg.port),
      "-U",
      "postgres",
      "-d",
      db,
      "-f",
      migration,
    ];
    const env = { PGDATABASE: "serial_at_10" };
    expect((await ws.run(args("bigint_seq_int_column"), { env })).exitCode).toBe(67);
    const ran = await ws.run(args("serial_at_10"), {
      env: { PGDATABASE: "bigint_seq_int_column" },
    });
    expect(ran.exitCode).toBe(0);
    expect(ran.stderr).toContain("✔ pass sequence-headroom — 0.1 (maximum 0.8)");
    // With headroom, the migration ran.
    expect(
      await pg.psql("select to_regclass('from_migration_044') is not null", "serial_at_10"),
    ).toBe("t");
    expect(
      await pg.psql("select to_regclass('from_migration_044') is null", "bigint_seq_int_column"),
    ).toBe("t");
  });
});
