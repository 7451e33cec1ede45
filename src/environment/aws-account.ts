/**
 * The environment an AWS account means (`environments.NAME.match.aws-account`), and how the
 * account and the region the command will use are shown (`environment.truth`, tool "aws").
 *
 * Where STS cannot be asked, the profile in ~/.aws/config may still say which account it
 * points at (`role_arn`, `sso_account_id`). That is a weaker source — a file can be out of date
 * and says nothing about the credentials really used — so it names the environment in the
 * refusal and the report, but never lets the command run: the run stays blocked (fail closed).
 */
import type { Environment, Policy } from "../policy/types.js";
import type { TruthView } from "./truth.js";

/** What the AWS lookup found: the account (or why not), and the region the command will use. */
export type AccountAnswer = ({ account: string } | AccountFailure) & AwsSettings;

export interface AccountFailure {
  error: string;
  /** The account the profile in ~/.aws/config points at, when STS could not be asked. */
  profile?: { account: string; source: string };
}

interface AwsSettings {
  /** The region the command will use, and where it came from when that was the profile. */
  region?: string;
  regionFrom?: string;
  /** The config files read for the region or the profile (never the credentials file). */
  files?: string[];
}

export interface AccountEnvironment {
  name: string;
  known: boolean;
  protected: boolean;
  color: string;
  source: string;
  target: string;
  truth: TruthView;
}

/** The environment whose `match.aws-account` lists the account; unknown (and protected) otherwise. */
export function accountEnvironment(
  policy: Policy,
  account: string,
  answer: AccountAnswer,
  source = "AWS account",
): AccountEnvironment {
  const envs = Object.values(policy.environments).filter((e) => e.awsAccounts?.includes(account));
  const env: Environment | undefined = envs.find((e) => e.protected) ?? envs[0];
  const truth = awsTruth(account, answer);
  if (env) {
    const { name, protected: isProtected, color } = env;
    return { name, known: true, protected: isProtected, color, source, target: account, truth };
  }
  return {
    name: account,
    known: false,
    protected: true,
    color: "magenta",
    source,
    target: account,
    truth,
  };
}

/** The refusal when STS could not be asked; it names the profile's account where there is one. */
export function accountLookupFailure(
  policy: Policy,
  answer: AccountFailure & AwsSettings,
): { contradiction: string; hint: string; detected?: AccountEnvironment } {
  const hint =
    "check the command's credentials, profile, region and endpoint (preflight asks STS GetCallerIdentity with the same ones); an account that cannot be identified is never treated as safe";
  const base = `preflight could not find out which AWS account this command would change: ${answer.error}`;
  if (!answer.profile) return { contradiction: base, hint };
  const detected = accountEnvironment(
    policy,
    answer.profile.account,
    answer,
    answer.profile.source,
  );
  const means = detected.known ? detected.name : "an environment the policy does not list";
  return {
    contradiction: `${base}. The ${answer.profile.source} names account ${answer.profile.account} (${means}), but a config file is not proof of the credentials' account, so the run stays blocked`,
    hint,
    detected,
  };
}

function awsTruth(account: string, answer: AccountAnswer): TruthView {
  const region = answer.region
    ? `region ${answer.region}${answer.regionFrom ? ` (${answer.regionFrom})` : ""}`
    : "no region configured";
  return {
    tool: "aws",
    where: `account ${account}, ${region}`,
    values: { account, ...(answer.region && { region: answer.region }) },
    files: answer.files ?? [],
  };
}
