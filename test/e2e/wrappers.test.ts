/**
 * Wrapping the command does not get it past the policy: `sh -c`, `bash -c` scripts and `env`
 * are unpacked before matching. And the operator's own idea of the environment (`--env`)
 * never overrides the target the command names.
 */
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { expectFlyNeverRan, expectNotDestroyed, useWorkspace } from "../helpers/workspace.js";

const POLICY = "concourse.yaml";
const DESTROY_PROD = destroyPipeline("prod");

/** [how it is wrapped, the command, where the environment is read from] */
const WRAPPED: [string, string[], string][] = [
  ["sh -c", ["sh", "-c", "fly -t prod destroy-pipeline -p main"], "argument -t"],
  ["env with an assignment", ["env", "X=1", ...DESTROY_PROD], "argument -t"],
  [
    "bash -c after a harmless command",
    ["bash", "-c", "echo hi && fly -t prod destroy-pipeline -p main"],
    "argument -t",
  ],
  [
    "env, then sh -c, with --target=",
    [
      "env",
      "CONCOURSE_TEAM=main",
      "sh",
      "-c",
      "fly --target=prod destroy-pipeline --pipeline=main",
    ],
    "argument --target",
  ],
  [
    "bash -c after a ;",
    ["bash", "-c", "cd /tmp; fly -t prod destroy-pipeline -p main"],
    "argument -t",
  ],
  ["nice -n 10", ["nice", "-n", "10", ...DESTROY_PROD], "argument -t"],
  ["env -i", ["env", "-i", ...DESTROY_PROD], "argument -t"],
  ["timeout 30", ["timeout", "30", ...DESTROY_PROD], "argument -t"],
  [
    "a pipe into exec in sh -c",
    ["sh", "-c", "echo go | exec fly -t prod destroy-pipeline -p main"],
    "argument -t",
  ],
  ["an attached -tprod", ["fly", "-tprod", "destroy-pipeline", "-p", "main"], "argument -t"],
];

describe.concurrent("a production destroy hidden in a wrapper", () => {
  it.for(WRAPPED)(
    "is still denied through %s, and nothing in it runs",
    async ([_name, command, source], t) => {
      const ws = useWorkspace(t);

      const result = await ws.run(guard({ policy: POLICY, report: ws.reportFile }, command));

      expect(result.exitCode).toBe(66);
      expectFlyNeverRan(ws);
      // Not even the harmless part of the script ran.
      expect(result.stdout).toBe("");
      expect(ws.readReport()).toMatchObject({
        outcome: "blocked",
        decision: "deny",
        command,
        environment: { name: "production", source },
      });
    },
  );

  it("is still denied when xargs runs it (a script's `echo main | xargs fly …`)", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, report: ws.reportFile }, [
        "sh",
        "-c",
        "echo main | xargs fly -t prod destroy-pipeline -p",
      ]),
    );

    expectFlyNeverRan(ws);
    expect(result.exitCode).toBe(66);
    expect(ws.readReport().outcome).toBe("blocked");
  });

  it("is blocked when the command names two targets, one of them production", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, confirm: "staging" }, [...destroyPipeline("staging"), "-t", "prod"]),
    );

    expect(result.exitCode).toBe(66);
    expect(result.stderr).toContain("more than one environment");
    expectFlyNeverRan(ws);
  });

  it("is blocked, not run, when the script uses a construct preflight cannot read (a subshell)", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, report: ws.reportFile }, [
        "bash",
        "-c",
        "echo hi; (fly -t prod destroy-pipeline -p main)",
      ]),
    );

    expect(result.exitCode).toBe(66);
    expect(result.stderr).toMatch(/cannot tell what this command runs/);
    expectFlyNeverRan(ws);
    expect(result.stdout).toBe("");
    expect(ws.readReport().outcome).toBe("blocked");
  });
});

describe.concurrent("--env against the command's own target", () => {
  it("blocks (66) when --env staging is given but the command targets prod", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard(
        { policy: POLICY, env: "staging", confirm: "staging", report: ws.reportFile },
        DESTROY_PROD,
      ),
    );

    expect(result.exitCode).toBe(66);
    expect(result.stderr).toContain("staging");
    expect(result.stderr).toContain("production");
    expectFlyNeverRan(ws);
    expect(ws.readReport()).toMatchObject({
      outcome: "blocked",
      environment: { name: "production" },
    });
  });

  it("blocks (66) when --env production is given but the command targets staging", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, env: "production", confirm: "staging" }, destroyPipeline("staging")),
    );

    expect(result.exitCode).toBe(66);
    expectNotDestroyed(ws);
  });

  it("lets a matching --env through to the usual confirmation", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: POLICY, env: "staging", confirm: "staging" }, destroyPipeline("staging")),
    );

    expect(result.exitCode).toBe(0);
    expect(ws.pipelines()).toEqual(["docs", "ops"]);
  });
});
