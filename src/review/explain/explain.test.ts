import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { policyFrom, yaml } from "../../../test/helpers/policy-factory.js";
import { normaliseCommand } from "../../command/normalise.js";
import { matchRules } from "../../policy/match.js";
import { explainCommand, explainRuleMatch } from "./explain.js";
import { renderExplanation } from "./render.js";

const POLICY = yaml`
  version: 1
  environments:
    production: { protected: true, match: { target: [prod, "prod-*"], vars: { AWS_PROFILE: "prod*" } } }
    staging: { match: { target: [staging] } }
  unknown-environment: protected
  rules:
    - id: fly-destroy
      match: { command: fly, args: ["{destroy-pipeline,dp}"] }
      environment: { flag: [-t, --target] }
      decision: { production: deny, "*": confirm }
    - id: fly-trigger-delete
      match: { command: fly, args: [trigger-job, "*delete*"] }
      environment: { flag: [-t, --target] }
      require-reason: true
    - id: dropdb
      match: { command: dropdb }
      decision: deny
`;

describe("explainCommand", () => {
  it("says which word each glob of a matching rule matched and where the decision comes from", async () => {
    const policy = await policyFrom(POLICY);
    const e = explainCommand({
      policy,
      argv: ["fly", "-t", "prod-eu", "dp", "-p", "main"],
      vars: {},
    });
    const rule = e.commands[0]!.rules.find((r) => r.id === "fly-destroy");
    expect(rule).toEqual({
      id: "fly-destroy",
      source: { file: "policy.yaml", line: 7, column: 5 },
      matched: true,
      program: "fly",
      args: [{ pattern: "{destroy-pipeline,dp}", word: 3, value: "dp" }],
      decision: "deny",
      decisionFrom: "decision.production",
    });
    expect(e.environment).toEqual({
      name: "production",
      known: true,
      protected: true,
      source: "argument -t",
      target: "prod-eu",
      why: `'prod-eu' matches production's match.target "prod-*"`,
    });
    expect(e).toMatchObject({
      decision: "deny",
      decidedBy: "fly-destroy",
      blocked: expect.anything(),
    });
  });

  it("names the glob that failed and the word it looked after, for a rule of the same program", async () => {
    const policy = await policyFrom(POLICY);
    const e = explainCommand({
      policy,
      argv: ["fly", "-t", "prod", "trigger-job", "-j", "app/deploy"],
      vars: {},
    });
    const [destroy, trigger, dropdb] = e.commands[0]!.rules;
    expect(destroy).toMatchObject({
      matched: false,
      reason: 'match.args "{destroy-pipeline,dp}" matches no word',
    });
    expect(trigger).toMatchObject({
      matched: false,
      args: [{ pattern: "trigger-job", word: 3, value: "trigger-job" }, { pattern: "*delete*" }],
      reason: `match.args "*delete*" matches no word after 'trigger-job' (word 3)`,
    });
    expect(dropdb).toMatchObject({ matched: false, reason: "it is for dropdb, not fly" });
    expect(e.decision).toBe("none");
    expect(e.environment).toBeUndefined();
  });

  it("explains a default decision, an unknown environment and a required reason", async () => {
    const policy = await policyFrom(POLICY);
    const e = explainCommand({
      policy,
      argv: ["fly", "-t", "lab", "trigger-job", "-j", "x/delete-all"],
      vars: {},
    });
    expect(e.commands[0]!.rules[1]).toMatchObject({
      matched: true,
      decision: "confirm",
      decisionFrom: "no decision map: confirm where protected",
    });
    expect(e.environment?.why).toBe(
      "'lab' is no environment's name and matches no match.target, so it is unknown (unknown-environment: protected)",
    );
    expect(e.confirmation).toEqual({ required: true, word: "lab", reason: true });
  });

  it("finds the environment from the variables the command runs with", async () => {
    const policy = await policyFrom(POLICY);
    const e = explainCommand({
      policy,
      argv: ["env", "AWS_PROFILE=prod-admin", "dropdb", "x"],
      vars: {},
    });
    expect(e.commands[0]!.via).toEqual(["env"]);
    expect(e.environment).toMatchObject({
      name: "production",
      source: "variable AWS_PROFILE",
      why: "production's match.vars hold (AWS_PROFILE=prod*)",
    });
    expect(e.decision).toBe("deny");
  });

  it("agrees with the matcher on every command of the bundled policy's tests and more", async () => {
    const file = join(import.meta.dirname, "..", "..", "..", "policies", "default.yaml");
    const policy = await policyFrom(readFileSync(file, "utf8"), file);
    const commands = [
      ...policy.tests.map((t) => t.command),
      ["git", "push", "origin", "main", "--force"],
      ["kubectl", "delete", "ns/payments"],
      ["rm", "-r", "-f", "/usr"],
      ["terraform", "apply", "-auto-approve"],
    ];
    let compared = 0;
    for (const argv of commands) {
      for (const simple of normaliseCommand(argv).commands) {
        const matched = policy.rules.filter((r) => explainRuleMatch(r, simple.argv).matched);
        expect(matched.map((r) => r.id)).toEqual(matchRules(policy, simple.argv).map((r) => r.id));
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(30);
  });
});

describe("renderExplanation", () => {
  it("reads like a reviewer's answer for a command a rule denies", async () => {
    const policy = await policyFrom(POLICY);
    const text = renderExplanation(
      explainCommand({
        policy,
        argv: ["sudo", "fly", "-t", "prod", "destroy-pipeline", "-p", "main"],
        vars: {},
      }),
    );
    expect(text).toBe(
      [
        "command      sudo fly -t prod destroy-pipeline -p main",
        "policy       policy.yaml",
        "normalised   fly -t prod destroy-pipeline -p main  (looked through: sudo)",
        "",
        "rules, for fly -t prod destroy-pipeline -p main:",
        "  ✔ fly-destroy (policy.yaml:7) matches",
        `      program "fly"; args "{destroy-pipeline,dp}" = 'destroy-pipeline' (word 3)`,
        "      decides deny (decision.production)",
        `  ✘ fly-trigger-delete (policy.yaml:11): match.args "trigger-job" matches no word`,
        "  ✘ dropdb (policy.yaml:15): it is for dropdb, not fly",
        "",
        `environment  production (protected), from argument -t 'prod': 'prod' matches production's match.target "prod"`,
        "decision     deny, by rule fly-destroy",
        "outcome      blocked — rule 'fly-destroy' denies this in production (environment from argument -t 'prod').",
        "             what to do: this cannot be run in production through preflight; if it must happen, change the policy through review",
        "",
      ].join("\n"),
    );
  });

  it("says a command no rule matches runs unguarded", async () => {
    const policy = await policyFrom(POLICY);
    const text = renderExplanation(
      explainCommand({ policy, argv: ["fly", "-t", "prod", "pipelines"], vars: {} }),
    );
    expect(text).toContain("environment  not looked at: no rule matches\n");
    expect(text).toContain(
      "decision     none: no rule matches, so the command runs as it is, unguarded\n",
    );
  });

  it("explains f, a symlink to fly, as fly, and shows where it leads", async () => {
    const policy = await policyFrom(POLICY);
    const programs = {
      cwd: "/work",
      files: { executable: (path: string) => (path === "/bin/f" ? "/opt/fly" : undefined) },
    };
    const e = explainCommand({
      policy,
      argv: ["f", "-t", "prod", "dp", "-p", "main"],
      vars: { PATH: "/bin" },
      programs,
    });
    expect(e.commands[0]).toMatchObject({
      argv: ["fly", "-t", "prod", "dp", "-p", "main"],
      program: { typed: "f", path: "/opt/fly", as: "fly" },
      decision: "deny",
      decidedBy: "fly-destroy",
    });
    expect(e.decision).toBe("deny");
    const text = renderExplanation(e);
    expect(text).toContain("normalised   fly -t prod dp -p main\nprogram      f → /opt/fly\n");
    expect(text).toContain("  ✔ fly-destroy (policy.yaml:7) matches");
  });
});
