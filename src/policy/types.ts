/**
 * The policy as the rest of preflight sees it: validated once on load, normalised (lists are
 * lists, defaults filled in) and plain JSON, so a compiled policy can be cached and reloaded
 * without the YAML parser or the schema library.
 */

export type Decision = "allow" | "confirm" | "deny";

/** Where something was written, for messages that point the reader at the policy. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

/** A command template: an argv list (no shell) or a string run by `sh -c`. */
export type RunSpec = string[] | string;

export interface Environment {
  name: string;
  protected: boolean;
  color: string;
  description?: string;
  /** Values an `environment` extractor may read that mean this environment (globs). */
  targets: string[];
  /** Process variables that, all together, mean this environment (name → glob). */
  vars: Record<string, string>;
  /** AWS account ids (12 digits) that mean this environment. */
  awsAccounts?: string[];
  source: SourceRef;
}

/** Where a command names a value: a flag, a position in argv, or a variable. */
export interface Extractor {
  flags: string[];
  position?: number;
  vars: string[];
  /** The AWS account the command's credentials belong to (STS) names the environment. */
  awsAccount?: boolean;
}

export interface CheckSpec {
  /** The check kind, an entry in `src/checks/registry.ts`. */
  kind: "run";
  name: string;
  run: RunSpec;
  expectExit: number;
  timeoutMs: number;
  readOnly: boolean;
  source: SourceRef;
}

export type StateSpec = RunStateSpec | AwsSecurityGroupsStateSpec;

export interface RunStateSpec {
  /** The probe kind, an entry in `src/state/registry.ts`. */
  kind: "run";
  name: string;
  run: RunSpec;
  format: "json" | "lines";
  /** Fields that identify an entry; empty means the whole entry is its identity. */
  key: string[];
  timeoutMs: number;
  readOnly: boolean;
  source: SourceRef;
}

/** AWS EC2 security groups as atomic grants (`aws-ec2-security-groups:`). */
export interface AwsSecurityGroupsStateSpec {
  kind: "aws-ec2-security-groups";
  name: string;
  /** Group ids (`sg-…`) or names, templates allowed; empty: the groups the command names. */
  groups: string[];
  /** Every group in the account and region (only when the policy asks for it). */
  all: boolean;
  /** Always the grant's identity fields. */
  key: string[];
  timeoutMs: number;
  readOnly: boolean;
  source: SourceRef;
}

/** Field → glob. Values are compared as strings. */
export type Selector = Record<string, string>;

export type ChangeExpectation =
  | { kind: "none" }
  | { kind: "any" }
  | { kind: "limit"; max?: number; only?: Selector; never?: Selector };

export interface Expectations {
  added: ChangeExpectation;
  removed: ChangeExpectation;
  changed: ChangeExpectation;
  unchanged: Selector[];
  /** The actual change must equal (exact) or stay within (subset) the predicted one. */
  predicted?: "exact" | "subset";
  source: SourceRef;
}

export interface Rule {
  id: string;
  description?: string;
  /** What to do instead, shown when the rule denies. */
  hint?: string;
  source: SourceRef;
  commands: string[];
  args: string[];
  environment?: Extractor;
  resource?: Extractor;
  namedArgs: Record<string, Extractor>;
  /** Environment name or "*" → decision. Absent: confirm where protected, allow elsewhere. */
  decision?: Record<string, Decision>;
  requireReason: boolean;
  checks: CheckSpec[];
  state: StateSpec[];
  expect?: Expectations;
  rollback?: { run: RunSpec; timeoutMs: number };
  /** `rollback: auto|prompt`: undo, entry by entry, what should not have changed. */
  restore?: "auto" | "prompt";
}

/** A policy's own test case: a command and what the policy must decide for it. */
export interface PolicyTest {
  name: string;
  command: string[];
  vars: Record<string, string>;
  env?: string;
  /** Stands in for the STS lookup of rules with `environment: { aws-account: true }`. */
  awsAccount?: string;
  expect: { decision?: Decision | "none"; environment?: string; rules?: string[] };
  source: SourceRef;
}

export interface Policy {
  files: string[];
  sha256: string;
  environments: Record<string, Environment>;
  unknownEnvironment: "protected" | "deny";
  unparsableScripts: "block" | "no-match";
  rules: Rule[];
  tests: PolicyTest[];
}
