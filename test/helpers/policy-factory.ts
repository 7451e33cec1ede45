/**
 * Small builders for the inputs of policy, environment, evaluation and diff tests, so that a
 * test shows only what it is about: a YAML policy as its author writes it, or a rule, an
 * environment, a policy or a snapshot with every field it does not care about defaulted.
 */
import type { Entry, Snapshot } from "../../src/diff/types.js";
import { PolicyError, type PolicyProblem } from "../../src/errors.js";
import { compilePolicyTexts } from "../../src/policy/load.js";
import type {
  Environment,
  Expectations,
  Extractor,
  Policy,
  Rule,
  SourceRef,
} from "../../src/policy/types.js";

/**
 * A YAML text written indented inside a test: the leading newline and the common indentation
 * go, so line 1 is the first line written and columns count from the text's own margin.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce(
    (text, part, i) => text + part + (i < values.length ? String(values[i]) : ""),
    "",
  );
  const lines = raw.split("\n");
  if (lines[0]?.trim() === "") lines.shift();
  if (lines.at(-1)?.trim() === "") lines.pop();
  const margin = Math.min(
    ...lines
      .filter((line) => line.trim() !== "")
      .map((line) => line.length - line.trimStart().length),
  );
  return `${lines.map((line) => line.slice(margin)).join("\n")}\n`;
}

/** One policy file's text compiled as the loader compiles it. */
export function policyFrom(text: string, file = "policy.yaml"): Promise<Policy> {
  return compilePolicyTexts([{ file, text }]);
}

/** Several policy files (name → text), compiled together in the order given. */
export function policyFromFiles(files: Record<string, string>): Promise<Policy> {
  return compilePolicyTexts(Object.entries(files).map(([file, text]) => ({ file, text })));
}

/** The problems a policy is rejected with; fails the test when it compiles or throws otherwise. */
export async function problemsIn(files: string | Record<string, string>): Promise<PolicyProblem[]> {
  const texts = typeof files === "string" ? { "policy.yaml": files } : files;
  try {
    await policyFromFiles(texts);
  } catch (error) {
    if (error instanceof PolicyError) return error.problems;
    throw error;
  }
  throw new Error("expected the policy to be rejected, but it compiled");
}

const SOURCE: SourceRef = { file: "test.yaml", line: 1, column: 1 };

/** An extractor reading the given flags (and nothing else unless asked). */
export function extractor(fields: Partial<Extractor> = {}): Extractor {
  return { flags: [], vars: [], ...fields };
}

/** A compiled rule: `id` and `commands` default to "rule" and ["fly"]; nothing else is set. */
export function rule(fields: Partial<Rule> = {}): Rule {
  return {
    id: "rule",
    source: SOURCE,
    commands: ["fly"],
    args: [],
    namedArgs: {},
    requireReason: false,
    checks: [],
    state: [],
    ...fields,
  };
}

/** A compiled environment, unprotected and matching nothing unless told. */
export function environment(name: string, fields: Partial<Environment> = {}): Environment {
  return {
    name,
    protected: false,
    color: fields.protected ? "red" : "yellow",
    targets: [],
    vars: {},
    source: SOURCE,
    ...fields,
  };
}

/** A compiled policy built from environments and rules, with the defaults the loader uses. */
export function policy(
  fields: {
    environments?: Environment[];
    rules?: Rule[];
    unknownEnvironment?: Policy["unknownEnvironment"];
    unparsableScripts?: Policy["unparsableScripts"];
  } = {},
): Policy {
  return {
    files: ["test.yaml"],
    sha256: "0".repeat(64),
    environments: Object.fromEntries((fields.environments ?? []).map((env) => [env.name, env])),
    unknownEnvironment: fields.unknownEnvironment ?? "protected",
    unparsableScripts: fields.unparsableScripts ?? "block",
    rules: fields.rules ?? [],
    tests: [],
  };
}

/** A snapshot of one state probe; `key` defaults to ["name"]. */
export function snapshot(
  entries: Entry[],
  fields: { key?: string[]; state?: string } = {},
): Snapshot {
  return { state: fields.state ?? "things", rule: "rule", key: fields.key ?? ["name"], entries };
}

/** Expectations that constrain nothing except what is given. */
export function expectations(fields: Partial<Expectations> = {}): Expectations {
  return {
    added: { kind: "any" },
    removed: { kind: "any" },
    changed: { kind: "any" },
    unchanged: [],
    source: SOURCE,
    ...fields,
  };
}
