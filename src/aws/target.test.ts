import { describe, expect, it } from "vitest";
import { readAwsCommandLine } from "./cli-argv.js";
import { awsTargetOf } from "./target.js";

describe("readAwsCommandLine", () => {
  it("finds global options anywhere, the service, the operation and its options", () => {
    const line = readAwsCommandLine([
      "/usr/local/bin/aws",
      "--profile",
      "prod",
      "ec2",
      "--region=eu-west-1",
      "revoke-security-group-ingress",
      "--group-id",
      "sg-1",
      "--ip-permissions",
      "IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=10.0.0.0/8}]",
      "IpProtocol=udp,FromPort=53,ToPort=53,IpRanges=[{CidrIp=10.0.0.0/8}]",
      "--port",
      "-1",
      "--endpoint-url",
      "http://127.0.0.1:5000",
      "--debug",
      "--dry-run",
    ]);
    expect(line).toMatchObject({
      profile: "prod",
      region: "eu-west-1",
      endpointUrl: "http://127.0.0.1:5000",
      service: "ec2",
      operation: "revoke-security-group-ingress",
    });
    expect(line?.options.get("group-id")).toEqual([["sg-1"]]);
    expect(line?.options.get("ip-permissions")?.[0]).toHaveLength(2);
    expect(line?.options.get("port")).toEqual([["-1"]]);
    expect(line?.options.get("dry-run")).toEqual([[]]);
  });

  it("is undefined for another program", () => {
    expect(readAwsCommandLine(["gcloud", "compute"])).toBeUndefined();
  });
});

describe("awsTargetOf follows the AWS CLI", () => {
  const keys = { AWS_ACCESS_KEY_ID: "AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY: "s3cr3t-key-value" };

  it("uses the variables' keys, AWS_DEFAULT_REGION and AWS_ENDPOINT_URL", () => {
    const target = awsTargetOf(["aws", "ec2", "describe-security-groups"], {
      ...keys,
      AWS_SESSION_TOKEN: "tok",
      AWS_DEFAULT_REGION: "us-east-1",
      AWS_REGION: "eu-west-1",
      AWS_ENDPOINT_URL: "http://127.0.0.1:5000",
    });
    expect(target.credentials).toEqual({
      accessKeyId: "AKIAEXAMPLE",
      secretAccessKey: "s3cr3t-key-value",
      sessionToken: "tok",
    });
    expect(target.region).toBe("us-east-1");
    expect(target.endpoints).toEqual({
      ec2: "http://127.0.0.1:5000",
      sts: "http://127.0.0.1:5000",
    });
  });

  it("lets an explicit --profile beat the variables' keys, as botocore does", () => {
    const target = awsTargetOf(["aws", "--profile", "prod", "ec2", "x"], {
      ...keys,
      AWS_PROFILE: "dev",
    });
    expect(target.profile).toBe("prod");
    expect(target.explicitProfile).toBe(true);
    expect(target.credentials).toBeUndefined();
  });

  it("lets the variables' keys beat AWS_PROFILE, and AWS_DEFAULT_PROFILE beat AWS_PROFILE", () => {
    expect(awsTargetOf(["aws"], { ...keys, AWS_PROFILE: "dev" }).credentials).toBeDefined();
    expect(awsTargetOf(["aws"], { AWS_PROFILE: "dev", AWS_DEFAULT_PROFILE: "ops" }).profile).toBe(
      "ops",
    );
  });

  it("takes --region and --endpoint-url from the command over the variables", () => {
    const target = awsTargetOf(
      ["aws", "ec2", "x", "--region", "ap-south-1", "--endpoint-url", "http://localhost:4566"],
      { AWS_DEFAULT_REGION: "us-east-1", AWS_ENDPOINT_URL: "http://elsewhere:1" },
    );
    expect(target.region).toBe("ap-south-1");
    // An emulator serves STS at the same address.
    expect(target.endpoints).toEqual({
      ec2: "http://localhost:4566",
      sts: "http://localhost:4566",
    });
  });

  it("keeps STS on its own endpoint when --endpoint-url is a real AWS endpoint", () => {
    const target = awsTargetOf(
      ["aws", "ec2", "x", "--endpoint-url", "https://vpce-1.ec2.us-east-1.vpce.amazonaws.com"],
      {},
    );
    expect(target.endpoints).toEqual({ ec2: "https://vpce-1.ec2.us-east-1.vpce.amazonaws.com" });
  });

  it("prefers the service's own endpoint variable, and can be told to ignore them", () => {
    const vars = {
      AWS_ENDPOINT_URL: "http://all:1",
      AWS_ENDPOINT_URL_EC2: "http://ec2:2",
      AWS_ENDPOINT_URL_STS: "http://sts:3",
    };
    expect(awsTargetOf(["aws"], vars).endpoints).toEqual({
      ec2: "http://ec2:2",
      sts: "http://sts:3",
    });
    expect(
      awsTargetOf(["aws"], { ...vars, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }).endpoints,
    ).toEqual({});
  });

  it("reads no options from a program that is not the AWS CLI", () => {
    const target = awsTargetOf(["./close.sh", "--profile", "prod"], { AWS_PROFILE: "dev" });
    expect(target.profile).toBe("dev");
  });

  it("tells targets apart without showing a secret", () => {
    const a = awsTargetOf(["aws"], keys);
    const b = awsTargetOf(["aws"], { ...keys, AWS_SECRET_ACCESS_KEY: "other" });
    expect(a.id).not.toBe(b.id);
    expect(`${a.id} ${a.description}`).not.toContain("s3cr3t");
    expect(a.description).toBe("keys from AWS_ACCESS_KEY_ID, the profile's region");
  });
});
