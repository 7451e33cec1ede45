/**
 * A small in-memory EC2 and STS behind aws-sdk-client-mock, for SDK-level unit tests of edge
 * cases a real emulator cannot easily produce (pagination with tiny pages, throttling, access
 * errors). Security groups hold IpPermissions as AWS returns them; authorize and revoke change
 * them. End-to-end tests use a real moto_server instead (test/helpers/moto.ts).
 */
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type Filter,
  type IpPermission,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface FakeAws {
  groups: SecurityGroup[];
  account: string;
  /** Results per page of DescribeSecurityGroups. */
  pageSize: number;
  ec2: ReturnType<typeof mockClient>;
  sts: ReturnType<typeof mockClient>;
  restore(): void;
}

/** Variables that point a run at the fake (static keys, a region). */
export const FAKE_AWS_VARS = {
  AWS_ACCESS_KEY_ID: "AKIAFAKE",
  AWS_SECRET_ACCESS_KEY: "fake-secret",
  AWS_DEFAULT_REGION: "eu-west-1",
};

export function fakeAws(groups: SecurityGroup[], account = "123456789012"): FakeAws {
  const ec2 = mockClient(EC2Client) as unknown as ReturnType<typeof mockClient>;
  const sts = mockClient(STSClient) as unknown as ReturnType<typeof mockClient>;
  const fake: FakeAws = {
    groups,
    account,
    pageSize: 1000,
    ec2,
    sts,
    restore() {
      ec2.restore();
      sts.restore();
    },
  };
  sts
    .on(GetCallerIdentityCommand)
    .callsFake(() => ({ Account: fake.account, Arn: "arn", UserId: "u" }));
  ec2
    .on(DescribeSecurityGroupsCommand)
    .callsFake((input: { Filters?: Filter[]; NextToken?: string }) => {
      const matching = fake.groups.filter((g) =>
        (input.Filters ?? []).every((f) =>
          f.Name === "group-id" ? f.Values?.includes(g.GroupId!) : f.Values?.includes(g.GroupName!),
        ),
      );
      const start = Number(input.NextToken ?? 0);
      const page = matching.slice(start, start + fake.pageSize);
      const next =
        start + fake.pageSize < matching.length ? String(start + fake.pageSize) : undefined;
      return { SecurityGroups: structuredClone(page), ...(next && { NextToken: next }) };
    });
  const change =
    (direction: "IpPermissions" | "IpPermissionsEgress", action: "add" | "remove") =>
    (input: { GroupId: string; IpPermissions: IpPermission[] }) => {
      const group = fake.groups.find((g) => g.GroupId === input.GroupId);
      if (!group)
        throw Object.assign(new Error(`The security group '${input.GroupId}' does not exist`), {
          name: "InvalidGroup.NotFound",
        });
      for (const p of input.IpPermissions) applyPermission(group, direction, p, action);
      return { Return: true };
    };
  ec2.on(AuthorizeSecurityGroupIngressCommand).callsFake(change("IpPermissions", "add"));
  ec2.on(AuthorizeSecurityGroupEgressCommand).callsFake(change("IpPermissionsEgress", "add"));
  ec2.on(RevokeSecurityGroupIngressCommand).callsFake(change("IpPermissions", "remove"));
  ec2.on(RevokeSecurityGroupEgressCommand).callsFake(change("IpPermissionsEgress", "remove"));
  ec2
    .on(UpdateSecurityGroupRuleDescriptionsIngressCommand)
    .callsFake((input: { GroupId: string; IpPermissions: IpPermission[] }) => {
      const group = fake.groups.find((g) => g.GroupId === input.GroupId)!;
      for (const p of input.IpPermissions) {
        applyPermission(group, "IpPermissions", p, "remove");
        applyPermission(group, "IpPermissions", p, "add");
      }
      return { Return: true };
    });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  return fake;
}

/** Adds or removes each source of `p` in the group's permission with the same protocol and ports. */
export function applyPermission(
  group: SecurityGroup,
  direction: "IpPermissions" | "IpPermissionsEgress",
  p: IpPermission,
  action: "add" | "remove",
): void {
  group[direction] ??= [];
  const list = group[direction];
  let target = list.find(
    (q) => q.IpProtocol === p.IpProtocol && q.FromPort === p.FromPort && q.ToPort === p.ToPort,
  );
  if (!target) {
    if (action === "remove")
      throw Object.assign(new Error("The specified rule does not exist"), {
        name: "InvalidPermission.NotFound",
      });
    target = {
      IpProtocol: p.IpProtocol,
      FromPort: p.FromPort,
      ToPort: p.ToPort,
      IpRanges: [],
      UserIdGroupPairs: [],
    };
    list.push(target);
  }
  for (const range of p.IpRanges ?? []) {
    target.IpRanges = (target.IpRanges ?? []).filter((r) => r.CidrIp !== range.CidrIp);
    if (action === "add") target.IpRanges.push(range);
  }
  for (const pair of p.UserIdGroupPairs ?? []) {
    target.UserIdGroupPairs = (target.UserIdGroupPairs ?? []).filter(
      (r) => r.GroupId !== pair.GroupId,
    );
    if (action === "add")
      target.UserIdGroupPairs.push({ ...pair, UserId: pair.UserId ?? "123456789012" });
  }
}

/** Chargify's `db` group: ICMP from [scanner, db-peers] in one permission, Postgres from the app subnet. */
export function incidentGroups(): SecurityGroup[] {
  return [
    {
      GroupId: "sg-db",
      GroupName: "db",
      VpcId: "vpc-1",
      OwnerId: "123456789012",
      IpPermissions: [
        {
          IpProtocol: "icmp",
          FromPort: -1,
          ToPort: -1,
          UserIdGroupPairs: [
            { GroupId: "sg-scanner", UserId: "123456789012" },
            { GroupId: "sg-peers", UserId: "123456789012", Description: "db peers ping" },
          ],
          IpRanges: [],
        },
        {
          IpProtocol: "tcp",
          FromPort: 5432,
          ToPort: 5432,
          IpRanges: [{ CidrIp: "10.20.1.0/24", Description: "app subnet" }],
          UserIdGroupPairs: [],
        },
      ],
      IpPermissionsEgress: [{ IpProtocol: "-1", IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
    },
    { GroupId: "sg-scanner", GroupName: "scanner", VpcId: "vpc-1", OwnerId: "123456789012" },
    { GroupId: "sg-peers", GroupName: "db-peers", VpcId: "vpc-1", OwnerId: "123456789012" },
  ];
}
