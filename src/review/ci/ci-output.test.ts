/**
 * Golden files for the outputs CI systems read: the Markdown a pull-request comment or step
 * summary holds, and GitHub's workflow commands. The inputs are copies of the bundled
 * concourse example, edited as a reviewer would meet them. PREFLIGHT_UPDATE_GOLDEN=1
 * rewrites the files (then read the diff before committing it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliContext } from "../../../test/helpers/cli-context.js";
import { policyDiff } from "../../cli/policy-diff.js";
import { policyLint } from "../../cli/policy-lint.js";
import { policyTest } from "../../cli/policy-test.js";

const ROOT = join(import.meta.dirname, "..", "..", "..");
const GOLDEN = join(ROOT, "test", "fixtures", "golden");
const CONCOURSE = readFileSync(join(ROOT, "policies", "examples", "concourse.yaml"), "utf8");
const DESTROY = CONCOURSE.indexOf("id: concourse-destroy-pipeline");

/** The PaaS guard loosened (production: deny → confirm) and a check edited. */
const LOOSENED = (() => {
  const at = CONCOURSE.indexOf("production: deny", DESTROY);
  const text = `${CONCOURSE.slice(0, at)}production: confirm${CONCOURSE.slice(at + "production: deny".length)}`;
  return text.replace("get-pipeline, -p", "get-pipeline, --team, main, -p");
})();

/** A finding lint reports (a suppression removed) and a test case that no longer holds. */
const LINTED = CONCOURSE.replace(/lint:\n {2}ignore:\n(?: {4}.*\n)+/, "").replace(
  "expect: { decision: confirm, environment: dev }",
  "expect: { decision: deny, environment: dev }",
);

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.PREFLIGHT_UPDATE_GOLDEN === "1") writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, "utf8"));
}

let dir: string;
let summary: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-ci-"));
  summary = join(dir, "step-summary.md");
  writeFileSync(join(dir, "old.yaml"), CONCOURSE);
  writeFileSync(join(dir, "new.yaml"), LOOSENED);
  writeFileSync(join(dir, "linted.yaml"), LINTED);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const github = () => ({ GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary });

describe("policy diff for pull requests", () => {
  it("--format markdown: a table, weakenings first, both sides linked", async () => {
    const { ctx, out } = fakeCliContext(dir);
    const code = await policyDiff({ old: "old.yaml", new: "new.yaml", format: "markdown" }, ctx);
    expect(code).toBe(1);
    golden("diff.md", out.stdout);
  });

  it("GITHUB_ACTIONS=true: an error annotation per weakening, and the Markdown in the step summary", async () => {
    const { ctx, out } = fakeCliContext(dir, github());
    const code = await policyDiff({ old: "old.yaml", new: "new.yaml", format: "text" }, ctx);
    expect(code).toBe(1);
    golden("diff.github.txt", out.stderr);
    expect(readFileSync(summary, "utf8")).toBe(readFileSync(join(GOLDEN, "diff.md"), "utf8"));
  });
});

describe("policy lint and policy test for pull requests", () => {
  it("lint --format markdown and its annotations", async () => {
    const { ctx, out } = fakeCliContext(dir, github());
    const code = await policyLint(
      {
        paths: ["linted.yaml"],
        strict: true,
        format: "markdown",
        list: false,
        showSuppressed: false,
        version: "0.0.0",
      },
      ctx,
    );
    expect(code).toBe(1);
    golden("lint.md", out.stdout);
    golden("lint.github.txt", out.stderr);
  });

  it("lint --format gitlab is a Code Quality report", async () => {
    const { ctx, out } = fakeCliContext(dir);
    await policyLint(
      {
        paths: ["linted.yaml"],
        strict: false,
        format: "gitlab",
        list: false,
        showSuppressed: false,
        version: "0.0.0",
      },
      ctx,
    );
    const issues = JSON.parse(out.stdout);
    expect(issues).toEqual([
      expect.objectContaining({
        check_name: "PF106 unknown-environment-weaker",
        severity: "minor",
        location: { path: "linted.yaml", lines: { begin: expect.any(Number) } },
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    golden("lint.gitlab.json", out.stdout);
  });

  it("test --format markdown and an error annotation per failing case", async () => {
    const { ctx, out } = fakeCliContext(dir, github());
    const code = await policyTest(
      { paths: ["linted.yaml"], coverage: true, minCoverage: "100", format: "markdown" },
      ctx,
    );
    expect(code).toBe(1);
    golden("test.md", out.stdout);
    golden("test.github.txt", out.stderr);
    expect(readFileSync(summary, "utf8")).toBe(out.stdout);
  });
});
