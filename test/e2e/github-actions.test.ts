/**
 * preflight in GitHub Actions (GITHUB_ACTIONS=true), as a workflow runs it: the composite
 * action's review script against a pull request's base in a real git repository, and a
 * guarded run whose refusal becomes an annotation and a step summary. The step summary is a
 * temporary file, as the runner's is.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { destroyPipeline, guard } from "../helpers/commands.js";
import { REPO_ROOT } from "../helpers/exec.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const CONCOURSE = readFileSync(join(REPO_ROOT, "policies", "examples", "concourse.yaml"), "utf8")
  // The copy lives at the repository's top, not two folders down.
  .replace("$schema=../../schema/policy.schema.json", "$schema=./policy.schema.json");
const DESTROY = CONCOURSE.indexOf("id: concourse-destroy-pipeline");
const DENY_AT = CONCOURSE.indexOf("production: deny", DESTROY);
const LOOSENED = `${CONCOURSE.slice(0, DENY_AT)}production: confirm${CONCOURSE.slice(DENY_AT + "production: deny".length)}`;
const DENY_LINE = CONCOURSE.slice(0, DENY_AT).split("\n").length;

function git(ws: Workspace, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=Reviewer", "-c", "user.email=r@example.com", ...args], {
    cwd: ws.root,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ws.home, GIT_CONFIG_NOSYSTEM: "1" },
  });
}

/** Runs the action's script the way action.yml's step does, in the workspace's repository. */
function runAction(ws: Workspace, summary: string, base = "HEAD") {
  const result = spawnSync("bash", [join(REPO_ROOT, "scripts", "github-action.sh")], {
    cwd: ws.root,
    encoding: "utf8",
    env: {
      ...ws.env,
      HOME: ws.home,
      GIT_CONFIG_NOSYSTEM: "1",
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
      PREFLIGHT: `${process.execPath} ${join(REPO_ROOT, "bin", "preflight.js")}`,
      PREFLIGHT_BASE: base,
    },
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the composite action's review script", () => {
  it("fails a pull request that loosens production: deny, with annotations on the line and a summary", async (t) => {
    const ws = useWorkspace(t);
    git(ws, "init", "-q");
    writeFileSync(ws.path("preflight.yaml"), CONCOURSE);
    git(ws, "add", "preflight.yaml");
    git(ws, "commit", "-q", "-m", "policy");

    const clean = runAction(ws, ws.path("clean-summary.md"));
    expect(clean.output).toContain(
      "::group::preflight policy diff git:HEAD:preflight.yaml preflight.yaml",
    );
    expect(clean.code, clean.output).toBe(0);
    expect(readFileSync(ws.path("clean-summary.md"), "utf8")).toContain(
      "no differences in meaning",
    );

    writeFileSync(ws.path("preflight.yaml"), LOOSENED);
    const summary = ws.path("summary.md");
    const result = runAction(ws, summary);
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `::error file=preflight.yaml,line=${DENY_LINE},col=17,title=policy weakening%3A rule concourse-destroy-pipeline::rule concourse-destroy-pipeline: production: deny → confirm (was at git:HEAD:preflight.yaml:${DENY_LINE})`,
    );
    // The test case written for production fails too: coverage made sure one exists.
    expect(result.output).toMatch(
      /::error file=preflight\.yaml,line=\d+,col=5,title=policy test failed%3A destroying a production pipeline is denied::decision: expected deny, got confirm/,
    );
    expect(result.output).toContain(
      "preflight policy diff git:HEAD:preflight.yaml preflight.yaml: exit 1",
    );
    const text = readFileSync(summary, "utf8");
    expect(text).toContain("### policy lint: ✔ clean");
    expect(text).toContain("### policy test: **✘ failed** (1 of 1)");
    expect(text).toContain(
      `| ✘ weakening | rule concourse-destroy-pipeline | production: deny → confirm | [preflight.yaml:${DENY_LINE}](preflight.yaml#L${DENY_LINE}) | [preflight.yaml:${DENY_LINE}](preflight.yaml#L${DENY_LINE}) |`,
    );
  });

  it("says so, and skips the diff, for a policy the base does not have", async (t) => {
    const ws = useWorkspace(t);
    git(ws, "init", "-q");
    writeFileSync(ws.path("README"), "x\n");
    git(ws, "add", "README");
    git(ws, "commit", "-q", "-m", "start");
    writeFileSync(ws.path("preflight.yaml"), CONCOURSE);
    const result = runAction(ws, ws.path("summary.md"));
    expect(result.output).toContain("preflight.yaml is new in this change");
    expect(result.code, result.output).toBe(0);
  });
});

describe("a guarded run in GitHub Actions", () => {
  it("turns a refusal into an ::error:: with the reason and the fix, and writes the step summary", async (t) => {
    const ws = useWorkspace(t);
    const summary = ws.path("summary.md");
    const env = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary };
    const result = await ws.run(guard({ policy: "concourse.yaml" }, destroyPipeline("prod")), {
      env,
    });
    expect(result.exitCode).toBe(66);
    expect(ws.flyRan("destroy-pipeline")).toBe(false);
    expect(result.stderr).toMatch(
      /^::error title=preflight run%3A blocked \(exit 66\)::rule 'concourse-destroy-pipeline' denies this in production .*%0Afix: /m,
    );
    const text = readFileSync(summary, "utf8");
    expect(text).toContain("### preflight run: ✘ blocked (exit 66)");
    expect(text).toContain(
      "| `fly -t prod destroy-pipeline -p main` | production (protected) | concourse-destroy-pipeline | deny | 0 added, 0 removed, 0 changed |",
    );

    const ok = await ws.run(
      guard({ policy: "concourse.yaml", confirm: "staging" }, destroyPipeline("staging")),
      { env },
    );
    expect(ok.exitCode).toBe(0);
    expect(ok.stderr).not.toContain("::error");
    expect(readFileSync(summary, "utf8")).toContain("### preflight run: ✔ ok (exit 0)");
    expect(readFileSync(summary, "utf8")).toContain("0 added, 1 removed, 0 changed");
  });

  it("adds nothing for a command no rule matches", async (t) => {
    const ws = useWorkspace(t);
    const summary = ws.path("summary.md");
    const result = await ws.run(guard({ policy: "concourse.yaml" }, ["true"]), {
      env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: summary },
    });
    expect(result).toMatchObject({ exitCode: 0, stderr: "" });
    expect(existsSync(summary)).toBe(false);
  });
});
