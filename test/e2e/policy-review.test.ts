/**
 * The reviewer's commands, run as a reviewer or a CI job runs them: the built binary, a
 * policy in a temporary folder (a git repository for `policy diff git:REV:path`), exit codes
 * and output asserted together.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/exec.js";
import { yaml } from "../helpers/policy-factory.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = yaml`
  version: 1
  unknown-environment: deny
  environments:
    production: { protected: true, match: { target: [prod, "prod-*"] } }
    staging: { match: { target: [staging] } }
  rules:
    - id: fly-destroy
      match: { command: fly, args: ["{destroy-pipeline,dp}"] }
      environment: { flag: [-t, --target] }
      decision: { production: deny, "*": confirm }
      state:
        - { name: pipelines, run: [fly, -t, "{target}", pipelines, --json], key: [name] }
      expect: { removed: { max: 1 }, added: none }
    - id: dropdb
      match: { command: dropdb }
      environment: { flag: -h }
      decision: { production: deny, "*": confirm }
      lint: { ignore: [{ code: PF107, reason: "scratch databases, rebuilt nightly" }] }
  tests:
    - name: a production pipeline delete is denied
      command: [fly, -t, prod, destroy-pipeline, -p, main]
      expect: { decision: deny, environment: production, rules: [fly-destroy] }
    - name: listing pipelines is not guarded
      command: [fly, -t, prod, pipelines]
      expect: { decision: none }
    - name: dropping a staging database needs confirmation
      command: [dropdb, -h, staging, scratch]
      expect: { decision: confirm, rules: [dropdb] }
    - name: reading about dropdb is not guarded
      command: [man, dropdb]
      expect: { decision: none }
    - name: a staging pipeline delete needs confirmation
      command: [fly, -t, staging, dp, -p, main]
      expect: { decision: confirm, environment: staging, rules: [fly-destroy] }
    - name: dropping a production database is denied
      command: [dropdb, -h, prod, payments]
      expect: { decision: deny, environment: production, rules: [dropdb] }
`;

function withPolicy(ws: Workspace, text = POLICY, name = "ops.yaml"): string {
  writeFileSync(ws.path(name), text);
  return name;
}

describe("preflight policy validate", () => {
  it("exits 65 with every problem at its line and column, and 0 for a valid policy", async (t) => {
    const ws = useWorkspace(t);
    withPolicy(
      ws,
      POLICY.replace(
        'decision: { production: deny, "*": confirm }\n    state',
        "decision: { prodution: deny }\n    state",
      ).replace("environment: { flag: -h }", "enviroment: { flag: -h }"),
    );
    const bad = await ws.run(["policy", "validate", "ops.yaml"]);
    expect(bad.exitCode).toBe(65);
    expect(bad.stderr).toContain(
      "ops.yaml:10:17: rule 'fly-destroy': decision names environment 'prodution', which is not defined\n  hint: did you mean 'production'?",
    );
    expect(bad.stderr).toContain("ops.yaml:16:5: unknown key 'enviroment' in rules[1]");
    expect(bad.stderr).toContain("ops.yaml: 2 problems");

    withPolicy(ws);
    const good = await ws.run(["policy", "validate", "ops.yaml"]);
    expect(good).toMatchObject({
      exitCode: 0,
      stdout: "ops.yaml: valid (2 rules, 2 environments, 6 test cases)\n",
    });
  });
});

describe("preflight policy lint", () => {
  it("exits 0 on warnings, 1 on warnings with --strict, 65 on an error", async (t) => {
    const ws = useWorkspace(t);
    withPolicy(
      ws,
      POLICY.replace("match: { command: dropdb }", "match: { command: [dropdb, kubectl] }"),
    );
    const lax = await ws.run(["policy", "lint", "ops.yaml"]);
    expect(lax.exitCode).toBe(0);
    expect(lax.stdout).toContain(
      "ops.yaml:15:32: warning PF110 over-broad-match: rule 'dropdb' matches every 'kubectl' command",
    );
    expect(lax.stdout).toContain("ops.yaml: 0 errors, 1 warning, 1 suppressed");
    expect((await ws.run(["policy", "lint", "--strict", "ops.yaml"])).exitCode).toBe(1);

    withPolicy(
      ws,
      POLICY.replace(
        'decision: { production: deny, "*": confirm }\n    lint',
        'decision: { production: allow, "*": confirm }\n    lint',
      ),
    );
    const error = await ws.run(["policy", "lint", "ops.yaml"]);
    expect(error.exitCode).toBe(65);
    expect(error.stdout).toContain(
      "error PF103 allow-in-protected: rule 'dropdb' (dropdb) allows in protected environment 'production'",
    );
  });

  it("writes SARIF a code host can read", async (t) => {
    const ws = useWorkspace(t);
    withPolicy(
      ws,
      POLICY.replace("match: { command: dropdb }", "match: { command: [dropdb, kubectl] }"),
    );
    const result = await ws.run(["policy", "lint", "--format", "sarif", "ops.yaml"]);
    expect(result.exitCode).toBe(0);
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe("2.1.0");
    expect(log.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual([
      "PF107",
      "PF110",
    ]);
  });
});

describe("preflight policy explain", () => {
  it("explains a matching rule and a non-matching one, and runs nothing", async (t) => {
    const ws = useWorkspace(t);
    withPolicy(ws);
    const result = await ws.run([
      "policy",
      "explain",
      "--policy",
      "ops.yaml",
      "--",
      "fly",
      "-t",
      "prod-eu",
      "dp",
      "-p",
      "main",
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("  ✔ fly-destroy (ops.yaml:7) matches\n");
    expect(result.stdout).toContain("  ✘ dropdb (ops.yaml:14): it is for dropdb, not fly\n");
    expect(result.stdout).toContain(
      `environment  production (protected), from argument -t 'prod-eu': 'prod-eu' matches production's match.target "prod-*"`,
    );
    expect(result.stdout).toContain("decision     deny, by rule fly-destroy\n");
    expect(ws.flyCalls()).toEqual([]);

    const json = await ws.run([
      "policy",
      "explain",
      "--policy",
      "ops.yaml",
      "--json",
      "--",
      "fly",
      "-t",
      "prod",
      "pipelines",
    ]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      decision: "none",
      commands: [
        {
          rules: [
            { id: "fly-destroy", matched: false },
            { id: "dropdb", matched: false },
          ],
        },
      ],
    });
  });

  it("needs the command after --", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run(["policy", "explain", "fly"]);
    expect(result.exitCode).toBe(64);
    expect(result.stderr).toContain("put the command after --");
  });
});

describe("preflight policy test", () => {
  it("passes at 100% coverage, fails on a policy with no tests and on missing coverage", async (t) => {
    const ws = useWorkspace(t);
    withPolicy(ws);
    const pass = await ws.run(["policy", "test", "--min-coverage", "100", "ops.yaml"]);
    expect(pass.exitCode).toBe(0);
    expect(pass.stdout).toContain(
      "6 of 6 test cases passed; rule coverage 100% (2 of 2 rules with a positive case, a negative case and every environment); rule × environment coverage 100% (4 of 4)",
    );

    withPolicy(ws, POLICY.slice(0, POLICY.indexOf("tests:")), "bare.yaml");
    const none = await ws.run(["policy", "test", "bare.yaml"]);
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toContain("✘ no test cases");

    withPolicy(ws, POLICY.replace(/ {2}- name: reading about dropdb[\s\S]*$/, ""), "short.yaml");
    const short = await ws.run(["policy", "test", "--min-coverage", "100", "short.yaml"]);
    expect(short.exitCode).toBe(1);
    expect(short.stdout).toContain("✘ coverage 0% is below --min-coverage 100%");
    expect(short.stdout).toMatch(/ {2}dropdb +✔ 1 +✔ 1 +✘ 0 +✘ production +✔ \(fallback\)\n/);
  });

  it("passes on every policy bundled under policies/", async (t) => {
    const ws = useWorkspace(t);
    const policies = ["policies/default.yaml", "policies/examples/concourse.yaml"].map((p) =>
      join(REPO_ROOT, p),
    );
    const result = await ws.run(["policy", "test", "--min-coverage", "100", ...policies]);
    expect(result.stdout).toContain("policy test: passed (2 policies)");
    expect(result.exitCode).toBe(0);
    const lint = await ws.run(["policy", "lint", "--strict", ...policies]);
    expect(lint.exitCode, lint.stdout).toBe(0);
  });
});

describe("preflight policy schema", () => {
  it("prints the committed JSON Schema", async (t) => {
    const ws = useWorkspace(t);
    const result = await ws.run(["policy", "schema"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(
      readFileSync(join(REPO_ROOT, "schema", "policy.schema.json"), "utf8"),
    );
  });
});

describe("preflight policy diff", () => {
  const WEAKER_AND_STRICTER = POLICY.replace(
    'decision: { production: deny, "*": confirm }\n    state',
    "decision: confirm\n    state",
  ).replace('decision: { production: deny, "*": confirm }\n    lint', "decision: deny\n    lint");

  function git(ws: Workspace, ...args: string[]): string {
    return execFileSync(
      "git",
      ["-c", "user.name=Reviewer", "-c", "user.email=r@example.com", ...args],
      {
        cwd: ws.root,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: ws.home, GIT_CONFIG_NOSYSTEM: "1" },
      },
    );
  }

  it("flags a weakening and a tightening between a git revision and the working copy, exit 1", async (t) => {
    const ws = useWorkspace(t);
    git(ws, "init", "-q");
    withPolicy(ws);
    git(ws, "add", "ops.yaml");
    git(ws, "commit", "-q", "-m", "policy v1");
    withPolicy(ws, WEAKER_AND_STRICTER);

    const result = await ws.run(["policy", "diff", "git:HEAD:ops.yaml", "ops.yaml"]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      [
        "structural changes (2):",
        `  ✘ weakening: rule fly-destroy: production: deny → confirm (from "*")`,
        "      at git:HEAD:ops.yaml:10 → ops.yaml:10",
        `  ✔ tightening: rule dropdb: staging: confirm (from "*") → deny (from "*")`,
        "      at git:HEAD:ops.yaml:17 → ops.yaml:17",
      ].join("\n"),
    );
    expect(result.stdout).toContain(
      [
        "less guarded:",
        "  ✘ fly -t prod destroy-pipeline -p main",
        "      decision deny → confirm (rule fly-destroy)",
      ].join("\n"),
    );

    git(ws, "commit", "-q", "-am", "policy v2");
    const reverse = await ws.run(["policy", "diff", "git:HEAD:ops.yaml", "git:HEAD~1:ops.yaml"]);
    expect(reverse.exitCode).toBe(1);
    expect(reverse.stdout).toContain(
      `  ✘ weakening: rule dropdb: staging: deny (from "*") → confirm (from "*")\n`,
    );
    expect(reverse.stdout).toContain(
      `✔ tightening: rule fly-destroy: production: confirm (from "*") → deny\n`,
    );

    const same = await ws.run(["policy", "diff", "git:HEAD:ops.yaml", "ops.yaml"]);
    expect(same.exitCode).toBe(0);
  });

  it("compares the commands of a --commands file, and fails closed on a revision git cannot read", async (t) => {
    const ws = useWorkspace(t);
    git(ws, "init", "-q");
    withPolicy(ws);
    writeFileSync(
      ws.path("stricter.yaml"),
      POLICY.replace(
        'decision: { production: deny, "*": confirm }\n    lint',
        "decision: deny\n    lint",
      ),
    );
    writeFileSync(ws.path("commands.txt"), "dropdb -h db.internal payments\n");
    const result = await ws.run([
      "policy",
      "diff",
      "ops.yaml",
      "stricter.yaml",
      "--commands",
      "commands.txt",
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(
      "sampled commands: 7 compared (6 from the two versions' test cases, 1 from --commands)",
    );
    expect(result.stdout).not.toContain("dropdb -h db.internal payments");

    const missing = await ws.run(["policy", "diff", "git:nope:ops.yaml", "ops.yaml"]);
    expect(missing.exitCode).toBe(65);
    expect(missing.stderr).toContain("git:nope:ops.yaml:1:1: git cannot read nope:ops.yaml");
  });
});

describe("mistakes on the review commands' own command line", () => {
  it("are usage errors (64) in one line, never a stack trace or a 'bug'", async (t) => {
    const ws = useWorkspace(t);
    const policy = ws.path("ops.yaml");
    writeFileSync(policy, POLICY);
    for (const args of [
      ["policy", "lint", "--format", "bogus", policy],
      ["policy", "test", "--min-coverage", "150", policy],
      ["policy", "explain", "--var", "FOO", "--", "ls"],
    ]) {
      const result = await ws.run(args);
      expect(result.exitCode, args.join(" ")).toBe(64);
      expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
    }
  });
});

describe("policy explain on rules that read the AWS account", () => {
  it("says it does not ask STS, and explains with the account a reviewer names", async (t) => {
    const ws = useWorkspace(t);
    const policy = join(REPO_ROOT, "policies", "examples", "aws-security-groups.yaml");
    const command = ["--", "aws", "ec2", "revoke-security-group-ingress", "--group-id", "sg-1"];
    const without = await ws.run(["policy", "explain", "--policy", policy, ...command]);
    expect(without.exitCode).toBe(0);
    expect(without.stdout).toContain("give it with --aws-account ID (preflight plan asks STS)");
    const named = await ws.run([
      "policy",
      "explain",
      "--policy",
      policy,
      "--aws-account",
      "123456789012",
      ...command,
    ]);
    expect(named.stdout).toContain(
      "account 123456789012 is listed in production's match.aws-account",
    );
    expect(named.stdout).toContain("confirm, by rule sg-revoke");
  });
});
