/**
 * `policy diff` on copies of the bundled example policies, each edited the way a reviewer
 * might miss, WITHOUT touching their test cases: the structural diff must name the change,
 * its class and both lines, and exit 1 for anything weaker or unclassed, 0 otherwise.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliContext } from "../../test/helpers/cli-context.js";
import { policyDiff } from "./policy-diff.js";

const EXAMPLES = join(import.meta.dirname, "..", "..", "policies", "examples");
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-diff-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Text of the policy's rules and settings before its `tests:`, which no edit below touches. */
function example(name: string): string {
  return readFileSync(join(EXAMPLES, name), "utf8");
}

/** Replaces exactly one occurrence (after `after`, when given), so the edit is the one meant. */
function edit(text: string, from: string, to: string, after = ""): string {
  const start = after ? text.indexOf(after) : 0;
  expect(start, `anchor ${after}`).toBeGreaterThanOrEqual(0);
  const at = text.indexOf(from, start);
  expect(at, `text ${from}`).toBeGreaterThanOrEqual(0);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** The `tests:` block, up to the next top-level key. */
function testsOf(text: string): string {
  const start = text.indexOf("\ntests:");
  const next = text.slice(start + 1).search(/\n[a-z]/);
  return next === -1 ? text.slice(start) : text.slice(start, start + 1 + next);
}

async function diff(oldText: string, newText: string, format = "text", env = {}) {
  writeFileSync(join(dir, "old.yaml"), oldText);
  writeFileSync(join(dir, "new.yaml"), newText);
  if (oldText.includes("\ntests:")) expect(testsOf(newText)).toBe(testsOf(oldText));
  const { ctx, out } = fakeCliContext(dir, env);
  const code = await policyDiff({ old: "old.yaml", new: "new.yaml", format }, ctx);
  return { code, ...out };
}

const CONCOURSE = example("concourse.yaml");
const DESTROY = "id: concourse-destroy-pipeline";
const lineOf = (text: string, needle: string, after = "") =>
  text.slice(0, text.indexOf(needle, after ? text.indexOf(after) : 0)).split("\n").length;

describe("policy diff: weakenings a sampled test would miss (exit 1)", () => {
  it("production: deny → confirm on concourse-destroy-pipeline, naming the rule, production and both lines", async () => {
    const changed = edit(CONCOURSE, "production: deny", "production: confirm", DESTROY);
    const result = await diff(CONCOURSE, changed);
    expect(result.code).toBe(1);
    const line = lineOf(CONCOURSE, "production: deny", DESTROY);
    expect(result.stdout).toContain(
      `  ✘ weakening: rule concourse-destroy-pipeline: production: deny → confirm\n      at old.yaml:${line} → new.yaml:${line}`,
    );
    expect(result.stdout).not.toContain("no differences");
  });

  const weakenings: [string, (t: string) => string, string][] = [
    [
      'a new "*": allow',
      (t) => edit(t, '"*": confirm', '"*": allow', DESTROY),
      'dev: confirm (from "*") → allow (from "*")',
    ],
    [
      "an entry removed so that the fallback applies",
      (t) => edit(t, "staging: deny, ", "", DESTROY),
      'staging: deny → confirm (from "*")',
    ],
    [
      "a removed alias in {a,b}",
      (t) => edit(t, '"{destroy-pipeline,dp}"', "destroy-pipeline", DESTROY),
      "matches fewer commands: fly {destroy-pipeline,dp} → fly destroy-pipeline; e.g. `fly dp` was matched and no longer is",
    ],
    [
      "an added required argument",
      (t) =>
        edit(
          t,
          'args: ["{destroy-pipeline,dp}"]',
          'args: ["{destroy-pipeline,dp}", --team]',
          DESTROY,
        ),
      "matches fewer commands",
    ],
    [
      "a flag the environment is read from",
      (t) =>
        edit(
          t,
          "environment: { target: fly, flag: [-t, --target] }",
          "environment: { target: fly, flag: [-t] }",
          DESTROY,
        ),
      "no longer reads the environment from flag --target",
    ],
    [
      "a target removed from a protected environment",
      (t) => edit(t, '"prod-*", ', ""),
      "environment production: match.target no longer lists prod-*",
    ],
    [
      "a variable added to a protected environment's match.vars (it must all hold)",
      (t) =>
        edit(t, 'vars: { DEPLOY_ENV: "prod*" }', 'vars: { DEPLOY_ENV: "prod*", REGION: "eu" }'),
      "environment production: match.vars REGION: (absent) → eu",
    ],
    [
      "a check",
      (t) =>
        edit(
          t,
          '    checks:\n      - name: pipeline exists\n        run: [fly, -t, "{target}", get-pipeline, -p, "{resource}"]\n',
          "",
          DESTROY,
        ),
      "check 'pipeline exists' removed",
    ],
    [
      "a state probe and the expectations on it",
      (t) =>
        edit(
          t,
          '    state:\n      - name: pipelines\n        run: [fly, -t, "{target}", pipelines, --json]\n        format: json\n        key: [name]\n    expect:\n      removed: { max: 1, only: { name: "{resource}" } }\n      added: none\n      changed: none\n',
          "",
          DESTROY,
        ),
      "state probe 'pipelines' removed",
    ],
    [
      "a looser expectation",
      (t) => edit(t, "removed: { max: 1,", "removed: { max: 3,", DESTROY),
      "expect.removed: max 1 → 3",
    ],
    [
      "require-reason",
      (t) => edit(t, "    require-reason: true\n", "", DESTROY),
      "require-reason true → false",
    ],
  ];
  for (const [what, change, named] of weakenings) {
    it(`${what}`, async () => {
      const result = await diff(CONCOURSE, change(CONCOURSE));
      expect(result.stdout).toContain(named);
      expect(result.stdout).toMatch(/✘ weakening: /);
      expect(result.code).toBe(1);
    });
  }

  it("rollback: auto removed (aws-security-groups)", async () => {
    const sg = example("aws-security-groups.yaml");
    const result = await diff(sg, edit(sg, "    rollback: auto\n", "", "id: sg-revoke"));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("weakening: rule sg-revoke: rollback: auto|prompt removed");
  });

  it("unknown-environment deny → protected and a procedure's require-reason (postgres-switchover)", async () => {
    const pg = example("postgres-switchover.yaml");
    const changed = edit(
      edit(pg, "unknown-environment: deny", "unknown-environment: protected"),
      "    require-reason: true\n",
      "",
      "pg-switchover:",
    );
    const result = await diff(pg, changed);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("weakening: policy: unknown-environment deny → protected");
    expect(result.stdout).toContain(
      "weakening: procedure pg-switchover: require-reason true → false",
    );
  });

  it("a check removed from a procedure's step (postgres-switchover)", async () => {
    const pg = example("postgres-switchover.yaml");
    const from = pg.indexOf("          - name: no session on the standby is idle in a transaction");
    const to = pg.indexOf("          - name:", from + 10);
    const stepEnd = pg.indexOf("\n      - name:", from);
    const cut = to !== -1 && to < stepEnd ? to : stepEnd + 1;
    const result = await diff(pg, pg.slice(0, from) + pg.slice(cut));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "weakening: procedure pg-switchover: step 'the standby is ready to take over': check 'no session on the standby is idle in a transaction' removed",
    );
  });
});

describe("policy diff: tightenings and neutral edits (exit 0, and says so)", () => {
  it("a stricter decision is a tightening", async () => {
    const result = await diff(CONCOURSE, edit(CONCOURSE, '"*": confirm', '"*": deny', DESTROY));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '✔ tightening: rule concourse-destroy-pipeline: dev: confirm (from "*") → deny (from "*")',
    );
    expect(result.stdout).toContain("no command is less guarded");
  });

  it("a description, a comment and reordered rules are neutral", async () => {
    const moved = CONCOURSE.indexOf("  - id: bosh-recreate");
    const end = CONCOURSE.indexOf("\ntests:");
    const reordered = edit(
      CONCOURSE.slice(0, moved) +
        CONCOURSE.slice(moved, end).replace(/\n*$/, "\n\n") +
        CONCOURSE.slice(end),
      "  - id: concourse-destroy-pipeline",
      `${CONCOURSE.slice(moved, end).trimEnd()}\n\n  - id: concourse-destroy-pipeline`,
    );
    const withoutDuplicate =
      reordered.slice(0, reordered.lastIndexOf("  - id: bosh-recreate")) +
      CONCOURSE.slice(end + 1).replace(/^/, "\n");
    const changed = edit(
      edit(withoutDuplicate, "# The GOV.UK PaaS lessons", "# The GOV.UK PaaS lessons, still"),
      "description: Destroying a pipeline deletes it and its whole build history.",
      "description: Destroying a pipeline deletes it and all of its build history.",
    );
    const result = await diff(CONCOURSE, changed);
    expect(result.stdout).toContain(
      "• neutral: rule concourse-destroy-pipeline: description edited",
    );
    expect(result.stdout).toContain("• neutral: rules: rules reordered");
    expect(result.stdout).toContain(
      "0 weakenings, 0 changes needing a human, 0 tightenings, 2 neutral changes: no command is less guarded",
    );
    expect(result.code).toBe(0);
  });

  it("a comment alone: no differences in meaning", async () => {
    const result = await diff(CONCOURSE, edit(CONCOURSE, "# The GOV.UK", "# Still the GOV.UK"));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "structural changes: none (the two compiled policies mean the same)",
    );
  });
});

describe("policy diff: what cannot be classed, or compared", () => {
  it("an edited check needs a human, and exits 1", async () => {
    const result = await diff(
      CONCOURSE,
      edit(CONCOURSE, "get-pipeline, -p", "get-pipeline, --team, main, -p", DESTROY),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      "? needs a human: rule concourse-destroy-pipeline: check 'pipeline exists' edited",
    );
  });

  it("a valid and an invalid version: says which side and why, exit 65, never 'no differences'", async () => {
    const broken = edit(CONCOURSE, "production: deny", "production: maybe", DESTROY);
    const result = await diff(CONCOURSE, broken);
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/new\.yaml:\d+:\d+: .*maybe/);
    expect(result.stderr).toContain("the new version (new.yaml) is invalid");
    expect(result.stdout).toBe("");
  });

  it("--format with an unknown value is a usage error naming the valid ones", async () => {
    await expect(diff(CONCOURSE, CONCOURSE, "html")).rejects.toThrow("use text, json, markdown");
  });
});
