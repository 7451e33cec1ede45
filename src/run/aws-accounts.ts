/**
 * The AWS account each command that needs one would change, asked of STS with the command's
 * own credentials, region and endpoint. Loaded only when a matching rule reads the account.
 */
import type { AwsClients } from "../aws/clients.js";
import { describeAwsError } from "../aws/errors.js";
import { awsTargetOf } from "../aws/target.js";
import type { AccountAnswer } from "../environment/resolve.js";

export interface AccountRequest {
  argv: readonly string[];
  vars: Record<string, string | undefined>;
}

/** Looks every request up once per target; returns the answers as evaluateCommand reads them. */
export async function lookUpAccounts(
  requests: readonly AccountRequest[],
  aws: AwsClients | undefined,
): Promise<(argv: readonly string[], vars: Record<string, string | undefined>) => AccountAnswer> {
  const answers = new Map<string, AccountAnswer>();
  for (const request of requests) {
    const target = awsTargetOf(request.argv, request.vars);
    if (answers.has(target.id)) continue;
    if (!aws) {
      answers.set(target.id, { error: "preflight was started without AWS access (a bug)" });
      continue;
    }
    try {
      answers.set(target.id, { account: await aws.accountOf(target) });
    } catch (error) {
      answers.set(target.id, { error: describeAwsError(error, target) });
    }
  }
  return (argv, vars) =>
    answers.get(awsTargetOf(argv, vars).id) ?? { error: "the account was not looked up (a bug)" };
}
