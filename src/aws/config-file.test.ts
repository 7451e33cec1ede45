import { describe, expect, it } from "vitest";
import {
  awsConfigPath,
  displayConfigPath,
  parseAwsConfig,
  profileAccount,
  profileRegion,
} from "./config-file.js";

const CONFIG = `# shared settings
[default]
region = us-east-1
output = json

[profile prod]
role_arn = arn:aws:iam::111122223333:role/Admin
source_profile = default
region=eu-west-1
s3 =
  max_concurrent_requests = 20
  region = ap-south-1

[profile dev]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
Region: eu-central-1

[profile gov]
role_arn = arn:aws-us-gov:iam::777788889999:role/Ops

[profile keys-only]
; keys live in ~/.aws/credentials
region = us-west-2

[profile broken]
role_arn = arn:aws:iam::12345:role/TooShort
sso_account_id = not-a-number

[sso-session corp]
sso_region = us-east-1
sso_start_url = https://corp.awsapps.com/start
`;

describe("the AWS config file", () => {
  const profiles = parseAwsConfig(CONFIG);

  it("reads [default] and [profile NAME], and skips other sections and nested blocks", () => {
    expect([...profiles.keys()]).toEqual(["default", "prod", "dev", "gov", "keys-only", "broken"]);
    expect(profiles.has("corp")).toBe(false);
    expect(profileRegion(profiles, "default")).toBe("us-east-1");
    // `region` under the nested `s3 =` block is S3's, not the profile's.
    expect(profileRegion(profiles, "prod")).toBe("eu-west-1");
    expect(profileRegion(profiles, "dev")).toBe("eu-central-1");
    expect(profileRegion(profiles, "gov")).toBeUndefined();
    expect(profileRegion(profiles, "missing")).toBeUndefined();
  });

  it("finds the account of a role_arn (any partition) or an sso_account_id", () => {
    expect(profileAccount(profiles, "prod")).toEqual({
      account: "111122223333",
      key: "role_arn",
      profile: "prod",
    });
    expect(profileAccount(profiles, "dev")).toEqual({
      account: "444455556666",
      key: "sso_account_id",
      profile: "dev",
    });
    expect(profileAccount(profiles, "gov")?.account).toBe("777788889999");
  });

  it("claims no account for a profile of plain keys, a malformed ARN or id, or a missing profile", () => {
    expect(profileAccount(profiles, "keys-only")).toBeUndefined();
    expect(profileAccount(profiles, "default")).toBeUndefined();
    expect(profileAccount(profiles, "broken")).toBeUndefined();
    expect(profileAccount(profiles, "nope")).toBeUndefined();
  });

  it("is AWS_CONFIG_FILE or ~/.aws/config, shown with ~ under the home folder", () => {
    expect(awsConfigPath(undefined, "/home/ann")).toBe("/home/ann/.aws/config");
    expect(awsConfigPath("/etc/aws.ini", "/home/ann")).toBe("/etc/aws.ini");
    expect(displayConfigPath("/home/ann/.aws/config", "/home/ann")).toBe("~/.aws/config");
    expect(displayConfigPath("/etc/aws.ini", "/home/ann")).toBe("/etc/aws.ini");
  });
});
