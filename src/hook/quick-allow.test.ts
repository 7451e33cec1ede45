import { describe, expect, it } from "vitest";
import { policyFrom, yaml } from "../../test/helpers/policy-factory.js";
import { AGENTS } from "./agents.js";
import { quickAllow } from "./quick-allow.js";

const POLICY = yaml`
  version: 1
  environments:
    production: { protected: true, match: { aws-account: ["111111111111"] } }
    staging: { match: { target: [staging] } }
  rules:
    - id: sg-revoke
      match: { command: aws, args: [ec2, revoke-security-group-ingress] }
      environment: { aws-account: true }
      decision: { production: deny, "*": confirm }
    - id: dropdb
      match: { command: dropdb }
      environment: { flag: [-h] }
      decision: { staging: allow, "*": deny }
`;

const event = (command: string, tool = "Bash") =>
  JSON.stringify({
    session_id: "s",
    cwd: "/w",
    hook_event_name: "PreToolUse",
    tool_name: tool,
    tool_input: { command },
  });

async function answer(text: string, cached = true) {
  const policy = await policyFrom(POLICY);
  return quickAllow({
    agent: AGENTS["claude-code"],
    eventText: text,
    policyFor: () => (cached ? policy : undefined),
    vars: {},
    files: { executable: () => undefined },
  });
}

describe("quickAllow: only a certain allow, nothing else", () => {
  it("allows what no rule matches, and a rule's own allow", async () => {
    expect(await answer(event("ls -la && git status"))).toMatchObject({
      decision: "allow",
      exitCode: 0,
    });
    expect(await answer(event("dropdb -h staging app"))).toMatchObject({ decision: "allow" });
  });

  it("allows another tool than the shell without a policy", async () => {
    expect(await answer(event("", "Read"), false)).toMatchObject({ decision: "allow" });
  });

  it.each([
    ["a refusal", event("dropdb -h prod app")],
    [
      "a rule that reads the AWS account",
      event("aws ec2 revoke-security-group-ingress --group-id sg-1"),
    ],
    ["an event that is not JSON", "{"],
    ["an empty event", ""],
  ])("leaves %s to the full hook", async (_what, text) => {
    expect(await answer(text)).toBeUndefined();
  });

  it("leaves it to the full hook when the policy is not at hand", async () => {
    expect(await answer(event("ls"), false)).toBeUndefined();
  });
});
