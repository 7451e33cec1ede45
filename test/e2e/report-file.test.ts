/**
 * `--report FILE` is written whatever the outcome — refusals included, because a CI job that
 * was refused needs the report most — with every field of the contract.
 */
import { mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { expectNotDestroyed, fixture, useWorkspace } from "../helpers/workspace.js";

const CONTRACT_FIELDS = [
  "version",
  "outcome",
  "exitCode",
  "commandExitCode",
  "command",
  "rules",
  "decision",
  "environment",
  "checks",
  "predicted",
  "diff",
  "violations",
  "confirmation",
  "rollback",
  "policy",
  "startedAt",
  "durationMs",
];

const DESTROY = destroyPipeline("staging");

const REFUSALS: { code: number; outcome: string; why: string; args: string[] }[] = [
  {
    code: 66,
    outcome: "blocked",
    why: "denied in production",
    args: guard({ policy: "concourse.yaml" }, destroyPipeline("prod")),
  },
  {
    code: 65,
    outcome: "policy-invalid",
    why: "an invalid policy",
    args: guard({ policy: "invalid-unknown-key.yaml" }, DESTROY),
  },
  {
    code: 65,
    outcome: "policy-invalid",
    why: "a policy file that does not exist",
    args: guard({ policy: "no-such-policy.yaml" }, DESTROY),
  },
  {
    code: 68,
    outcome: "confirmation-required",
    why: "no --confirm",
    args: guard({ policy: "concourse.yaml" }, DESTROY),
  },
  {
    code: 67,
    outcome: "check-failed",
    why: "a failed pre-check",
    args: guard(
      { policy: "concourse.yaml", confirm: "staging" },
      destroyPipeline("staging", "ghost"),
    ),
  },
];

describe.concurrent("--report FILE", () => {
  for (const refusal of REFUSALS) {
    it(`is written for a refusal: ${refusal.code} (${refusal.why}), with every contract field`, async (t) => {
      const ws = useWorkspace(t);

      const result = await ws.run(["--report", ws.reportFile, ...refusal.args]);

      expect(result.exitCode).toBe(refusal.code);
      expectNotDestroyed(ws);
      const report = ws.readReport();
      expect(Object.keys(report)).toEqual(expect.arrayContaining(CONTRACT_FIELDS));
      expect(report).toMatchObject({
        version: 1,
        outcome: refusal.outcome,
        exitCode: refusal.code,
        commandExitCode: null,
        command: expect.arrayContaining(["fly", "destroy-pipeline"]),
      });
      expect(Date.parse(report.startedAt)).not.toBeNaN();
      // The audit log agrees with the report.
      expect(ws.auditRecords().at(-1)).toMatchObject({
        outcome: refusal.outcome,
        exitCode: refusal.code,
      });
    });
  }

  it("is written for a usage error (64) too, and nothing runs", async (t) => {
    const ws = useWorkspace(t);

    // No `--` before the command: preflight cannot tell its options from the command's.
    const result = await ws.run([
      "run",
      "--report",
      ws.reportFile,
      "--policy",
      fixture("concourse.yaml"),
      "fly",
      "-t",
      "staging",
      "destroy-pipeline",
    ]);

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("put -- between");
    expect(ws.flyRan("destroy-pipeline")).toBe(false);
    const report = ws.readReport();
    expect(Object.keys(report)).toEqual(expect.arrayContaining(CONTRACT_FIELDS));
    expect(report).toMatchObject({ outcome: "usage-error", exitCode: 64, commandExitCode: null });
  });

  it("that cannot be written is refused (64) before the command runs, not found out afterwards", async (t) => {
    const ws = useWorkspace(t);
    mkdirSync(ws.path("a-folder"));

    const result = await ws.run(
      guard(
        { policy: "concourse.yaml", confirm: "staging", report: ws.path("a-folder") },
        destroyPipeline("staging"),
      ),
    );

    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("cannot be written");
    expectNotDestroyed(ws);
  });

  it("is resolved against the working folder when relative, and matches `plan --json`", async (t) => {
    const ws = useWorkspace(t);
    mkdirSync(ws.path("out"));
    const args = guard({ policy: "concourse.yaml" }, destroyPipeline("prod"));

    const run = await ws.run(["--report", "out/report.json", ...args]);
    const plan = await ws.run(["plan", "--json", ...args]);

    expect(run.exitCode).toBe(66);
    expect(plan.exitCode).toBe(66);
    const fromRun = ws.readReport(ws.path("out", "report.json"));
    const fromPlan = JSON.parse(plan.stdout) as typeof fromRun;
    for (const field of [
      "outcome",
      "exitCode",
      "decision",
      "environment",
      "rules",
      "command",
    ] as const) {
      expect(fromPlan[field]).toEqual(fromRun[field]);
    }
  });
});
