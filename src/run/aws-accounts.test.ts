import { describe, expect, it } from "vitest";
import type { AwsClients } from "../aws/clients.js";
import { lookUpAccounts } from "./aws-accounts.js";

const CONFIG = `[default]
region = us-east-1
[profile prod]
role_arn = arn:aws:iam::111122223333:role/Admin
region = eu-west-1
[profile dev]
sso_account_id = 444455556666
`;

const files = (path: string) => (path === "/home/ann/.aws/config" ? CONFIG : undefined);

function clients(account: string | Error): AwsClients {
  return {
    accountOf: async () => {
      if (account instanceof Error) throw account;
      return account;
    },
  } as unknown as AwsClients;
}

const unreachable = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
  code: "ECONNREFUSED",
});

async function answer(argv: string[], vars: Record<string, string>, aws: AwsClients) {
  const env = { HOME: "/home/ann", ...vars };
  const lookup = await lookUpAccounts([{ argv, vars: env }], aws, files);
  return lookup(argv, env);
}

describe("lookUpAccounts", () => {
  it("adds the region the command will use: its flag first, else the profile's", async () => {
    const aws = clients("999988887777");
    expect(await answer(["aws", "ec2", "x"], { AWS_PROFILE: "prod" }, aws)).toEqual({
      account: "999988887777",
      region: "eu-west-1",
      regionFrom: "profile 'prod' in ~/.aws/config",
      files: ["/home/ann/.aws/config"],
    });
    expect(await answer(["aws", "--region", "sa-east-1", "ec2", "x"], {}, aws)).toMatchObject({
      region: "sa-east-1",
    });
    expect(
      await answer(["aws", "ec2", "x"], { AWS_DEFAULT_REGION: "ca-central-1" }, aws),
    ).toMatchObject({
      region: "ca-central-1",
    });
    expect(await answer(["aws", "ec2", "x"], {}, aws)).toMatchObject({ region: "us-east-1" });
  });

  it("names the account the profile points at when STS cannot be reached", async () => {
    const aws = clients(unreachable);
    const prod = await answer(["aws", "--profile", "prod", "ec2", "x"], {}, aws);
    expect(prod).toMatchObject({
      profile: {
        account: "111122223333",
        source: "aws profile 'prod' role_arn in ~/.aws/config (STS unreachable)",
      },
    });
    expect("error" in prod && prod.error).toBeTruthy();
    const dev = await answer(["aws", "ec2", "x"], { AWS_PROFILE: "dev" }, aws);
    expect(dev).toMatchObject({ profile: { account: "444455556666" } });
  });

  it("claims no account when keys in the variables are used instead of the profile, or none is set", async () => {
    const aws = clients(unreachable);
    const keys = await answer(
      ["aws", "ec2", "x"],
      { AWS_PROFILE: "prod", AWS_ACCESS_KEY_ID: "AKIA", AWS_SECRET_ACCESS_KEY: "s" },
      aws,
    );
    expect(keys).not.toHaveProperty("profile");
    expect(await answer(["aws", "ec2", "x"], {}, aws)).not.toHaveProperty("profile");
    const noFile = await lookUpAccounts(
      [{ argv: ["aws", "ec2", "x"], vars: { HOME: "/nowhere", AWS_PROFILE: "prod" } }],
      aws,
      files,
    );
    expect(
      noFile(["aws", "ec2", "x"], { HOME: "/nowhere", AWS_PROFILE: "prod" }),
    ).not.toHaveProperty("profile");
  });
});
