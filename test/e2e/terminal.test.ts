/**
 * preflight as the on-call engineer meets it at a terminal (a real pseudo-terminal, CI unset):
 * the environment's name is asked before the reason, Ctrl-C anywhere before the command
 * starts exits 130 and leaves a record of how far the run got, a slow check shows what runs
 * and for how long, and the plan fits terminals 40, 60 and 120 columns wide.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { answer, ctrlC, type PtyStep, runOnPty } from "../helpers/pty.js";
import {
  expectNothingDestroyed,
  fixture,
  useWorkspace,
  type Workspace,
} from "../helpers/workspace.js";

const NAME_PROMPT = "Type the environment name";
const REASON_PROMPT = "Why is this being run?";

/** Runs preflight on a terminal `columns` wide in the workspace, CI unset, taking `steps`. */
function onTerminal(ws: Workspace, args: string[], steps: PtyStep[], columns = 120) {
  return runOnPty(args, {
    cwd: ws.root,
    env: { ...ws.env, CI: undefined, TERM: "xterm" },
    steps,
    columns,
  });
}

/** A policy in the workspace: concourse.yaml with a check that takes its time. */
function slowCheckPolicy(ws: Workspace): string {
  const file = ws.path("slow.yaml");
  const text = readFileSync(fixture("concourse.yaml"), "utf8").replace(
    "    checks:\n",
    "    checks:\n      - { name: a slow check, run: [sleep, '20'], timeout: 30 }\n",
  );
  writeFileSync(file, text);
  return file;
}

describe("the prompts on a terminal", () => {
  it("asks for the environment's name first, then the reason, and refuses an empty reason at the prompt", async (t) => {
    const ws = useWorkspace(t);

    const result = await onTerminal(
      ws,
      guard({ policy: "concourse-reason.yaml" }, destroyPipeline("staging")),
      [
        answer(NAME_PROMPT, "staging"),
        answer(REASON_PROMPT, ""),
        answer("a reason is required", "INC-7 old pipeline"),
      ],
    );

    expect(result.output.indexOf(NAME_PROMPT)).toBeGreaterThan(0);
    expect(result.output.indexOf(REASON_PROMPT)).toBeGreaterThan(
      result.output.indexOf(NAME_PROMPT),
    );
    expect(result.output).toContain("a reason is required");
    expect(result.exitCode).toBe(0);
    expect(ws.pipelines()).toEqual(["docs", "ops"]);
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "ok",
      reason: "INC-7 old pipeline",
      confirmation: { given: true, method: "typed" },
    });
  });

  it("asks no reason when the name typed is wrong: 68, nothing ran", async (t) => {
    const ws = useWorkspace(t);

    const result = await onTerminal(
      ws,
      guard({ policy: "concourse-reason.yaml" }, destroyPipeline("staging")),
      [answer(NAME_PROMPT, "production")],
    );

    expect(result.exitCode).toBe(68);
    expect(result.output).not.toContain(REASON_PROMPT);
    expectNothingDestroyed(ws);
  });
});

describe("Ctrl-C before the command starts", () => {
  it("during a slow check: 130, and the audit record and report say which rule, which environment and how far it got", async (t) => {
    const ws = useWorkspace(t);
    const args = [
      "--policy",
      slowCheckPolicy(ws),
      "--report",
      ws.reportFile,
      "--",
      ...destroyPipeline("staging"),
    ];

    const result = await onTerminal(ws, args, [ctrlC("check 'a slow check'")]);

    expect(result.exitCode).toBe(130);
    // The progress line: what runs, how long so far, its time limit.
    expect(result.output).toMatch(/preflight: check 'a slow check' · \d+ s · time limit 30 s/);
    expect(result.output).toContain("preflight: interrupted (exit 130)");
    expectNothingDestroyed(ws);
    const record = ws.auditRecords().at(-1);
    expect(record).toMatchObject({
      outcome: "interrupted",
      exitCode: 130,
      commandExitCode: null,
      rules: ["concourse-destroy-pipeline"],
      environment: { name: "staging" },
      decision: "confirm",
      interruption: { signal: "SIGINT", during: "running the check 'a slow check'" },
    });
    expect(ws.readReport()).toMatchObject({ outcome: "interrupted", exitCode: 130 });
  });

  it("at the confirmation prompt: 130 (not a declined 68), with the checks that had passed", async (t) => {
    const ws = useWorkspace(t);

    const result = await onTerminal(
      ws,
      guard({ policy: "concourse.yaml" }, destroyPipeline("staging")),
      [ctrlC(NAME_PROMPT)],
    );

    expect(result.exitCode).toBe(130);
    expectNothingDestroyed(ws);
    expect(ws.auditRecords().at(-1)).toMatchObject({
      outcome: "interrupted",
      exitCode: 130,
      rules: ["concourse-destroy-pipeline"],
      environment: { name: "staging" },
      checks: [{ name: "pipeline exists", status: "pass" }],
      probes: [{ name: "pipelines", before: 3 }],
      interruption: { signal: "SIGINT", during: "waiting for the environment's name to be typed" },
    });
  });
});

describe("the plan fits the terminal", () => {
  const DESCRIPTION = "Destroying a pipeline deletes its build history.";

  it.for([40, 60, 120])("at %i columns: no line wider, no word broken", async (columns, t) => {
    const ws = useWorkspace(t);
    // The repository's own policy, found in the working folder, as a team would keep it.
    writeFileSync(ws.path("preflight.yaml"), readFileSync(fixture("concourse.yaml")));

    const result = await onTerminal(ws, ["plan", "--", ...destroyPipeline("prod")], [], columns);

    expect(result.exitCode).toBe(66);
    const lines = result.output.split("\n");
    const widest = Math.max(...lines.map((l) => [...l].length));
    expect(widest).toBeLessThanOrEqual(columns);
    const banner = lines.filter((l) => l.startsWith("██"));
    expect(banner[0]).toBe("█".repeat(Math.min(columns, 72)));
    // The title wraps onto more lines of the block only where it must.
    expect(banner.length).toBe(columns >= 60 ? 3 : 4);
    // Lines joined back, every word is whole: nothing was cut mid-word.
    const joined = result.output.replace(/[ █]*\n[ █]*/g, " ").replace(/ +/g, " ");
    expect(joined).toContain(DESCRIPTION);
    expect(joined).toContain("PRODUCTION · protected · from argument -t");
    expect(joined).toMatch(/environment +production \(protected\), from argument -t 'prod'/);
    expect(joined).toContain("denies this in production");
  });
});

describe("one line per step when stderr is not a terminal", () => {
  it("names each check and snapshot with its time limit, and draws nothing in place", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: "concourse.yaml", confirm: "staging" }, destroyPipeline("staging")),
    );

    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("preflight: check 'pipeline exists' (time limit 1 min)…\n");
    expect(result.stderr).toContain("preflight: before snapshot 'pipelines' (time limit 1 min)…\n");
    expect(result.stderr).toContain("preflight: after snapshot 'pipelines' (time limit 1 min)…\n");
    expect(result.stderr).not.toContain("\r");
  });
});

describe("Ctrl-C between a procedure's steps", () => {
  it("stops it with 130 and a record of the steps done and the command that resumes it", async (t) => {
    const ws = useWorkspace(t);
    writeFileSync(
      ws.path("procedure.yaml"),
      [
        "version: 1",
        "environments:",
        "  staging: { match: { target: [staging] } }",
        "procedures:",
        "  rotate:",
        "    environment: { param: env }",
        "    params:",
        "      - { name: env }",
        "    steps:",
        "      - name: first",
        "        run: [touch, one]",
        "      - name: wait for it",
        "        checks:",
        "          - { name: a slow check, run: [sleep, '20'], timeout: 30 }",
        "        run: [touch, two]",
      ].join("\n"),
    );
    const args = [
      "procedure",
      "run",
      "rotate",
      "--policy",
      "procedure.yaml",
      "--param",
      "env=staging",
    ];

    const result = await onTerminal(ws, args, [
      answer("Go ahead?", "y"),
      ctrlC("check 'a slow check'"),
    ]);

    expect(result.exitCode).toBe(130);
    expect(existsSync(ws.path("one"))).toBe(true);
    expect(existsSync(ws.path("two"))).toBe(false);
    expect(result.output).not.toContain("finishing verification");
    const resume =
      "preflight procedure run rotate --resume --policy procedure.yaml --param env=staging";
    expect(result.output).toContain(`what to do: to go on from there: ${resume}`);
    expect(ws.auditRecords().at(-1)).toMatchObject({
      kind: "procedure",
      outcome: "interrupted",
      exitCode: 130,
      environment: { name: "staging" },
      steps: [{ number: 1, name: "first", status: "verified" }],
      message:
        "preflight was stopped by Ctrl-C (SIGINT) while step 2 'wait for it': running the check 'a slow check'; 1 step was done",
      next: { resume },
    });
  });
});
