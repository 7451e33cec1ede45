/**
 * The Chargify incident, replayed against a real moto_server and the real aws CLI through
 * bin/preflight.js under the example policy (policies/examples/aws-security-groups.yaml).
 * Security group `db` allows ICMP from [scanner, db-peers] — one rule, two sources — and
 * moto's account is the policy's production account.
 */
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAwsClients } from "../../src/aws/clients.js";
import { awsSecurityGroupsKind } from "../../src/state/aws-security-groups/kind.js";
import { REPO_ROOT } from "../helpers/exec.js";
import {
  createIncidentGroups,
  type IncidentGroups,
  icmpSources,
  ingress,
  type Moto,
  startMoto,
} from "../helpers/moto.js";
import type { Report } from "../helpers/report.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = join(REPO_ROOT, "policies", "examples", "aws-security-groups.yaml");

let moto: Moto;
beforeAll(async () => {
  moto = await startMoto({ record: true });
});
afterAll(async () => {
  await moto?.stop();
});

interface Run {
  exitCode: number | null;
  stderr: string;
  stdout: string;
  report: Report;
}

/** preflight under the example policy, against moto, with a report; `env` adds variables. */
async function preflight(
  ws: Workspace,
  options: string[],
  command: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  const result = await ws.run(
    ["--policy", POLICY, "--report", ws.reportFile, ...options, "--", ...command],
    {
      env: { ...moto.env, PATH: `${ws.bin}:${moto.toolPath}:${ws.env.PATH}`, ...env },
      timeoutMs: 60_000,
    },
  );
  return { ...result, report: ws.readReport() };
}

/** The whole ICMP rule as DescribeSecurityGroups returned it: what the buggy script revoked. */
function wholeIcmpRule(g: IncidentGroups): string {
  return JSON.stringify([
    {
      IpProtocol: "icmp",
      FromPort: -1,
      ToPort: -1,
      UserIdGroupPairs: [
        { GroupId: g.scanner },
        { GroupId: g.peers, Description: "db peers ping" },
      ],
    },
  ]);
}

describe("the Chargify security-group incident", () => {
  it("blocks a revoke of the whole rule before it runs, because db-peers is protected (66)", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);

    const run = await preflight(
      ws,
      ["--confirm", "production"],
      [
        "aws",
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        g.db,
        "--ip-permissions",
        wholeIcmpRule(g),
      ],
    );

    expect(run.exitCode).toBe(66);
    expect(run.report.outcome).toBe("blocked");
    expect(run.report.commandExitCode).toBeNull();
    // The plan said what would go, grant by grant, and that one revoke takes out two sources.
    expect(run.stderr).toContain(`ingress icmp (all types) from ${g.scanner} (scanner)`);
    expect(run.stderr).toContain(
      `ingress icmp (all types) from ${g.peers} (db-peers) "db peers ping"`,
    );
    expect(run.stderr).toMatch(/takes out 2 sources of one rule/);
    const predicted = run.report.predicted as {
      changes: { removed: { source: string }[]; notes: string[] }[];
    };
    expect(predicted.changes[0]!.removed.map((e) => e.source).sort()).toEqual(
      [g.peers, g.scanner].sort(),
    );
    const never = run.report.violations.find((v) => v.expectation === "removed.never");
    expect(never?.entries.map((e) => e.entry.sourceName)).toEqual(["db-peers"]);
    // Nothing ran: both grants are still there.
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers, g.scanner].sort());
  });

  it("runs a revoke of only the scanner's grant, verifies it, and leaves the peers' grant (0)", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);
    moto.takeActions();

    const run = await preflight(
      ws,
      ["--confirm", "production"],
      [
        "aws",
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        g.db,
        "--protocol",
        "icmp",
        "--port",
        "-1",
        "--source-group",
        g.scanner,
      ],
    );

    // The whole guarded revoke, counted by moto: 4 calls. STS once; the before-snapshot in
    // one call (one page of the region's groups names the sources too); the aws CLI's own
    // revoke; the after-snapshot in one call (names remembered).
    const actions = moto.takeActions();
    expect(actions).toEqual([
      "GetCallerIdentity",
      "DescribeSecurityGroups",
      "RevokeSecurityGroupIngress",
      "DescribeSecurityGroups",
    ]);
    expect(actions.length).toBeLessThanOrEqual(4);
    expect(run.exitCode).toBe(0);
    expect(run.report).toMatchObject({ outcome: "ok", commandExitCode: 0, violations: [] });
    expect(run.report.environment).toMatchObject({
      name: "production",
      source: "AWS account",
      target: "123456789012",
    });
    expect(run.report.diff.removed.map((e) => e.entry.source)).toEqual([g.scanner]);
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers]);
  });

  it("catches a script that revokes the whole rule, and re-authorizes the peers' grant (69)", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);
    const script = join(ws.root, "close-scanner-access.sh");
    // What the clean-up script did: revoke the ICMP rule exactly as DescribeSecurityGroups returned it.
    writeFileSync(
      script,
      [
        "#!/bin/bash",
        "set -euo pipefail",
        `rule=$(aws ec2 describe-security-groups --group-ids ${g.db} --query 'SecurityGroups[0].IpPermissions[?IpProtocol==\`icmp\`]' --output json)`,
        `aws ec2 revoke-security-group-ingress --group-id ${g.db} --ip-permissions "$rule" >/dev/null`,
        'echo "scanner access closed"',
        "",
      ].join("\n"),
    );
    chmodSync(script, 0o755);

    const run = await preflight(ws, ["--confirm", "production"], ["./close-scanner-access.sh"]);

    expect(run.stdout).toContain("scanner access closed");
    expect(run.exitCode).toBe(69);
    expect(run.report).toMatchObject({
      outcome: "verification-failed-restored",
      commandExitCode: 0,
      predicted: null,
      rollback: { attempted: true, succeeded: true },
    });
    const only = run.report.violations.find((v) => v.expectation === "removed.only");
    expect(only?.entries.map((e) => e.entry.sourceName)).toEqual(["db-peers"]);
    const rollback = run.report.rollback as unknown as {
      entries: { entry: { sourceName: string }; action: string }[];
    };
    expect(rollback.entries.map((e) => [e.entry.sourceName, e.action]).sort()).toEqual([
      ["db-peers", "re-authorized"],
      ["scanner", "kept: allowed by the policy"],
    ]);
    // The peers' grant is back, with its description; the scanner's stays gone.
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers]);
    const icmp = (await ingress(moto.ec2, g.db)).find((p) => p.IpProtocol === "icmp");
    expect(icmp?.UserIdGroupPairs?.[0]?.Description).toBe("db peers ping");
  });

  it("needs --confirm production for the production account in CI (68 without, and nothing runs)", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);
    const revokeScanner = [
      "aws",
      "ec2",
      "revoke-security-group-ingress",
      "--group-id",
      g.db,
      "--protocol",
      "icmp",
      "--port",
      "-1",
      "--source-group",
      g.scanner,
    ];

    const without = await preflight(ws, [], revokeScanner);
    expect(without.exitCode).toBe(68);
    expect(without.report).toMatchObject({
      outcome: "confirmation-required",
      commandExitCode: null,
    });
    expect(without.stderr).toContain("--confirm production");
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers, g.scanner].sort());

    // A profile named like staging does not change which account this is.
    const wrong = await preflight(ws, ["--confirm", "staging"], revokeScanner, {
      AWS_PROFILE: "staging",
    });
    expect(wrong.exitCode).toBe(68);
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers, g.scanner].sort());

    const confirmed = await preflight(ws, ["--confirm", "production"], revokeScanner);
    expect(confirmed.exitCode).toBe(0);
    expect(confirmed.report.confirmation).toMatchObject({
      required: true,
      given: true,
      method: "flag",
    });
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers]);
  });
});

describe("security groups: failing closed and the plan", () => {
  it("refuses when the account cannot be looked up, and runs nothing (66)", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);

    const run = await preflight(
      ws,
      ["--confirm", "production"],
      [
        "aws",
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        g.db,
        "--protocol",
        "icmp",
        "--port",
        "-1",
        "--source-group",
        g.scanner,
      ],
      { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:9" },
    );

    expect(run.exitCode).toBe(66);
    expect(run.report.message).toMatch(/could not find out which AWS account/);
    expect(run.stderr).not.toContain("testing"); // the secret key is never shown
    expect(await icmpSources(moto.ec2, g.db)).toEqual([g.peers, g.scanner].sort());
  });

  it("plans a revoke of a grant that does not exist without running it", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);

    const run = await preflight(
      ws,
      [],
      [
        "aws",
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        g.db,
        "--protocol",
        "tcp",
        "--port",
        "22",
        "--cidr",
        "10.20.9.9/16",
      ],
    );
    const plan = await ws.run(
      [
        "plan",
        "--policy",
        POLICY,
        "--",
        "aws",
        "ec2",
        "revoke-security-group-ingress",
        "--group-id",
        g.db,
        "--protocol",
        "tcp",
        "--port",
        "5432",
        "--cidr",
        "10.20.1.7/24",
      ],
      {
        env: { ...moto.env, PATH: `${ws.bin}:${moto.toolPath}:${ws.env.PATH}` },
        timeoutMs: 60_000,
      },
    );

    // Without --confirm the run stops at 68, after the plan showed the prediction.
    expect(run.exitCode).toBe(68);
    expect(run.stderr).toContain("tcp 22 from 10.20.0.0/16 — does not exist");
    // The CIDR is compared in AWS's canonical form: 10.20.1.7/24 is the app subnet's grant.
    expect(plan.exitCode).toBe(68);
    expect(plan.stderr).toContain('- ingress tcp 5432 from 10.20.1.0/24 "app subnet"');
    expect((await ingress(moto.ec2, g.db)).some((p) => p.FromPort === 5432)).toBe(true);
  });
});

describe("the SDK against moto, without the CLI", () => {
  const spec = {
    kind: "aws-ec2-security-groups" as const,
    name: "groups",
    groups: ["db"],
    all: false,
    key: [],
    timeoutMs: 20_000,
    readOnly: true,
    source: { file: "p.yaml", line: 1, column: 1 },
  };
  const context = (vars: Record<string, string>, calls: string[] = []) => ({
    runner: {
      capture: async () => ({ exitCode: 0, stdout: "", stderr: "" }),
      runInherited: async () => ({ exitCode: 0 }),
    },
    lookup: () => undefined,
    env: vars,
    cwd: REPO_ROOT,
    argv: ["./close-scanner-access.sh"],
    aws: createAwsClients({ onCall: (operation) => calls.push(operation) }),
  });

  it("snapshots by group name, counting calls through the SDK middleware", async () => {
    const g = await createIncidentGroups(moto.ec2);
    const calls: string[] = [];
    const ctx = context(moto.env, calls);
    const grants = await awsSecurityGroupsKind.snapshot({ ...spec, groups: [g.db] }, ctx);
    await awsSecurityGroupsKind.snapshot({ ...spec, groups: [g.db] }, ctx);
    expect(grants.filter((e) => e.protocol === "icmp").map((e) => e.sourceName)).toEqual([
      ...(g.peers < g.scanner ? ["db-peers", "scanner"] : ["scanner", "db-peers"]),
    ]);
    // One call each: the first names the sources from one page of the region's groups, the
    // second knows the names already.
    expect(calls).toEqual(["DescribeSecurityGroupsCommand", "DescribeSecurityGroupsCommand"]);
    const named = await awsSecurityGroupsKind.snapshot(spec, ctx);
    expect(new Set(named.map((e) => e.groupName))).toEqual(new Set(["db"]));
  });

  it("fails closed without a region", async () => {
    const { AWS_DEFAULT_REGION: _region, ...vars } = moto.env;
    const ctx = context({ ...vars, AWS_CONFIG_FILE: join(REPO_ROOT, "no-such-config") });
    await expect(awsSecurityGroupsKind.snapshot(spec, ctx)).rejects.toThrow(/no AWS region/);
  });
});

it("keeps the AWS SDK and the security-group code out of the bundle every command loads", () => {
  const cli = readFileSync(join(REPO_ROOT, "dist", "cli.cjs"), "utf8");
  const aws = readFileSync(join(REPO_ROOT, "dist", "aws.cjs"), "utf8");
  expect(cli).not.toContain("@aws-sdk");
  expect(cli).not.toContain("DescribeSecurityGroups");
  // Loaded on demand: import(), which the build routes through dist/boot.cjs (see
  // src/boot/load-bundle.ts).
  expect(cli).toContain('__preflightImport("./aws.cjs")');
  expect(aws).toContain('require("@aws-sdk/client-ec2")');
});
