/**
 * The audit log: one hash-chained JSON line per `run`, whatever the outcome; `audit verify`
 * finds an edited record by its line; concurrent runs never break the chain; and a protected
 * run whose record could not be written does not start.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { expectNotDestroyed, useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = "concourse.yaml";

/** Three runs with three outcomes: no-rule, blocked, ok. */
async function threeRuns(ws: Workspace): Promise<void> {
  const noRule = guard({ policy: POLICY }, ["true"]);
  const blocked = guard({ policy: POLICY }, destroyPipeline("prod"));
  const ok = guard({ policy: POLICY, confirm: "staging" }, destroyPipeline("staging", "docs"));
  expect((await ws.run(noRule)).exitCode).toBe(0);
  expect((await ws.run(blocked)).exitCode).toBe(66);
  expect((await ws.run(ok)).exitCode).toBe(0);
}

describe.concurrent("the audit log", () => {
  it("records every run with who, where and the outcome, chained by hash, and `audit verify` accepts it", async (t) => {
    const ws = useWorkspace(t);

    await threeRuns(ws);
    const verify = await ws.run(["audit", "verify"]);

    const records = ws.auditRecords();
    expect(records.map((r) => r.outcome)).toEqual(["no-rule", "blocked", "ok"]);
    for (const record of records) {
      expect(record).toMatchObject({ cwd: ws.root, ci: true, version: 1 });
      expect(record.user).toEqual(expect.any(String));
      expect(record.host).toEqual(expect.any(String));
      expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(records[1]!.prevHash).toBe(records[0]!.hash);
    expect(records[2]!.prevHash).toBe(records[1]!.hash);
    expect(records[1]).toMatchObject({
      decision: "deny",
      environment: { name: "production" },
      exitCode: 66,
    });
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain("3 records");
  });

  it("does not record `plan`, which runs nothing", async (t) => {
    const ws = useWorkspace(t);

    await ws.run(guard({ policy: POLICY }, ["true"]));
    await ws.run(["plan", ...guard({ policy: POLICY }, destroyPipeline("prod"))]);

    expect(ws.auditRecords()).toHaveLength(1);
  });

  it("`audit verify` fails and names the line when a middle record is edited", async (t) => {
    const ws = useWorkspace(t);
    await threeRuns(ws);
    const lines = ws.auditText().split("\n");
    expect(lines[1]).toContain('"outcome":"blocked"');
    lines[1] = lines[1]!.replace('"outcome":"blocked"', '"outcome":"ok"');
    writeFileSync(ws.auditLog, lines.join("\n"));

    const verify = await ws.run(["audit", "verify", "--audit-log", ws.auditLog]);

    expect(verify.exitCode).not.toBe(0);
    expect(verify.stderr).toContain(`${ws.auditLog}:2:`);
  });

  it("`audit verify` fails when a record is removed from the middle", async (t) => {
    const ws = useWorkspace(t);
    await threeRuns(ws);
    const lines = ws.auditText().split("\n");
    lines.splice(1, 1);
    writeFileSync(ws.auditLog, lines.join("\n"));

    const verify = await ws.run(["audit", "verify"]);

    expect(verify.exitCode).not.toBe(0);
    expect(verify.stderr).toContain(`${ws.auditLog}:2:`);
  });

  it("`audit list --json` shows the records", async (t) => {
    const ws = useWorkspace(t);
    await threeRuns(ws);

    const list = await ws.run(["audit", "list", "--json"]);

    expect(list.exitCode).toBe(0);
    const listed = JSON.parse(list.stdout) as { outcome: string }[];
    expect(listed.map((r) => r.outcome)).toEqual(["no-rule", "blocked", "ok"]);
  });

  it("keeps an intact chain with 20 concurrent runs: 20 new records, each once", async (t) => {
    const ws = useWorkspace(t);
    await threeRuns(ws);

    const runs = Array.from({ length: 20 }, (_, i) =>
      ws.run(
        guard(
          { policy: POLICY, reason: `concurrent-${i}` },
          i % 2 === 0 ? ["true"] : destroyPipeline("prod"),
        ),
      ),
    );
    const results = await Promise.all(runs);

    expect(results.map((r) => r.exitCode)).toEqual(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 0 : 66)),
    );
    const records = ws.auditRecords();
    expect(records).toHaveLength(23);
    const reasons = records.slice(3).map((r) => r.reason);
    expect([...reasons].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `concurrent-${i}`).sort(),
    );
    for (let i = 1; i < records.length; i++)
      expect(records[i]!.prevHash).toBe(records[i - 1]!.hash);
    const verify = await ws.run(["audit", "verify"]);
    expect(verify.exitCode).toBe(0);
    expect(verify.stdout).toContain("23 records");
    expect(ws.pipelines()).toContain("main");
  }, 30_000);

  it("refuses a protected run (71) whose audit log cannot be written, before the command runs", async (t) => {
    const ws = useWorkspace(t);
    // A path under a regular file can never be created.
    const unwritable = `${ws.pipelinesFile}/audit.jsonl`;

    const result = await ws.run(
      guard(
        { policy: POLICY, confirm: "qa", auditLog: unwritable, report: ws.reportFile },
        destroyPipeline("qa"),
      ),
    );

    expect(result.exitCode).toBe(71);
    expect(result.stderr).toContain("audit");
    expectNotDestroyed(ws);
    expect(ws.readReport()).toMatchObject({
      outcome: "internal-error",
      environment: { name: "qa", protected: true, known: false },
    });
  });
});
