/**
 * The AWS account each command that needs one would change, asked of STS with the command's
 * own credentials, region and endpoint, and the region it will use (its flags and variables,
 * else its profile's `region` in ~/.aws/config). When STS cannot be asked, the profile's
 * `role_arn`/`sso_account_id` names the account it points at, as a weaker source: the run is
 * still refused (src/environment/aws-account.ts). Loaded only when a matching rule reads the
 * account; ~/.aws/credentials is never read here.
 */
import { homedir } from "node:os";
import type { AwsClients } from "../aws/clients.js";
import {
  type AwsProfiles,
  awsConfigPath,
  displayConfigPath,
  parseAwsConfig,
  profileAccount,
  profileRegion,
} from "../aws/config-file.js";
import { describeAwsError } from "../aws/errors.js";
import { type AwsTarget, awsTargetOf } from "../aws/target.js";
import type { AccountAnswer } from "../environment/resolve.js";
import { diskRead } from "../environment/resolvers/disk.js";

export interface AccountRequest {
  argv: readonly string[];
  vars: Record<string, string | undefined>;
}

/** Reads a file's text; undefined when it does not exist. */
export type ReadText = (path: string) => string | undefined;

/** Looks every request up once per target; returns the answers as evaluateCommand reads them. */
export async function lookUpAccounts(
  requests: readonly AccountRequest[],
  aws: AwsClients | undefined,
  read: ReadText = diskRead,
): Promise<(argv: readonly string[], vars: Record<string, string | undefined>) => AccountAnswer> {
  const answers = new Map<string, AccountAnswer>();
  for (const request of requests) {
    const target = awsTargetOf(request.argv, request.vars);
    if (answers.has(target.id)) continue;
    const config = readConfig(target, request.vars.HOME || homedir(), read);
    const settings = regionOf(target, config);
    if (!aws) {
      answers.set(target.id, { error: "preflight was started without AWS access (a bug)" });
      continue;
    }
    try {
      answers.set(target.id, { account: await aws.accountOf(target), ...settings });
    } catch (error) {
      const claim = claimedAccount(target, config);
      answers.set(target.id, {
        error: describeAwsError(error, target),
        ...(claim && { profile: claim }),
        ...settings,
      });
    }
  }
  return (argv, vars) =>
    answers.get(awsTargetOf(argv, vars).id) ?? { error: "the account was not looked up (a bug)" };
}

interface ConfigReading {
  profile: string;
  /** As a person writes it: ~/.aws/config. */
  shown: string;
  path: string;
  profiles?: AwsProfiles;
  problem?: string;
}

function readConfig(target: AwsTarget, home: string, read: ReadText): ConfigReading {
  const path = awsConfigPath(target.configFile, home);
  const reading = {
    profile: target.profile ?? "default",
    path,
    shown: displayConfigPath(path, home),
  };
  try {
    const text = read(path);
    return text === undefined ? reading : { ...reading, profiles: parseAwsConfig(text) };
  } catch (error) {
    return { ...reading, problem: (error as Error).message };
  }
}

/** The command's own region (flag, variables), else its profile's, as the CLI picks it. */
function regionOf(target: AwsTarget, config: ConfigReading) {
  const files = config.profiles ? [config.path] : [];
  if (target.region) return { region: target.region, files };
  const region = config.profiles && profileRegion(config.profiles, config.profile);
  if (!region) return { files };
  return { region, regionFrom: `profile '${config.profile}' in ${config.shown}`, files };
}

/**
 * The account the profile points at. Keys in AWS_ACCESS_KEY_ID are used instead of the profile
 * (unless `--profile` is given), so then the profile says nothing about the account.
 */
function claimedAccount(target: AwsTarget, config: ConfigReading) {
  if (target.credentials || !config.profiles) return undefined;
  const claim = profileAccount(config.profiles, config.profile);
  if (!claim) return undefined;
  return {
    account: claim.account,
    source: `aws profile '${claim.profile}' ${claim.key} in ${config.shown} (STS unreachable)`,
  };
}
