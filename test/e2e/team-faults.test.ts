/**
 * Faults of the team database a run meets before it starts (issue 11, "Bad input and faults"):
 * a wrong password, a database without the schema, a schema from a newer version. Each is
 * refused with a clear message, the guarded program does not run, and no password leaks into
 * output, report or audit log. (An unreachable database and one stopped mid-run are in
 * team-audit.test.ts.)
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPostgres, type PgServer, startPostgres } from "../helpers/postgres.js";
import { deployScript, runOn, urls, writeTeamPolicy } from "../helpers/team.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

describeWithPostgres("faults of the team database on PostgreSQL", () => {
  let pg: PgServer;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  function machine(test: Parameters<typeof useWorkspace>[0], team: string): Workspace {
    const ws = useWorkspace(test);
    writeTeamPolicy(ws, `team:\n  name: ${team}\n`);
    deployScript(ws);
    return ws;
  }

  const protectedRun = (ws: Workspace, url: string) =>
    runOn(
      ws,
      "a",
      ["run", "--confirm", "production", "--report", ws.reportFile, "--", "deploy", "prod", "1"],
      { PREFLIGHT_DATABASE_URL: url },
    );

  const deployed = (ws: Workspace) => existsSync(join(ws.root, "deploy.log"));
  const written = (file: string) => (existsSync(file) ? readFileSync(file, "utf8") : "");

  it("a wrong password: status and a protected run say so, nothing runs, no password shown", async (t) => {
    const ws = machine(t, "password");
    const init = await runOn(ws, "admin", ["team", "init"], {
      PREFLIGHT_DATABASE_URL: urls(pg).owner,
    });
    expect(init.exitCode, init.stderr).toBe(0);
    await pg.psql("CREATE ROLE pwuser LOGIN PASSWORD 'right-secret-123' IN ROLE preflight_writer");
    // pwuser must give its password over TCP (everyone else stays on trust).
    const hba = join(pg.dataDir, "pg_hba.conf");
    writeFileSync(hba, `host all pwuser 127.0.0.1/32 scram-sha-256\n${readFileSync(hba, "utf8")}`);
    expect(await pg.psql("SELECT pg_reload_conf()")).toBe("t");
    const wrong = `postgres://pwuser:wrong-secret-456@127.0.0.1:${pg.port}/postgres`;

    const status = await runOn(ws, "a", ["team", "status"], { PREFLIGHT_DATABASE_URL: wrong });
    expect(status.exitCode).not.toBe(0);
    expect(status.stdout).toContain(
      `reachable: no: the password for pwuser@127.0.0.1:${pg.port}/postgres was refused`,
    );

    const run = await protectedRun(ws, wrong);
    expect(run.exitCode).toBe(71);
    expect(run.stderr).toContain(
      `the password for pwuser@127.0.0.1:${pg.port}/postgres was refused`,
    );
    expect(deployed(ws)).toBe(false);

    const everything = [
      status.stdout,
      status.stderr,
      run.stdout,
      run.stderr,
      written(ws.reportFile),
      written(ws.auditLog),
    ].join("\n");
    expect(everything).not.toContain("wrong-secret-456");
    expect(everything).not.toContain("right-secret-123");

    // The right password gets through: the refusal was about the password, not the setup.
    const right = `postgres://pwuser:right-secret-123@127.0.0.1:${pg.port}/postgres`;
    const ok = await runOn(ws, "a", ["team", "status"], { PREFLIGHT_DATABASE_URL: right });
    expect(ok.exitCode, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout + ok.stderr).not.toContain("right-secret-123");
  }, 60_000);

  it("a database without the schema: a protected run is refused and says to run team init", async (t) => {
    const ws = machine(t, "noschema");
    await pg.psql("CREATE DATABASE noschema");
    const url = `postgres://postgres@127.0.0.1:${pg.port}/noschema`;

    const run = await protectedRun(ws, url);
    expect(run.exitCode).toBe(71);
    expect(run.stderr).toContain("the database has no preflight schema: run `preflight team init`");
    expect(deployed(ws)).toBe(false);

    const status = await runOn(ws, "a", ["team", "status"], { PREFLIGHT_DATABASE_URL: url });
    expect(status.stdout).toContain(
      "schema version 0 (the database has no preflight schema: run `preflight team init`)",
    );
  }, 60_000);

  it("a schema from a newer version: a protected run is refused and says to upgrade", async (t) => {
    const ws = machine(t, "newer");
    await pg.psql("CREATE DATABASE newer");
    const url = `postgres://postgres@127.0.0.1:${pg.port}/newer`;
    const init = await runOn(ws, "admin", ["team", "init"], { PREFLIGHT_DATABASE_URL: url });
    expect(init.exitCode, init.stderr).toBe(0);
    await pg.psql(
      "INSERT INTO preflight_schema (version, description) VALUES (999, 'from the future')",
      "newer",
    );

    const run = await protectedRun(ws, url);
    expect(run.exitCode).toBe(71);
    expect(run.stderr).toMatch(
      /the database's preflight schema is version 999, newer than this preflight knows \(\d+\): upgrade preflight/,
    );
    expect(deployed(ws)).toBe(false);
    expect(await pg.psql("SELECT count(*) FROM preflight_audit", "newer")).toBe("0");
  }, 60_000);
});
