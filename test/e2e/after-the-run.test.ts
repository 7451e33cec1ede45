/**
 * What the operator reads after the command ran: each changed entry with its fields
 * before → after, each entry marked allowed or with the expectation it violates, and a hint
 * that points only at files that exist (the report when --report wrote one, else the audit log).
 */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = `version: 1
rules:
  - id: pause-app
    match: { command: pausectl }
    decision: allow
    state:
      - { name: pipelines, run: [cat, state.json], format: json, key: [name] }
    expect:
      changed: { only: { name: app } }
      removed: none
`;

const before = [
  { name: "app", paused: false, team: "web" },
  { name: "db", paused: false, team: "data" },
  { name: "old", paused: true, team: "web" },
];

/** pausectl pauses app (allowed), and also db (not allowed), and deletes old (not allowed). */
function setUp(ws: Workspace): void {
  writeFileSync(ws.path("policy.yaml"), POLICY);
  writeFileSync(ws.path("state.json"), JSON.stringify(before));
  const after = [
    { name: "app", paused: true, team: "web" },
    { name: "db", paused: true, team: "ops" },
  ];
  ws.installScript(
    "pausectl",
    `#!/bin/sh\ncat > state.json <<'JSON'\n${JSON.stringify(after)}\nJSON\n`,
  );
}

describe("the change after the run", () => {
  it("shows before → after for changed fields and marks each entry allowed or violating", async (t) => {
    const ws = useWorkspace(t);
    setUp(ws);

    const result = await ws.run([
      "--policy",
      "policy.yaml",
      "--confirm",
      "unknown",
      "--",
      "pausectl",
      "app",
    ]);

    expect(result.exitCode).toBe(70);
    const lines = result.stderr.split("\n");
    const at = (text: string) => lines.findIndex((l) => l.includes(text));
    expect(lines[at('~ ✔ allowed pipelines: {"name":"app"}') + 1]).toBe(
      "        paused: false → true",
    );
    const db = at('~ ✘ violates changed.only pipelines: {"name":"db"}');
    expect(lines.slice(db + 1, db + 3)).toEqual([
      "        paused: false → true",
      '        team: "data" → "ops"',
    ]);
    expect(result.stderr).toMatch(/- ✘ violates removed\.none pipelines: \{"name":"old"/);
  });

  it("without --report, points at the audit log, not at a report that was never written", async (t) => {
    const ws = useWorkspace(t);
    setUp(ws);

    const result = await ws.run([
      "--policy",
      "policy.yaml",
      "--confirm",
      "unknown",
      "--",
      "pausectl",
      "app",
    ]);

    expect(result.stderr).toContain(
      "what to do: restore the entries marked ✘ above by hand; the audit record (preflight audit list, then audit show SEQ) lists exactly what changed",
    );
    expect(result.stderr).not.toMatch(/\breport\b/);
    expect(ws.auditRecords().at(-1)).toMatchObject({ outcome: "verification-failed" });
  });

  it("with --report, names the report it wrote", async (t) => {
    const ws = useWorkspace(t);
    setUp(ws);

    const result = await ws.run([
      "--policy",
      "policy.yaml",
      "--confirm",
      "unknown",
      "--report",
      "out.json",
      "--",
      "pausectl",
      "app",
    ]);

    expect(result.stderr).toContain(
      "restore the entries marked ✘ above by hand; out.json and the audit log list exactly what changed",
    );
    expect(ws.readReport(ws.path("out.json")).outcome).toBe("verification-failed");
  });
});

describe("a removal beyond max", () => {
  it("marks the entry the command was asked to remove allowed, and the extra one violating", async (t) => {
    const ws = useWorkspace(t);

    const result = await ws.run(
      guard({ policy: "concourse.yaml", confirm: "staging" }, destroyPipeline("staging")),
      { env: { FAKE_FLY_BUGGY: "1" } },
    );

    expect(result.exitCode).toBe(70);
    expect(result.stderr).toMatch(/- ✔ allowed pipelines: \{"name":"main"/);
    expect(result.stderr).toMatch(/- ✘ violates removed\.only pipelines: \{"name":"docs"/);
  });
});
