/**
 * The command-line conventions an operator brings from other tools, through the real CLI:
 * bare `preflight` shows the help, a mistyped verb is suggested and never run, `--dry-run` is
 * `plan`, JSON where a script wants it, `audit show`, shell completion, and the user's own
 * policy in ~/.config/preflight/ (which a repository's policy still overrides).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { destroyPipeline } from "../helpers/commands.js";
import { DEFAULT_PIPELINES, useWorkspace } from "../helpers/workspace.js";

const DENY_DROPDB = `version: 1
rules:
  - id: no-dropdb
    description: Dropping a database loses it.
    match: { command: dropdb }
    decision: deny
`;
/** A repository's policy that guards something else: dropdb matches no rule here. */
const REPOSITORY_POLICY = `version: 1
rules:
  - id: no-kubectl-delete
    match: { command: kubectl, args: [delete] }
    decision: deny
`;

describe.concurrent("the command line's conventions", () => {
  it("bare preflight prints the help on stderr and exits 64; --help prints it on stdout and exits 0", async (t) => {
    const ws = useWorkspace(t);
    const bare = await ws.run([]);
    expect(bare.exitCode).toBe(64);
    expect(bare.stdout).toBe("");
    expect(bare.stderr).toContain("Usage: preflight");
    expect(bare.stderr).toContain("policy");
    expect(bare.stderr).toMatch(/no command given \(exit 64\)\n$/);

    const help = await ws.run(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("Usage: preflight");
  });

  it("suggests the verb for a typo and runs nothing, with or without --", async (t) => {
    const ws = useWorkspace(t);
    const policy = await ws.run(["polcy", "validate"]);
    expect(policy.exitCode).toBe(64);
    expect(policy.stderr).toContain(
      "unknown command 'polcy': did you mean 'policy' (preflight policy validate)?",
    );

    const plan = await ws.run(["plna", "--", ...destroyPipeline("prod")]);
    expect(plan.exitCode).toBe(64);
    expect(plan.stderr).toContain(
      "'plna' is neither a preflight command nor an option; did you mean 'plan'?",
    );
    expect(ws.flyCalls()).toEqual([]);
  });

  it("a program on PATH with a verb-like name is told to go after --, not taken for a verb", async (t) => {
    const ws = useWorkspace(t);
    ws.installScript("plna", `#!/bin/sh\ntouch "${ws.path("plna-ran")}"\n`);
    const result = await ws.run(["plna", "x"]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("put -- between preflight's options and the command");
    expect(() => readFileSync(ws.path("plna-ran"))).toThrow();
  });

  it("--dry-run is plan: the same verdict, and fly's destroy never runs", async (t) => {
    const ws = useWorkspace(t);
    const dry = await ws.run(["--dry-run", "--json", "--", ...destroyPipeline("staging")]);
    const plan = await ws.run(["plan", "--json", "--", ...destroyPipeline("staging")]);
    expect(dry.exitCode).toBe(plan.exitCode);
    const report = JSON.parse(dry.stdout);
    expect(report).toMatchObject({
      outcome: JSON.parse(plan.stdout).outcome,
      decision: "confirm",
      rules: ["concourse-destroy-pipeline"],
    });
    expect(ws.flyRan("destroy-pipeline")).toBe(false);
    expect(ws.pipelines()).toEqual([...DEFAULT_PIPELINES]);
  });

  it("points -o json and --yes at preflight's own options", async (t) => {
    const ws = useWorkspace(t);
    const output = await ws.run(["-o", "json", "--", "true"]);
    expect(output.exitCode).toBe(64);
    expect(output.stderr).toContain("unknown option '-o' — for JSON, use plan --json");
    const yes = await ws.run(["--yes", "--", ...destroyPipeline("staging")]);
    expect(yes.exitCode).toBe(64);
    expect(yes.stderr).toContain("--confirm NAME");
    expect(ws.flyCalls()).toEqual([]);
  });

  it("policy validate --json: the verdict and every problem as data, 65 when invalid", async (t) => {
    const ws = useWorkspace(t);
    writeFileSync(ws.path("bad.yaml"), "version: 1\nrules:\n  id: x\n");
    writeFileSync(ws.path("good.yaml"), DENY_DROPDB);
    const result = await ws.run(["policy", "validate", "--json", "good.yaml", "bad.yaml"]);
    expect(result.exitCode).toBe(65);
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout);
    expect(out.valid).toBe(false);
    expect(out.policies.map((p: { valid: boolean }) => p.valid)).toEqual([true, false]);
    expect(out.policies[0]).toMatchObject({ rules: 1, environments: 0, problems: [] });
    expect(out.policies[1].problems).toEqual([
      {
        file: "bad.yaml",
        line: 3,
        column: 3,
        message:
          '`rules:` is a list of rules, each starting with `- id:`; you wrote a map: {"id":"x"}',
        hint: "put each rule under `rules:` as `- id: …` (the dash makes it an entry of the list)",
      },
    ]);
  });

  it("audit show SEQ prints one record; audit verify --json says whether the chain holds", async (t) => {
    const ws = useWorkspace(t);
    await ws.run(["--", "true"]);
    const blocked = await ws.run(["--", ...destroyPipeline("prod")]);
    expect(blocked.exitCode).toBe(66);

    const list = JSON.parse((await ws.run(["audit", "list", "--json"])).stdout);
    expect(list.map((r: { seq: number }) => r.seq)).toEqual([1, 2]);
    const shown = await ws.run(["audit", "show", "2", "--json"]);
    expect(shown.exitCode).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual(ws.auditRecords()[1]);
    const text = await ws.run(["audit", "show", "2"]);
    expect(text.stdout).toMatch(/^outcome +blocked$/m);
    const table = await ws.run(["audit", "list"]);
    expect(table.stdout).toMatch(/^SEQ +TIME/);
    const missing = await ws.run(["audit", "show", "9"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("no record 9");

    const intact = await ws.run(["audit", "verify", "--json"]);
    expect(intact.exitCode).toBe(0);
    expect(JSON.parse(intact.stdout)).toEqual({ file: ws.auditLog, intact: true, records: 2 });
    // Edit the first record: verify names its line and exits 1.
    writeFileSync(ws.auditLog, ws.auditText().replace('"outcome":"no-rule"', '"outcome":"ok"'));
    const broken = await ws.run(["audit", "verify", "--json"]);
    expect(broken.exitCode).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ intact: false, line: 1, records: 0 });
  });

  it("completion bash completes verbs, sub-verbs and options in a real bash", async (t) => {
    const ws = useWorkspace(t);
    const script = await ws.run(["completion", "bash"]);
    expect(script.exitCode).toBe(0);
    writeFileSync(ws.path("completion.bash"), script.stdout);
    const complete = (words: string) =>
      spawnSync(
        "bash",
        [
          "-c",
          `source ${ws.path("completion.bash")}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _preflight; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: "utf8" },
      ).stdout.trim();
    expect(complete("preflight pol")).toBe("policy");
    expect(complete("preflight policy w")).toBe("which");
    expect(complete("preflight audit verify --j")).toBe("--json");
    expect(complete("preflight completion ''")).toBe("bash zsh fish");

    for (const shell of ["zsh", "fish"]) {
      const other = await ws.run(["completion", shell]);
      expect(other.exitCode).toBe(0);
      expect(other.stdout).toContain(shell === "fish" ? "complete -c preflight" : "bashcompinit");
    }
    const unknown = await ws.run(["completion", "tcsh"]);
    expect(unknown.exitCode).toBe(64);
  });

  it("uses the user's policy in ~/.config/preflight/, and a repository's policy over it", async (t) => {
    const ws = useWorkspace(t);
    const dropdbRan = ws.path("dropdb-ran");
    ws.installScript("dropdb", `#!/bin/sh\ntouch "${dropdbRan}"\n`);
    const userDir = join(ws.home, ".config", "preflight");
    mkdirSync(userDir, { recursive: true });
    writeFileSync(join(userDir, "team.yaml"), DENY_DROPDB);
    const elsewhere = ws.path("elsewhere");
    mkdirSync(elsewhere);

    const denied = await ws.run(["--", "dropdb", "app"], { cwd: elsewhere });
    expect(denied.exitCode).toBe(66);
    expect(denied.stderr).toContain("no-dropdb");
    expect(() => readFileSync(dropdbRan)).toThrow();
    expect(ws.auditRecords().at(-1)?.policy).toMatchObject({ files: [join(userDir, "team.yaml")] });
    const which = JSON.parse(
      (await ws.run(["policy", "which", "--json"], { cwd: elsewhere })).stdout,
    );
    expect(which.applies).toEqual({
      files: [join(userDir, "team.yaml")],
      origin: "user configuration",
    });

    const repository = ws.path("repo");
    mkdirSync(repository);
    writeFileSync(join(repository, "preflight.yaml"), REPOSITORY_POLICY);
    const allowed = await ws.run(["--", "dropdb", "app"], { cwd: repository });
    expect(allowed.exitCode).toBe(0);
    readFileSync(dropdbRan);
    const text = await ws.run(["policy", "which"], { cwd: repository });
    expect(text.stdout).toContain(
      `policy that applies here (the repository's):\n  ${join(repository, "preflight.yaml")}`,
    );
    expect(text.stdout).toMatch(/4\. the user's +not used: an earlier place applies/);
  });
});
