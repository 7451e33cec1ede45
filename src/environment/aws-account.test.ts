import { describe, expect, it } from "vitest";
import { environment, extractor, policy, rule } from "../../test/helpers/policy-factory.js";
import { resolveEnvironment } from "./resolve.js";

const accounts = policy({
  environments: [
    environment("production", { protected: true, awsAccounts: ["111122223333"] }),
    environment("development", { protected: false, awsAccounts: ["444455556666"] }),
  ],
});
const aws = rule({
  id: "aws",
  commands: ["aws"],
  environment: extractor({ awsAccount: true }),
});
const resolve = (account: Parameters<typeof resolveEnvironment>[0]["account"], intended?: string) =>
  resolveEnvironment({
    policy: accounts,
    rules: [aws],
    argv: ["aws", "ec2", "revoke-security-group-ingress"],
    vars: { AWS_PROFILE: "dev" },
    ...(intended && { intended }),
    ...(account && { account }),
  });

describe("the AWS account's environment", () => {
  it("shows the account and the region the command will use as the truth", () => {
    const result = resolve({
      account: "111122223333",
      region: "eu-west-1",
      regionFrom: "profile 'prod' in ~/.aws/config",
      files: ["/home/ann/.aws/config"],
    });
    expect(result).toMatchObject({
      ok: true,
      environment: {
        name: "production",
        source: "AWS account",
        target: "111122223333",
        truth: {
          tool: "aws",
          where: "account 111122223333, region eu-west-1 (profile 'prod' in ~/.aws/config)",
          values: { account: "111122223333", region: "eu-west-1" },
        },
      },
    });
  });

  it("stays blocked when STS cannot be asked, and names the account the profile points at", () => {
    const source = "aws profile 'dev' sso_account_id in ~/.aws/config (STS unreachable)";
    const result = resolve({
      error: "connection refused",
      profile: { account: "444455556666", source },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.contradiction).toContain("could not find out which AWS account");
    expect(result.contradiction).toContain(`${source} names account 444455556666 (development)`);
    expect(result.contradiction).toContain("stays blocked");
    expect(result.detected).toMatchObject({ name: "development", source, target: "444455556666" });
  });

  it("stays blocked with --env naming the profile's environment: a weaker source never lets a run through", () => {
    const source = "aws profile 'dev' sso_account_id in ~/.aws/config (STS unreachable)";
    const result = resolve(
      { error: "timed out", profile: { account: "444455556666", source } },
      "development",
    );
    expect(result.ok).toBe(false);
  });

  it("says an unlisted account is no environment the policy lists, and without a profile claim names none", () => {
    const unlisted = resolve({
      error: "refused",
      profile: {
        account: "999999999999",
        source: "aws profile 'x' role_arn in ~/.aws/config (STS unreachable)",
      },
    });
    expect(!unlisted.ok && unlisted.contradiction).toContain(
      "an environment the policy does not list",
    );
    expect(!unlisted.ok && unlisted.detected).toMatchObject({ known: false, protected: true });
    const bare = resolve({ error: "refused" });
    expect(bare.ok).toBe(false);
    expect(!bare.ok && bare.detected).toBeUndefined();
  });
});
