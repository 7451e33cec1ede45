/**
 * The policy as the rest of preflight sees it: validated once on load, normalised (lists are
 * lists, defaults filled in) and plain JSON, so a compiled policy can be cached and reloaded
 * without the YAML parser or the schema library.
 */

import type { TargetTool, TruthKey } from "../environment/resolvers/types.js";

export type Decision = "allow" | "confirm" | "approve" | "deny";

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
  /** Globs on what a target resolver reads (`url`, `server`, `host`, `workspace`, `backend`). */
  truth?: Partial<Record<TruthKey, string[]>>;
  source: SourceRef;
}

/** Where a command names a value: a flag, a position in argv, or a variable. */
export interface Extractor {
  flags: string[];
  position?: number;
  vars: string[];
  /** The AWS account the command's credentials belong to (STS) names the environment. */
  awsAccount?: boolean;
  /** The tool whose own configuration says where the command goes (src/environment/resolvers). */
  target?: TargetTool;
}

/** A check, one of the kinds in `src/checks/registry.ts` (the `kind` field tells them apart). */
export type CheckSpec = RunCheckSpec | TlsCheckSpec | HttpCheckSpec;

/** What every check kind has. */
export interface CheckCommon {
  name: string;
  description?: string;
  timeoutMs: number;
  readOnly: boolean;
  /** Variables set for the check (templates); one whose template has no value is left alone. */
  env: Record<string, string>;
  /** Re-run a failing check for up to this long before believing it (a reload takes a moment). */
  retryForMs: number;
  source: SourceRef;
}

/** `run`: a command whose exit status (and output) says whether it is safe to go ahead. */
export interface RunCheckSpec extends CheckCommon {
  kind: "run";
  run: RunSpec;
  expectExit: number;
  output: OutputExpectation;
}

/** `tls`: the certificate a server serves, against the one on disk, its expiry and host name. */
export interface TlsCheckSpec extends CheckCommon {
  kind: "tls";
  /** host:port (a template). */
  connect: string;
  /** The name sent as SNI and checked against the certificate; default the host. */
  servername?: string;
  certFile?: string;
  caFile?: string;
  /** Fail when a certificate expires within this many days (0: only when expired). */
  minDays: number;
  warnDays?: number;
  checkHostname: boolean;
}

/** `http`: a URL's status, body, JSON value and latency. Credentials come from variables. */
export interface HttpCheckSpec extends CheckCommon {
  kind: "http";
  url: string;
  method: string;
  /** Acceptable statuses; empty means any 2xx. */
  status: number[];
  output: OutputExpectation;
  latencyMs: { max?: number; warn?: number };
  /** The variable whose value is sent as `Authorization: Bearer …`. */
  bearerEnv?: string;
  /** Header name → the variable holding its value. */
  headerEnv: Record<string, string>;
  caFile?: string;
}

/** Expectations on a check's output (a command's stdout, a response's body). */
export interface OutputExpectation {
  /** Compared after trimming surrounding whitespace. */
  text?: { equals?: string; contains?: string; matches?: string };
  /** A value inside the output read as JSON: `data.items[0].id`. */
  json?: { path: string; equals?: string | number | boolean | null };
  /** The first number in the output, or the JSON path's value. */
  number?: NumberLimits;
}

/** Fails above `max` or below `min`; warns past `warn` (on the side of the limit given). */
export interface NumberLimits {
  min?: number;
  max?: number;
  warn?: number;
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
  /** `lock:` as a key template (`true` is compiled to its default); absent: no team lock. */
  lock?: string;
  checks: CheckSpec[];
  /** Checks run after the command; a failure is a violation, like a broken expectation. */
  verify?: CheckSpec[];
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
  /** Configuration files the case's tools see (absolute path → text); nothing else exists. */
  files?: Record<string, string>;
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
  /** Named checks (top-level `checks:`), for `preflight check NAME` and `use: NAME`. */
  checks?: Record<string, CheckSpec>;
  /** The `team:` section: the shared audit trail and locks (src/team/); absent: none. */
  team?: TeamSettings;
  /** Named multi-step procedures (`preflight procedure run NAME`); absent in older caches. */
  procedures?: Record<string, Procedure>;
}

/** A `--param NAME=VALUE` a procedure declares; undeclared names are refused. */
export interface ProcedureParam {
  name: string;
  description?: string;
  /** Used when the operator gives none; a param without a default is required. */
  default?: string;
  /** A regular expression the whole value must match. */
  pattern?: string;
  /** Never shown, logged or stored; only its hash is kept to tell a resume it changed. */
  secret: boolean;
}

/** One step of a procedure: checks before, an optional command, verification after, an undo. */
export interface ProcedureStep {
  name: string;
  checks: CheckSpec[];
  run?: RunSpec;
  verify: CheckSpec[];
  undo?: RunSpec;
  state: StateSpec[];
  expect?: Expectations;
  source: SourceRef;
}

/** An ordered, guarded sequence of steps: a switchover, a credential rotation. */
export interface Procedure {
  name: string;
  description?: string;
  environment?: Extractor;
  /** The param named by `environment: { param }`, kept to check that it is declared. */
  environmentParam?: string;
  params: ProcedureParam[];
  /** As a rule's: environment name or "*" → decision; absent confirms where protected. */
  decision?: Record<string, Decision>;
  requireReason: boolean;
  /** `lock:` as a key template, held across every step and a resume; absent: no team lock. */
  lock?: string;
  /** What happens when a step fails: stop where it is, or undo the completed steps. */
  onFailure: "stop" | "undo";
  steps: ProcedureStep[];
  source: SourceRef;
}

/** The policy's `team:` section, with where it was written. */
export interface TeamSettings {
  name?: string;
  /** The variable holding the database URL (never the URL itself). */
  urlVariable?: string;
  offline?: "refuse" | "spool";
  /** Seconds a lock outlives its holder's last renewal. */
  lockLeaseSeconds?: number;
  /** Seconds an approval stays usable after the request. */
  approvalExpirySeconds?: number;
  source: SourceRef;
}
