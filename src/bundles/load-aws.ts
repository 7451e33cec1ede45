/**
 * Loads src/bundles/aws.ts on first use. In the built CLI this import is rewritten to
 * `require("./aws.cjs")` (scripts/build.mjs), a bundle of its own, so a command that no AWS
 * rule matches neither loads nor parses the security-group and account code.
 */
export function loadAwsModules(): Promise<typeof import("./aws.js")> {
  return import("./aws.js");
}
