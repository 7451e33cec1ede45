/**
 * Which rules a policy's test cases prove. A rule is covered when it has:
 *   - a positive case: a test that lists the rule in expect.rules, and the rule matched;
 *   - a negative case: a test whose command names the rule's program (match.command; as
 *     the program or as a word, `man dropdb`), but which the rule does not match, so the
 *     test shows where the rule stops;
 *   - for every environment its decision map names, and for the fallback (`"*"` or the
 *     default, which also decides unknown environments), a test that matches the rule in
 *     that environment, is decided by it, and asserts the decision. A `production: deny` no test runs in
 *     production is not covered: an edit to it would pass every test.
 * A rule with only positive cases may match far more than its author meant (`kubectl
 * delete` for every kubectl command); one with no positive case may match nothing at all.
 */
import { normaliseCommand } from "../../command/normalise.js";
import { globMatch } from "../../policy/glob.js";
import { programName } from "../../policy/match.js";
import type { PolicyTestResult } from "../../policy/test-cases.js";
import type { Policy, Rule } from "../../policy/types.js";

/** The item for environments the decision map does not name (its "*", or the default). */
export const FALLBACK = "(fallback)";

export interface EnvironmentCoverage {
  /** An environment the decision map names, or FALLBACK. */
  environment: string;
  /** Tests that matched the rule there and assert the decision. */
  tests: string[];
  covered: boolean;
}

export interface RuleCoverage {
  rule: Rule;
  /** Names of the tests whose command the rule matched. */
  matched: string[];
  positive: string[];
  negative: string[];
  environments: EnvironmentCoverage[];
  covered: boolean;
}

export interface PolicyCoverage {
  rules: RuleCoverage[];
  covered: number;
  /** Covered rules as a percentage of all rules; 100 for a policy with no rules. */
  percent: number;
  /** rule × environment items (each named environment and the fallback, per rule). */
  environmentItems: number;
  environmentCovered: number;
  environmentPercent: number;
}

export function policyCoverage(
  policy: Pick<Policy, "rules" | "environments" | "unknownEnvironment">,
  results: readonly PolicyTestResult[],
): PolicyCoverage {
  const rules = policy.rules;
  // Every word of every simple command the test runs, as a program name would be read.
  const words = new Map(
    results.map((r) => [
      r,
      normaliseCommand([...r.test.command]).commands.flatMap((c) => c.argv.map(programName)),
    ]),
  );
  const coverage = rules.map((rule) => {
    const matched = results.filter((r) => r.actual.rules.includes(rule.id));
    const positive = matched.filter((r) => r.test.expect.rules?.includes(rule.id));
    const negative = results.filter(
      (r) =>
        !r.actual.rules.includes(rule.id) &&
        words.get(r)!.some((word) => rule.commands.some((c) => globMatch(c, word))),
    );
    const environments = environmentCoverage(rule, matched, policy);
    return {
      rule,
      matched: matched.map((r) => r.test.name),
      positive: positive.map((r) => r.test.name),
      negative: negative.map((r) => r.test.name),
      environments,
      covered: positive.length > 0 && negative.length > 0 && environments.every((e) => e.covered),
    };
  });
  const covered = coverage.filter((c) => c.covered).length;
  const items = coverage.flatMap((c) => c.environments);
  const environmentCovered = items.filter((e) => e.covered).length;
  return {
    rules: coverage,
    covered,
    percent: rules.length === 0 ? 100 : (covered / rules.length) * 100,
    environmentItems: items.length,
    environmentCovered,
    environmentPercent: items.length === 0 ? 100 : (environmentCovered / items.length) * 100,
  };
}

function environmentCoverage(
  rule: Rule,
  matched: readonly PolicyTestResult[],
  policy: Pick<Policy, "environments" | "unknownEnvironment">,
): EnvironmentCoverage[] {
  const named = Object.keys(rule.decision ?? {}).filter((k) => k !== "*");
  // The fallback decides the environments the map does not name and unknown ones; when the
  // map names every environment and unknown ones are denied before any rule, it never decides.
  const fallbackDecides =
    policy.unknownEnvironment !== "deny" ||
    Object.keys(policy.environments).some((env) => !named.includes(env));
  // Only a test whose asserted decision is this rule's own proves the rule's entry: not one
  // another rule decided, nor one blocked before any rule counted (a contradiction).
  const asserting = matched.filter(
    (r) =>
      r.test.expect.decision !== undefined &&
      r.actual.decidedBy.includes(rule.id) &&
      !r.actual.blockedBeforeRules,
  );
  const item = (environment: string, tests: PolicyTestResult[]) => ({
    environment,
    tests: tests.map((r) => r.test.name),
    covered: tests.length > 0,
  });
  return [
    ...named.map((env) =>
      item(
        env,
        asserting.filter((r) => r.actual.environment === env),
      ),
    ),
    ...(fallbackDecides
      ? [
          item(
            FALLBACK,
            asserting.filter((r) => !named.includes(r.actual.environment ?? "")),
          ),
        ]
      : []),
  ];
}
