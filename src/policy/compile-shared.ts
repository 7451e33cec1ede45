/**
 * The pieces rules and procedure steps are both written with (state probes, expect blocks,
 * run specs, lists, timeouts), normalised. Apart from compile.ts so that compile-procedure.ts
 * can use them without importing the module that imports it.
 */
import { GRANT_KEY } from "../state/aws-security-groups/grant.js";
import type { RuleInput } from "./schema.js";
import type {
  ChangeExpectation,
  Expectations,
  RunSpec,
  Selector,
  SourceRef,
  StateSpec,
} from "./types.js";

const DEFAULT_TIMEOUT_MS = 60_000;

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
