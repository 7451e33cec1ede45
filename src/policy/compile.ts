/**
 * Turns one validated policy file into normalised pieces (lists are lists, defaults filled,
 * every rule and check knowing where it was written). Merging several files and the checks
 * that span them live in `merge.ts`.
 */
import type { Document, LineCounter } from "yaml";
import { GRANT_KEY } from "../state/aws-security-groups/grant.js";
import { positionOf, positionOfKey } from "./positions.js";
import type { PolicyFile, RuleInput } from "./schema.js";
import type {
  ChangeExpectation,
  Decision,
  Environment,
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
  "files" | "sha256" | "unknownEnvironment" | "unparsableScripts"
> & {
  unknownEnvironment?: Policy["unknownEnvironment"];
  unparsableScripts?: Policy["unparsableScripts"];
  file: string;
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

  return {
    file,
    environments,
    rules,
    tests,
    ...(input["unknown-environment"] && { unknownEnvironment: input["unknown-environment"] }),
    ...(input["unparsable-scripts"] && { unparsableScripts: input["unparsable-scripts"] }),
  };
}

function compileRule(rule: RuleInput, at: (...path: (string | number)[]) => SourceRef): Rule {
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
    checks: (rule.checks ?? []).map((c, i) => ({
      kind: "run" as const,
      name: c.name,
      run: runSpec(c.run),
      expectExit: c.expect?.exit ?? 0,
      timeoutMs: toMs(c.timeout),
      readOnly: c["read-only"] ?? true,
      source: at("checks", i),
    })),
    state: (rule.state ?? []).map((s, i): StateSpec => {
      const common = {
        name: s.name,
        timeoutMs: toMs(s.timeout),
        readOnly: s["read-only"] ?? true,
        source: at("state", i),
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
    }),
    ...(rule.expect && {
      expect: {
        added: compileChange(rule.expect.added),
        removed: compileChange(rule.expect.removed),
        changed: compileChange(rule.expect.changed),
        unchanged: (rule.expect.unchanged ?? []).map(compileSelector),
        ...(rule.expect.predicted && { predicted: rule.expect.predicted }),
        source: at("expect"),
      },
    }),
    ...(typeof rule.rollback === "object" && {
      rollback: { run: runSpec(rule.rollback.run), timeoutMs: toMs(rule.rollback.timeout) },
    }),
    ...(typeof rule.rollback === "string" && { restore: rule.rollback }),
  };
}

function compileExtractor(e: {
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
function runSpec(spec: string | (string | number | boolean)[]): RunSpec {
  return typeof spec === "string" ? spec : spec.map(String);
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function toMs(seconds: number | undefined): number {
  return seconds === undefined ? DEFAULT_TIMEOUT_MS : Math.round(seconds * 1000);
}
