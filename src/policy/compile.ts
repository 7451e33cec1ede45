/**
 * Turns one validated policy file into normalised pieces (lists are lists, defaults filled,
 * every rule and check knowing where it was written). Merging several files and the checks
 * that span them live in `merge.ts`.
 */
import type { Document, LineCounter } from "yaml";
import { GRANT_KEY } from "../state/aws-security-groups/grant.js";
import { type CheckUse, compileCheck } from "./compile-check.js";
import { compileProcedures, type PartProcedure } from "./compile-procedure.js";
import { positionOf, positionOfKey } from "./positions.js";
import type { PolicyFile, RuleInput } from "./schema.js";
import type {
  ChangeExpectation,
  CheckSpec,
  Decision,
  Environment,
  Expectations,
  Extractor,
  Policy,
  PolicyTest,
  Rule,
  RunSpec,
  Selector,
  SourceRef,
  StateSpec,
} from "./types.js";

export type PolicyPart = Omit<
  Policy,
  | "files"
  | "sha256"
  | "unknownEnvironment"
  | "unparsableScripts"
  | "rules"
  | "checks"
  | "procedures"
> & {
  procedures: PartProcedure[];
  unknownEnvironment?: Policy["unknownEnvironment"];
  unparsableScripts?: Policy["unparsableScripts"];
  file: string;
  /**
   * Where a path of this file was written (`["rules", 2, "decision"]`; with `key`, that key
   * of the map at `path`), so semantic problems point at the offending value, not its rule.
   */
  locate: (path: readonly (string | number)[], key?: string) => SourceRef;
  rules: PartRule[];
  checks: Record<string, CheckSpec>;
};

/** A rule before merging: its checks may still `use:` a named check from another file. */
export type PartRule = Omit<Rule, "checks" | "verify"> & {
  checks: (CheckSpec | CheckUse)[];
  verify: (CheckSpec | CheckUse)[];
};

const DEFAULT_TIMEOUT_MS = 60_000;

export function compilePolicyFile(
  input: PolicyFile,
  file: string,
  doc: Document,
  lc: LineCounter,
): PolicyPart {
  const at = (...path: (string | number)[]): SourceRef => ({ file, ...positionOf(doc, lc, path) });

  const environments: Record<string, Environment> = {};
  for (const [name, env] of Object.entries(input.environments ?? {})) {
    const isProtected = env.protected ?? false;
    environments[name] = {
      name,
      protected: isProtected,
      color: env.color ?? (isProtected ? "red" : "yellow"),
      ...(env.description !== undefined && { description: env.description }),
      targets: list(env.match?.target),
      vars: env.match?.vars ?? {},
      ...(env.match?.["aws-account"] !== undefined && {
        awsAccounts: list(env.match["aws-account"]),
      }),
      // The name's own line, which is where a reader looks for an environment.
      source: { file, ...positionOfKey(doc, lc, ["environments"], name) },
    };
  }

  const rules = (input.rules ?? []).map((rule, i) =>
    compileRule(rule, (...p) => at("rules", i, ...p)),
  );

  const tests: PolicyTest[] = (input.tests ?? []).map((t, i) => ({
    name: t.name,
    command: t.command,
    vars: t.vars ?? {},
    ...(t.env !== undefined && { env: t.env }),
    ...(t["aws-account"] !== undefined && { awsAccount: t["aws-account"] }),
    expect: t.expect,
    source: at("tests", i),
  }));

  const checks: Record<string, CheckSpec> = {};
  for (const [name, check] of Object.entries(input.checks ?? {})) {
    const source = { file, ...positionOfKey(doc, lc, ["checks"], name) };
    checks[name] = compileCheck(check, source, name) as CheckSpec; // the schema forbids `use` here
  }
  const procedures = compileProcedures(input.procedures, at);

  return {
    file,
    locate: (path, key) => ({
      file,
      ...(key === undefined ? positionOf(doc, lc, path) : positionOfKey(doc, lc, path, key)),
    }),
    environments,
    rules,
    tests,
    checks,
    procedures,
    ...(input["unknown-environment"] && { unknownEnvironment: input["unknown-environment"] }),
    ...(input["unparsable-scripts"] && { unparsableScripts: input["unparsable-scripts"] }),
  };
}

function compileRule(rule: RuleInput, at: (...path: (string | number)[]) => SourceRef): PartRule {
  const namedArgs: Record<string, Extractor> = {};
  for (const [name, extractor] of Object.entries(rule.args ?? {})) {
    namedArgs[name] = compileExtractor(extractor);
  }
  return {
    id: rule.id,
    ...(rule.description !== undefined && { description: rule.description }),
    ...(rule.hint !== undefined && { hint: rule.hint }),
    source: at(),
    commands: list(rule.match.command),
    args: rule.match.args ?? [],
    ...(rule.environment && {
      environment: {
        ...compileExtractor(rule.environment),
        ...(rule.environment["aws-account"] && { awsAccount: true }),
      },
    }),
    ...(rule.resource && { resource: compileExtractor(rule.resource) }),
    namedArgs,
    ...(rule.decision !== undefined && {
      decision:
        typeof rule.decision === "string"
          ? { "*": rule.decision }
          : (rule.decision as Record<string, Decision>),
    }),
    requireReason: rule["require-reason"] ?? false,
    checks: (rule.checks ?? []).map((c, i) => compileCheck(c, at("checks", i))),
    verify: (rule.verify ?? []).map((c, i) => compileCheck(c, at("verify", i))),
    state: (rule.state ?? []).map((s, i) => compileState(s, at("state", i))),
    ...(rule.expect && { expect: compileExpect(rule.expect, at("expect")) }),
    ...(typeof rule.rollback === "object" && {
      rollback: { run: runSpec(rule.rollback.run), timeoutMs: toMs(rule.rollback.timeout) },
    }),
    ...(typeof rule.rollback === "string" && { restore: rule.rollback }),
  };
}

type StateInput = NonNullable<RuleInput["state"]>[number];
type ExpectInput = NonNullable<RuleInput["expect"]>;

/** A state probe as written (in a rule or a procedure step), normalised. */
export function compileState(s: StateInput, source: SourceRef): StateSpec {
  const common = {
    name: s.name,
    timeoutMs: toMs(s.timeout),
    readOnly: s["read-only"] ?? true,
    source,
  };
  const aws = s["aws-ec2-security-groups"];
  if (aws) {
    return {
      kind: "aws-ec2-security-groups",
      ...common,
      groups: aws.groups ?? [],
      all: aws.all ?? false,
      key: [...GRANT_KEY],
    };
  }
  return {
    kind: "run",
    ...common,
    run: runSpec(s.run!),
    format: s.format ?? "json",
    key: s.key ?? (s.format === "lines" ? ["line"] : []),
  };
}

/** An `expect:` block as written, normalised. */
export function compileExpect(e: ExpectInput, source: SourceRef): Expectations {
  return {
    added: compileChange(e.added),
    removed: compileChange(e.removed),
    changed: compileChange(e.changed),
    unchanged: (e.unchanged ?? []).map(compileSelector),
    ...(e.predicted && { predicted: e.predicted }),
    source,
  };
}

export function compileExtractor(e: {
  flag?: string | string[];
  position?: number;
  vars?: string | string[];
}): Extractor {
  return {
    flags: list(e.flag),
    ...(e.position !== undefined && { position: e.position }),
    vars: list(e.vars),
  };
}

/** An expectation the author left out constrains nothing; `policy lint` flags that. */
function compileChange(c: NonNullable<RuleInput["expect"]>["added"]): ChangeExpectation {
  if (c === undefined || c === "any") return { kind: "any" };
  if (c === "none") return { kind: "none" };
  return {
    kind: "limit",
    ...(c.max !== undefined && { max: c.max }),
    ...(c.only && { only: compileSelector(c.only) }),
    ...(c.never && { never: compileSelector(c.never) }),
  };
}

function compileSelector(s: Record<string, string | number | boolean>): Selector {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)]));
}

/** An argv list's words as text (YAML may have read `60` or `-1` as numbers). */
export function runSpec(spec: string | (string | number | boolean)[]): RunSpec {
  return typeof spec === "string" ? spec : spec.map(String);
}

export function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function toMs(seconds: number | undefined): number {
  return seconds === undefined ? DEFAULT_TIMEOUT_MS : Math.round(seconds * 1000);
}
