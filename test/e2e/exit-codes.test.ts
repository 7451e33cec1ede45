/**
 * Every exit code of DESIGN.md's contract table, each produced by a real scenario, with the
 * side effect that must go with it (did the command run? is the pipeline still there?) and the
 * report's outcome.
 */
import { copyFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import type { ExecResult } from "../helpers/exec.js";
import {
  expectFlyNeverRan,
  expectNothingDestroyed,
  fixture,
  useWorkspace,
  type Workspace,
} from "../helpers/workspace.js";

interface Scenario {
  code: number;
  outcome: string;
  scenario: string;
  args: string[];
  env?: Record<string, string>;
  setup?: (ws: Workspace) => void;
  /** false where preflight cannot produce a report (a command line it could not read). */
  report?: boolean;
  /** What must be true of the world afterwards. */
  afterwards: (ws: Workspace, result: ExecResult) => void;
}

const POLICY = "concourse.yaml";

/** `--report FILE` goes after the verb, when there is one. */
function withReport(args: string[], file: string): string[] {
  const verb = args[0] === "run" || args[0] === "plan" ? [args[0]] : [];
  return [...verb, "--report", file, ...args.slice(verb.length)];
}

const SCENARIOS: Scenario[] = [
  {
    code: 0,
    outcome: "ok",
    scenario: "a confirmed staging destroy that removed exactly what it should",
    args: guard({ policy: POLICY, confirm: "staging" }, destroyPipeline("staging")),
    afterwards: (ws) => expect(ws.pipelines()).toEqual(["docs", "ops"]),
  },
  {
    code: 0,
    outcome: "no-rule",
    scenario: "a command no rule matches, run as is",
    args: guard({ policy: POLICY }, ["sh", "-c", "echo hello from the command"]),
    afterwards: (ws, result) => {
      expect(result.stdout).toBe("hello from the command\n");
      // preflight has nothing to say about a command no rule matched.
      expect(result.stderr).toBe("");
      expect(ws.auditRecords().at(-1)).toMatchObject({ outcome: "no-rule", commandExitCode: 0 });
    },
  },
  {
    code: 64,
    outcome: "usage-error",
    scenario: "`preflight run fly …` without --",
    args: ["run", "--policy", fixture(POLICY), ...destroyPipeline("staging")],
    report: false,
    afterwards: (ws, result) => {
      expect(result.stderr).toContain("put -- between preflight's options and the command");
      expectFlyNeverRan(ws);
    },
  },
  {
    code: 65,
    outcome: "policy-invalid",
    scenario: "a policy with an unknown key (a typo): fail closed",
    args: guard(
      { policy: "invalid-unknown-key.yaml", confirm: "staging" },
      destroyPipeline("staging"),
    ),
    afterwards: (ws, result) => {
      expect(result.stderr).toContain("enviroment");
      expectFlyNeverRan(ws);
    },
  },
  {
    code: 66,
    outcome: "blocked",
    scenario: "the policy denies destroying a production pipeline",
    args: guard({ policy: POLICY, confirm: "production" }, destroyPipeline("prod")),
    afterwards: expectFlyNeverRan,
  },
  {
    code: 67,
    outcome: "check-failed",
    scenario: "destroying a pipeline that does not exist: the `pipeline exists` check fails",
    args: guard({ policy: POLICY, confirm: "staging" }, destroyPipeline("staging", "ghost")),
    afterwards: (ws, result) => {
      expect(result.stderr).toContain("pipeline exists");
      expect(ws.flyRan("get-pipeline")).toBe(true);
      expectNothingDestroyed(ws);
    },
  },
  {
    code: 68,
    outcome: "confirmation-required",
    scenario: "a staging destroy without --confirm, in CI",
    args: guard({ policy: POLICY }, destroyPipeline("staging")),
    afterwards: expectNothingDestroyed,
  },
  {
    code: 69,
    outcome: "verification-failed-restored",
    scenario: "a buggy fly removed an extra pipeline; the rule's rollback restored them",
    args: guard(
      { policy: "concourse-rollback.yaml", confirm: "staging" },
      destroyPipeline("staging"),
    ),
    env: { FAKE_FLY_BUGGY: "1" },
    setup: (ws) => copyFileSync(ws.pipelinesFile, `${ws.pipelinesFile}.bak`),
    afterwards: (ws) => {
      expect(ws.flyRan("destroy-pipeline")).toBe(true);
      expect(ws.pipelines()).toEqual(["main", "docs", "ops"]);
    },
  },
  {
    code: 70,
    outcome: "verification-failed",
    scenario: "a buggy fly removed an extra pipeline and nothing could restore it",
    args: guard({ policy: POLICY, confirm: "staging" }, destroyPipeline("staging")),
    env: { FAKE_FLY_BUGGY: "1" },
    afterwards: (ws) => expect(ws.pipelines()).toEqual(["ops"]),
  },
  {
    code: 71,
    outcome: "internal-error",
    scenario: "the before-snapshot probe runs a program that does not exist",
    args: guard({ policy: "missing-probe.yaml", confirm: "staging" }, destroyPipeline("staging")),
    afterwards: (ws, result) => {
      expect(result.stderr).toContain("no-such-concourse-cli-xyz");
      expectNothingDestroyed(ws);
    },
  },
  {
    code: 127,
    outcome: "command-failed",
    scenario: "the wrapped program does not exist (passed through)",
    args: guard({ policy: POLICY }, ["no-such-program-xyz"]),
    afterwards: (ws) => expect(ws.auditRecords().at(-1)).toMatchObject({ commandExitCode: 127 }),
  },
  {
    code: 3,
    outcome: "command-failed",
    scenario: "the wrapped command's own `exit 3` (passed through)",
    args: guard({ policy: POLICY }, ["sh", "-c", "exit 3"]),
    afterwards: (ws) => expect(ws.auditRecords().at(-1)).toMatchObject({ commandExitCode: 3 }),
  },
  {
    code: 66,
    outcome: "command-failed",
    scenario: "a wrapped command that itself exits 66: the report tells it from a refusal",
    args: guard({ policy: POLICY }, ["sh", "-c", "exit 66"]),
    afterwards: (ws) =>
      expect(ws.auditRecords().at(-1)).toMatchObject({
        outcome: "command-failed",
        commandExitCode: 66,
      }),
  },
];

describe.concurrent("the exit codes of the contract", () => {
  for (const s of SCENARIOS) {
    it(`${s.code} (${s.outcome}): ${s.scenario}`, async (t) => {
      const ws = useWorkspace(t);
      s.setup?.(ws);

      const result = await ws.run(withReport(s.args, ws.reportFile), { env: s.env ?? {} });

      expect(result.exitCode).toBe(s.code);
      if (s.report !== false) {
        expect(ws.readReport()).toMatchObject({ outcome: s.outcome, exitCode: s.code });
      }
      s.afterwards(ws, result);
    });
  }

  it("covers every code of the contract table", () => {
    const codes = new Set(SCENARIOS.map((s) => s.code));
    for (const code of [0, 64, 65, 66, 67, 68, 69, 70, 71]) expect(codes).toContain(code);
    expect(SCENARIOS.some((s) => s.outcome === "command-failed" && s.code === 127)).toBe(true);
  });
});
