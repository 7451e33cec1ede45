/**
 * The GOV.UK PaaS incident (INCIDENTS.md), replayed: a destructive pipeline operation aimed
 * at production. preflight reads the environment from the command's own `-t`, and the policy
 * denies it there: fly's destroy never runs and the pipeline is still there.
 */
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { writeHomeFile } from "../helpers/fake-tools.js";
import type { Report } from "../helpers/report.js";
import { expectNotDestroyed, expectNothingDestroyed, useWorkspace } from "../helpers/workspace.js";

const INCIDENT = destroyPipeline("prod");
// The bundled policy reads fly's own ~/.flyrc to see where `-t prod` really goes.
const FLYRC = "targets:\n  prod:\n    api: https://ci.prod.example.com\n    team: main\n";

describe.concurrent("the PaaS incident: destroying a production pipeline", () => {
  it("is denied by the test policy, and fly's destroy never runs", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: "concourse.yaml", report: ws.reportFile }, INCIDENT),
    );

    expect(result.exitCode).toBe(66);
    expectNotDestroyed(ws);
    expect(result.stderr).toMatch(/production/i);
    expect(result.stderr).toContain("argument -t");
    // Production looks unmistakable even without colour: a heavy block banner.
    expect(result.stderr).toMatch(/█+ {2}PRODUCTION · protected · from argument -t/);
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "blocked",
      exitCode: 66,
      commandExitCode: null,
      decision: "deny",
      rules: ["concourse-destroy-pipeline"],
      command: INCIDENT,
      environment: { name: "production", protected: true, source: "argument -t", target: "prod" },
    });
  });

  it("is denied the same way by the bundled default policy, found with no --policy and no preflight.yaml", async (t) => {
    const ws = useWorkspace(t);
    writeHomeFile(ws, ".flyrc", FLYRC);

    const result = await ws.run(guard({ report: ws.reportFile }, INCIDENT));

    expect(result.exitCode).toBe(66);
    expectNothingDestroyed(ws);
    expect(result.stderr).toMatch(/production/i);
    expect(result.stderr).toContain("fly → https://ci.prod.example.com, team main (target prod)");
    const report = ws.readReport();
    expect(report).toMatchObject({
      outcome: "blocked",
      decision: "deny",
      environment: { name: "production", protected: true, source: "fly url" },
    });
    expect(report.policy?.files).toEqual([expect.stringMatching(/policies\/default\.yaml$/)]);
  });

  it("shows the same refusal in `plan --json` on stdout, running nothing", async (t) => {
    const ws = useWorkspace(t);
    writeHomeFile(ws, ".flyrc", FLYRC);

    const result = await ws.run(["plan", "--json", "--", ...INCIDENT]);

    expect(result.exitCode).toBe(66);
    const report = JSON.parse(result.stdout) as Report;
    expect(report).toMatchObject({
      mode: "plan",
      outcome: "blocked",
      exitCode: 66,
      decision: "deny",
      environment: { name: "production", protected: true, source: "fly url" },
    });
    expectNotDestroyed(ws);
  });

  it("is denied by the bundled policy when fly's `dp` alias of destroy-pipeline is used", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ report: ws.reportFile }, ["fly", "-t", "prod", "dp", "-p", "main"]),
    );

    expect(ws.pipelines()).toContain("main");
    expect(ws.flyRan("dp")).toBe(false);
    expect(result.exitCode).toBe(66);
    expect(ws.readReport()).toMatchObject({ outcome: "blocked", decision: "deny" });
  });

  it("catches the --target= spelling and a prod-* target too", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: "concourse.yaml", report: ws.reportFile }, [
        "fly",
        "--target=prod-eu",
        "destroy-pipeline",
        "--pipeline=main",
      ]),
    );

    expect(result.exitCode).toBe(66);
    expectNotDestroyed(ws);
    expect(ws.readReport().environment).toMatchObject({ name: "production", target: "prod-eu" });
  });
});
