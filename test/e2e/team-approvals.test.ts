/**
 * Four-eyes approvals on a real PostgreSQL: alice requests, bob (CI=true with another
 * GITHUB_ACTOR, as test/helpers/team.ts simulates a second person) approves, alice runs with
 * --approval. Self-approval, a reused approval, a command changed by one argument, a changed
 * policy and an expired approval are each refused (66), and the fake program does not run.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithPostgres, type PgServer, startPostgres } from "../helpers/postgres.js";
import { createWriter, deployScript, runOn, urls } from "../helpers/team.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = (team: string, extra = "") => `version: 1
environments:
  production: { protected: true, match: { target: [prod] } }
rules:
  - id: deploy
    match: { command: deploy }
    environment: { position: 1 }
    decision: { production: approve, "*": allow }${extra}
team:
  name: ${team}
`;

describeWithPostgres("four-eyes approvals on PostgreSQL", () => {
  let pg: PgServer;
  let initialised = false;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 120_000);
  afterAll(async () => {
    await pg?.stop();
  });

  async function setUp(test: Parameters<typeof useWorkspace>[0], team: string) {
    const ws = useWorkspace(test);
    writeFileSync(ws.path("preflight.yaml"), POLICY(team));
    deployScript(ws);
    if (!initialised) {
      const r = await runOn(ws, "admin", ["team", "init"], {
        PREFLIGHT_DATABASE_URL: urls(pg).owner,
      });
      expect(r.exitCode, r.stderr).toBe(0);
      await createWriter(pg);
      initialised = true;
    }
    return ws;
  }

  const as = (actor: string) => ({ PREFLIGHT_DATABASE_URL: urls(pg).writer, GITHUB_ACTOR: actor });
  const deploy = ["deploy", "prod", "--version", "42"];
  const deployed = (ws: Workspace) =>
    existsSync(ws.path("deploy.log")) ? readFileSync(ws.path("deploy.log"), "utf8") : "";

  async function request(ws: Workspace, argv = deploy): Promise<string> {
    const r = await runOn(ws, "machine-a", ["request", "--", ...argv], as("alice"));
    expect(r.exitCode, r.stderr).toBe(0);
    const id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    return id;
  }
  const approve = (ws: Workspace, id: string, actor = "bob") =>
    runOn(ws, "machine-b", ["approve", id, "--reason", "CHG-7"], as(actor));
  const run = (ws: Workspace, id: string | undefined, argv = deploy) =>
    runOn(
      ws,
      "machine-a",
      [
        "run",
        "--confirm",
        "production",
        ...(id === undefined ? [] : ["--approval", id]),
        "--",
        ...argv,
      ],
      as("alice"),
    );
  const trail = (team: string) =>
    pg.psql(
      `SELECT string_agg(actor || ':' || coalesce(outcome, '-') || ':' || coalesce((record::json->>'kind'), 'run'), ',' ORDER BY seq) FROM preflight_audit WHERE team = '${team}'`,
    );

  it("request → approve by another user → run: runs once; the trail has every step", async (t) => {
    const ws = await setUp(t, "approvals");
    const refused = await run(ws, undefined);
    expect(refused.exitCode).toBe(66);
    expect(refused.stderr).toMatch(/needs a second person's approval in production/);
    expect(refused.stderr).toMatch(/preflight request -- COMMAND/);

    const id = await request(ws);
    const approved = await approve(ws, id);
    expect(approved.exitCode, approved.stderr).toBe(0);
    expect(approved.stderr).toContain("command:     deploy prod --version 42");
    expect(approved.stderr).toContain("environment: production");
    expect(approved.stderr).toContain("rules:       deploy");
    expect(approved.stderr).toContain(`approved ${id} as bob@github`);
    expect(deployed(ws)).toBe("");

    const ran = await run(ws, id);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(deployed(ws)).toBe("deploy prod --version 42\n");

    // Used once: the same approval again is refused, and nothing more runs.
    const again = await run(ws, id);
    expect(again.exitCode).toBe(66);
    expect(again.stderr).toMatch(/already used by alice@github/);
    expect(deployed(ws)).toBe("deploy prod --version 42\n");

    expect(await trail("approvals")).toBe(
      "alice@github:blocked:run,alice@github:ok:approval-request,bob@github:ok:approval,alice@github:ok:run,alice@github:blocked:run",
    );
    const used = await pg.psql(
      `SELECT requester || ',' || approver || ',' || used_by || ',' || reason FROM preflight_approvals WHERE id = '${id}'`,
    );
    expect(used).toBe("alice@github,bob@github,alice@github,CHG-7");
    const record = await pg.psql(
      "SELECT record FROM preflight_audit WHERE team = 'approvals' AND outcome = 'ok' AND record NOT LIKE '%\"kind\"%'",
    );
    expect(JSON.parse(record).approval).toEqual({
      id,
      requester: "alice@github",
      approver: "bob@github",
    });
  });

  it("self-approval is refused", async (t) => {
    const ws = await setUp(t, "self");
    const id = await request(ws);
    const self = await approve(ws, id, "alice");
    expect(self.exitCode).toBe(66);
    expect(self.stderr).toMatch(
      /you \(alice@github\) requested it: an approval must come from someone else/,
    );
    const ran = await run(ws, id);
    expect(ran.exitCode).toBe(66);
    expect(ran.stderr).toMatch(/has not been approved yet/);
    expect(deployed(ws)).toBe("");
    expect(await trail("self")).toBe(
      "alice@github:ok:approval-request,alice@github:blocked:approval,alice@github:blocked:run",
    );
  });

  it("a command changed by one argument is refused", async (t) => {
    const ws = await setUp(t, "changed");
    const id = await request(ws);
    expect((await approve(ws, id)).exitCode).toBe(0);
    const ran = await run(ws, id, ["deploy", "prod", "--version", "43"]);
    expect(ran.exitCode).toBe(66);
    expect(ran.stderr).toMatch(/is for `deploy prod --version 42`, not `deploy prod --version 43`/);
    expect(deployed(ws)).toBe("");
  });

  it("a policy changed after the request is refused", async (t) => {
    const ws = await setUp(t, "policy");
    const id = await request(ws);
    expect((await approve(ws, id)).exitCode).toBe(0);
    writeFileSync(ws.path("preflight.yaml"), POLICY("policy", "\n    description: edited"));
    const ran = await run(ws, id);
    expect(ran.exitCode).toBe(66);
    expect(ran.stderr).toMatch(/the policy changed since approval/);
    expect(deployed(ws)).toBe("");
  });

  it("an expired approval is refused (the database's clock decides)", async (t) => {
    const ws = await setUp(t, "expired");
    const id = await request(ws);
    expect((await approve(ws, id)).exitCode).toBe(0);
    await pg.psql(
      `UPDATE preflight_approvals SET expires_at = now() - interval '1 second' WHERE id = '${id}'`,
    );
    const ran = await run(ws, id);
    expect(ran.exitCode).toBe(66);
    expect(ran.stderr).toMatch(/expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect(deployed(ws)).toBe("");
  });

  it("without a team database an approve decision fails closed", async (t) => {
    const ws = useWorkspace(t);
    writeFileSync(ws.path("preflight.yaml"), POLICY("none").replace(/team:\n.*\n/, ""));
    deployScript(ws);
    const ran = await runOn(ws, "machine-a", ["run", "--confirm", "production", "--", ...deploy]);
    expect(ran.exitCode).toBe(66);
    expect(ran.stderr).toMatch(/no team database is configured to hold approvals/);
    const req = await runOn(ws, "machine-a", ["request", "--", ...deploy]);
    expect(req.exitCode).toBe(71);
    expect(req.stderr).toMatch(/approvals are kept in the team database, and none is configured/);
    expect(deployed(ws)).toBe("");
  });
});
