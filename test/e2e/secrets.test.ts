/**
 * Secrets on the command line (`--password=…`, `--password …`, a URL with a password) and in
 * variables (`PGPASSWORD=…` through `env` or a script) never reach the terminal, the report or
 * the audit log — whatever the outcome.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { guard } from "../helpers/commands.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const SECRET = "hunter2";
const POLICY = "secrets.yaml";
/** A staging dropdb with its password given twice: in PGPASSWORD and as --password=. */
const DROP_STAGING_DB = [
  "env",
  `PGPASSWORD=${SECRET}`,
  "dropdb",
  "-h",
  "stg",
  `--password=${SECRET}`,
  "payments",
];

/** A stand-in dropdb that notes it ran (never echoing its arguments). */
function installDropdb(ws: Workspace): string {
  const marker = ws.path("dropdb-ran");
  ws.installScript("dropdb", `#!/bin/sh\ntouch '${marker}'\n`);
  return marker;
}

function expectNoSecretAnywhere(ws: Workspace, stderr: string): void {
  expect(stderr).not.toContain(SECRET);
  expect(readFileSync(ws.reportFile, "utf8")).not.toContain(SECRET);
  expect(ws.auditText()).not.toContain(SECRET);
}

describe.concurrent("secrets in a guarded command", () => {
  it("are redacted when the command runs (--password=, PGPASSWORD through env)", async (t) => {
    const ws = useWorkspace(t);
    const ran = installDropdb(ws);

    const result = await ws.run(
      guard({ policy: POLICY, confirm: "staging", report: ws.reportFile }, DROP_STAGING_DB),
    );

    expect(result.exitCode).toBe(0);
    expect(existsSync(ran)).toBe(true);
    expectNoSecretAnywhere(ws, result.stderr);
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "ok",
      rules: ["dropdb"],
      environment: { name: "staging" },
    });
    expect(report.command).toEqual([
      "env",
      "PGPASSWORD=***",
      "dropdb",
      "-h",
      "stg",
      "--password=***",
      "payments",
    ]);
  });

  it("are redacted when the command is refused (--password VALUE, a URL password)", async (t) => {
    const ws = useWorkspace(t);
    const ran = installDropdb(ws);
    const command = [
      "env",
      `PGPASSWORD=${SECRET}`,
      "dropdb",
      "-h",
      "prod",
      "--password",
      SECRET,
      "--maintenance-db",
      `postgresql://admin:${SECRET}@db.prod.internal/postgres`,
      "payments",
    ];

    const result = await ws.run(guard({ policy: POLICY, report: ws.reportFile }, command));

    expect(result.exitCode).toBe(66);
    expect(existsSync(ran)).toBe(false);
    expect(result.stderr).toContain("production");
    expectNoSecretAnywhere(ws, result.stderr);
  });

  it("are redacted inside an sh -c script", async (t) => {
    const ws = useWorkspace(t);
    const ran = installDropdb(ws);

    const result = await ws.run(
      guard({ policy: POLICY, report: ws.reportFile }, [
        "sh",
        "-c",
        `PGPASSWORD=${SECRET} dropdb -h prod --password=${SECRET} payments`,
      ]),
    );

    expect(result.exitCode).toBe(66);
    expect(existsSync(ran)).toBe(false);
    expectNoSecretAnywhere(ws, result.stderr);
  });

  it("are redacted in `plan --json` and in `audit list`", async (t) => {
    const ws = useWorkspace(t);
    installDropdb(ws);

    const plan = await ws.run(["plan", "--json", ...guard({ policy: POLICY }, DROP_STAGING_DB)]);
    await ws.run(guard({ policy: POLICY }, DROP_STAGING_DB));
    const list = await ws.run(["audit", "list"]);
    const listJson = await ws.run(["audit", "list", "--json"]);

    expect(plan.exitCode).toBe(68);
    expect(plan.stdout).toContain("PGPASSWORD=***");
    for (const output of [plan.stdout, plan.stderr, list.stdout, list.stderr, listJson.stdout]) {
      expect(output).not.toContain(SECRET);
    }
    expect(list.stdout).toContain("dropdb");
  });
});
