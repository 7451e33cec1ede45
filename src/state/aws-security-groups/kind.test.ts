/**
 * The state kind through the real AWS SDK, with the SDK's transport mocked
 * (aws-sdk-client-mock): snapshots, pagination, errors, rule-id predictions and restores.
 */
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_AWS_VARS,
  type FakeAws,
  fakeAws,
  incidentGroups,
} from "../../../test/helpers/fake-ec2.js";
import { createAwsClients } from "../../aws/clients.js";
import type { AwsSecurityGroupsStateSpec } from "../../policy/types.js";
import { type ProbeContext, ProbeError } from "../types.js";
import type { Grant } from "./grant.js";
import { awsSecurityGroupsKind as kind } from "./kind.js";

let fake: FakeAws;
afterEach(() => fake?.restore());

function spec(fields: Partial<AwsSecurityGroupsStateSpec> = {}): AwsSecurityGroupsStateSpec {
  return {
    kind: "aws-ec2-security-groups",
    name: "groups",
    groups: [],
    all: false,
    key: [],
    timeoutMs: 10_000,
    readOnly: true,
    source: { file: "p.yaml", line: 1, column: 1 },
    ...fields,
  };
}

function context(
  argv: string[],
  vars: Record<string, string> = FAKE_AWS_VARS,
  calls?: string[],
): ProbeContext {
  return {
    runner: {
      capture: async () => ({ exitCode: 0, stdout: "", stderr: "" }),
      runInherited: async () => ({ exitCode: 0 }),
    },
    lookup: (name) =>
      name === "args.group-id" && argv.includes("--group-id")
        ? argv[argv.indexOf("--group-id") + 1]
        : undefined,
    env: vars,
    cwd: "/",
    argv,
    aws: createAwsClients(calls ? { onCall: (op) => calls.push(op) } : {}),
  };
}

const REVOKE = ["aws", "ec2", "revoke-security-group-ingress", "--group-id", "sg-db"];

describe("snapshot", () => {
  it("unfolds every permission into one grant per source, with names of the source groups", async () => {
    fake = fakeAws(incidentGroups());
    const grants = (await kind.snapshot(
      spec(),
      context([...REVOKE, "--protocol", "icmp"]),
    )) as Grant[];
    expect(
      grants.map((g) => [
        g.direction,
        g.protocol,
        g.from,
        g.to,
        g.source,
        g.sourceName,
        g.description,
      ]),
    ).toEqual([
      ["ingress", "icmp", -1, -1, "sg-peers", "db-peers", "db peers ping"],
      ["ingress", "icmp", -1, -1, "sg-scanner", "scanner", null],
      ["ingress", "tcp", 5432, 5432, "10.20.1.0/24", null, "app subnet"],
      ["egress", "all", null, null, "0.0.0.0/0", null, null],
    ]);
    expect(grants.every((g) => g.group === "sg-db" && g.groupName === "db")).toBe(true);
    // One page of every group in the region: the named group and its sources' names at once.
    const describes = fake.ec2
      .commandCalls(DescribeSecurityGroupsCommand)
      .map((c) => c.args[0].input.Filters);
    expect(describes).toEqual([undefined]);
  });

  it("where the region's groups take more than one page, describes the named group, then its sources", async () => {
    fake = fakeAws(incidentGroups());
    fake.pageSize = 2;
    const grants = (await kind.snapshot(spec(), context(REVOKE))) as Grant[];
    expect(grants.filter((g) => g.sourceKind === "sg").map((g) => g.sourceName)).toEqual([
      "db-peers",
      "scanner",
    ]);
    const describes = fake.ec2
      .commandCalls(DescribeSecurityGroupsCommand)
      .map((c) => c.args[0].input.Filters);
    expect(describes).toEqual([
      undefined,
      [{ Name: "group-id", Values: ["sg-db"] }],
      [{ Name: "group-id", Values: ["sg-peers", "sg-scanner"] }],
    ]);
  });

  it("follows NextToken through every page", async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      GroupId: `sg-${i}`,
      GroupName: `g${i}`,
      IpPermissions: [
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: `10.${i}.0.0/16` }] },
      ],
    }));
    fake = fakeAws(many);
    fake.pageSize = 2;
    const grants = await kind.snapshot(spec({ all: true }), context(["./script.sh"]));
    expect(grants).toHaveLength(7);
    expect(fake.ec2.commandCalls(DescribeSecurityGroupsCommand)).toHaveLength(4);
  });

  it("takes the policy's groups by id and by name, templates filled", async () => {
    fake = fakeAws(incidentGroups());
    const grants = (await kind.snapshot(
      spec({ groups: ["{args.group-id}", "db-peers"] }),
      context(["aws", "ec2", "x", "--group-id", "sg-scanner"]),
    )) as Grant[];
    expect(grants).toEqual([]);
    const filters = fake.ec2
      .commandCalls(DescribeSecurityGroupsCommand)
      .map((c) => c.args[0].input.Filters);
    expect(filters).toEqual([undefined]);
    fake.ec2.resetHistory();
    fake.pageSize = 1;
    await kind.snapshot(
      spec({ groups: ["{args.group-id}", "db-peers"] }),
      context(["aws", "ec2", "x", "--group-id", "sg-scanner"]),
    );
    expect(
      fake.ec2.commandCalls(DescribeSecurityGroupsCommand).map((c) => c.args[0].input.Filters),
    ).toEqual([
      undefined,
      [{ Name: "group-id", Values: ["sg-scanner"] }],
      [{ Name: "group-name", Values: ["db-peers"] }],
    ]);
  });

  it("fails when a group does not exist, or the command names none", async () => {
    fake = fakeAws(incidentGroups());
    await expect(
      kind.snapshot(spec({ groups: ["sg-gone", "nope"] }), context(["./s.sh"])),
    ).rejects.toThrow(
      "security groups sg-gone, nope not found (check the account, region and names)",
    );
    await expect(kind.snapshot(spec(), context(["./s.sh"]))).rejects.toThrow(
      /names no security group/,
    );
    await expect(
      kind.snapshot(spec({ groups: ["{args.group-id}"] }), context(["./s.sh"])),
    ).rejects.toThrow(
      "the groups to snapshot need {args.group-id}, which this command does not give",
    );
  });

  it("turns AWS errors into one line naming where it looked, never the keys", async () => {
    fake = fakeAws(incidentGroups());
    fake.ec2.on(DescribeSecurityGroupsCommand).rejects(
      Object.assign(new Error("You are not authorized to perform this operation."), {
        name: "UnauthorizedOperation",
      }),
    );
    const failure = await kind.snapshot(spec(), context(REVOKE)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProbeError);
    expect((failure as Error).message).toBe(
      "UnauthorizedOperation: You are not authorized to perform this operation. (keys from AWS_ACCESS_KEY_ID, region eu-west-1)",
    );
    expect((failure as Error).message).not.toContain("fake-secret");
  });

  it("reports throttling that outlasted the SDK's retries", async () => {
    fake = fakeAws(incidentGroups());
    fake.ec2
      .on(DescribeSecurityGroupsCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));
    await expect(kind.snapshot(spec(), context(REVOKE))).rejects.toThrow(
      /^ThrottlingException: Rate exceeded/,
    );
  });
});

describe("predict", () => {
  it("maps --security-group-rule-ids through DescribeSecurityGroupRules", async () => {
    fake = fakeAws(incidentGroups());
    fake.ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [
        {
          SecurityGroupRuleId: "sgr-peers",
          GroupId: "sg-db",
          IsEgress: false,
          IpProtocol: "icmp",
          FromPort: -1,
          ToPort: -1,
          ReferencedGroupInfo: { GroupId: "sg-peers", UserId: "123456789012" },
        },
      ],
    });
    const argv = [...REVOKE, "--security-group-rule-ids", "sgr-peers"];
    const ctx = context(argv);
    const before = await kind.snapshot(spec(), ctx);
    const prediction = await kind.predict!(spec(), ctx, before);
    expect(prediction).toMatchObject({ kind: "predicted", noun: "grant", unmatched: [] });
    expect(prediction?.kind === "predicted" && prediction.removed.map((g) => g.sourceName)).toEqual(
      ["db-peers"],
    );
  });

  it("says why it cannot predict a command it cannot read", async () => {
    fake = fakeAws(incidentGroups());
    const ctx = context([...REVOKE, "--ip-permissions", "{not json"]);
    const prediction = await kind.predict!(spec(), ctx, await kind.snapshot(spec(), ctx));
    expect(prediction).toEqual({
      kind: "unpredictable",
      problem: expect.stringMatching(/not valid JSON/),
    });
  });

  it("has nothing to say about a script", async () => {
    fake = fakeAws(incidentGroups());
    const ctx = context(["./close-scanner-access.sh"]);
    expect(await kind.predict!(spec({ groups: ["db"] }), ctx, [])).toBeUndefined();
  });
});

describe("restore", () => {
  it("re-authorizes with the description, revokes, and goes on after one failure", async () => {
    fake = fakeAws(incidentGroups());
    const ctx = context(REVOKE);
    const before = (await kind.snapshot(spec(), ctx)) as Grant[];
    const peers = before.find((g) => g.sourceName === "db-peers")!;
    const app = before.find((g) => g.protocol === "tcp")!;
    fake.groups[0]!.IpPermissions![0]!.UserIdGroupPairs = [
      { GroupId: "sg-scanner", UserId: "123456789012" },
    ];
    const stray = { ...app, source: "0.0.0.0/0", description: null };
    const ghost = { ...app, group: "sg-gone" };

    const steps = await kind.restore!(spec(), ctx, {
      restore: [peers, ghost],
      remove: [],
      revert: [],
    });

    expect(steps.map((s) => [s.done, s.ok])).toEqual([
      ["re-authorized", true],
      ["re-authorized", false],
    ]);
    expect(steps[1]?.problem).toMatch(/InvalidGroup.NotFound/);
    const after = (await kind.snapshot(spec(), ctx)) as Grant[];
    expect(after.find((g) => g.sourceName === "db-peers")?.description).toBe("db peers ping");
    expect(
      await kind.undoCommands!(spec(), ctx, { restore: [peers], remove: [stray], revert: [] }),
    ).toEqual([
      `aws ec2 authorize-security-group-ingress --group-id sg-db --ip-permissions '[{"IpProtocol":"icmp","FromPort":-1,"ToPort":-1,"UserIdGroupPairs":[{"GroupId":"sg-peers","UserId":"123456789012","Description":"db peers ping"}]}]'`,
      `aws ec2 revoke-security-group-ingress --group-id sg-db --ip-permissions '[{"IpProtocol":"tcp","FromPort":5432,"ToPort":5432,"IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
    ]);
  });
});
