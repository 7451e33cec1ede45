/**
 * Which rules a policy's test cases prove. A rule is covered when it has both:
 *   - a positive case: a test that lists the rule in expect.rules, and the rule matched;
 *   - a negative case: a test whose command names the rule's program (match.command; as
 *     the program or as a word, `man dropdb`), but which the rule does not match, so the
 *     test shows where the rule stops.
 * A rule with only positive cases may match far more than its author meant (`kubectl
 * delete` for every kubectl command); one with no positive case may match nothing at all.
 */
import { normaliseCommand } from "../../command/normalise.js";
import { globMatch } from "../../policy/glob.js";
import { programName } from "../../policy/match.js";
import type { PolicyTestResult } from "../../policy/test-cases.js";
import type { Rule } from "../../policy/types.js";

export interface RuleCoverage {
  rule: Rule;
  /** Names of the tests whose command the rule matched. */
  matched: string[];
  positive: string[];
  negative: string[];
  covered: boolean;
}

export interface PolicyCoverage {
  rules: RuleCoverage[];
  covered: number;
  /** Covered rules as a percentage of all rules; 100 for a policy with no rules. */
  percent: number;
}

export function policyCoverage(
  rules: readonly Rule[],
  results: readonly PolicyTestResult[],
): PolicyCoverage {
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
    return {
      rule,
      matched: matched.map((r) => r.test.name),
      positive: positive.map((r) => r.test.name),
      negative: negative.map((r) => r.test.name),
      covered: positive.length > 0 && negative.length > 0,
    };
  });
  const covered = coverage.filter((c) => c.covered).length;
  return {
    rules: coverage,
    covered,
    percent: rules.length === 0 ? 100 : (covered / rules.length) * 100,
  };
}
