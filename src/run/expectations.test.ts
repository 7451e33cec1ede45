import { describe, expect, it } from "vitest";
import { expectations, policyFrom, yaml } from "../../test/helpers/policy-factory.js";
import { TemplateError } from "../command/template.js";
import { verifyExpectations } from "../diff/expect.js";
import { evaluateCommand } from "./evaluate.js";
import { fillExpectations } from "./expectations.js";
import { type Guard, guardsOf } from "./guards.js";

async function guardFor(argv: string[]): Promise<Guard> {
  const policy = await policyFrom(yaml`
    version: 1
    rules:
      - id: rm-line
        match: { command: rmline }
        resource: { flag: [-p] }
  `);
  const [guard] = guardsOf(evaluateCommand({ policy, argv, vars: {} }), {});
  return guard!;
}

const onlyTheResource = expectations({ removed: { kind: "limit", only: { line: "{resource}" } } });

describe("fillExpectations", () => {
  it("fills selectors from the command", async () => {
    const filled = fillExpectations(await guardFor(["rmline", "-p", "a"]), onlyTheResource);
    expect(filled.removed).toEqual({ kind: "limit", only: { line: "a" } });
  });

  it("takes a value with glob characters literally, so `-p '*'` cannot widen `only`", async () => {
    const filled = fillExpectations(await guardFor(["rmline", "-p", "*"]), onlyTheResource);
    const everything = {
      added: [],
      changed: [],
      removed: ["a", "b"].map((line) => ({ state: "lines", key: { line }, entry: { line } })),
    };
    const violations = verifyExpectations(everything, filled);
    expect(violations.map((v) => v.expectation)).toEqual(["removed.only"]);
    expect(violations[0]?.entries).toHaveLength(2);
  });

  it("throws TemplateError when the command does not give a value", async () => {
    const guard = await guardFor(["rmline"]);
    expect(() => fillExpectations(guard, onlyTheResource)).toThrow(TemplateError);
  });
});
