/**
 * Runs a policy's own test cases: each names a command (and the variables and --env it runs
 * with) and what the policy must decide for it. Evaluation only; nothing is executed.
 */
import { filesFromMap, readTarget } from "../environment/resolvers/registry.js";
import { evaluateCommand } from "../run/evaluate.js";
import { TEST_CWD, TEST_HOME } from "./compile.js";
import type { Policy, PolicyTest } from "./types.js";

export interface PolicyTestResult {
  test: PolicyTest;
  passed: boolean;
  failures: string[];
  /** What the policy actually decided, for the test runner's output. */
  actual: {
    decision: string;
    environment?: string;
    rules: string[];
    blocked?: string;
    /** The rules whose decision won, per simple command (coverage counts only these). */
    decidedBy: string[];
    /** Blocked before any rule's decision counted (a contradiction, an unknown environment). */
    blockedBeforeRules?: true;
  };
}

export function runPolicyTests(policy: Policy): PolicyTestResult[] {
  return policy.tests.map((test) => runPolicyTest(policy, test));
}

export function runPolicyTest(policy: Policy, test: PolicyTest): PolicyTestResult {
  const evaluation = evaluateCommand({
    policy,
    argv: test.command,
    vars: test.vars,
    ...(test.env !== undefined && { intendedEnv: test.env }),
    // Stands in for STS: a rule that reads the account needs the test case to say which.
    awsAccount: () =>
      test.awsAccount !== undefined
        ? { account: test.awsAccount }
        : { error: "the test case gives no aws-account" },
    // The case's own files and home: what is not in `files:` does not exist, so a case never
    // depends on the machine it runs on.
    readTarget: (tool, argv, vars) =>
      readTarget(tool, {
        argv,
        vars,
        cwd: TEST_CWD,
        home: vars.HOME ?? TEST_HOME,
        files: filesFromMap(test.files ?? {}),
      }),
  });
  // A blocked command (contradiction, unparsable script) is a deny as far as the operator sees.
  const decision = evaluation.blocked ? "deny" : evaluation.decision;
  const actual = {
    decision,
    ...(evaluation.environment && { environment: evaluation.environment.name }),
    rules: evaluation.rules.map((r) => r.id),
    ...(evaluation.blocked && { blocked: evaluation.blocked.reason }),
    decidedBy: [...new Set(evaluation.matches.map((m) => m.decidedBy.id))],
    ...(evaluation.blocked && !evaluation.blocked.rule && { blockedBeforeRules: true as const }),
  };
  const failures: string[] = [];
  const { expect } = test;
  if (expect.decision !== undefined && expect.decision !== decision) {
    failures.push(
      `decision: expected ${expect.decision}, got ${decision}${evaluation.blocked ? ` (${evaluation.blocked.reason})` : ""}`,
    );
  }
  if (expect.environment !== undefined && expect.environment !== actual.environment) {
    failures.push(
      `environment: expected ${expect.environment}, got ${actual.environment ?? "none"}`,
    );
  }
  if (expect.rules !== undefined) {
    const missing = expect.rules.filter((id) => !actual.rules.includes(id));
    const extra = actual.rules.filter((id) => !expect.rules!.includes(id));
    if (missing.length || extra.length) {
      failures.push(
        `rules: expected [${expect.rules.join(", ")}], got [${actual.rules.join(", ")}]`,
      );
    }
  }
  return { test, passed: failures.length === 0, failures, actual };
}
