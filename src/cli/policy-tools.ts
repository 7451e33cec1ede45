/**
 * The policy review commands (validate, lint, explain, test, diff, schema), loaded together
 * and only when one of them runs. The build puts this module and everything it needs in a
 * bundle of its own (dist/policy-tools.cjs), so the bundle every guarded command loads
 * (dist/cli.cjs) does not even have to parse them.
 */
export { policyDiff } from "./policy-diff.js";
export { policyExplain } from "./policy-explain.js";
export { policyLint } from "./policy-lint.js";
export { policySchema } from "./policy-schema.js";
export { policyTest } from "./policy-test.js";
export { policyValidate } from "./policy-validate.js";
