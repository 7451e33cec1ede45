/**
 * Which AWS account, region and endpoint a wrapped command talks to, and with which
 * credentials — worked out the way the AWS CLI (botocore) does, from the command's own
 * options first and then the variables it runs with, so that preflight's snapshot and account
 * lookup see exactly what the command will change:
 *
 * - profile: `--profile`, then AWS_DEFAULT_PROFILE, then AWS_PROFILE;
 * - credentials: an explicit `--profile` wins; else AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
 *   (with AWS_SESSION_TOKEN); else the profile (files, SSO, role, process, instance);
 * - region: `--region`, then AWS_DEFAULT_REGION, then AWS_REGION, then the profile's `region`;
 * - endpoint: `--endpoint-url`, then AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL
 *   (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true).
 *
 * Pure: reads no files and loads no SDK. Credentials stay in memory and are never shown.
 */
import { createHash } from "node:crypto";
import { readAwsCommandLine } from "./cli-argv.js";

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsTarget {
  /** The profile the credentials (or the region) come from, when one is named. */
  profile?: string;
  /** `--profile` on the command line: then variables' keys are not used (as botocore does). */
  explicitProfile: boolean;
  region?: string;
  /** Endpoints by service ("ec2", "sts"), when configured. */
  endpoints: Partial<Record<"ec2" | "sts", string>>;
  credentials?: StaticCredentials;
  configFile?: string;
  credentialsFile?: string;
  /** Identifies the target for caching clients; a hash, so it holds no secret. */
  id: string;
  /** In words, for messages: "profile prod, region eu-west-1, endpoint http://…". */
  description: string;
}

type Vars = Record<string, string | undefined>;

/** The target of a command (argv as the rule matched it) run with `vars`. */
export function awsTargetOf(argv: readonly string[], vars: Vars): AwsTarget {
  const line = readAwsCommandLine(argv);
  const value = (name: string) => (vars[name] ? vars[name] : undefined);
  const explicitProfile = line?.profile !== undefined;
  const profile = line?.profile ?? value("AWS_DEFAULT_PROFILE") ?? value("AWS_PROFILE");
  const accessKeyId = value("AWS_ACCESS_KEY_ID");
  const secretAccessKey = value("AWS_SECRET_ACCESS_KEY");
  const sessionToken = value("AWS_SESSION_TOKEN") ?? value("AWS_SECURITY_TOKEN");
  const credentials =
    !explicitProfile && accessKeyId && secretAccessKey
      ? { accessKeyId, secretAccessKey, ...(sessionToken && { sessionToken }) }
      : undefined;
  const region = line?.region ?? value("AWS_DEFAULT_REGION") ?? value("AWS_REGION");

  const ignoreConfigured = /^true$/i.test(vars.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? "");
  const configured = (service: string) =>
    ignoreConfigured
      ? undefined
      : (value(`AWS_ENDPOINT_URL_${service.toUpperCase()}`) ?? value("AWS_ENDPOINT_URL"));
  const endpoints: AwsTarget["endpoints"] = {};
  const ec2 = line?.endpointUrl ?? configured("ec2");
  if (ec2) endpoints.ec2 = ec2;
  // `--endpoint-url` is the EC2 endpoint. An emulator (moto, LocalStack) serves every service
  // there, so the account is asked there too; a real AWS endpoint (a VPC endpoint, FIPS) is
  // EC2's only, and STS keeps its own.
  const sts =
    (ignoreConfigured ? undefined : value("AWS_ENDPOINT_URL_STS")) ??
    (line?.endpointUrl && !isAwsHost(line.endpointUrl) ? line.endpointUrl : undefined) ??
    configured("sts");
  if (sts) endpoints.sts = sts;

  const target: Omit<AwsTarget, "id" | "description"> = {
    ...(profile && { profile }),
    explicitProfile,
    ...(region && { region }),
    endpoints,
    ...(credentials && { credentials }),
    ...(value("AWS_CONFIG_FILE") && { configFile: value("AWS_CONFIG_FILE") }),
    ...(value("AWS_SHARED_CREDENTIALS_FILE") && {
      credentialsFile: value("AWS_SHARED_CREDENTIALS_FILE"),
    }),
  };
  return { ...target, id: targetId(target), description: describeTarget(target) };
}

function isAwsHost(url: string): boolean {
  try {
    return /(^|\.)amazonaws\.com(\.cn)?$/i.test(new URL(url).hostname);
  } catch {
    return false;
  }
}

function targetId(target: Omit<AwsTarget, "id" | "description">): string {
  return createHash("sha256").update(JSON.stringify(target)).digest("hex").slice(0, 32);
}

function describeTarget(target: Omit<AwsTarget, "id" | "description">): string {
  const parts: string[] = [];
  if (target.credentials) parts.push("keys from AWS_ACCESS_KEY_ID");
  else parts.push(`profile ${target.profile ?? "default"}`);
  parts.push(target.region ? `region ${target.region}` : "the profile's region");
  if (target.endpoints.ec2) parts.push(`endpoint ${target.endpoints.ec2}`);
  return parts.join(", ");
}
