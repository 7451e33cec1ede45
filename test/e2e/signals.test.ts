/**
 * A signal sent to preflight while the command runs is passed on to the command, and
 * preflight still takes the after-snapshot, verifies and writes the audit record: an
 * interrupted destructive command is exactly the one whose effects must be known.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { entryNames } from "../helpers/report.js";
import { useWorkspace } from "../helpers/workspace.js";

const DESTROY_MAIN = destroyPipeline("staging");

const SIGNALS: [NodeJS.Signals, number][] = [
  ["SIGTERM", 143],
  ["SIGINT", 130],
];

describe("a signal while the command runs", () => {
  it.for(SIGNALS)(
    "%s is forwarded (the command ends with %i), and preflight still verifies, reports and audits",
    async ([signal, status], t) => {
      const ws = useWorkspace(t);
      const running = ws.start(
        guard(
          { policy: "concourse.yaml", confirm: "staging", report: ws.reportFile },
          DESTROY_MAIN,
        ),
        { env: { FAKE_FLY_SLEEP: "5" } },
      );

      // Wait until fly has destroyed the pipeline and is sleeping.
      const deadline = Date.now() + 10_000;
      while (!(ws.flyRan("destroy-pipeline") && !ws.pipelines().includes("main"))) {
        if (Date.now() > deadline) throw new Error("fly never destroyed the pipeline");
        await sleep(25);
      }
      const signalled = Date.now();
      running.child.kill(signal);
      const result = await running.done;

      // Forwarded: fly did not sleep its 5 s out.
      expect(Date.now() - signalled).toBeLessThan(4_000);
      expect(result.signal).toBeNull();
      expect(result.exitCode).toBe(status);
      const report = ws.readReport();
      expect(report).toMatchObject({
        outcome: "command-failed",
        exitCode: status,
        commandExitCode: status,
      });
      expect(entryNames(report.diff.removed)).toEqual(["main"]);
      expect(report.violations).toEqual([]);
      // The after-snapshot was taken: fly listed the pipelines again after the destroy.
      const calls = ws.flyCalls().map((argv) => argv[2]);
      expect(calls).toEqual(["get-pipeline", "pipelines", "destroy-pipeline", "pipelines"]);
      expect(ws.auditRecords().at(-1)).toMatchObject({
        outcome: "command-failed",
        commandExitCode: status,
        command: DESTROY_MAIN,
      });
    },
  );
});

describe("a signal to preflight off a terminal (CI, docker stop)", () => {
  it("reaches the command's own children too, so nothing keeps changing after the verdict", async (t) => {
    const ws = useWorkspace(t);
    // A rule on `cleanup`, the program the script below runs in the background of a subshell.
    const policy = ws.path("policy.yaml");
    writeFileSync(
      policy,
      [
        "version: 1",
        "rules:",
        "  - id: cleanup",
        "    match: { command: cleanup }",
        "    decision: allow",
        "    state:",
        "      - { name: files, run: [ls, -1, box], format: lines }",
      ].join("\n"),
    );
    mkdirSync(ws.path("box"));
    // cleanup starts a child that would create box/late two seconds later.
    ws.installScript(
      "cleanup",
      '#!/bin/sh\nsh -c "sleep 2; touch box/late" &\ntouch started\nwait\n',
    );

    const running = ws.start(
      ["--policy", policy, "--confirm", "unknown", "--report", ws.reportFile, "--", "cleanup"],
      // As under CI or `docker stop`: no controlling terminal, whatever runs these tests.
      { noTerminal: true },
    );
    // Once the command runs (a loaded machine may take seconds to get there).
    const deadline = Date.now() + 10_000;
    while (!existsSync(ws.path("started"))) {
      if (Date.now() > deadline) throw new Error("cleanup never started");
      await sleep(25);
    }
    running.child.kill("SIGTERM");
    const result = await running.done;
    await sleep(2_500);

    expect(result.exitCode).toBe(143);
    // The grandchild was stopped with its parent: it never created the file.
    expect(existsSync(ws.path("box", "late"))).toBe(false);
    expect(ws.readReport()).toMatchObject({ outcome: "command-failed", commandExitCode: 143 });
  });
});

describe("a signal before the command starts", () => {
  it("still leaves an audit record and a report saying nothing ran", async (t) => {
    const ws = useWorkspace(t);
    const policy = ws.path("slow-check.yaml");
    writeFileSync(
      policy,
      [
        "version: 1",
        "rules:",
        "  - id: slow",
        "    match: { command: fly }",
        "    checks:",
        "      - { name: a slow check, run: [sleep, 5] }",
      ].join("\n"),
    );

    const running = ws.start([
      "--policy",
      policy,
      "--confirm",
      "unknown",
      "--report",
      ws.reportFile,
      "--",
      ...DESTROY_MAIN,
    ]);
    await sleep(800);
    running.child.kill("SIGTERM");
    const result = await running.done;

    // The shell's 128+15, as for a command stopped by SIGTERM; the outcome says it was preflight.
    expect(result.exitCode).toBe(143);
    expect(result.stderr).toContain(
      "preflight was stopped by SIGTERM while running the check 'a slow check'; the command did not run",
    );
    expect(ws.flyRan("destroy-pipeline")).toBe(false);
    expect(ws.readReport()).toMatchObject({
      outcome: "interrupted",
      exitCode: 143,
      commandExitCode: null,
      rules: ["slow"],
    });
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "interrupted",
      command: DESTROY_MAIN,
      rules: ["slow"],
      interruption: { signal: "SIGTERM", during: "running the check 'a slow check'" },
    });
  });
});
