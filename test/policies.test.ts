/**
 * Every policy shipped under policies/ carries its own test cases; each must hold, and each
 * policy must have at least one (a policy with no tests proves nothing).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compilePolicyTexts } from "../src/policy/load.js";
import { runPolicyTests } from "../src/policy/test-cases.js";

const root = join(import.meta.dirname, "..", "policies");

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return policyFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

describe.each(policyFiles(root))("%s", (file) => {
  it("is valid and every one of its test cases holds", async () => {
    const policy = await compilePolicyTexts([{ file, text: readFileSync(file, "utf8") }]);
    const results = runPolicyTests(policy);
    expect(results.length).toBeGreaterThan(0);
    const failed = results
      .filter((r) => !r.passed)
      .map((r) => `${r.test.name}: ${r.failures.join("; ")}`);
    expect(failed).toEqual([]);
  });
});
