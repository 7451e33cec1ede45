/**
 * A rule's `verify` checks in the lifecycle: run after the command, a failure is a violation
 * (exit 70, or 69 when a rollback restores), a warn is recorded and is not; plan runs none.
 */
import { describe, expect, it } from "vitest";
import { compilePolicyTexts } from "../policy/load.js";
import type { RunSpec } from "../policy/types.js";
import { guardedRun } from "./lifecycle.js";
import type { CapturedOutput, RunPorts } from "./ports.js";

/** A policy whose `reload` rule verifies `served-check`'s output against `expectation`. */
const POLICY = (expectation: string, rollback = "") =>
  `
version: 1
environments:
  staging: { match: { target: [staging] } }
rules:
  - id: reload
    match: { command: systemctl, args: [reload] }
    environment: { vars: [SVC_ENV] }
    decision: allow
    verify:
      - name: served
        run: [served-check]
        expect: ${expectation}
${rollback}
tests: []
`;
const SERVES_NEW = "{ stdout: { equals: new } }";

function world(served: () => string) {
  const log: string[] = [];
  const audit: Record<string, unknown>[] = [];
  const ports: RunPorts = {
    runner: {
      capture: async (spec: RunSpec): Promise<CapturedOutput> => {
        const argv = typeof spec === "string" ? [spec] : spec;
        log.push(argv.join(" "));
        if (argv[0] === "served-check") return { exitCode: 0, stdout: served(), stderr: "" };
        return { exitCode: 0, stdout: "", stderr: "" };
      },
      runInherited: async (argv) => {
        log.push(`RAN ${argv.join(" ")}`);
        return { exitCode: 0 };
      },
    },
    prompter: { typeEnvironmentName: async () => undefined, askReason: async () => undefined },
    presenter: { showPlan: async () => {}, progress: () => {}, step: () => () => {} },
    audit: { ensureWritable: () => {}, append: (r) => void audit.push(r) },
    now: () => new Date("2026-11-21T10:00:00Z"),
    // No program is found on disk: every command is judged by the name typed.
    files: { executable: () => undefined },
  };
  return { ports, log, audit };
}

async function reload(
  policyText: string,
  w: ReturnType<typeof world>,
  mode: "run" | "plan" = "run",
) {
  const policy = await compilePolicyTexts([{ file: "p.yaml", text: policyText }]);
  return guardedRun(
    {
      mode,
      argv: ["systemctl", "reload", "vault"],
      policy,
      options: {},
      context: {
        cwd: "/",
        env: { SVC_ENV: "staging" },
        user: "u",
        host: "h",
        interactive: false,
        ci: true,
      },
    },
    w.ports,
  );
}

describe("verify checks", () => {
  it("run after the command and pass: ok, recorded with phase after", async () => {
    const w = world(() => "new");
    const result = await reload(POLICY(SERVES_NEW), w);
    expect(result).toMatchObject({ outcome: "ok", exitCode: 0 });
    expect(w.log).toEqual(["RAN systemctl reload vault", "served-check"]);
    expect(result.checks).toEqual([
      {
        name: "served",
        rule: "reload",
        phase: "after",
        status: "pass",
        detail: 'stdout is "new"',
        value: "new",
      },
    ]);
    expect(result.expected).toEqual([{ rule: "reload", text: "check 'served' passes afterwards" }]);
  });

  it("make a failure a violation: exit 70, nothing rolled back", async () => {
    const w = world(() => "old");
    const result = await reload(POLICY(SERVES_NEW), w);
    expect(result).toMatchObject({
      outcome: "verification-failed",
      exitCode: 70,
      commandExitCode: 0,
    });
    expect(result.violations).toEqual([
      {
        expectation: "verify",
        message: `check 'served' failed after the command: stdout is "old", expected "new"`,
        entries: [],
        rule: "reload",
      },
    ]);
    expect(w.audit.at(-1)).toMatchObject({ outcome: "verification-failed" });
  });

  it("lead to the rule's rollback when one is defined", async () => {
    const w = world(() => "old");
    const result = await reload(
      POLICY(SERVES_NEW, "    rollback: { run: [restore-previous-certificate] }"),
      w,
    );
    expect(w.log).toContain("restore-previous-certificate");
    expect(result.rollback.attempted).toBe(true);
  });

  it("record a warn without making it a violation", async () => {
    const w = world(() => "7");
    const result = await reload(POLICY("{ number: { max: 10, warn: 5 } }"), w);
    expect(result.outcome).toBe("ok");
    expect(result.checks[0]).toMatchObject({ status: "warn", value: 7, phase: "after" });
    expect(result.violations).toEqual([]);
  });

  it("are not run by plan, which runs nothing", async () => {
    const w = world(() => "new");
    const result = await reload(POLICY(SERVES_NEW), w, "plan");
    expect(result.outcome).toBe("ok");
    expect(w.log).toEqual([]);
  });
});
