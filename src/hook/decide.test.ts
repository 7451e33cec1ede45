import { describe, expect, it } from "vitest";
import { policyFrom, yaml } from "../../test/helpers/policy-factory.js";
import { judgeShellCommand } from "./decide.js";

const POLICY = yaml`
  version: 1
  environments:
    production: { protected: true, match: { target: [prod] } }
    staging: { match: { target: [staging] } }
  rules:
    - id: ns-delete
      match: { command: kubectl, args: [delete, "{ns,namespace}"] }
      environment: { flag: [--context] }
      decision: { production: deny, "*": confirm }
    - id: dropdb-checked
      match: { command: dropdb }
      environment: { flag: [-h] }
      decision: { staging: allow, "*": deny }
      checks:
        - name: no sessions
          run: [sh, -c, "exit 0"]
`;

const judge = async (command: string) =>
  judgeShellCommand({ policy: await policyFrom(POLICY), command, cwd: "/w", vars: {} });

describe("judgeShellCommand", () => {
  it("allows what no rule matches", async () => {
    expect(await judge("ls -la && git status")).toMatchObject({ decision: "allow" });
  });

  it("denies with the rule's reason", async () => {
    const verdict = await judge("kubectl --context prod delete ns payments");
    expect(verdict).toMatchObject({ decision: "deny" });
    expect(verdict.decision === "deny" && verdict.reason).toContain(
      "rule 'ns-delete' denies this in production",
    );
  });

  it("hands a confirmation to a person, as the command they can paste", async () => {
    expect(await judge("kubectl --context staging delete ns web")).toMatchObject({
      decision: "confirm",
      humanCommand: "preflight run -- kubectl --context staging delete ns web",
      needsPreflightRun: false,
    });
    expect(await judge("cd x && kubectl --context staging delete ns 'it''s'")).toMatchObject({
      humanCommand: `preflight run -- bash -c 'cd x && kubectl --context staging delete ns '\\''it'\\'''\\''s'\\'''`,
    });
  });

  it("refuses preflight called with a confirmation, whatever the inner command", async () => {
    const verdict = await judge("preflight run --confirm=staging -- ls");
    expect(verdict.decision === "deny" && verdict.reason).toContain(
      "an agent cannot confirm for a human",
    );
  });

  it("sends an allowed command whose rule has checks through preflight run, and allows that", async () => {
    const direct = await judge("dropdb -h staging scratch");
    expect(direct.decision === "deny" && direct.hint).toBe(
      "run it through preflight instead: preflight run -- dropdb -h staging scratch",
    );
    expect(await judge("preflight run -- dropdb -h staging scratch")).toMatchObject({
      decision: "allow",
    });
    expect(await judge("npx preflight plan -- dropdb -h staging scratch")).toMatchObject({
      decision: "allow",
    });
  });
});
