import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeCliContext } from "../../test/helpers/cli-context.js";
import { yaml } from "../../test/helpers/policy-factory.js";
import { type PolicyTestOptions, policyTest } from "./policy-test.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "preflight-policy-test-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RULES = yaml`
  version: 1
  unknown-environment: deny
  environments:
    production: { protected: true, match: { target: [prod] } }
  rules:
    - id: dropdb
      match: { command: dropdb }
      environment: { flag: -h }
      decision: deny
    - id: kubectl-delete-namespace
      match: { command: kubectl, args: [delete, "{namespace,ns}"] }
      environment: { flag: --context }
      decision: { production: deny, "*": confirm }
`;

const FULL_TESTS = yaml`
  tests:
    - name: dropdb is denied
      command: [dropdb, -h, prod, app]
      expect: { decision: deny, rules: [dropdb] }
    - name: man dropdb only reads about it
      command: [man, dropdb]
      expect: { decision: none }
    - name: deleting a production namespace is denied
      command: [kubectl, --context, prod, delete, ns, payments]
      expect: { decision: deny, environment: production, rules: [kubectl-delete-namespace] }
    - name: deleting a pod is not guarded
      command: [kubectl, --context, prod, delete, pod, web-1]
      expect: { decision: none }
`;

async function run(file: string, text: string, options: Partial<PolicyTestOptions> = {}) {
  writeFileSync(join(dir, file), text);
  const { ctx, out } = fakeCliContext(dir);
  const code = await policyTest(
    { paths: [file], coverage: false, format: "text", ...options },
    ctx,
  );
  return { code, ...out };
}

describe("policy test", () => {
  it("passes, like a test runner, when every case holds and every rule is covered", async () => {
    const { code, stdout } = await run("ops.yaml", RULES + FULL_TESTS, { minCoverage: "100" });
    expect(code).toBe(0);
    expect(stdout).toContain("  ✔ dropdb is denied\n");
    expect(stdout).toContain(
      "  4 of 4 test cases passed; rule coverage 100% (2 of 2 rules with a positive case, a negative case and every environment); rule × environment coverage 100% (2 of 2)\n",
    );
    expect(stdout.trimEnd().split("\n").at(-1)).toBe("policy test: passed (1 policy)");
  });

  it("fails closed on a policy with no test cases", async () => {
    const { code, stdout } = await run("ops.yaml", RULES);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "✘ no test cases: add `tests:` to the policy, or a NAME.test.yaml beside it",
    );
    expect(stdout).toContain("policy test: failed (1 of 1 policy)");
  });

  it("fails on a case that does not hold, saying what differed and where the case is", async () => {
    const broken = FULL_TESTS.replace(
      "expect: { decision: deny, rules: [dropdb] }",
      "expect: { decision: confirm, rules: [dropdb] }",
    );
    const { code, stdout } = await run("ops.yaml", RULES + broken);
    expect(code).toBe(1);
    expect(stdout).toContain("  ✘ dropdb is denied\n      decision: expected confirm, got deny");
    expect(stdout).toContain("      at ops.yaml:15:5\n");
  });

  it("fails --min-coverage 100 when a rule has no negative case, and lists it", async () => {
    const withoutNegative = FULL_TESTS.replace(
      / {2}- name: man dropdb[^\n]*\n[^\n]*\n[^\n]*\n/,
      "",
    );
    const { code, stdout } = await run("ops.yaml", RULES + withoutNegative, { minCoverage: "100" });
    expect(code).toBe(1);
    expect(stdout).toContain("  ✘ coverage 50% is below --min-coverage 100%\n");
    expect(stdout).toMatch(/ {2}dropdb +✔ 1 +✔ 1 +✘ 0 +✔ \(fallback\)\n/);
    expect(stdout).not.toMatch(/kubectl-delete-namespace +✔/);
  });

  it("does not count a case as positive unless it lists the rule in expect.rules", async () => {
    const unlisted = FULL_TESTS.replace(
      "expect: { decision: deny, rules: [dropdb] }",
      "expect: { decision: deny }",
    );
    const { code, stdout } = await run("ops.yaml", RULES + unlisted, {
      coverage: true,
      minCoverage: "100",
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/ {2}dropdb +✔ 1 +✘ 0 +✔ 1 +✔ \(fallback\)\n/);
  });

  it("reads test cases from NAME.test.yaml beside the policy", async () => {
    writeFileSync(join(dir, "ops.test.yaml"), `version: 1\n${FULL_TESTS}`);
    const { code, stdout } = await run("ops.yaml", RULES, { minCoverage: "100" });
    expect(code).toBe(0);
    expect(stdout).toContain("4 of 4 test cases passed");
  });

  it("exits 65 for an invalid policy and runs nothing", async () => {
    const { code, stdout } = await run("ops.yaml", `${RULES}    enviroment: {}\n${FULL_TESTS}`);
    expect(code).toBe(65);
    expect(stdout).toContain("unknown key 'enviroment'");
    expect(stdout).toContain("✘ the policy is invalid, so its tests were not run");
  });

  it("writes JUnit XML with a failing case for each failure and for missing coverage", async () => {
    const broken = FULL_TESTS.replace(
      "expect: { decision: none }",
      "expect: { decision: deny }",
    ).replace(", rules: [kubectl-delete-namespace]", "");
    const { code, stdout } = await run("ops.yaml", RULES + broken, {
      format: "junit",
      minCoverage: "100",
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="preflight policy test" tests="5" failures="2" errors="0">/,
    );
    expect(stdout).toContain(
      '<testcase classname="ops.yaml" name="dropdb is denied" file="ops.yaml" line="15"/>',
    );
    expect(stdout).toContain(
      '<testcase classname="ops.yaml" name="man dropdb only reads about it">\n      <failure message="decision: expected deny, got none">',
    );
    expect(stdout).toContain('name="coverage at least 100%"');
    expect(stdout).toContain(
      "rules without both a positive and a negative case: kubectl-delete-namespace",
    );
  });

  it("counts rule × environment: a production: deny no test runs in production is not covered", async () => {
    const protectedUnknown = RULES.replace(
      "unknown-environment: deny",
      "unknown-environment: protected",
    );
    const elsewhere = FULL_TESTS.replace(
      "command: [kubectl, --context, prod, delete, ns, payments]\n    expect: { decision: deny, environment: production,",
      "command: [kubectl, --context, qa, delete, ns, payments]\n    expect: { decision: confirm, environment: qa,",
    );
    const { code, stdout } = await run("ops.yaml", protectedUnknown + elsewhere, {
      coverage: true,
      minCoverage: "100",
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(
      / {2}kubectl-delete-namespace +✔ 1 +✔ 1 +✔ 1 +✘ production +✔ \(fallback\)\n/,
    );
    expect(stdout).toContain("rule × environment coverage 66.7% (2 of 3)");
    expect(stdout).toContain("  ✘ coverage 50% is below --min-coverage 100%\n");

    const json = await run("ops.yaml", protectedUnknown + elsewhere, {
      format: "json",
      minCoverage: "100",
    });
    const report = JSON.parse(json.stdout);
    expect(report.policies[0].coverage.rules[1].environments).toEqual([
      { environment: "production", tests: [], covered: false },
      {
        environment: "(fallback)",
        tests: ["deleting a production namespace is denied"],
        covered: true,
      },
    ]);
    expect(report.policies[0].coverage.environmentPercent).toBeCloseTo(66.67, 1);
  });

  it("rejects a --min-coverage that is not a percentage", async () => {
    await expect(run("ops.yaml", RULES + FULL_TESTS, { minCoverage: "lots" })).rejects.toThrow(
      "--min-coverage lots: give a percentage from 0 to 100",
    );
  });
});
