/**
 * The check runner that the guarded run, `preflight check` and procedures share: templates,
 * per-check variables, retries, and fail-closed handling of whatever stops a check.
 */
import { describe, expect, it } from "vitest";
import type { RunCheckSpec, RunSpec } from "../policy/types.js";
import type { CapturedOutput, ProcessRunner } from "../run/ports.js";
import { runCheckList, runOneCheck } from "./run-checks.js";
import type { CheckContext } from "./types.js";

function spec(fields: Partial<RunCheckSpec> = {}): RunCheckSpec {
  return {
    kind: "run",
    name: "c",
    run: ["psql", "-c", "select 1"],
    expectExit: 0,
    output: {},
    timeoutMs: 1000,
    readOnly: true,
    env: {},
    retryForMs: 0,
    source: { file: "p.yaml", line: 1, column: 1 },
    ...fields,
  };
}

interface Call {
  spec: RunSpec;
  env: Record<string, string | undefined>;
}

function context(
  answer: (call: Call, n: number) => CapturedOutput,
  values: Record<string, string> = {},
): { context: CheckContext; calls: Call[] } {
  const calls: Call[] = [];
  const runner: ProcessRunner = {
    async capture(runSpec, { env }) {
      const call = { spec: runSpec, env };
      calls.push(call);
      return answer(call, calls.length);
    },
    runInherited: () => Promise.reject(new Error("not in checks")),
  };
  return {
    calls,
    context: {
      runner,
      lookup: (name) => values[name],
      env: { PGHOST: "from-the-command", PATH: "/bin" },
      cwd: "/",
      now: () => new Date(),
    },
  };
}

const ok = (stdout = ""): CapturedOutput => ({ exitCode: 0, stdout, stderr: "" });

describe("runOneCheck", () => {
  it("fills templates and sets the check's own variables over the command's", async () => {
    const { context: ctx, calls } = context(() => ok("0.1"), { "args.db": "app" });
    const report = await runOneCheck(
      spec({ run: ["psql", "-d", "{args.db}"], env: { PGAPPNAME: "preflight" } }),
      ctx,
    );
    expect(report).toMatchObject({ name: "c", kind: "run", status: "pass", detail: "exit 0" });
    expect(calls[0]!.spec).toEqual(["psql", "-d", "app"]);
    expect(calls[0]!.env).toMatchObject({ PGHOST: "from-the-command", PGAPPNAME: "preflight" });
  });

  it("leaves a variable alone when its template has no value, so the check goes where the command goes", async () => {
    const { context: ctx, calls } = context(() => ok(), { "args.port": "5433" });
    await runOneCheck(spec({ env: { PGHOST: "{args.host}", PGPORT: "{args.port}" } }), ctx);
    expect(calls[0]!.env).toMatchObject({ PGHOST: "from-the-command", PGPORT: "5433" });
  });

  it("fails, without running anything, when the command does not give a value the check needs", async () => {
    const { context: ctx, calls } = context(() => ok());
    const report = await runOneCheck(spec({ run: ["psql", "-h", "{target}"] }), ctx);
    expect(report).toMatchObject({
      status: "fail",
      detail: "could not run: the check needs {target}, which the command does not give",
    });
    expect(calls).toEqual([]);
  });

  it("turns a thrown error into a fail with its message", async () => {
    const { context: ctx } = context(() => {
      throw new Error("spawn EMFILE");
    });
    expect(await runOneCheck(spec(), ctx)).toMatchObject({
      status: "fail",
      detail: "could not run: spawn EMFILE",
    });
  });

  it("retries a failing check for as long as retry-for allows, and takes the last verdict", async () => {
    const { context: ctx, calls } = context((_call, n) =>
      n < 2 ? { exitCode: 1, stdout: "", stderr: "not yet" } : ok(),
    );
    const report = await runOneCheck(spec({ retryForMs: 1500 }), ctx);
    expect(report.status).toBe("pass");
    expect(calls).toHaveLength(2);
    expect(report.durationMs).toBeGreaterThanOrEqual(900);
  });

  it("does not retry without retry-for", async () => {
    const { context: ctx, calls } = context(() => ({ exitCode: 1, stdout: "", stderr: "no" }));
    expect((await runOneCheck(spec(), ctx)).status).toBe("fail");
    expect(calls).toHaveLength(1);
  });

  it("shows the measured value and the line it came from", async () => {
    const { context: ctx } = context(() => ok("0.900 public.audit_logs.id (integer)\n"));
    expect(await runOneCheck(spec({ output: { number: { max: 0.8 } } }), ctx)).toMatchObject({
      status: "fail",
      detail: "0.9 is above the maximum of 0.8 — 0.900 public.audit_logs.id (integer)",
      value: 0.9,
    });
  });
});

describe("runCheckList", () => {
  it("runs every check in order, whatever the earlier ones said", async () => {
    const { context: ctx } = context((call) =>
      (call.spec as string[])[1] === "bad" ? { exitCode: 2, stdout: "", stderr: "boom" } : ok(),
    );
    const reports = await runCheckList(
      [spec({ name: "a", run: ["x", "bad"] }), spec({ name: "b", run: ["x", "good"] })],
      ctx,
    );
    expect(reports.map((r) => [r.name, r.status, r.detail])).toEqual([
      ["a", "fail", "exit 2, expected 0: boom"],
      ["b", "pass", "exit 0"],
    ]);
  });
});
