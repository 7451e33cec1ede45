/**
 * The lifecycle driven through its ports: a fake world of pipelines instead of processes, a
 * scripted prompter, an in-memory audit sink. Each test asserts the outcome and what happened
 * to the world (did the command run? what does the audit log hold?).
 */
import { describe, expect, it } from "vitest";
import { compilePolicyTexts } from "../policy/load.js";
import type { Policy, RunSpec } from "../policy/types.js";
import { guardedRun, type RunOptions } from "./lifecycle.js";
import type { CapturedOutput, RunContext, RunPorts } from "./ports.js";

const POLICY = `
version: 1
environments:
  production: { protected: true, match: { target: [prod] } }
  staging: { match: { target: [staging] } }
rules:
  - id: destroy
    match: { command: fly, args: [destroy-pipeline] }
    environment: { flag: [-t] }
    resource: { flag: [-p] }
    decision: { production: confirm, "*": confirm }
    checks:
      - name: pipeline exists
        run: [fly, -t, "{target}", get-pipeline, -p, "{resource}"]
    state:
      - name: pipelines
        run: [fly, -t, "{target}", pipelines, --json]
        key: [name]
    expect:
      removed: { max: 1, only: { name: "{resource}" } }
      added: none
`;

interface World {
  pipelines: string[];
  ran: string[][];
  audit: Record<string, unknown>[];
  prompts: string[];
  /** What the wrapped command does to the world. */
  effect: (world: World, argv: readonly string[]) => number;
  failProbe?: "before" | "after" | "always";
  probeCalls: number;
  rollback?: (world: World) => void;
  auditBroken?: boolean;
}

function world(overrides: Partial<World> = {}): World {
  return {
    pipelines: ["main", "other", "third"],
    ran: [],
    audit: [],
    prompts: [],
    probeCalls: 0,
    effect: (w, argv) => {
      const name = argv[argv.indexOf("-p") + 1]!;
      w.pipelines = w.pipelines.filter((p) => p !== name);
      return 0;
    },
    ...overrides,
  };
}

function ports(w: World, answers: (string | undefined)[] = []): RunPorts {
  const capture = async (spec: RunSpec): Promise<CapturedOutput> => {
    const argv = typeof spec === "string" ? ["sh", "-c", spec] : spec;
    if (argv.includes("get-pipeline")) {
      const name = argv[argv.indexOf("-p") + 1]!;
      return w.pipelines.includes(name)
        ? { exitCode: 0, stdout: name, stderr: "" }
        : { exitCode: 1, stdout: "", stderr: "pipeline not found" };
    }
    if (argv.includes("pipelines")) {
      w.probeCalls++;
      const failing =
        w.failProbe === "always" ||
        (w.failProbe === "before" && w.probeCalls === 1) ||
        (w.failProbe === "after" && w.probeCalls > 1);
      if (failing)
        return { exitCode: null, stdout: "", stderr: "", failure: "'fly' was not found on PATH" };
      return {
        exitCode: 0,
        stdout: JSON.stringify(w.pipelines.map((name) => ({ name }))),
        stderr: "",
      };
    }
    if (argv.includes("restore")) {
      w.rollback?.(w);
      return { exitCode: 0, stdout: "", stderr: "" };
    }
    return { exitCode: 127, stdout: "", stderr: "unexpected command" };
  };
  return {
    runner: {
      capture,
      runInherited: async (argv) => {
        w.ran.push([...argv]);
        return { exitCode: w.effect(w, argv) };
      },
    },
    prompter: {
      typeEnvironmentName: async (expected) => {
        w.prompts.push(expected);
        return answers.shift();
      },
      askReason: async () => {
        w.prompts.push("(reason)");
        return answers.shift();
      },
    },
    presenter: { showPlan: async () => {}, progress: () => {}, step: () => () => {} },
    audit: {
      ensureWritable: () => {
        if (w.auditBroken) throw new Error("EACCES");
      },
      append: (record) => {
        if (w.auditBroken) throw new Error("EACCES");
        w.audit.push(record);
      },
    },
    now: () => new Date("2026-11-21T10:00:00Z"),
    // No program is found on disk: every command is judged by the name typed.
    files: { executable: () => undefined },
  };
}

const context = (overrides: Partial<RunContext> = {}): RunContext => ({
  cwd: "/tmp",
  env: {},
  user: "alice",
  host: "laptop",
  interactive: false,
  ci: true,
  ...overrides,
});

async function policy(text = POLICY): Promise<Policy> {
  return compilePolicyTexts([{ file: "policy.yaml", text }]);
}

async function run(
  w: World,
  argv: string[],
  options: RunOptions = {},
  extra: {
    mode?: "run" | "plan";
    context?: Partial<RunContext>;
    answers?: (string | undefined)[];
    policyText?: string;
  } = {},
) {
  return guardedRun(
    {
      mode: extra.mode ?? "run",
      argv,
      policy: await policy(extra.policyText),
      options,
      context: context(extra.context),
    },
    ports(w, extra.answers),
  );
}

const destroyStaging = ["fly", "-t", "staging", "destroy-pipeline", "-p", "main"];

describe("guardedRun", () => {
  it("runs a command no rule matches and records it", async () => {
    const w = world();
    const result = await run(w, ["ls", "-l"]);
    expect(result.outcome).toBe("no-rule");
    expect(result.exitCode).toBe(0);
    expect(w.ran).toEqual([["ls", "-l"]]);
    expect(w.audit).toHaveLength(1);
  });

  it("passes a failed command's own status through", async () => {
    const w = world({ effect: () => 3 });
    const result = await run(w, ["ls"]);
    expect(result).toMatchObject({ outcome: "command-failed", exitCode: 3, commandExitCode: 3 });
  });

  it("refuses without --confirm when non-interactive, and runs nothing", async () => {
    const w = world();
    const result = await run(w, destroyStaging);
    expect(result).toMatchObject({ outcome: "confirmation-required", exitCode: 68 });
    expect(result.hint).toContain("--confirm staging");
    expect(w.ran).toEqual([]);
    expect(w.pipelines).toContain("main");
    expect(w.audit[0]).toMatchObject({ outcome: "confirmation-required", user: "alice", ci: true });
  });

  it("refuses a --confirm naming another environment", async () => {
    const w = world();
    const result = await run(w, destroyStaging, { confirm: "production" });
    expect(result.outcome).toBe("confirmation-required");
    expect(result.message).toContain("does not match");
    expect(w.ran).toEqual([]);
  });

  it("runs with the right --confirm and verifies the change", async () => {
    const w = world();
    const result = await run(w, destroyStaging, { confirm: "staging" });
    expect(result).toMatchObject({
      outcome: "ok",
      exitCode: 0,
      confirmation: { required: true, given: true, method: "flag" },
    });
    expect(w.pipelines).toEqual(["other", "third"]);
    expect(result.diff.removed.map((e) => e.entry)).toEqual([{ name: "main" }]);
    expect(result.violations).toEqual([]);
  });

  it("on a terminal, runs only when the exact environment name is typed", async () => {
    const typo = world();
    const refused = await run(
      typo,
      destroyStaging,
      {},
      { context: { interactive: true }, answers: ["stagin"] },
    );
    expect(refused.outcome).toBe("confirmation-required");
    expect(refused.confirmation.method).toBe("typed");
    expect(typo.prompts).toEqual(["staging"]);
    expect(typo.ran).toEqual([]);

    const right = world();
    const ran = await run(
      right,
      destroyStaging,
      {},
      { context: { interactive: true }, answers: ["staging"] },
    );
    expect(ran.outcome).toBe("ok");
    expect(right.ran).toHaveLength(1);
  });

  it("treats a cancelled prompt as a refusal", async () => {
    const w = world();
    const result = await run(
      w,
      destroyStaging,
      {},
      { context: { interactive: true }, answers: [undefined] },
    );
    expect(result.outcome).toBe("confirmation-required");
    expect(w.ran).toEqual([]);
  });

  it("stops on a failed pre-check before snapshotting or running", async () => {
    const w = world();
    const result = await run(w, ["fly", "-t", "staging", "destroy-pipeline", "-p", "missing"], {
      confirm: "staging",
    });
    expect(result).toMatchObject({ outcome: "check-failed", exitCode: 67 });
    expect(result.checks).toEqual([
      {
        name: "pipeline exists",
        rule: "destroy",
        status: "fail",
        detail: "exit 1, expected 0: pipeline not found",
        value: 1,
      },
    ]);
    expect(w.probeCalls).toBe(0);
    expect(w.ran).toEqual([]);
  });

  it("refuses with 71 when the before-snapshot cannot be taken, and runs nothing", async () => {
    const w = world({ failProbe: "before" });
    const result = await run(w, destroyStaging, { confirm: "staging" });
    expect(result).toMatchObject({ outcome: "internal-error", exitCode: 71 });
    expect(result.message).toContain("before-snapshot");
    expect(w.ran).toEqual([]);
  });

  it("reports an after-snapshot that cannot be taken as unverified, never as success", async () => {
    const w = world({ failProbe: "after" });
    const result = await run(w, destroyStaging, { confirm: "staging" });
    expect(result).toMatchObject({ outcome: "verification-failed", exitCode: 70 });
    expect(result.violations.map((v) => v.expectation)).toEqual(["state.unverified"]);
  });

  it("catches a command that removed more than the policy allows (70) and names it", async () => {
    const w = world({
      effect: (world) => {
        world.pipelines = ["third"];
        return 0;
      },
    });
    const result = await run(w, destroyStaging, { confirm: "staging" });
    expect(result).toMatchObject({
      outcome: "verification-failed",
      exitCode: 70,
      rollback: { attempted: false },
    });
    const only = result.violations.find((v) => v.expectation === "removed.only");
    expect(only?.entries).toEqual([
      { state: "pipelines", key: { name: "other" }, entry: { name: "other" } },
    ]);
    expect(result.violations.map((v) => v.expectation)).toContain("removed.max");
  });

  it("rolls back and proves the before-state is restored (69)", async () => {
    const withRollback = `${POLICY}    rollback: { run: [fly, restore] }\n`;
    const w = world({
      effect: (world) => {
        world.pipelines = ["third"];
        return 0;
      },
      rollback: (world) => {
        world.pipelines = ["main", "other", "third"];
      },
    });
    const result = await run(
      w,
      destroyStaging,
      { confirm: "staging" },
      { policyText: withRollback },
    );
    expect(result).toMatchObject({
      outcome: "verification-failed-restored",
      exitCode: 69,
      rollback: { attempted: true, succeeded: true },
    });
    expect(w.pipelines).toEqual(["main", "other", "third"]);
  });

  it("says 70 when the rollback ran but the state still differs", async () => {
    const withRollback = `${POLICY}    rollback: { run: [fly, restore] }\n`;
    const w = world({
      effect: (world) => {
        world.pipelines = ["third"];
        return 0;
      },
      rollback: (world) => {
        world.pipelines = ["other", "third"];
      },
    });
    const result = await run(
      w,
      destroyStaging,
      { confirm: "staging" },
      { policyText: withRollback },
    );
    expect(result).toMatchObject({
      outcome: "verification-failed",
      exitCode: 70,
      rollback: { attempted: true, succeeded: false },
    });
    expect(result.rollback.detail).toContain("still differs");
  });

  it("does not start a protected run whose audit record cannot be written", async () => {
    const w = world({ auditBroken: true });
    const result = await run(w, ["fly", "-t", "prod", "destroy-pipeline", "-p", "main"], {
      confirm: "production",
    });
    expect(result).toMatchObject({ outcome: "internal-error", exitCode: 71 });
    expect(w.ran).toEqual([]);
    expect(result.auditFailure?.record).toMatchObject({ outcome: "internal-error" });
  });

  it("keeps an unprotected run's outcome when the audit log fails, and hands the record back", async () => {
    const w = world({ auditBroken: true });
    const result = await run(w, ["ls"]);
    expect(result.outcome).toBe("no-rule");
    expect(result.auditFailure?.record).toMatchObject({ command: ["ls"] });
  });

  it("plan runs checks and probes but never prompts, executes or audits", async () => {
    const w = world();
    const result = await run(
      w,
      destroyStaging,
      {},
      { mode: "plan", context: { interactive: true } },
    );
    expect(result.outcome).toBe("confirmation-required");
    expect(result.checks[0]?.status).toBe("pass");
    expect(result.probes).toEqual([{ name: "pipelines", rule: "destroy", before: 3 }]);
    expect(w.prompts).toEqual([]);
    expect(w.ran).toEqual([]);
    expect(w.audit).toEqual([]);
  });

  it("requires a reason where a rule says so", async () => {
    const text = POLICY.replace(
      "    decision: { production: confirm",
      "    require-reason: true\n    decision: { production: confirm",
    );
    const w = world();
    const refused = await run(w, destroyStaging, { confirm: "staging" }, { policyText: text });
    expect(refused.outcome).toBe("confirmation-required");
    expect(refused.message).toContain("requires a reason");
    const given = await run(
      w,
      destroyStaging,
      { confirm: "staging", reason: "INC-42 cleanup" },
      { policyText: text },
    );
    expect(given.outcome).toBe("ok");
    expect(w.audit.at(-1)).toMatchObject({ reason: "INC-42 cleanup" });
  });

  it("on a terminal, asks for the environment's name first, then the reason", async () => {
    const text = POLICY.replace(
      "    decision: { production: confirm",
      "    require-reason: true\n    decision: { production: confirm",
    );
    const w = world();
    const result = await run(
      w,
      destroyStaging,
      {},
      { policyText: text, context: { interactive: true }, answers: ["staging", "INC-7"] },
    );
    expect(w.prompts).toEqual(["staging", "(reason)"]);
    expect(result).toMatchObject({ outcome: "ok", reason: "INC-7" });

    const mistyped = world();
    const refused = await run(
      mistyped,
      destroyStaging,
      {},
      { policyText: text, context: { interactive: true }, answers: ["production", "INC-7"] },
    );
    // A wrong name ends it there: no reason is asked for a run that will not happen.
    expect(mistyped.prompts).toEqual(["staging"]);
    expect(refused.outcome).toBe("confirmation-required");
    expect(mistyped.ran).toEqual([]);
  });

  it("never writes a secret from the command into the audit record", async () => {
    const w = world();
    await run(w, ["psql", "--password=hunter2", "postgres://app:hunter2@db/app"]);
    expect(JSON.stringify(w.audit)).not.toContain("hunter2");
  });
});

describe("a command that names no target", () => {
  const UNTARGETED = `
version: 1
environments:
  staging: { match: { target: [staging] } }
rules:
  - id: destroy
    match: { command: fly, args: [destroy-pipeline] }
    decision: confirm
`;

  it("cannot be confirmed with a fixed word: --env must say which environment", async () => {
    const w = world();
    const refused = await run(
      w,
      destroyStaging,
      { confirm: "unknown" },
      { policyText: UNTARGETED },
    );
    expect(refused.outcome).toBe("confirmation-required");
    expect(refused.hint).toContain("--env");
    expect(w.ran).toEqual([]);

    const named = await run(
      w,
      destroyStaging,
      { env: "staging", confirm: "staging" },
      { policyText: UNTARGETED },
    );
    expect(named.outcome).toBe("ok");
    expect(named.environment).toMatchObject({ name: "staging", source: "--env" });
  });
});

describe("an audit log that cannot be written", () => {
  it("does not turn a refusal into 71: nothing ran, the refusal's code stands, the record is handed back", async () => {
    const denyProd = POLICY.replace(
      "decision: { production: confirm",
      "decision: { production: deny",
    );
    const w = world({ auditBroken: true });
    const result = await run(
      w,
      ["fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
      {},
      { policyText: denyProd },
    );
    expect(result).toMatchObject({ outcome: "blocked", exitCode: 66 });
    expect(result.auditFailure?.record).toMatchObject({ outcome: "blocked" });
    expect(w.ran).toEqual([]);
  });

  it("is found before the operator is asked to type the environment's name", async () => {
    const w = world({ auditBroken: true });
    const result = await run(
      w,
      ["fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
      {},
      { context: { interactive: true }, answers: ["production"] },
    );
    expect(result).toMatchObject({ outcome: "internal-error", exitCode: 71 });
    expect(w.prompts).toEqual([]);
    expect(w.ran).toEqual([]);
  });
});
