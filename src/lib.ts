/**
 * preflight's core as a library: load and evaluate policies, diff snapshots, verify
 * expectations. Built as its own bundle (dist/lib.js) so the CLI's start-up path stays one
 * small set of files; the benchmark and other tools import this.
 */

export { createAwsClients } from "./aws/clients.js";
export { diffSnapshots } from "./diff/diff.js";
export { verifyExpectations } from "./diff/expect.js";
export type { Snapshot, StateDiff, Violation } from "./diff/types.js";
/** The filesystem port for evaluateCommand's `programs` (finds the real file `k` runs). */
export { programFiles } from "./io/program-files.js";
export { compilePolicyTexts, loadPolicy } from "./policy/load.js";
export { matchRules } from "./policy/match.js";
export { runPolicyTests } from "./policy/test-cases.js";
export type { Policy, Rule } from "./policy/types.js";
export { evaluateCommand } from "./run/evaluate.js";
export { awsSecurityGroupsKind } from "./state/aws-security-groups/kind.js";
