/**
 * The AWS SDK entry points preflight's clients need, imported statically here so that the
 * built AWS bundle (dist/aws.cjs) requires one copy of the SDK — its CommonJS build, ~3x
 * faster to load than the ES-module one — and every client and command come from it.
 */
import { state } from "@aws-sdk/core/client";

export { EC2Client } from "@aws-sdk/client-ec2";
export { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
export { defaultProvider } from "@aws-sdk/credential-provider-node";

/**
 * The SDK warns on stderr that its 2027 releases will need Node 22. preflight supports Node 20
 * and its stderr is for the operator; the warning says nothing about this run.
 */
export function silenceNodeVersionWarning(): void {
  state.warningEmitted = true;
}
