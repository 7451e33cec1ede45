/**
 * Everything that reads AWS commands and talks to AWS, as one unit: built into its own file
 * (dist/aws.cjs, see scripts/build.mjs) so that the command line's bundle, which every
 * `preflight -- CMD` loads, does not carry it. Load it through `loadAwsModules()`.
 */
export { lookUpAccounts } from "../run/aws-accounts.js";
export { awsSecurityGroupsKind } from "../state/aws-security-groups/kind.js";
export * as sdk from "./sdk.js";
