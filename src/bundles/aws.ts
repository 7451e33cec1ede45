/**
 * Everything that reads AWS commands and talks to AWS, as one unit: built into its own file
 * (dist/aws.cjs, see scripts/build.mjs) so that the command line's bundle, which every
 * `preflight -- CMD` loads, does not carry it. Load it through `loadAwsModules()`. It lives
 * apart from src/aws/ because it gathers run/ and state/ code too: aws/ depends on neither.
 */

export * as sdk from "../aws/sdk.js";
// For src/aws/clients.ts, whose lazy import of ./sdk.js becomes this bundle.
export * from "../aws/sdk.js";
export { lookUpAccounts } from "../run/aws-accounts.js";
export { awsSecurityGroupsKind } from "../state/aws-security-groups/kind.js";
