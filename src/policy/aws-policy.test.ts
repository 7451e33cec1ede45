/** The policy format's security-group parts: the state kind, aws-account, expect.predicted, rollback: auto|prompt. */
import { describe, expect, it } from "vitest";
import { policyFrom, problemsIn, yaml } from "../../test/helpers/policy-factory.js";
import { runPolicyTests } from "./test-cases.js";

describe("aws-ec2-security-groups state", () => {
  it("compiles, with the grant's identity as its key", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          state:
            - name: groups
              aws-ec2-security-groups: { groups: ["{args.group-id}", db] }
              timeout: 5
          expect: { predicted: subset, removed: { never: { sourceName: "*-peers" } } }
          rollback: prompt
    `);
    const rule = policy.rules[0]!;
    expect(rule.state[0]).toMatchObject({
      kind: "aws-ec2-security-groups",
      name: "groups",
      groups: ["{args.group-id}", "db"],
      all: false,
      key: ["group", "direction", "protocol", "from", "to", "sourceKind", "source"],
      timeoutMs: 5000,
      readOnly: true,
    });
    expect(rule.expect?.predicted).toBe("subset");
    expect(rule.restore).toBe("prompt");
    expect(rule.rollback).toBeUndefined();
  });

  it.each([
    [
      "both run and the kind",
      `run: [x]\n              aws-ec2-security-groups: {}`,
      /exactly one of run or aws-ec2-security-groups/,
      6,
    ],
    ["neither", `timeout: 5`, /exactly one of run or aws-ec2-security-groups/, 6],
    [
      "a format of its own",
      `aws-ec2-security-groups: {}\n              format: lines`,
      /has its own format and key/,
      8,
    ],
    [
      "groups and all",
      `aws-ec2-security-groups: { groups: [db], all: true }`,
      /either groups or all: true/,
      7,
    ],
  ])("is refused with %s", async (_, body, message, line) => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          state:
            - name: groups
              ${body}
    `);
    expect(problems.map((p) => p.message).join("\n")).toMatch(message);
    expect(problems[0]).toMatchObject({ file: "policy.yaml", line });
  });

  it("suggests the kind's name for a typo", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          state:
            - name: groups
              aws-ec2-security-group: {}
    `);
    expect(problems.some((p) => p.hint?.includes("did you mean 'aws-ec2-security-groups'?"))).toBe(
      true,
    );
  });

  it("checks the groups' templates like any other", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          state:
            - name: groups
              aws-ec2-security-groups: { groups: ["{resource}"] }
    `);
    expect(problems[0]?.message).toBe("rule 'sg' uses {resource}, which nothing provides");
  });
});

describe("rollback: auto|prompt and expect.predicted need a state that can undo and predict", () => {
  it("are refused on a rule with only run probes", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          state: [{ name: list, run: [aws, ec2, describe-security-groups] }]
          expect: { predicted: exact }
          rollback: auto
    `);
    expect(problems.map((p) => [p.line, p.message])).toEqual([
      [
        3,
        "rule 'sg': rollback: auto needs a state preflight can restore (aws-ec2-security-groups)",
      ],
      [
        6,
        "rule 'sg': expect.predicted needs a state preflight can predict (aws-ec2-security-groups)",
      ],
    ]);
  });

  it("rollback takes auto, prompt or a command, nothing else", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          rollback: sometimes
    `);
    expect(problems[0]?.message).toBe(
      'rules[0].rollback: a rule\'s `rollback:` is auto, prompt, or a map with the command to run: `{ run: … }`; you wrote "sometimes"',
    );
  });
});

describe("aws-account", () => {
  it("reads account ids as 12-digit text, even unquoted with a leading zero", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      environments:
        production: { protected: true, match: { aws-account: [012345678901, "123456789012"] } }
        staging: { match: { aws-account: 111122223333 } }
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          environment: { aws-account: true }
    `);
    expect(policy.environments.production?.awsAccounts).toEqual(["012345678901", "123456789012"]);
    expect(policy.environments.staging?.awsAccounts).toEqual(["111122223333"]);
    expect(policy.rules[0]?.environment).toEqual({ flags: [], vars: [], awsAccount: true });
  });

  it("refuses an id that is not 12 digits, and aws-account outside environment:", async () => {
    const problems = await problemsIn(yaml`
      version: 1
      environments:
        production: { match: { aws-account: ["1234"] } }
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          resource: { aws-account: true }
    `);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/an AWS account id is 12 digits/),
      "unknown key 'aws-account' in rules[0].resource",
    ]);
  });

  it("is given to the policy's own test cases, which fail closed without one", async () => {
    const policy = await policyFrom(yaml`
      version: 1
      environments:
        production: { protected: true, match: { aws-account: ["123456789012"] } }
      rules:
        - id: sg
          match: { command: aws, args: [ec2, "revoke-security-group-*"] }
          environment: { aws-account: true }
      tests:
        - name: production by account
          command: [aws, ec2, revoke-security-group-ingress, --group-id, sg-1]
          aws-account: "123456789012"
          expect: { decision: confirm, environment: production }
        - name: no account, no run
          command: [aws, ec2, revoke-security-group-ingress, --group-id, sg-1]
          expect: { decision: deny }
    `);
    const results = runPolicyTests(policy);
    expect(results.map((r) => [r.passed, r.failures])).toEqual([
      [true, []],
      [true, []],
    ]);
    expect(results[1]?.actual.blocked).toMatch(/the test case gives no aws-account/);
  });
});
