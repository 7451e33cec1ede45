/**
 * `preflight check` as a command: exit codes (0, 1 with --fail-on-warn, 67, 64, 65), JSON
 * for machines, the policy found as `run` finds it; and a warning inside a guarded run,
 * which must not stop the command but must be shown and recorded.
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { useWorkspace } from "../helpers/workspace.js";

describe("preflight check run", () => {
  it("judges a command's exit status and output, and always shows the value", async (t) => {
    const ws = useWorkspace(t);
    const pass = await ws.run([
      "check",
      "run",
      "--name",
      "psql says t",
      "--equals",
      "t",
      "--",
      "sh",
      "-c",
      "printf 't\\n'",
    ]);
    expect(pass.exitCode).toBe(0);
    expect(pass.stdout).toContain(`✔ pass  psql says t — stdout is "t"`);
    const fail = await ws.run([
      "check",
      "run",
      "--name",
      "replica caught up",
      "--equals",
      "t",
      "--",
      "sh",
      "-c",
      "echo f",
    ]);
    expect(fail.exitCode).toBe(67);
    expect(fail.stdout).toContain('✘ FAIL  replica caught up — stdout is "f", expected "t"');
    const exit = await ws.run(["check", "run", "--", "sh", "-c", "echo nope >&2; exit 3"]);
    expect(exit.exitCode).toBe(67);
    expect(exit.stdout).toContain("exit 3, expected 0: nope");
    const missing = await ws.run(["check", "run", "--", "no-such-program-xyz"]);
    expect(missing.exitCode).toBe(67);
    expect(missing.stdout).toContain("could not run: 'no-such-program-xyz' was not found on PATH");
  });

  it("prints JSON with the outcome, exit code and each check's measured value", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run([
      "check",
      "run",
      "--json-path",
      "lag",
      "--max",
      "100",
      "--json",
      "--",
      "sh",
      "-c",
      `echo '{"lag": 42}'`,
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toMatchObject({
      version: 1,
      outcome: "pass",
      exitCode: 0,
      checks: [
        {
          kind: "run",
          status: "pass",
          detail: "lag: 42 (maximum 100)",
          value: 42,
          durationMs: expect.any(Number),
        },
      ],
      startedAt: expect.any(String),
    });
  });

  it("never prints a password from the command line", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run([
      "check",
      "run",
      "--",
      "sh",
      "-c",
      'echo "login failed for $1" >&2; exit 1',
      "sh",
      "--password=hunter2-secret",
    ]);
    expect(result.exitCode).toBe(67);
    expect(result.stdout).not.toContain("hunter2-secret");
    expect(result.stdout).toContain("--password=***");
  });
});

describe("preflight check: usage and policies", () => {
  it("refuses a malformed command line with 64 and says why", async (t) => {
    const ws = useWorkspace(t);
    const noCommand = await ws.run(["check", "run"]);
    expect(noCommand.exitCode).toBe(64);
    expect(noCommand.stderr).toContain("no command to check");
    const badRegex = await ws.run(["check", "run", "--matches", "(", "--", "true"]);
    expect(badRegex.exitCode).toBe(64);
    expect(badRegex.stderr).toContain("matches: not a valid regular expression");
    const orphan = await ws.run(["check", "http", "http://127.0.0.1:1/", "--json-equals", "ok"]);
    expect(orphan.exitCode).toBe(64);
    expect(orphan.stderr).toContain("--json-equals needs --json-path");
    const notUrl = await ws.run(["check", "http", "notaurl"]);
    expect(notUrl.exitCode).toBe(64);
    expect(notUrl.stderr).toContain("'notaurl' is not an http(s) URL");
  });

  it("runs a command exactly as typed, braces included", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run([
      "check",
      "run",
      "--equals",
      "a}} {foo}",
      "--",
      "sh",
      "-c",
      'echo "a}} {foo}"',
    ]);
    expect(result.stdout).toContain('stdout is "a}} {foo}"');
    expect(result.exitCode).toBe(0);
  });

  it("refuses an invalid policy with 65, pointing at the line", async (t) => {
    const ws = useWorkspace(t);
    const policy = ws.path("bad.yaml");
    writeFileSync(
      policy,
      "version: 1\nchecks:\n  headroom:\n    run: [psql]\n    expect: { number: { maxx: 1 } }\n",
    );
    const result = await ws.run(["check", "--policy", policy]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toContain(`${policy}:5:25: unknown key 'maxx'`);
  });

  it("says so when the policy has no named checks", async (t) => {
    const ws = useWorkspace(t);
    const policy = ws.path("none.yaml");
    writeFileSync(policy, "version: 1\n");
    const result = await ws.run(["check", "--policy", policy]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("defines no named checks");
  });

  it("finds preflight.yaml as run does, and fills templates from --set", async (t) => {
    const ws = useWorkspace(t);
    writeFileSync(
      ws.path("preflight.yaml"),
      'version: 1\nchecks:\n  greeting:\n    run: [sh, -c, "echo hello {target}"]\n    expect: { stdout: { equals: "hello prod" } }\n',
    );
    const filled = await ws.run(["check", "--set", "target=prod", "greeting"]);
    expect(filled.exitCode).toBe(0);
    const unfilled = await ws.run(["check", "greeting"]);
    expect(unfilled.exitCode).toBe(67);
    expect(unfilled.stdout).toContain(
      "could not run: the check needs {target}, which the command does not give",
    );
  });
});

describe("a check that warns inside a guarded run", () => {
  it("does not stop the command, and is shown and recorded with its value", async (t) => {
    const ws = useWorkspace(t);
    const policy = ws.path("warn.yaml");
    writeFileSync(
      policy,
      [
        "version: 1",
        "environments:",
        "  staging: { match: { target: [staging] } }",
        "rules:",
        "  - id: fly-destroy",
        "    match: { command: fly, args: [destroy-pipeline] }",
        "    environment: { flag: [-t] }",
        "    decision: allow",
        "    checks:",
        "      - name: queue depth",
        '        run: [sh, -c, "echo 0.6 builds queued per worker"]',
        "        expect: { number: { max: 0.8, warn: 0.5 } }",
        "",
      ].join("\n"),
    );
    const result = await ws.run([
      "--policy",
      policy,
      "--report",
      ws.reportFile,
      "--",
      "fly",
      "-t",
      "staging",
      "destroy-pipeline",
      "-p",
      "docs",
    ]);
    expect(result.exitCode).toBe(0);
    expect(ws.flyRan("destroy-pipeline")).toBe(true);
    expect(ws.pipelines()).not.toContain("docs");
    expect(result.stderr).toContain(
      "check        ! warn queue depth — 0.6 is past the warning level of 0.5 (maximum 0.8) — 0.6 builds queued per worker",
    );
    expect(ws.readReport().checks).toEqual([
      {
        name: "queue depth",
        rule: "fly-destroy",
        status: "warn",
        detail: "0.6 is past the warning level of 0.5 (maximum 0.8) — 0.6 builds queued per worker",
        value: 0.6,
      },
    ]);
    expect(ws.auditRecords().at(-1)?.checks[0]).toMatchObject({ status: "warn", value: 0.6 });
  });
});
