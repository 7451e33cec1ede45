/**
 * The guarded run with the security-group state kind, through the real SDK with its transport
 * mocked (test/helpers/fake-ec2.ts): the account decides the environment, a predicted change
 * that touches a protected grant is blocked, the actual change is checked against the
 * prediction, and `rollback: auto|prompt` undoes exactly what should not have changed.
 */
import type { SecurityGroup } from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import {
  applyPermission,
  FAKE_AWS_VARS,
  type FakeAws,
  fakeAws,
  incidentGroups,
} from "../../test/helpers/fake-ec2.js";
import { createAwsClients } from "../aws/clients.js";
import { compilePolicyTexts } from "../policy/load.js";
import { guardedRun } from "./lifecycle.js";
import type { RunPorts } from "./ports.js";

const POLICY = `
version: 1
environments:
  production: { protected: true, match: { aws-account: ["123456789012"] } }
  staging: { match: { aws-account: ["111122223333"] } }
rules:
  - id: sg-revoke
    match: { command: aws, args: [ec2, "revoke-security-group-{ingress,egress}"] }
    environment: { aws-account: true }
    decision: confirm
    state:
      - name: groups
        aws-ec2-security-groups: {}
    expect:
      predicted: exact
      removed: { never: { sourceName: "*-peers" } }
      added: none
      changed: none
    rollback: ROLLBACK
  - id: scanner-script
    match: { command: close-scanner-access.sh }
    environment: { aws-account: true }
    decision: confirm
    state:
      - name: db
        aws-ec2-security-groups: { groups: [db] }
    expect:
      removed: { only: { sourceName: scanner } }
      added: none
    rollback: ROLLBACK
`;

const ICMP_FROM_SCANNER = {
  IpProtocol: "icmp",
  FromPort: -1,
  ToPort: -1,
  UserIdGroupPairs: [{ GroupId: "sg-scanner" }],
};
const ICMP_FROM_PEERS = {
  IpProtocol: "icmp",
  FromPort: -1,
  ToPort: -1,
  UserIdGroupPairs: [{ GroupId: "sg-peers", Description: "db peers ping" }],
};
const REVOKE_SCANNER = [
  "aws",
  "ec2",
  "revoke-security-group-ingress",
  "--group-id",
  "sg-db",
  "--protocol",
  "icmp",
  "--port",
  "-1",
  "--source-group",
  "sg-scanner",
];

let fake: FakeAws;
afterEach(() => fake?.restore());

interface Setup {
  rollback?: "auto" | "prompt";
  /** What the wrapped command does to the groups. */
  effect?: (groups: SecurityGroup[]) => number;
  interactive?: boolean;
  answer?: boolean;
  confirm?: string;
}

async function run(argv: string[], setup: Setup = {}) {
  fake ??= fakeAws(incidentGroups());
  const ran: string[][] = [];
  const asked: string[] = [];
  const ports: RunPorts = {
    runner: {
      capture: async () => ({ exitCode: 127, stdout: "", stderr: "" }),
      runInherited: async (command) => {
        ran.push([...command]);
        return { exitCode: setup.effect ? setup.effect(fake.groups) : 0 };
      },
    },
    prompter: {
      typeEnvironmentName: async (expected) => expected,
      askReason: async () => "why",
      confirmRollback: async (summary) => {
        asked.push(summary);
        return setup.answer ?? false;
      },
    },
    presenter: { showPlan: async () => {}, progress: () => {}, step: () => () => {} },
    audit: { ensureWritable: () => {}, append: () => {} },
    now: () => new Date("2026-11-21T10:00:00Z"),
    // No program is found on disk: every command is judged by the name typed.
    files: { executable: () => undefined },
    aws: createAwsClients(),
  };
  const policy = await compilePolicyTexts([
    { file: "p.yaml", text: POLICY.replaceAll("ROLLBACK", setup.rollback ?? "auto") },
  ]);
  const result = await guardedRun(
    {
      mode: "run",
      argv,
      policy,
      options: { confirm: setup.confirm ?? "production" },
      context: {
        cwd: "/",
        env: FAKE_AWS_VARS,
        user: "u",
        host: "h",
        interactive: setup.interactive ?? false,
        ci: true,
      },
    },
    ports,
  );
  return { result, ran, asked };
}

const icmpSources = () =>
  fake.groups[0]!.IpPermissions!.filter((p) => p.IpProtocol === "icmp")
    .flatMap((p) => p.UserIdGroupPairs!.map((g) => g.GroupId))
    .sort();

/** The buggy script: revokes ICMP from the scanner AND the peers. */
const revokeWholeRule = (groups: SecurityGroup[]) => {
  applyPermission(groups[0]!, "IpPermissions", ICMP_FROM_SCANNER, "remove");
  applyPermission(groups[0]!, "IpPermissions", ICMP_FROM_PEERS, "remove");
  return 0;
};

describe("environment from the AWS account", () => {
  it("is the environment whose aws-account lists it", async () => {
    fake = fakeAws(incidentGroups(), "111122223333");
    const { result } = await run(REVOKE_SCANNER, { confirm: "staging", effect: () => 0 });
    expect(result.environment).toMatchObject({
      name: "staging",
      known: true,
      source: "AWS account",
      target: "111122223333",
    });
  });

  it("is unknown (and protected) for an account no environment lists", async () => {
    fake = fakeAws(incidentGroups(), "999999999999");
    const { result, ran } = await run(REVOKE_SCANNER, { confirm: "production" });
    expect(result.environment).toMatchObject({
      name: "999999999999",
      known: false,
      protected: true,
    });
    expect(result.outcome).toBe("confirmation-required");
    expect(ran).toEqual([]);
  });

  it("refuses (66) when STS cannot say, and touches nothing", async () => {
    fake = fakeAws(incidentGroups());
    fake.sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error("The security token included in the request is invalid."), {
        name: "InvalidClientTokenId",
      }),
    );
    const { result, ran } = await run(REVOKE_SCANNER);
    expect(result.outcome).toBe("blocked");
    expect(result.message).toBe(
      "preflight could not find out which AWS account this command would change: InvalidClientTokenId: The security token included in the request is invalid. (keys from AWS_ACCESS_KEY_ID, region eu-west-1)",
    );
    expect(ran).toEqual([]);
  });
});

describe("the predicted change", () => {
  it("blocks a revoke that would take out a protected grant (66), listing it", async () => {
    fake = fakeAws(incidentGroups());
    const { result, ran } = await run([
      ...REVOKE_SCANNER.slice(0, 5),
      "--ip-permissions",
      JSON.stringify([
        {
          ...ICMP_FROM_SCANNER,
          UserIdGroupPairs: [
            ...ICMP_FROM_SCANNER.UserIdGroupPairs,
            ...ICMP_FROM_PEERS.UserIdGroupPairs,
          ],
        },
      ]),
    ]);
    expect(result.outcome).toBe("blocked");
    expect(result.message).toMatch(
      /removed.never \(rule sg-revoke\).*would be — ingress icmp \(all types\) from sg-peers \(db-peers\)/,
    );
    expect(result.violations).toMatchObject([{ expectation: "removed.never", predicted: true }]);
    expect(result.predicted?.changes[0]?.notes[0]).toMatch(/takes out 2 sources of one rule/);
    expect(ran).toEqual([]);
    expect(icmpSources()).toEqual(["sg-peers", "sg-scanner"]);
  });

  it("refuses a command it cannot read when the rule needs a prediction (66)", async () => {
    fake = fakeAws(incidentGroups());
    const { result, ran } = await run([
      ...REVOKE_SCANNER.slice(0, 5),
      "--ip-permissions",
      "file:///no/such.json",
    ]);
    expect(result.outcome).toBe("blocked");
    expect(result.message).toMatch(
      /^preflight cannot predict what this command will change, and the policy requires a prediction/,
    );
    expect(result.message).toContain("cannot read file:///no/such.json (ENOENT)");
    expect(result.predicted?.unpredictable).toEqual([
      { rule: "sg-revoke", state: "groups", problem: "cannot read file:///no/such.json (ENOENT)" },
    ]);
    expect(ran).toEqual([]);
  });

  it("does not block a dry run, which changes nothing", async () => {
    fake = fakeAws(incidentGroups());
    const { result, ran } = await run([
      ...REVOKE_SCANNER.slice(0, 5),
      "--protocol",
      "icmp",
      "--source-group",
      "sg-peers",
      "--dry-run",
    ]);
    expect(result.outcome).toBe("ok");
    expect(result.predicted?.changes[0]).toMatchObject({ noChange: true });
    expect(ran).toHaveLength(1);
  });

  it("is verified after the run: a command that did more fails predicted.exact, and is rolled back (69)", async () => {
    fake = fakeAws(incidentGroups());
    const { result } = await run(REVOKE_SCANNER, { effect: revokeWholeRule });
    expect(result.outcome).toBe("verification-failed-restored");
    expect(result.violations.map((v) => v.expectation).sort()).toEqual([
      "predicted.exact",
      "removed.never",
    ]);
    expect(result.rollback).toMatchObject({ attempted: true, succeeded: true });
    expect(result.rollback.entries?.map((e) => [e.entry.sourceName, e.action]).sort()).toEqual([
      ["db-peers", "re-authorized"],
      ["scanner", "kept: allowed by the policy"],
    ]);
    expect(icmpSources()).toEqual(["sg-peers"]);
  });

  it("lets a failed command do less than predicted", async () => {
    fake = fakeAws(incidentGroups());
    const { result } = await run(REVOKE_SCANNER, { effect: () => 255 });
    expect(result).toMatchObject({ outcome: "command-failed", exitCode: 255, violations: [] });
  });

  it("but with exit 0, a predicted change that did not happen is a violation", async () => {
    fake = fakeAws(incidentGroups());
    const { result } = await run(REVOKE_SCANNER, { effect: () => 0 });
    expect(result.outcome).toBe("verification-failed");
    expect(result.violations).toMatchObject([
      { expectation: "predicted.exact", message: "1 entry predicted to change did not" },
    ]);
    expect(result.rollback).toMatchObject({ attempted: false });
  });
});

describe("rollback: prompt", () => {
  it("without a terminal, undoes nothing and hands out the commands (70)", async () => {
    fake = fakeAws(incidentGroups());
    const { result, asked } = await run(["./close-scanner-access.sh"], {
      rollback: "prompt",
      effect: revokeWholeRule,
    });
    expect(result.outcome).toBe("verification-failed");
    expect(asked).toEqual([]);
    expect(result.rollback).toMatchObject({ attempted: false, succeeded: null });
    expect(result.rollback.commands).toEqual([
      `aws ec2 authorize-security-group-ingress --group-id sg-db --ip-permissions '[{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"UserIdGroupPairs":[{"GroupId":"sg-peers","UserId":"123456789012","Description":"db peers ping"}]}]'`,
    ]);
    expect(result.hint).toContain("aws ec2 authorize-security-group-ingress --group-id sg-db");
    expect(icmpSources()).toEqual([]);
  });

  it("on a terminal, asks, and restores when told yes (69)", async () => {
    fake = fakeAws(incidentGroups());
    const { result, asked } = await run(["./close-scanner-access.sh"], {
      rollback: "prompt",
      effect: revokeWholeRule,
      interactive: true,
      answer: true,
    });
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain("put back: ingress icmp (all types) from sg-peers (db-peers)");
    expect(result.outcome).toBe("verification-failed-restored");
    expect(icmpSources()).toEqual(["sg-peers"]);
  });

  it("on a terminal, leaves it when told no (70)", async () => {
    fake = fakeAws(incidentGroups());
    const { result } = await run(["./close-scanner-access.sh"], {
      rollback: "prompt",
      effect: revokeWholeRule,
      interactive: true,
      answer: false,
    });
    expect(result.outcome).toBe("verification-failed");
    expect(result.rollback.detail).toBe("nothing was undone: the operator declined the rollback");
    expect(icmpSources()).toEqual([]);
  });
});

it("stops before running when the before-snapshot cannot be taken (71)", async () => {
  fake = fakeAws(incidentGroups().slice(1));
  const { result, ran } = await run(REVOKE_SCANNER);
  expect(result.outcome).toBe("internal-error");
  expect(result.message).toMatch(/security group sg-db not found/);
  expect(ran).toEqual([]);
});
