/** Every way the AWS CLI lets a security-group call be written, read into the grants it names. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSecurityGroupCall, type SecurityGroupCall } from "./call.js";

const files = { cwd: "/", home: "/root" };

function call(...args: string[]): SecurityGroupCall {
  const reading = readSecurityGroupCall(["aws", "ec2", ...args], files);
  if (reading?.kind !== "call") throw new Error(`not read: ${JSON.stringify(reading)}`);
  return reading.call;
}

function problem(...args: string[]): string {
  const reading = readSecurityGroupCall(["aws", "ec2", ...args], files);
  if (reading?.kind !== "unreadable") throw new Error(`read: ${JSON.stringify(reading)}`);
  return reading.problem;
}

const REVOKE = "revoke-security-group-ingress";

describe("the CLI's own options", () => {
  it("--protocol --port --cidr: one grant, the CIDR canonical", () => {
    const c = call(
      REVOKE,
      "--group-id",
      "sg-1",
      "--protocol",
      "tcp",
      "--port",
      "22",
      "--cidr",
      "10.1.2.3/8",
    );
    expect(c).toMatchObject({
      action: "revoke",
      direction: "ingress",
      groupId: "sg-1",
      dryRun: false,
    });
    expect(c.grants).toEqual([
      {
        protocol: "tcp",
        from: 22,
        to: 22,
        sourceKind: "cidr4",
        source: "10.0.0.0/8",
        description: null,
      },
    ]);
  });

  it("--port ranges, all, -1 and ICMP type-code", () => {
    const grant = (protocol: string, port: string) =>
      call(
        REVOKE,
        "--group-id",
        "sg-1",
        "--protocol",
        protocol,
        "--port",
        port,
        "--cidr",
        "10.0.0.0/8",
      ).grants[0];
    expect(grant("tcp", "8000-8100")).toMatchObject({ from: 8000, to: 8100 });
    expect(grant("udp", "all")).toMatchObject({ from: -1, to: -1 });
    expect(grant("icmp", "-1")).toMatchObject({ from: -1, to: -1 });
    expect(grant("icmp", "8-0")).toMatchObject({ from: 8, to: 0 });
    expect(grant("icmp", "3--1")).toMatchObject({ from: 3, to: -1 });
  });

  it("--protocol all is AWS's -1, and ports do not apply to it (or to another number)", () => {
    expect(
      call(REVOKE, "--group-id", "sg-1", "--protocol", "all", "--cidr", "10.0.0.0/8").grants[0],
    ).toMatchObject({
      protocol: "all",
      from: null,
      to: null,
    });
    expect(
      call(REVOKE, "--group-id", "sg-1", "--protocol", "50", "--port", "22", "--cidr", "10.0.0.0/8")
        .grants[0],
    ).toMatchObject({ protocol: "50", from: null, to: null });
    expect(
      call(REVOKE, "--group-id", "sg-1", "--protocol", "6", "--port", "443", "--cidr", "10.0.0.0/8")
        .grants[0],
    ).toMatchObject({ protocol: "tcp", from: 443, to: 443 });
  });

  it("ICMP without --port means every type", () => {
    expect(
      call(REVOKE, "--group-id", "sg-1", "--protocol", "icmp", "--source-group", "sg-2").grants,
    ).toEqual([
      { protocol: "icmp", from: -1, to: -1, sourceKind: "sg", source: "sg-2", description: null },
    ]);
  });

  it("--source-group by id or by name, with --group-owner", () => {
    expect(
      call(
        REVOKE,
        "--group-id",
        "sg-1",
        "--protocol",
        "tcp",
        "--port",
        "5432",
        "--source-group",
        "db-peers",
        "--group-owner",
        "111122223333",
      ).grants,
    ).toEqual([
      {
        protocol: "tcp",
        from: 5432,
        to: 5432,
        sourceKind: "sg",
        sourceGroupName: "db-peers",
        sourceOwner: "111122223333",
        description: null,
      },
    ]);
  });

  it("TCP without a port is a grant AWS refuses", () => {
    expect(
      call(REVOKE, "--group-id", "sg-1", "--protocol", "tcp", "--cidr", "10.0.0.0/8").grants[0]
        ?.invalid,
    ).toMatch(/needs FromPort and ToPort/);
  });

  it("the API's own --ip-protocol --from-port --to-port --cidr-ip", () => {
    expect(
      call(
        "authorize-security-group-ingress",
        "--group-name",
        "db",
        "--ip-protocol",
        "tcp",
        "--from-port",
        "22",
        "--to-port",
        "23",
        "--cidr-ip",
        "10.0.0.1/32",
      ),
    ).toMatchObject({
      action: "authorize",
      groupName: "db",
      grants: [{ protocol: "tcp", from: 22, to: 23, sourceKind: "cidr4", source: "10.0.0.1/32" }],
    });
  });
});

describe("--ip-permissions", () => {
  it("as JSON, with several sources of several kinds: one grant per source", () => {
    const c = call(
      REVOKE,
      "--group-id=sg-1",
      "--ip-permissions",
      JSON.stringify([
        {
          IpProtocol: "icmp",
          FromPort: -1,
          ToPort: -1,
          UserIdGroupPairs: [
            { GroupId: "sg-scanner" },
            { GroupId: "sg-peers", Description: "peers", UserId: "123456789012" },
          ],
          IpRanges: [{ CidrIp: "10.0.0.0/8" }],
          Ipv6Ranges: [{ CidrIpv6: "2001:DB8::/32" }],
          PrefixListIds: [{ PrefixListId: "pl-1" }],
        },
      ]),
    );
    expect(c.grants.map((g) => [g.sourceKind, g.source, g.description])).toEqual([
      ["cidr4", "10.0.0.0/8", null],
      ["cidr6", "2001:db8::/32", null],
      ["prefix-list", "pl-1", null],
      ["sg", "sg-scanner", null],
      ["sg", "sg-peers", "peers"],
    ]);
  });

  it("as one JSON structure, and as several shorthand values", () => {
    expect(
      call(
        REVOKE,
        "--group-id",
        "sg-1",
        "--ip-permissions",
        '{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}',
      ).grants,
    ).toMatchObject([{ protocol: "all", from: null, source: "0.0.0.0/0" }]);
    const c = call(
      "revoke-security-group-egress",
      "--group-id",
      "sg-1",
      "--ip-permissions",
      "IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=10.0.0.0/8,Description=https out}]",
      "IpProtocol=udp,FromPort=53,ToPort=53,Ipv6Ranges=[{CidrIpv6=::/0}]",
    );
    expect(c.direction).toBe("egress");
    expect(c.grants).toEqual([
      {
        protocol: "tcp",
        from: 443,
        to: 443,
        sourceKind: "cidr4",
        source: "10.0.0.0/8",
        description: "https out",
      },
      { protocol: "udp", from: 53, to: 53, sourceKind: "cidr6", source: "::/0", description: null },
    ]);
  });

  it("from file://, relative to the working folder", () => {
    const dir = mkdtempSync(join(tmpdir(), "preflight-perms-"));
    writeFileSync(
      join(dir, "perms.json"),
      JSON.stringify([
        { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
      ]),
    );
    const reading = readSecurityGroupCall(
      ["aws", "ec2", REVOKE, "--group-id", "sg-1", "--ip-permissions", "file://perms.json"],
      { cwd: dir },
    );
    expect(reading).toMatchObject({
      kind: "call",
      call: { grants: [{ protocol: "tcp", from: 22, source: "10.0.0.0/8" }] },
    });
    expect(
      problem(REVOKE, "--group-id", "sg-1", "--ip-permissions", "file:///no/such/file.json"),
    ).toMatch(/cannot read file:\/\/\/no\/such\/file.json \(ENOENT\)/);
  });

  it("with --cli-input-json too", () => {
    const c = call(
      REVOKE,
      "--cli-input-json",
      JSON.stringify({
        GroupId: "sg-9",
        DryRun: true,
        IpPermissions: [
          { IpProtocol: "udp", FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: "10.0.0.0/8" }] },
        ],
      }),
    );
    expect(c).toMatchObject({ groupId: "sg-9", dryRun: true, grants: [{ protocol: "udp" }] });
  });

  it("reports what it cannot read instead of guessing", () => {
    expect(problem(REVOKE, "--group-id", "sg-1", "--ip-permissions", "[{")).toMatch(
      /not valid JSON/,
    );
    expect(
      problem(REVOKE, "--group-id", "sg-1", "--ip-permissions", "IpProtocol=tcp,Bogus=1"),
    ).toMatch(/unknown IpPermission key Bogus/);
    expect(problem(REVOKE, "--group-id", "sg-1", "--frobnicate", "x")).toMatch(
      /does not know the option --frobnicate/,
    );
    expect(problem(REVOKE, "--group-id", "sg-1", "--port", "ssh", "--protocol", "tcp")).toMatch(
      /--port ssh/,
    );
    expect(problem(REVOKE, "--group-id", "sg-1", "sg-2", "--protocol", "tcp")).toMatch(
      /takes one value/,
    );
  });
});

describe("calls that change nothing", () => {
  it("--dry-run", () => {
    expect(
      call(REVOKE, "--group-id", "sg-1", "--protocol", "icmp", "--cidr", "10.0.0.0/8", "--dry-run")
        .dryRun,
    ).toBe(true);
  });

  it("--ip-permissions together with --protocol, which the CLI refuses", () => {
    expect(
      call(
        REVOKE,
        "--group-id",
        "sg-1",
        "--protocol",
        "tcp",
        "--ip-permissions",
        "IpProtocol=tcp,FromPort=1,ToPort=1",
      ).noChange,
    ).toMatch(/refuses --protocol together with --ip-permissions/);
  });

  it("no group, or no grant", () => {
    expect(
      call(REVOKE, "--protocol", "tcp", "--port", "22", "--cidr", "10.0.0.0/8").noChange,
    ).toMatch(/names no security group/);
    expect(call(REVOKE, "--group-id", "sg-1").noChange).toMatch(/names no grant/);
  });
});

describe("--security-group-rule-ids", () => {
  it("lists the rule ids, space or comma separated", () => {
    expect(
      call(REVOKE, "--group-id", "sg-1", "--security-group-rule-ids", "sgr-1", "sgr-2,sgr-3")
        .ruleIds,
    ).toEqual(["sgr-1", "sgr-2", "sgr-3"]);
  });
});

it("is not a security-group call for other commands", () => {
  expect(readSecurityGroupCall(["aws", "ec2", "describe-security-groups"], files)).toBeUndefined();
  expect(readSecurityGroupCall(["aws", "s3", REVOKE], files)).toBeUndefined();
  expect(readSecurityGroupCall(["./close.sh", "ec2", REVOKE], files)).toBeUndefined();
});
