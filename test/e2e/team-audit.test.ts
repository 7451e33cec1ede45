/**
 * The team's shared audit trail on a real PostgreSQL: two "machines" writing at once, the
 * append-only table, the database going away mid-run and the spool that keeps the record.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeWithPostgres,
  type PgServer,
  postgresBinDir,
  serverUserPrefix,
  startPostgres,
} from "../helpers/postgres.js";
import {
  createWriter,
  deployScript,
  HOSTS_DIFFER,
  runOn,
  urls,
  writeTeamPolicy,
} from "../helpers/team.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

describeWithPostgres("the team's shared audit trail on PostgreSQL", () => {
  let pg: PgServer;

  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  /** A machine: a workspace with the policy of team `team` and the fake deploy. */
  function machine(test: Parameters<typeof useWorkspace>[0], team: string, extra = ""): Workspace {
    const ws = useWorkspace(test);
    writeTeamPolicy(ws, `team:\n  name: ${team}\n${extra}`);
    deployScript(ws);
    return ws;
  }

  async function initTeam(ws: Workspace): Promise<void> {
    const init = await runOn(ws, "admin", ["team", "init"], {
      PREFLIGHT_DATABASE_URL: urls(pg).owner,
    });
    expect(init.exitCode, init.stderr).toBe(0);
    await createWriter(pg);
  }

  const count = async (team: string) =>
    Number(await pg.psql(`SELECT count(*) FROM preflight_audit WHERE team = '${team}'`));

  it("init is idempotent; status names the database without its password", async (t) => {
    const ws = machine(t, "status");
    await initTeam(ws);
    const again = await runOn(ws, "admin", ["team", "init"], {
      PREFLIGHT_DATABASE_URL: urls(pg).owner,
    });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain("nothing to do");
    const status = await runOn(ws, "a", ["team", "status"], {
      PREFLIGHT_DATABASE_URL: urls(pg).writer,
    });
    expect(status.exitCode, status.stderr).toBe(0);
    expect(status.stdout).toContain(`operator@127.0.0.1:${pg.port}/postgres`);
    expect(status.stdout).toMatch(/reachable: yes; schema version 2/);
    expect(status.stdout + status.stderr).not.toContain("s3cret-pass");
  });

  it("20 guarded runs on two machines at once: 20 shared records, one intact chain", async (t) => {
    const a = machine(t, "twenty");
    const b = machine(t, "twenty");
    await initTeam(a);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    const runs = Array.from({ length: 20 }, (_, i) =>
      runOn(
        i % 2 ? b : a,
        i % 2 ? "machine-b" : "machine-a",
        ["run", "--confirm", "production", "--", "deploy", "prod", String(i)],
        {
          ...env,
          GITHUB_ACTOR: i % 2 ? "bob" : "alice",
        },
      ),
    );
    const results = await Promise.all(runs);
    for (const r of results) expect(r.exitCode, r.stderr).toBe(0);
    expect(await count("twenty")).toBe(20);
    // One chain: seq 1..20 with no gap, every record id once.
    expect(
      await pg.psql(
        "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM preflight_audit WHERE team = 'twenty'",
      ),
    ).toBe(Array.from({ length: 20 }, (_, i) => i + 1).join(","));
    expect(
      await pg.psql("SELECT count(DISTINCT record_id) FROM preflight_audit WHERE team = 'twenty'"),
    ).toBe("20");
    // Each machine kept its own ten records locally too.
    expect(readFileSync(a.auditLog, "utf8").trim().split("\n")).toHaveLength(10);
    expect(readFileSync(b.auditLog, "utf8").trim().split("\n")).toHaveLength(10);

    const verify = await runOn(a, "machine-a", ["audit", "verify", "--team"], env);
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/20 records, hash chain intact/);

    const listed = await runOn(
      b,
      "machine-b",
      ["audit", "list", "--team", "--user", "bob", "--json", "-n", "50"],
      env,
    );
    expect(listed.exitCode, listed.stderr).toBe(0);
    const bobs = JSON.parse(listed.stdout) as { actor: string; record: { host: string } }[];
    expect(bobs).toHaveLength(10);
    expect(bobs.every((r) => r.actor === "bob@github")).toBe(true);
    if (HOSTS_DIFFER)
      expect(new Set(bobs.map((r) => r.record.host))).toEqual(new Set(["machine-b"]));

    // The writer role may insert and read, not change: UPDATE is refused, and even the
    // table's owner meets the trigger.
    await expect(
      pg.psql(`SET ROLE operator; UPDATE preflight_audit SET outcome = 'ok' WHERE team = 'twenty'`),
    ).rejects.toThrow(/permission denied/);
    await expect(
      pg.psql(`DELETE FROM preflight_audit WHERE team = 'twenty' AND seq = 20`),
    ).rejects.toThrow(/append-only: DELETE refused/);
  }, 120_000);

  it("a command no rule matches is recorded in the shared trail too (the fast path steps aside)", async (t) => {
    const ws = machine(t, "unguarded");
    await initTeam(ws);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    for (const n of [1, 2]) {
      // The warm-up run fills the compiled-policy cache the fast path reads.
      const r = await runOn(ws, "a", ["run", "--", "true", String(n)], env);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const sync = await runOn(ws, "a", ["team", "sync"], env);
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect(await count("unguarded")).toBe(2);
  }, 60_000);

  it("an edited record is named by audit verify --team", async (t) => {
    const ws = machine(t, "edited");
    await initTeam(ws);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    for (const n of [1, 2, 3]) {
      const r = await runOn(
        ws,
        "a",
        ["run", "--confirm", "production", "--", "deploy", "prod", String(n)],
        env,
      );
      expect(r.exitCode, r.stderr).toBe(0);
    }
    // Only someone who can drop the trigger can edit; verify still catches it.
    await pg.psql(`ALTER TABLE preflight_audit DISABLE TRIGGER preflight_audit_append_only;
      UPDATE preflight_audit SET record = replace(record, '"prod"', '"staging"') WHERE team = 'edited' AND seq = 2;
      ALTER TABLE preflight_audit ENABLE TRIGGER preflight_audit_append_only;`);
    const verify = await runOn(ws, "a", ["audit", "verify", "--team"], env);
    expect(verify.exitCode).toBe(1);
    expect(verify.stderr).toContain("seq 2: hash does not match the record (edited?)");
  }, 60_000);

  it("a signed checkpoint proves later that records were not cut from the end", async (t) => {
    const ws = machine(t, "checkpoint");
    await initTeam(ws);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    for (const n of [1, 2, 3]) {
      const r = await runOn(
        ws,
        "a",
        ["run", "--confirm", "production", "--", "deploy", "prod", String(n)],
        env,
      );
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const signed = await runOn(ws, "a", ["audit", "checkpoint"], env);
    expect(signed.exitCode, signed.stderr).toBe(0);
    const checkpoint = JSON.parse(signed.stdout) as {
      seq: number;
      hash: string;
      signature: string;
    };
    expect(checkpoint.seq).toBe(3);
    const kept = ws.path("checkpoint.json");
    writeFileSync(kept, signed.stdout);
    const intact = await runOn(ws, "a", ["audit", "verify", "--team", "--checkpoint", kept], env);
    expect(intact.exitCode, intact.stderr).toBe(0);
    expect(intact.stdout).toContain("2 signed checkpoints agree with the chain");

    // Someone with the owner's rights cuts the last record and the stored checkpoint: the
    // chain left is valid, and only the checkpoint kept elsewhere shows the cut.
    await pg.psql(`ALTER TABLE preflight_audit DISABLE TRIGGER preflight_audit_append_only;
      DELETE FROM preflight_audit WHERE team = 'checkpoint' AND seq = 3;
      DELETE FROM preflight_checkpoints WHERE team = 'checkpoint';
      ALTER TABLE preflight_audit ENABLE TRIGGER preflight_audit_append_only;`);
    expect((await runOn(ws, "a", ["audit", "verify", "--team"], env)).exitCode).toBe(0);
    const cut = await runOn(ws, "a", ["audit", "verify", "--team", "--checkpoint", kept], env);
    expect(cut.exitCode).toBe(1);
    expect(cut.stderr).toContain("the chain ends before seq 3, which the checkpoint signed at");

    // A forged checkpoint (another hash, the same signature) is refused.
    writeFileSync(kept, JSON.stringify({ ...JSON.parse(signed.stdout), seq: 2 }));
    const forged = await runOn(ws, "a", ["audit", "verify", "--team", "--checkpoint", kept], env);
    expect(forged.exitCode).toBe(1);
    expect(forged.stderr).toContain("the checkpoint at seq 2 has a signature that does not hold");
  }, 120_000);

  it("the database stopped mid-run: the record is spooled, team sync uploads it once", async (t) => {
    const ws = machine(t, "spooled");
    await initTeam(ws);
    const env = { PREFLIGHT_DATABASE_URL: urls(pg).writer };
    const run = (n: number) =>
      runOn(ws, "a", ["run", "--confirm", "production", "--", "deploy", "prod", String(n)], env);
    expect((await run(1)).exitCode).toBe(0);

    // The command itself takes the database down: it has started when its record is due.
    const pgCtl = [...serverUserPrefix(), join(postgresBinDir()!, "pg_ctl")].join(" ");
    ws.installScript(
      "deploy",
      `#!/bin/sh\nPATH=/usr/sbin:/sbin:$PATH\necho "deploy $*" >> "${ws.path("deploy.log")}"\n${pgCtl} -D "${pg.dataDir}" -m immediate -w stop >/dev/null\n`,
    );
    const midRun = await run(2);
    expect(midRun.exitCode, midRun.stderr).toBe(0);
    expect(midRun.stderr).toContain("the record is not in the team's shared audit trail yet");
    expect(midRun.stderr).toContain("team-spool.jsonl (1 waiting)");
    deployScript(ws);
    try {
      // Down before the run: a protected run does not start (71) and says why.
      const refused = await run(3);
      expect(refused.exitCode).toBe(71);
      expect(refused.stderr).toContain(
        "the team database cannot record it: nothing answers at operator@127.0.0.1",
      );
      expect(refused.stderr).not.toContain("s3cret-pass");
      expect(readFileSync(ws.path("deploy.log"), "utf8")).not.toContain("deploy prod 3");
      // With team.offline: spool it goes ahead, and the record waits.
      writeTeamPolicy(ws, "team:\n  name: spooled\n  offline: spool\n");
      const offline = await run(4);
      expect(offline.exitCode, offline.stderr).toBe(0);
      expect(offline.stderr).toContain("records wait in");
    } finally {
      await pg.resume();
    }
    expect(await count("spooled")).toBe(1);
    const spool = join(ws.path("state"), "team-spool.jsonl");
    const waiting = readFileSync(spool, "utf8");
    expect(waiting.trim().split("\n")).toHaveLength(3);

    const sync = await runOn(ws, "a", ["team", "sync"], env);
    expect(sync.exitCode, sync.stderr).toBe(0);
    expect(sync.stdout).toContain("uploaded 3 records; the spool is empty");
    expect(await count("spooled")).toBe(4);
    // A crash between the upload and the spool's truncation: the same entries again land once.
    writeFileSync(spool, waiting);
    const again = await runOn(ws, "a", ["team", "sync"], env);
    expect(again.stdout).toContain("uploaded 0 records (3 were already there)");
    expect(await count("spooled")).toBe(4);
    const verify = await runOn(ws, "a", ["audit", "verify", "--team"], env);
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(verify.stdout).toContain("4 records, hash chain intact");
    const outcomes = await pg.psql(
      "SELECT string_agg(outcome, ',' ORDER BY seq) FROM preflight_audit WHERE team = 'spooled'",
    );
    expect(outcomes).toBe("ok,ok,internal-error,ok");
  }, 120_000);
});
