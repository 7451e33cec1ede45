/**
 * The AWS account and region as the command will use them, from ~/.aws/config, through
 * bin/preflight.js: the region is shown with the account; when STS cannot be reached, the
 * profile's role_arn / sso_account_id names the account (a weaker source) and the run stays
 * blocked (66). The credentials file's secret is never shown.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/exec.js";
import { createIncidentGroups, type Moto, startMoto } from "../helpers/moto.js";
import { useWorkspace, type Workspace } from "../helpers/workspace.js";

const POLICY = join(REPO_ROOT, "policies", "examples", "aws-security-groups.yaml");
const SECRET = "wJalrXUtnFEMI-K7MDENG-not-a-real-secret";
const REVOKE = ["aws", "ec2", "revoke-security-group-ingress", "--group-id", "sg-1"];
const REFUSING = "http://127.0.0.1:1"; // nothing listens on port 1: the connection is refused

function writeAwsFiles(ws: Workspace): string {
  mkdirSync(join(ws.home, ".aws"));
  writeFileSync(
    join(ws.home, ".aws", "config"),
    [
      "[default]",
      "region = us-east-1",
      "",
      "[profile prod]",
      "role_arn = arn:aws:iam::123456789012:role/Admin",
      "source_profile = base",
      "region = eu-west-1",
      "",
      "[profile stage]",
      "sso_session = corp",
      "sso_account_id = 111122223333",
      "sso_role_name = Developer",
      "",
      "[profile base]",
      "region = us-east-1",
      "",
    ].join("\n"),
  );
  writeFileSync(
    join(ws.home, ".aws", "credentials"),
    `[base]\naws_access_key_id = AKIAEXAMPLEBASE\naws_secret_access_key = ${SECRET}\n`,
  );
  // A stand-in `aws` that leaves a mark: it must never run.
  ws.installScript("aws", `#!/bin/sh\ntouch "${ws.path("aws-ran")}"\n`);
  return join(ws.home, ".aws", "config");
}

describe("AWS: the profile's account when STS cannot be reached", () => {
  it("blocks (66), names the account the profile's role_arn points at, and runs nothing", async (t) => {
    const ws = useWorkspace(t);
    writeAwsFiles(ws);
    const run = await ws.run(
      ["--policy", POLICY, "--report", ws.reportFile, "--confirm", "production", "--", ...REVOKE],
      { env: { AWS_PROFILE: "prod", AWS_ENDPOINT_URL: REFUSING }, timeoutMs: 60_000 },
    );
    const source = "aws profile 'prod' role_arn in ~/.aws/config (STS unreachable)";
    expect(run.exitCode).toBe(66);
    const report = ws.readReport();
    expect(report).toMatchObject({ outcome: "blocked", decision: "deny", commandExitCode: null });
    expect(report.message).toContain("could not find out which AWS account");
    expect(report.message).toContain(`${source} names account 123456789012 (production)`);
    expect(report.environment).toMatchObject({
      name: "production",
      source,
      target: "123456789012",
      truth: { tool: "aws", values: { account: "123456789012", region: "eu-west-1" } },
    });
    expect(run.stderr).toContain("region eu-west-1 (profile 'prod' in ~/.aws/config)");
    expect(existsSync(ws.path("aws-ran"))).toBe(false);
    const record = ws.auditRecords().at(-1);
    expect(JSON.stringify(record)).toContain("123456789012");
    for (const text of [run.stdout, run.stderr, JSON.stringify(report), ws.auditText()]) {
      expect(text).not.toContain(SECRET);
    }
  });

  it("names an sso_account_id's environment, and stays blocked even with --confirm for it", async (t) => {
    const ws = useWorkspace(t);
    writeAwsFiles(ws);
    const run = await ws.run(
      ["--policy", POLICY, "--report", ws.reportFile, "--confirm", "staging", "--", ...REVOKE],
      { env: { AWS_PROFILE: "stage", AWS_ENDPOINT_URL: REFUSING }, timeoutMs: 60_000 },
    );
    expect(run.exitCode).toBe(66);
    expect(ws.readReport().message).toContain(
      "aws profile 'stage' sso_account_id in ~/.aws/config (STS unreachable) names account 111122223333 (staging)",
    );
    expect(ws.readReport().environment).toMatchObject({ name: "staging" });
    expect(existsSync(ws.path("aws-ran"))).toBe(false);
  });

  it("names no account when the variables' keys are used instead of the profile", async (t) => {
    const ws = useWorkspace(t);
    writeAwsFiles(ws);
    const run = await ws.run(["--policy", POLICY, "--report", ws.reportFile, "--", ...REVOKE], {
      env: {
        AWS_PROFILE: "prod",
        AWS_ACCESS_KEY_ID: "AKIAEXAMPLEENV",
        AWS_SECRET_ACCESS_KEY: SECRET,
        AWS_ENDPOINT_URL: REFUSING,
      },
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(66);
    expect(ws.readReport().message).not.toContain("names account");
    expect(run.stderr).not.toContain(SECRET);
    expect(existsSync(ws.path("aws-ran"))).toBe(false);
  });
});

describe("AWS: the region with the account (moto)", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it("shows the profile's region beside the account STS returned", async (t) => {
    const ws = useWorkspace(t);
    const g = await createIncidentGroups(moto.ec2);
    const config = ws.path("aws-config");
    writeFileSync(config, "[default]\nregion = us-east-1\n");
    const run = await ws.run(
      [
        "--policy",
        POLICY,
        "--report",
        ws.reportFile,
        "--",
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
      {
        env: {
          ...moto.env,
          AWS_DEFAULT_REGION: undefined,
          AWS_CONFIG_FILE: config,
          PATH: `${ws.bin}:${moto.toolPath}:${ws.env.PATH}`,
        },
        timeoutMs: 60_000,
      },
    );
    expect(run.exitCode).toBe(68); // production, no --confirm in CI
    expect(ws.readReport().environment).toMatchObject({
      name: "production",
      source: "AWS account",
      truth: {
        tool: "aws",
        where: `account 123456789012, region us-east-1 (profile 'default' in ${config})`,
        values: { account: "123456789012", region: "us-east-1" },
      },
    });
    expect(run.stderr).toContain("aws → account 123456789012, region us-east-1");
  });
});
