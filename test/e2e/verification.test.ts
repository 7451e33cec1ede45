/**
 * The Chargify lesson on a pipeline: the command does more than it should (a buggy fly that
 * also removes another pipeline). preflight compares the before- and after-state with the
 * policy's expectations, names what should not have gone, and restores it when the rule says how.
 */
import { copyFileSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { entryNames } from "../helpers/report.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

/**
 * The confirmed destroy of staging's `main`, under `policy` and with --report, by a buggy fly
 * that removes `docs` too.
 */
function destroyWithBuggyFly(ws: Workspace, policy: string) {
  return ws.run(
    guard({ policy, confirm: "staging", report: ws.reportFile }, destroyPipeline("staging")),
    { env: { FAKE_FLY_BUGGY: "1" } },
  );
}

describe.concurrent("a fly that removes one pipeline too many", () => {
  it("fails verification (70) and names the extra pipeline under removed.only", async (t) => {
    const ws = useWorkspace(t);

    const result = await destroyWithBuggyFly(ws, "concourse.yaml");

    expect(result.exitCode).toBe(70);
    expect(ws.pipelines()).toEqual(["ops"]);
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "verification-failed",
      commandExitCode: 0,
      rollback: { attempted: false, succeeded: null },
    });
    expect(entryNames(report.diff.removed).sort()).toEqual(["docs", "main"]);
    const only = report.violations.find((v) => v.expectation === "removed.only");
    expect(only).toBeDefined();
    expect(entryNames(only!.entries)).toEqual(["docs"]);
    expect(result.stderr).toContain("docs");
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "verification-failed",
      exitCode: 70,
    });
  });

  it("rolls back when the rule says how (69), and the pipelines file is as it was", async (t) => {
    const ws = useWorkspace(t);
    const original = readFileSync(ws.pipelinesFile, "utf8");
    copyFileSync(ws.pipelinesFile, `${ws.pipelinesFile}.bak`);

    const result = await destroyWithBuggyFly(ws, "concourse-rollback.yaml");

    expect(result.exitCode).toBe(69);
    expect(ws.flyRan("destroy-pipeline")).toBe(true);
    expect(readFileSync(ws.pipelinesFile, "utf8")).toBe(original);
    expect(ws.pipelines()).toEqual(["main", "docs", "ops"]);
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "verification-failed-restored",
      rollback: { attempted: true, succeeded: true },
    });
    expect(
      entryNames(report.violations.find((v) => v.expectation === "removed.only")!.entries),
    ).toEqual(["docs"]);
  });

  it("reports 70, not 69, when the rollback does not restore the state", async (t) => {
    const ws = useWorkspace(t);
    // The backup the rollback restores from is already missing a pipeline.
    ws.setPipelines(["main", "docs", "ops"]);
    copyFileSync(ws.pipelinesFile, `${ws.pipelinesFile}.bak`);
    ws.setPipelines(["main", "docs", "ops", "extra"]);

    const result = await destroyWithBuggyFly(ws, "concourse-rollback.yaml");

    expect(result.exitCode).toBe(70);
    expect(ws.readReport()).toMatchObject({
      outcome: "verification-failed",
      rollback: { attempted: true, succeeded: false },
    });
    expect(ws.pipelines()).not.toContain("extra");
  });
});
