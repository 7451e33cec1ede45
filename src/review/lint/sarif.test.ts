/**
 * `policy lint --format sarif` must be a SARIF 2.1.0 log a code host accepts: validated
 * against the official schema (test/fixtures/sarif-schema-2.1.0.json, see its README).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { yaml } from "../../../test/helpers/policy-factory.js";
import { loadForReview } from "../shared/load.js";
import type { PolicyLintResult } from "./report.js";
import { lintPolicy } from "./run.js";
import { renderSarif } from "./sarif.js";

const SCHEMA = JSON.parse(
  readFileSync(
    join(import.meta.dirname, "..", "..", "..", "test", "fixtures", "sarif-schema-2.1.0.json"),
    "utf8",
  ),
);

function validator() {
  // Both packages are CommonJS that also set `.default`, which is what NodeNext types expose.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(SCHEMA);
}

function resultFor(file: string, text: string): PolicyLintResult {
  const review = loadForReview({
    name: file,
    files: [{ file, text }],
    testFiles: [],
    problems: [],
  });
  return {
    name: file,
    files: [file],
    problems: review.problems,
    findings: review.policy ? lintPolicy({ ...review, policy: review.policy }) : [],
  };
}

const RISKY = yaml`
  version: 1
  environments:
    production: { protected: true }
  rules:
    - id: kubectl
      match: { command: kubectl }
      decision: confirm
    - id: dropdb
      match: { command: dropdb }
      decision: { production: allow, "*": confirm }
      lint: { ignore: [{ code: PF107, reason: "scratch databases only" }] }
`;

describe("SARIF output", () => {
  it("validates against the SARIF 2.1.0 schema, with rules, locations and suppressions", () => {
    const text = renderSarif([resultFor("policies/ops.yaml", RISKY)], {
      version: "0.1.0",
      root: "/repo",
    });
    const log = JSON.parse(text);
    const validate = validator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const run = log.runs[0];
    expect(run.tool.driver.name).toBe("preflight");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toContain("PF103");
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toBe("file:///repo/");
    const byRule = (id: string) => run.results.filter((r: { ruleId: string }) => r.ruleId === id);
    expect(byRule("PF103")[0]).toMatchObject({
      level: "error",
      message: { text: expect.stringContaining("allows in protected environment 'production'") },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "policies/ops.yaml", uriBaseId: "%SRCROOT%" },
            region: { startLine: 10, startColumn: 17 },
          },
        },
      ],
    });
    expect(run.tool.driver.rules[byRule("PF103")[0].ruleIndex].id).toBe("PF103");
    expect(byRule("PF107")[0].suppressions).toEqual([
      expect.objectContaining({ kind: "inSource", justification: "scratch databases only" }),
    ]);
  });

  it("reports an invalid policy as PF000 results at each problem, still valid SARIF", () => {
    const text = renderSarif([resultFor("bad policy.yaml", "version: 1\nrule: []\n")], {
      version: "0.1.0",
      root: "/repo",
    });
    const log = JSON.parse(text);
    const validate = validator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0].results).toEqual([
      expect.objectContaining({
        ruleId: "PF000",
        level: "error",
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: "bad%20policy.yaml", uriBaseId: "%SRCROOT%" },
              region: { startLine: 2, startColumn: 1 },
            },
          },
        ],
      }),
    ]);
  });

  it("is rejected by the schema when it is not SARIF (the validator is not a rubber stamp)", () => {
    const log = JSON.parse(renderSarif([], { version: "0.1.0", root: "/repo" }));
    log.runs[0].results.push({ ruleId: "PF101", level: "fatal", message: { text: "x" } });
    expect(validator()(log)).toBe(false);
  });
});
