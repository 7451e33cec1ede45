/**
 * Procedures driven through their ports: a fake world of services instead of processes, a
 * scripted prompter, an in-memory audit log and progress file. Each test asserts the outcome
 * and what happened to the world (which commands ran, in which order, what was undone).
 */
import { describe, expect, it } from "vitest";
import { yaml } from "../../test/helpers/policy-factory.js";
import { compilePolicyTexts } from "../policy/load.js";
import type { Policy, RunSpec } from "../policy/types.js";
import type { CapturedOutput, RunContext } from "../run/ports.js";
import type { ProcedureInput, ProcedureOptions, ProcedurePorts } from "./ports.js";
import type { ProcedureProgress } from "./progress.js";
import { runProcedure } from "./run-procedure.js";
import { undoProcedure } from "./undo-procedure.js";

const POLICY = yaml`
  version: 1
  environments:
    production: { protected: true, match: { target: [prod] } }
    staging: { match: { target: [stg] } }
  procedures:
    switchover:
      description: Promote the standby.
      environment: { param: cluster }
      on-failure: stop
      params:
        - { name: cluster, pattern: "prod|stg" }
        - { name: token, secret: true, default: "" }
      steps:
        - name: standby caught up
          checks:
            - { name: lag is zero, run: [lag, "{params.cluster}"] }
        - name: stop the primary
          run: [stop, primary]
          verify:
            - { name: primary is down, run: [is-down, primary] }
          undo: [start, primary]
        - name: promote the standby
          run: [promote, standby]
          verify:
            - { name: standby is primary, run: [is-primary, standby] }
          undo: [demote, standby]
`;

interface World {
  up: Set<string>;
  primary: string;
  lag: number;
  /** Every command a step or undo ran, in order. */
  ran: string[];
  failing: Set<string>;
  audit: Record<string, unknown>[];
  progress: ProcedureProgress | undefined;
  prompts: string[];
  stepEnv: Record<string, string | undefined>[];
}

function world(): World {
  return {
    up: new Set(["primary", "standby"]),
    primary: "primary",
    lag: 0,
    ran: [],
    failing: new Set(),
    audit: [],
    progress: undefined,
    prompts: [],
    stepEnv: [],
  };
}

function ports(w: World, answers: { typed?: string; steps?: boolean[] } = {}): ProcedurePorts {
  const stepAnswers = [...(answers.steps ?? [])];
  let clock = Date.parse("2026-11-21T03:00:00Z");
  return {
    runner: {
      async capture(spec: RunSpec): Promise<CapturedOutput> {
        const [program, arg] = typeof spec === "string" ? ["sh", spec] : spec;
        const ok = (pass: boolean, detail = "") => ({
          exitCode: pass ? 0 : 1,
          stdout: detail,
          stderr: "",
        });
        if (program === "lag") return ok(w.lag === 0, String(w.lag));
        if (program === "is-down") return ok(!w.up.has(arg!));
        if (program === "is-primary") return ok(w.primary === arg);
        throw new Error(`unexpected check ${String(spec)}`);
      },
      async runInherited(argv, options) {
        const [program, target] = argv;
        w.ran.push(argv.join(" "));
        w.stepEnv.push(options.env ?? {});
        if (w.failing.has(program!)) return { exitCode: 3 };
        if (program === "stop") w.up.delete(target!);
        if (program === "start") w.up.add(target!);
        if (program === "promote") w.primary = target!;
        if (program === "demote") w.primary = "primary";
        return { exitCode: 0 };
      },
    },
    prompter: {
      async typeEnvironmentName(expected) {
        w.prompts.push(`type ${expected}`);
        return answers.typed;
      },
      async askReason() {
        return "INC-1";
      },
      async continueStep(question) {
        w.prompts.push(question);
        return stepAnswers.shift() ?? true;
      },
    },
    presenter: { async showPlan() {}, progress() {} },
    audit: {
      ensureWritable() {},
      append: (record) => {
        w.audit.push(record);
      },
    },
    progress: {
      file: "/state/procedures/switchover.json",
      read: () => (w.progress ? structuredClone(w.progress) : undefined),
      write: (p) => {
        w.progress = structuredClone(p);
      },
    },
    now: () => {
      clock += 1000;
      return new Date(clock);
    },
    newRunId: () => "run-1",
    pid: 4242,
    isRunning: () => false,
  };
}

const CONTEXT: RunContext = {
  cwd: "/work",
  env: { NEW_TOKEN: "s3cr3t-t0ken-value" },
  user: "oncall",
  host: "bastion",
  interactive: false,
  ci: true,
};

async function procedureInput(
  params: string[],
  options: ProcedureOptions = {},
  overrides: { policy?: Policy; mode?: ProcedureInput["mode"]; interactive?: boolean } = {},
): Promise<ProcedureInput> {
  const policy = overrides.policy ?? (await compilePolicyTexts([{ file: "p.yaml", text: POLICY }]));
  return {
    mode: overrides.mode ?? "run",
    policy,
    procedure: policy.procedures!.switchover!,
    paramWords: params,
    options,
    context: { ...CONTEXT, interactive: overrides.interactive ?? false },
    commandFor: (verb) => `preflight procedure ${verb} switchover`,
  };
}

const stepRecords = (w: World) => w.audit.filter((r) => r.kind === "procedure-step");

describe("a procedure run", () => {
  it("runs every step in order, verifies each, and records one audit record per step", async () => {
    const w = world();
    const result = await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    expect(result.outcome).toBe("ok");
    expect(result.exitCode).toBe(0);
    expect(w.ran).toEqual(["stop primary", "promote standby"]);
    expect(w.primary).toBe("standby");
    expect(result.steps.map((s) => s.status)).toEqual(["verified", "verified", "verified"]);
    expect(stepRecords(w).map((r) => [r.step, r.outcome])).toEqual([
      [1, "ok"],
      [2, "ok"],
      [3, "ok"],
    ]);
    expect(w.audit.at(-1)).toMatchObject({ kind: "procedure", outcome: "ok", runId: "run-1" });
    expect(w.progress?.status).toBe("completed");
    expect(result.environment).toMatchObject({ name: "staging", source: "param cluster" });
  });

  it("stops at a failing check before the step's command, saying what state things are in", async () => {
    const w = world();
    w.lag = 4096;
    const result = await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    expect(result.exitCode).toBe(67);
    expect(w.ran).toEqual([]);
    expect(w.up.has("primary")).toBe(true);
    expect(result.failedStep).toBe(1);
    expect(result.message).toContain(
      "step 1/3 'standby caught up' failed: a check failed: lag is zero",
    );
    expect(result.message).toContain(
      "No step had completed; step 1 did not run; steps 2–3 did not run.",
    );
    expect(result.hint).toContain(
      "nothing needs reverting; after fixing the cause, run it again: preflight procedure run switchover",
    );
    expect(w.progress).toMatchObject({ status: "failed", completed: [] });
    // Nothing was done, so starting again is not refused as a repeat, and --resume works too.
    w.lag = 0;
    const again = await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    expect(again.outcome).toBe("ok");
  });

  it("resumes a run that stopped at its first step's checks", async () => {
    const w = world();
    w.lag = 1;
    await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    w.lag = 0;
    const resumed = await runProcedure(
      await procedureInput(["cluster=stg"], { resume: true }),
      ports(w),
    );
    expect(resumed.outcome).toBe("ok");
    expect(w.ran).toEqual(["stop primary", "promote standby"]);
  });

  it("exits 70 when a step fails after earlier steps changed things, and says which are done", async () => {
    const w = world();
    w.failing.add("promote");
    const result = await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    expect(result.outcome).toBe("verification-failed");
    expect(result.exitCode).toBe(70);
    expect(result.message).toContain("'promote the standby' failed: the command exited 3");
    expect(result.message).toContain("Steps 1–2 completed and were verified");
    expect(result.message).toContain("step 3 may have partly run");
    expect(w.progress?.completed.map((c) => c.index)).toEqual([0, 1]);
    expect(w.up.has("primary")).toBe(false);
  });

  it("resumes after the last verified step once the cause is fixed", async () => {
    const w = world();
    w.failing.add("promote");
    await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    w.failing.clear();
    w.ran = [];
    const result = await runProcedure(
      await procedureInput(["cluster=stg"], { resume: true }),
      ports(w),
    );
    expect(result.outcome).toBe("ok");
    expect(result.resumedAt).toBe(3);
    expect(w.ran).toEqual(["promote standby"]);
    expect(result.steps.map((s) => s.status)).toEqual(["done-before", "done-before", "verified"]);
    expect(w.progress).toMatchObject({ status: "completed", runId: "run-1" });
  });

  it("refuses to start again from step 1 while a run is unfinished, unless told --restart", async () => {
    const w = world();
    w.failing.add("promote");
    await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    w.ran = [];
    const refused = await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    expect(refused.exitCode).toBe(66);
    expect(refused.hint).toContain("preflight procedure run --resume switchover");
    expect(w.ran).toEqual([]);
    w.failing.clear();
    w.up.add("primary");
    const restarted = await runProcedure(
      await procedureInput(["cluster=stg"], { restart: true }),
      ports(w),
    );
    expect(restarted.outcome).toBe("ok");
    expect(w.ran).toEqual(["stop primary", "promote standby"]);
  });

  it("refuses a resume when the params or the policy changed, or when there is nothing to resume", async () => {
    const w = world();
    const nothing = await runProcedure(
      await procedureInput(["cluster=stg"], { resume: true }),
      ports(w),
    );
    expect(nothing.exitCode).toBe(64);
    expect(nothing.message).toContain("there is nothing to resume");

    w.failing.add("promote");
    await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    w.failing.clear();
    w.ran = [];
    const otherParams = await runProcedure(
      await procedureInput(["cluster=prod"], { resume: true, confirm: "production" }),
      ports(w),
    );
    expect(otherParams.exitCode).toBe(66);
    expect(otherParams.message).toContain("the params differ");

    const changed = await compilePolicyTexts([
      { file: "p.yaml", text: POLICY.replace("Promote the standby.", "Promote it.") },
    ]);
    const otherPolicy = await runProcedure(
      await procedureInput(["cluster=stg"], { resume: true }, { policy: changed }),
      ports(w),
    );
    expect(otherPolicy.exitCode).toBe(66);
    expect(otherPolicy.message).toContain("the policy changed");
    expect(w.ran).toEqual([]);
  });

  it("with on-failure: undo, reverts the completed steps newest first and exits 69", async () => {
    const policy = await compilePolicyTexts([
      { file: "p.yaml", text: POLICY.replace("on-failure: stop", "on-failure: undo") },
    ]);
    const w = world();
    w.failing.add("promote");
    const result = await runProcedure(
      await procedureInput(["cluster=stg"], {}, { policy }),
      ports(w),
    );
    expect(result.exitCode).toBe(69);
    expect(w.ran).toEqual(["stop primary", "promote standby", "start primary"]);
    expect(w.up.has("primary")).toBe(true);
    expect(result.undo.steps.map((s) => [s.number, s.status])).toEqual([
      [2, "undone"],
      [1, "no-undo"],
    ]);
    expect(w.progress?.status).toBe("undone");
  });

  it("does not claim a restore when only checks had completed before the failure", async () => {
    const policy = await compilePolicyTexts([
      { file: "p.yaml", text: POLICY.replace("on-failure: stop", "on-failure: undo") },
    ]);
    const w = world();
    w.failing.add("stop");
    const result = await runProcedure(
      await procedureInput(["cluster=stg"], {}, { policy }),
      ports(w),
    );
    expect(result.outcome).toBe("command-failed");
    expect(result.exitCode).toBe(3);
    expect(result.message).toContain("no completed step had changed anything");
    expect(w.ran).toEqual(["stop primary"]);
  });

  it("stops undoing at a step that cannot be reverted, rather than make two primaries (70)", async () => {
    const text = POLICY.replace("on-failure: stop", "on-failure: undo")
      .replace("        undo: [demote, standby]\n", "")
      .concat(
        "      - name: the new primary takes writes\n",
        "        checks:\n",
        "          - { name: takes writes, run: [lag, stg] }\n",
      );
    const policy = await compilePolicyTexts([{ file: "p.yaml", text }]);
    const w = world();
    const p = ports(w);
    const capture = p.runner.capture;
    let calls = 0;
    // The first lag check (step 1) passes; the one in the last step fails.
    p.runner.capture = async (spec, options) =>
      Array.isArray(spec) && spec[0] === "lag" && ++calls > 1
        ? { exitCode: 1, stdout: "", stderr: "read-only" }
        : capture(spec, options);
    const result = await runProcedure(await procedureInput(["cluster=stg"], {}, { policy }), p);
    expect(w.ran).toEqual(["stop primary", "promote standby"]);
    expect(w.up.has("primary")).toBe(false);
    expect(result.exitCode).toBe(70);
    expect(result.undo.steps.map((s) => [s.number, s.status])).toEqual([
      [3, "no-undo"],
      [2, "left"],
      [1, "no-undo"],
    ]);
    expect(result.message).toContain("step 3 'promote the standby': it has no undo");
  });

  it("does not undo anything when the operator declines a step", async () => {
    const policy = await compilePolicyTexts([
      { file: "p.yaml", text: POLICY.replace("on-failure: stop", "on-failure: undo") },
    ]);
    const w = world();
    const result = await runProcedure(
      await procedureInput(["cluster=prod"], {}, { policy, interactive: true }),
      ports(w, { typed: "production", steps: [true, false] }),
    );
    expect(result.exitCode).toBe(68);
    expect(w.ran).toEqual(["stop primary"]);
    expect(result.undo.attempted).toBe(false);
  });

  it("undoes a step whose command ran but whose verification failed, too", async () => {
    const policy = await compilePolicyTexts([
      { file: "p.yaml", text: POLICY.replace("on-failure: stop", "on-failure: undo") },
    ]);
    const w = world();
    const p = ports(w);
    const capture = p.runner.capture;
    p.runner.capture = async (spec, options) =>
      Array.isArray(spec) && spec[0] === "is-primary"
        ? { exitCode: 1, stdout: "", stderr: "still in recovery" }
        : capture(spec, options);
    const result = await runProcedure(await procedureInput(["cluster=stg"], {}, { policy }), p);
    expect(result.exitCode).toBe(69);
    expect(w.ran).toEqual(["stop primary", "promote standby", "demote standby", "start primary"]);
  });

  it("needs the environment's name for a protected environment, once, before any step", async () => {
    const w = world();
    const refused = await runProcedure(await procedureInput(["cluster=prod"]), ports(w));
    expect(refused.exitCode).toBe(68);
    expect(refused.hint).toContain("--confirm production");
    expect(w.ran).toEqual([]);
    const confirmed = await runProcedure(
      await procedureInput(["cluster=prod"], { confirm: "production" }),
      ports(w),
    );
    expect(confirmed.outcome).toBe("ok");
    expect(confirmed.confirmation).toEqual({ required: true, given: true, method: "flag" });
  });

  it("refuses a protected procedure with 71 when its audit records cannot be written", async () => {
    const w = world();
    const p = ports(w);
    p.audit.ensureWritable = () => {
      throw new Error("EISDIR");
    };
    const result = await runProcedure(
      await procedureInput(["cluster=prod"], { confirm: "production" }),
      p,
    );
    expect(result.exitCode).toBe(71);
    expect(result.message).toContain("the audit log cannot be written (EISDIR)");
    expect(w.ran).toEqual([]);
  });

  it("on a terminal asks for the typed name once and before each step's command", async () => {
    const w = world();
    const result = await runProcedure(
      await procedureInput(["cluster=prod"], {}, { interactive: true }),
      ports(w, { typed: "production", steps: [true, false] }),
    );
    expect(w.prompts[0]).toBe("type production");
    expect(w.prompts.slice(1).map((p) => p.split("'")[1])).toEqual([
      "stop the primary",
      "promote the standby",
    ]);
    expect(result.exitCode).toBe(68);
    expect(result.steps.map((s) => s.status)).toEqual(["verified", "verified", "declined"]);
    expect(w.ran).toEqual(["stop primary"]);
  });

  it("refuses unknown, missing and malformed params before anything runs", async () => {
    const w = world();
    const cases: [string[], string][] = [
      [[], "param 'cluster' is required"],
      [["cluster=qa"], "param 'cluster': 'qa' does not match /prod|stg/"],
      [["cluster=stg", "clustr=x"], "has no param 'clustr' (did you mean 'cluster'?)"],
      [["cluster=stg", "token=literal"], "param 'token' is secret"],
      [["cluster=stg", "token=@env:UNSET_VAR"], "the variable UNSET_VAR is not set"],
      [["cluster"], "--param 'cluster' is not NAME=VALUE"],
    ];
    for (const [params, message] of cases) {
      const result = await runProcedure(await procedureInput(params), ports(w));
      expect(result.exitCode, params.join(" ")).toBe(64);
      expect(result.message).toContain(message);
    }
    expect(w.ran).toEqual([]);
  });

  it("passes params to the steps as PARAM_* variables and never records a secret", async () => {
    const w = world();
    const result = await runProcedure(
      await procedureInput(["cluster=stg", "token=@env:NEW_TOKEN"]),
      ports(w),
    );
    expect(result.outcome).toBe("ok");
    expect(w.stepEnv[0]).toMatchObject({ PARAM_CLUSTER: "stg", PARAM_TOKEN: "s3cr3t-t0ken-value" });
    expect(JSON.stringify(w.audit)).not.toContain("s3cr3t-t0ken-value");
    expect(JSON.stringify(w.progress)).not.toContain("s3cr3t-t0ken-value");
    expect(result.params).toEqual({ cluster: "stg", token: "***" });
  });

  it("is blocked where the policy denies it, and nothing runs", async () => {
    const policy = await compilePolicyTexts([
      {
        file: "p.yaml",
        text: POLICY.replace(
          "on-failure: stop",
          "on-failure: stop\n    decision: { production: deny }",
        ),
      },
    ]);
    const w = world();
    const result = await runProcedure(
      await procedureInput(["cluster=prod"], { confirm: "production" }, { policy }),
      ports(w),
    );
    expect(result.exitCode).toBe(66);
    expect(w.ran).toEqual([]);
  });

  it("plan runs only the first step's read-only checks", async () => {
    const w = world();
    w.lag = 7;
    const result = await runProcedure(
      await procedureInput(["cluster=stg"], {}, { mode: "plan" }),
      ports(w),
    );
    expect(result.exitCode).toBe(67);
    expect(result.message).toContain("step 1 'standby caught up' would stop at its checks");
    expect(w.ran).toEqual([]);
    expect(w.audit).toEqual([]);
  });
});

describe("procedure undo", () => {
  it("reverts the completed steps of the stopped run, newest first", async () => {
    const w = world();
    w.failing.add("promote");
    await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    w.ran = [];
    const result = await undoProcedure(
      await procedureInput(["cluster=stg"], {}, { mode: "undo" }),
      ports(w),
    );
    expect(result.outcome).toBe("ok");
    expect(w.ran).toEqual(["start primary"]);
    expect(w.progress?.status).toBe("undone");
    const again = await undoProcedure(
      await procedureInput(["cluster=stg"], {}, { mode: "undo" }),
      ports(w),
    );
    expect(again.exitCode).toBe(64);
  });

  it("reports an undo that fails as not restored (70)", async () => {
    const w = world();
    w.failing.add("promote");
    await runProcedure(await procedureInput(["cluster=stg"]), ports(w));
    w.failing.add("start");
    const result = await undoProcedure(
      await procedureInput(["cluster=stg"], {}, { mode: "undo" }),
      ports(w),
    );
    expect(result.exitCode).toBe(70);
    expect(result.message).toContain("step 2 'stop the primary': the undo exited 3");
  });
});

describe("procedures in the policy", () => {
  const problems = async (text: string) => {
    try {
      await compilePolicyTexts([{ file: "p.yaml", text }]);
      return "";
    } catch (error) {
      return (error as Error).message;
    }
  };

  it("rejects templates no param provides, secrets in command lines and an undeclared environment param", async () => {
    const text = yaml`
      version: 1
      procedures:
        rotate:
          environment: { param: target }
          params:
            - { name: token, secret: true }
          steps:
            - name: cut over
              run: [write-token, "{params.token}", "{params.file}"]
    `;
    const message = await problems(text);
    expect(message).toContain("puts the secret param {params.token} into a command line");
    expect(message).toContain("uses {params.file}, which nothing provides");
    expect(message).toContain("environment names param 'target', which is not declared");
  });

  it("rejects a procedure defined twice across files", async () => {
    const text = yaml`
      version: 1
      procedures:
        rotate:
          steps:
            - { name: one, run: [true] }
    `;
    let message = "";
    try {
      await compilePolicyTexts([
        { file: "a.yaml", text },
        { file: "b.yaml", text },
      ]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("procedure 'rotate' is defined twice");
  });
});
