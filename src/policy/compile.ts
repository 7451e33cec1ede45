/**
 * Turns one validated policy file into normalised pieces (lists are lists, defaults filled,
 * every rule and check knowing where it was written). Merging several files and the checks
 * that span them live in `merge.ts`.
 */
import type { Document, LineCounter } from "yaml";
import { TRUTH_KEYS, type TruthKey } from "../environment/resolvers/types.js";
import { type CheckUse, compileCheck } from "./compile-check.js";
import { compileProcedures, type PartProcedure } from "./compile-procedure.js";
import { compileExpect, compileState, list, runSpec, toMs } from "./compile-shared.js";
import { positionOf, positionOfKey } from "./positions.js";
import type { PolicyFile, RuleInput } from "./schema.js";
import type {
  CheckSpec,
  Decision,
  Environment,
  Extractor,
  Policy,
  PolicyTest,
  Rule,
  SourceRef,
  TeamSettings,
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
  | "team"
> & {
  procedures: PartProcedure[];
  team?: TeamSettings;
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
    const truth: Partial<Record<TruthKey, string[]>> = {};
    for (const key of TRUTH_KEYS)
      if (env.match?.[key] !== undefined) truth[key] = list(env.match[key]);
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
      ...(Object.keys(truth).length > 0 && { truth }),
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
    ...(t.files !== undefined && { files: testFiles(t.files) }),
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
    ...(input.team && { team: compileTeam(input.team, at("team")) }),
  };
}

function compileTeam(team: NonNullable<PolicyFile["team"]>, source: SourceRef): TeamSettings {
  return {
    ...(team.name !== undefined && { name: team.name }),
    ...(team["database-url-variable"] !== undefined && {
      urlVariable: team["database-url-variable"],
    }),
    ...(team.offline !== undefined && { offline: team.offline }),
    ...(team["lock-lease"] !== undefined && { lockLeaseSeconds: team["lock-lease"] }),
    ...(team["approval-expiry"] !== undefined && {
      approvalExpirySeconds: team["approval-expiry"],
    }),
    source,
  };
}

/** Where a policy test case's files live: `~/` is TEST_HOME, a relative path is from TEST_CWD. */
export const TEST_HOME = "/home/policy-test";
export const TEST_CWD = "/home/policy-test/work";

function testFiles(files: Record<string, string>): Record<string, string> {
  const at = (path: string) =>
    path === "~" || path.startsWith("~/")
      ? `${TEST_HOME}${path.slice(1)}`
      : path.startsWith("/")
        ? path
        : `${TEST_CWD}/${path.replace(/^\.\//, "")}`;
  return Object.fromEntries(Object.entries(files).map(([path, text]) => [at(path), text]));
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
        ...(rule.environment.target && { target: rule.environment.target }),
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
    // `lock: true` locks what the rule changes: its resource where it names one, else the rule.
    ...(rule.lock !== undefined && {
      lock:
        rule.lock === true ? (rule.resource ? "{env}/{resource}" : `{env}/${rule.id}`) : rule.lock,
    }),
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
