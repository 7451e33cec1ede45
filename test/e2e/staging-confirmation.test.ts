/**
 * A destructive operation in a non-production environment needs the environment's name as
 * confirmation. Without a terminal that means `--confirm NAME`: missing or wrong, nothing
 * runs; right, the pipeline goes and the after-state is verified.
 */
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { entryNames } from "../helpers/report.js";
import { expectNotDestroyed, expectNothingDestroyed, useWorkspace } from "../helpers/workspace.js";

const DESTROY_MAIN = destroyPipeline("staging");
const POLICY = "concourse.yaml";

describe.concurrent("destroying a staging pipeline", () => {
  it("is refused without --confirm (68), and nothing is deleted", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(guard({ policy: POLICY, report: ws.reportFile }, DESTROY_MAIN));

    expect(result.exitCode).toBe(68);
    expectNothingDestroyed(ws);
    expect(result.stderr).toContain("--confirm staging");
    expect(ws.readReport()).toMatchObject({
      outcome: "confirmation-required",
      decision: "confirm",
      environment: { name: "staging", protected: false, source: "argument -t" },
      confirmation: { required: true, given: false },
    });
  });

  it("is refused with --confirm production (68, a mismatch), and nothing is deleted", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, confirm: "production", report: ws.reportFile }, DESTROY_MAIN),
    );

    expect(result.exitCode).toBe(68);
    expectNothingDestroyed(ws);
    expect(result.stderr).toMatch(/does not match/);
    expect(ws.readReport()).toMatchObject({
      outcome: "confirmation-required",
      confirmation: { required: true, given: false, method: "flag" },
    });
  });

  it("runs with --confirm staging: main is gone, the others stay, and the report shows exactly that", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, confirm: "staging", report: ws.reportFile }, DESTROY_MAIN),
    );

    expect(result.exitCode).toBe(0);
    expect(ws.flyCalls()).toContainEqual(["-t", "staging", "destroy-pipeline", "-p", "main"]);
    expect(ws.pipelines()).toEqual(["docs", "ops"]);
    // The wrapped command's own output passes through untouched, on stdout.
    expect(result.stdout).toContain("`main` deleted");
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "ok",
      exitCode: 0,
      commandExitCode: 0,
      confirmation: { required: true, given: true, method: "flag" },
      checks: [{ name: "pipeline exists", status: "pass" }],
    });
    expect(entryNames(report.diff.removed)).toEqual(["main"]);
    expect(report.diff.added).toEqual([]);
    expect(report.violations).toEqual([]);
  });

  it("does not take the name piped into stdin as a confirmation, even with CI unset (68)", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(guard({ policy: POLICY }, DESTROY_MAIN), {
      env: { CI: undefined },
      input: "staging\n",
    });

    expect(result.exitCode).toBe(68);
    expect(result.stderr).toContain("--confirm staging");
    expectNothingDestroyed(ws);
  });

  it("also reads the stg alias and the --pipeline=NAME spelling", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, confirm: "staging", report: ws.reportFile }, [
        "fly",
        "--target",
        "stg",
        "destroy-pipeline",
        "--pipeline=docs",
        "--non-interactive",
      ]),
    );

    expect(result.exitCode).toBe(0);
    expect(ws.pipelines()).toEqual(["main", "ops"]);
    expect(entryNames(ws.readReport().diff.removed)).toEqual(["docs"]);
  });
});

describe.concurrent("a rule that requires a reason", () => {
  const REASON_POLICY = "concourse-reason.yaml";

  it("refuses without --reason (68) even when confirmed, and nothing is deleted", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: REASON_POLICY, confirm: "staging", report: ws.reportFile }, DESTROY_MAIN),
    );

    expect(result.exitCode).toBe(68);
    expect(result.stderr).toContain("--reason");
    expectNotDestroyed(ws);
    expect(ws.readReport().outcome).toBe("confirmation-required");
  });

  it("runs with --reason and records the reason in the report and the audit log", async (t) => {
    const ws = useWorkspace(t);
    const reason = "retiring the main pipeline, ticket OPS-42";

    const result = await ws.run(
      guard(
        { policy: REASON_POLICY, confirm: "staging", reason, report: ws.reportFile },
        DESTROY_MAIN,
      ),
    );

    expect(result.exitCode).toBe(0);
    expect(ws.pipelines()).toEqual(["docs", "ops"]);
    expect(ws.readReport().reason).toBe(reason);
    expect(ws.auditRecords().at(-1)).toMatchObject({ outcome: "ok", reason });
  });
});
