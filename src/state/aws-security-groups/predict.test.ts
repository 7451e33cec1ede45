/** Predictions against a before-snapshot: exactly which atomic grants a call removes or adds. */
import { describe, expect, it } from "vitest";
import { readSecurityGroupCall, type SecurityGroupCall } from "./call.js";
import type { Grant, GroupInfo } from "./grant.js";
import {
  effectiveChange,
  type PredictedChange,
  type PredictionInput,
  predictCall,
} from "./predict.js";

/** A grant on `db` (sg-db): ingress, with every field not given defaulted. */
function grant(fields: Partial<Grant>): Grant {
  return {
    group: "sg-db",
    groupName: "db",
    direction: "ingress",
    protocol: "icmp",
    from: -1,
    to: -1,
    sourceKind: "sg",
    source: "sg-scanner",
    sourceName: "scanner",
    sourceOwner: "123456789012",
    description: null,
    ...fields,
  };
}

const SCANNER = grant({});
const PEERS = grant({ source: "sg-peers", sourceName: "db-peers", description: "db peers ping" });
const POSTGRES = grant({
  protocol: "tcp",
  from: 5432,
  to: 5432,
  sourceKind: "cidr4",
  source: "10.20.1.0/24",
  sourceName: null,
  sourceOwner: null,
  description: "app subnet",
});
const ECHO = grant({
  from: 8,
  to: 0,
  sourceKind: "cidr4",
  source: "10.0.0.0/8",
  sourceName: null,
  sourceOwner: null,
});
const ALL_OUT = grant({
  direction: "egress",
  protocol: "all",
  from: null,
  to: null,
  sourceKind: "cidr4",
  source: "0.0.0.0/0",
  sourceName: null,
  sourceOwner: null,
});
const BEFORE = [SCANNER, PEERS, POSTGRES, ECHO, ALL_OUT];
const GROUPS: GroupInfo[] = [
  { id: "sg-db", name: "db", vpcId: "vpc-1", owner: "123456789012" },
  { id: "sg-web", name: "web", vpcId: "vpc-1", owner: "123456789012" },
];

function read(...args: string[]): SecurityGroupCall {
  const reading = readSecurityGroupCall(["aws", "ec2", ...args], { cwd: "/" });
  if (reading?.kind !== "call") throw new Error("not a call");
  return reading.call;
}

function predict(args: string[], extra: Partial<PredictionInput> = {}): PredictedChange {
  const prediction = predictCall({
    call: read(...args),
    grants: BEFORE,
    groups: GROUPS,
    state: "groups",
    ...extra,
  });
  if (prediction.kind !== "predicted") throw new Error(prediction.problem);
  return prediction.change;
}

const REVOKE = ["revoke-security-group-ingress", "--group-id", "sg-db"];

describe("revokes", () => {
  it("the whole ICMP rule as DescribeSecurityGroups returned it removes both sources, and says so (Chargify)", () => {
    const change = predict([
      ...REVOKE,
      "--ip-permissions",
      JSON.stringify([
        {
          IpProtocol: "icmp",
          FromPort: -1,
          ToPort: -1,
          UserIdGroupPairs: [
            { GroupId: "sg-scanner" },
            { GroupId: "sg-peers", Description: "db peers ping" },
          ],
        },
      ]),
    ]);
    expect(change.removed).toEqual([SCANNER, PEERS]);
    expect(change.unmatched).toEqual([]);
    expect(change.notes).toEqual([
      "this revoke takes out 2 sources of one rule — ingress icmp (all types) on db (sg-db): scanner (sg-scanner), db-peers (sg-peers). If only one of them should go, revoke just that source.",
    ]);
  });

  it("one source by --source-group (id or name) removes that grant only", () => {
    for (const source of ["sg-scanner", "scanner"]) {
      const change = predict([
        ...REVOKE,
        "--protocol",
        "icmp",
        "--port",
        "-1",
        "--source-group",
        source,
      ]);
      expect(change.removed).toEqual([SCANNER]);
      expect(change.notes).toEqual([]);
    }
  });

  it("ignores descriptions, as AWS does", () => {
    const change = predict([
      ...REVOKE,
      "--ip-permissions",
      "IpProtocol=icmp,FromPort=-1,ToPort=-1,UserIdGroupPairs=[{GroupId=sg-peers,Description=something else}]",
    ]);
    expect(change.removed).toEqual([PEERS]);
  });

  it("compares CIDRs in AWS's canonical form", () => {
    expect(
      predict([...REVOKE, "--protocol", "tcp", "--port", "5432", "--cidr", "10.20.1.77/24"])
        .removed,
    ).toEqual([POSTGRES]);
  });

  it("tells ICMP types and codes apart: all types is not echo", () => {
    expect(
      predict([...REVOKE, "--protocol", "icmp", "--port", "8-0", "--cidr", "10.0.0.0/8"]).removed,
    ).toEqual([ECHO]);
    const allTypes = predict([
      ...REVOKE,
      "--protocol",
      "icmp",
      "--port",
      "-1",
      "--cidr",
      "10.0.0.0/8",
    ]);
    expect(allTypes.removed).toEqual([]);
    expect(allTypes.unmatched).toMatchObject([
      { grant: { protocol: "icmp", from: -1, source: "10.0.0.0/8" }, why: "does not exist" },
    ]);
  });

  it("matches protocol -1 (all traffic) in its own direction only", () => {
    expect(
      predict([
        "revoke-security-group-egress",
        "--group-id",
        "sg-db",
        "--ip-permissions",
        "IpProtocol=-1,IpRanges=[{CidrIp=0.0.0.0/0}]",
      ]).removed,
    ).toEqual([ALL_OUT]);
    expect(predict([...REVOKE, "--protocol", "all", "--cidr", "0.0.0.0/0"]).removed).toEqual([]);
  });

  it("lists grants that do not exist, and warns what AWS does then", () => {
    const change = predict([
      ...REVOKE,
      "--ip-permissions",
      "IpProtocol=icmp,FromPort=-1,ToPort=-1,UserIdGroupPairs=[{GroupId=sg-scanner},{GroupId=sg-gone}]",
    ]);
    expect(change.removed).toEqual([SCANNER]);
    expect(change.unmatched).toMatchObject([
      { grant: { source: "sg-gone" }, why: "does not exist" },
    ]);
    expect(change.notes.join(" ")).toMatch(/InvalidPermission.NotFound/);
  });

  it("lists grants AWS would refuse as not valid", () => {
    const change = predict([...REVOKE, "--protocol", "tcp", "--cidr", "10.20.1.0/24"]);
    expect(change.removed).toEqual([]);
    expect(change.unmatched[0]?.why).toMatch(/not valid: tcp needs FromPort and ToPort/);
  });

  it("--security-group-rule-ids, from what DescribeSecurityGroupRules said", () => {
    const ruleGrants = new Map([
      [
        "sgr-peers",
        {
          group: "sg-db",
          direction: "ingress",
          protocol: "icmp",
          from: -1,
          to: -1,
          sourceKind: "sg" as const,
          source: "sg-peers",
          description: null,
        },
      ],
      [
        "sgr-web",
        {
          group: "sg-web",
          direction: "ingress",
          protocol: "tcp",
          from: 80,
          to: 80,
          sourceKind: "cidr4" as const,
          source: "0.0.0.0/0",
          description: null,
        },
      ],
    ]);
    const change = predict(
      [...REVOKE, "--security-group-rule-ids", "sgr-peers", "sgr-web", "sgr-nope"],
      { ruleGrants },
    );
    expect(change.removed).toEqual([PEERS]);
    expect(change.unmatched.map((u) => [u.grant.ruleId, u.why])).toEqual([
      ["sgr-web", "is not an ingress rule of sg-db"],
      ["sgr-nope", "does not exist"],
    ]);
  });

  it("finds the group by name", () => {
    expect(
      predict([
        "revoke-security-group-ingress",
        "--group-name",
        "db",
        "--protocol",
        "icmp",
        "--port",
        "-1",
        "--source-group",
        "sg-scanner",
      ]).group,
    ).toEqual({ id: "sg-db", name: "db" });
  });
});

describe("authorizes", () => {
  it("adds the grants that are not there, named and described", () => {
    const change = predict([
      "authorize-security-group-ingress",
      "--group-id",
      "sg-db",
      "--ip-permissions",
      "IpProtocol=tcp,FromPort=5432,ToPort=5432,UserIdGroupPairs=[{GroupId=sg-web,Description=web to db}]",
    ]);
    expect(change.added).toEqual([
      grant({
        protocol: "tcp",
        from: 5432,
        to: 5432,
        source: "sg-web",
        sourceName: "web",
        description: "web to db",
      }),
    ]);
  });

  it("lists grants that already exist: AWS refuses the whole call", () => {
    const change = predict([
      "authorize-security-group-ingress",
      "--group-id",
      "sg-db",
      "--protocol",
      "icmp",
      "--port",
      "-1",
      "--source-group",
      "sg-peers",
    ]);
    expect(change.added).toEqual([]);
    expect(change.unmatched).toMatchObject([{ why: "already exists" }]);
    expect(change.notes.join(" ")).toMatch(/InvalidPermission.Duplicate/);
  });
});

describe("what cannot be predicted, and what changes nothing", () => {
  it("an authorize from a source group named by a name preflight has not seen", () => {
    const call = read(
      "authorize-security-group-ingress",
      "--group-id",
      "sg-db",
      "--protocol",
      "tcp",
      "--port",
      "9100",
      "--source-group",
      "monitoring",
    );
    expect(predictCall({ call, grants: BEFORE, groups: GROUPS, state: "groups" })).toEqual({
      kind: "unpredictable",
      problem:
        "preflight cannot tell which security group 'monitoring' is (it is not among the groups it snapshotted): name the source by id (sg-…), or add the group to the state's groups:",
    });
  });

  it("a group the snapshot does not cover, or a name several groups have", () => {
    const outside = predictCall({
      call: read(
        "revoke-security-group-ingress",
        "--group-id",
        "sg-other",
        "--protocol",
        "icmp",
        "--cidr",
        "10.0.0.0/8",
      ),
      grants: BEFORE,
      groups: GROUPS,
      state: "groups",
    });
    expect(outside).toEqual({
      kind: "unpredictable",
      problem:
        "the command changes security group sg-other, which state 'groups' does not snapshot",
    });
    const twice = predictCall({
      call: read(
        "revoke-security-group-ingress",
        "--group-name",
        "db",
        "--protocol",
        "icmp",
        "--cidr",
        "10.0.0.0/8",
      ),
      grants: BEFORE,
      groups: [...GROUPS, { id: "sg-db2", name: "db", vpcId: "vpc-2", owner: null }],
      state: "groups",
    });
    expect(twice).toMatchObject({
      kind: "unpredictable",
      problem: expect.stringMatching(/2 snapshotted groups are named 'db'/),
    });
  });

  it("a dry run is predicted but changes nothing", () => {
    const c = read(
      ...REVOKE,
      "--protocol",
      "icmp",
      "--port",
      "-1",
      "--source-group",
      "sg-scanner",
      "--dry-run",
    );
    const prediction = predictCall({ call: c, grants: BEFORE, groups: GROUPS, state: "groups" });
    if (prediction.kind !== "predicted") throw new Error("unpredicted");
    expect(prediction.change.removed).toEqual([SCANNER]);
    expect(effectiveChange(prediction.change, c)).toEqual({ removed: [], added: [] });
    expect(prediction.change.notes.join(" ")).toMatch(/--dry-run/);
  });
});
