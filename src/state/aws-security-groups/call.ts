/**
 * Reads `aws ec2 authorize-security-group-ingress|egress` and
 * `revoke-security-group-ingress|egress` command lines into what they ask AWS to do, the way
 * the AWS CLI builds its request: `--group-id`/`--group-name`; `--ip-permissions` as JSON,
 * shorthand or `file://`; the CLI's `--protocol/--port/--cidr/--source-group/--group-owner`;
 * the API's own `--ip-protocol/--from-port/--to-port/--cidr-ip`; `--security-group-rule-ids`;
 * `--cli-input-json`; `--dry-run`. Anything it does not understand is reported, never guessed.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { readAwsCommandLine } from "../../aws/cli-argv.js";
import { parseShorthand, ShorthandError } from "../../aws/shorthand.js";
import type { Direction } from "./grant.js";
import { grantsOfPermission, type NamedGrant, PermissionError } from "./permissions.js";

export type Operation =
  | "authorize-security-group-ingress"
  | "authorize-security-group-egress"
  | "revoke-security-group-ingress"
  | "revoke-security-group-egress";

export interface SecurityGroupCall {
  operation: Operation;
  action: "authorize" | "revoke";
  direction: Direction;
  groupId?: string;
  groupName?: string;
  /** The grants named by properties. */
  grants: NamedGrant[];
  /** The rules named by id (`--security-group-rule-ids`). */
  ruleIds: string[];
  dryRun: boolean;
  /** Set when the call changes nothing whatever the state (the CLI refuses it, or only prints). */
  noChange?: string;
}

export type CallReading =
  | { kind: "call"; call: SecurityGroupCall }
  /** A security-group call preflight cannot read: `problem` says what it could not. */
  | { kind: "unreadable"; operation: Operation; problem: string };

const OPERATIONS = new Set<string>([
  "authorize-security-group-ingress",
  "authorize-security-group-egress",
  "revoke-security-group-ingress",
  "revoke-security-group-egress",
]);

/** Options the request does not depend on. */
const IGNORED = new Set(["tag-specifications", "no-dry-run"]);

class Unreadable extends Error {}

/** The call an argv makes, or undefined when it is not one of the four operations. */
export function readSecurityGroupCall(
  argv: readonly string[],
  files: { cwd: string; home?: string },
): CallReading | undefined {
  const line = readAwsCommandLine(argv);
  if (line?.service !== "ec2" || !OPERATIONS.has(line.operation ?? "")) return undefined;
  const operation = line.operation as Operation;
  try {
    return { kind: "call", call: buildCall(operation, line.options, files) };
  } catch (error) {
    if (error instanceof Unreadable || error instanceof PermissionError) {
      return { kind: "unreadable", operation, problem: error.message };
    }
    throw error;
  }
}

function buildCall(
  operation: Operation,
  options: Map<string, string[][]>,
  files: { cwd: string; home?: string },
): SecurityGroupCall {
  const call: SecurityGroupCall = {
    operation,
    action: operation.startsWith("revoke") ? "revoke" : "authorize",
    direction: operation.endsWith("egress") ? "egress" : "ingress",
    grants: [],
    ruleIds: [],
    dryRun: false,
  };
  for (const name of options.keys()) {
    if (!KNOWN.has(name) && !IGNORED.has(name)) {
      throw new Unreadable(`preflight does not know the option --${name}`);
    }
  }
  if (options.has("generate-cli-skeleton")) {
    call.noChange = "--generate-cli-skeleton only prints a template";
    return call;
  }

  const input = options.has("cli-input-json")
    ? cliInputJson(scalar(options, "cli-input-json")!, files)
    : {};
  const groupId = scalar(options, "group-id") ?? stringField(input, "GroupId");
  const groupName = scalar(options, "group-name") ?? stringField(input, "GroupName");
  if (groupId !== undefined) call.groupId = groupId;
  if (groupName !== undefined) call.groupName = groupName;
  call.dryRun = options.has("dry-run") ? true : input.DryRun === true;

  const simplified = ["protocol", "port", "cidr", "source-group", "group-owner"].filter((o) =>
    options.has(o),
  );
  const permissionValues = list(options, "ip-permissions");
  if (permissionValues.length > 0 && simplified.length > 0) {
    call.noChange = `the AWS CLI refuses --${simplified[0]} together with --ip-permissions`;
    return call;
  }
  const permissions: unknown[] = permissionValues.flatMap((v) => readPermissions(v, files));
  if (permissionValues.length === 0 && Array.isArray(input.IpPermissions)) {
    permissions.push(...input.IpPermissions);
  }
  if (simplified.length > 0) permissions.push(simplifiedPermission(options));
  if (["ip-protocol", "from-port", "to-port", "cidr-ip"].some((o) => options.has(o))) {
    permissions.push(apiPermission(options));
  }
  if (options.has("source-security-group-name") || options.has("source-security-group-owner-id")) {
    throw new Unreadable(
      "--source-security-group-name grants every protocol from a group; preflight does not predict it",
    );
  }
  call.grants = permissions.flatMap((p) => grantsOfPermission(p));
  call.ruleIds = list(options, "security-group-rule-ids").flatMap((v) => v.split(/[\s,]+/));
  if (call.ruleIds.length === 0 && Array.isArray(input.SecurityGroupRuleIds)) {
    call.ruleIds = input.SecurityGroupRuleIds.map(String);
  }
  if (call.groupId === undefined && call.groupName === undefined) {
    call.noChange = "it names no security group (--group-id or --group-name), so AWS refuses it";
  } else if (call.grants.length === 0 && call.ruleIds.length === 0) {
    call.noChange = "it names no grant, so AWS refuses it";
  }
  return call;
}

const KNOWN = new Set([
  "group-id",
  "group-name",
  "ip-permissions",
  "security-group-rule-ids",
  "protocol",
  "port",
  "cidr",
  "source-group",
  "group-owner",
  "ip-protocol",
  "from-port",
  "to-port",
  "cidr-ip",
  "source-security-group-name",
  "source-security-group-owner-id",
  "dry-run",
  "cli-input-json",
  "generate-cli-skeleton",
]);

/** `--protocol tcp --port 22-25 --cidr X --source-group Y --group-owner Z`, as secgroupsimplify builds it. */
function simplifiedPermission(options: Map<string, string[][]>): Record<string, unknown> {
  const permission: Record<string, unknown> = {};
  const protocol = scalar(options, "protocol");
  if (protocol !== undefined) permission.IpProtocol = protocol === "all" ? "-1" : protocol;
  const port = scalar(options, "port");
  if (port !== undefined) {
    const range = readPortRange(port);
    permission.FromPort = range.from;
    permission.ToPort = range.to;
  }
  const cidr = scalar(options, "cidr");
  if (cidr !== undefined) permission.IpRanges = [{ CidrIp: cidr }];
  const sourceGroup = scalar(options, "source-group");
  const owner = scalar(options, "group-owner");
  if (sourceGroup !== undefined || owner !== undefined) {
    const pair: Record<string, string> = {};
    if (sourceGroup?.startsWith("sg-")) pair.GroupId = sourceGroup;
    else if (sourceGroup !== undefined) pair.GroupName = sourceGroup;
    if (owner !== undefined) pair.UserId = owner;
    permission.UserIdGroupPairs = [pair];
  }
  return permission;
}

/** `22`, `22-25`, `-1`, `all`; for ICMP `8-0` is type 8, code 0 and `3--1` type 3, every code. */
function readPortRange(text: string): { from: number; to: number } {
  if (text === "-1" || text === "all") return { from: -1, to: -1 };
  const match = /^(-?\d+)(?:-(-?\d+))?$/.exec(text);
  if (!match) throw new Unreadable(`--port ${text} is not a port or a range (22 or 22-25)`);
  const from = Number(match[1]);
  return { from, to: match[2] === undefined ? from : Number(match[2]) };
}

/** The API's own top-level parameters (`--ip-protocol tcp --from-port 22 --to-port 22 --cidr-ip X`). */
function apiPermission(options: Map<string, string[][]>): Record<string, unknown> {
  const cidr = scalar(options, "cidr-ip");
  return {
    IpProtocol: scalar(options, "ip-protocol"),
    FromPort: scalar(options, "from-port"),
    ToPort: scalar(options, "to-port"),
    ...(cidr !== undefined && { IpRanges: [{ CidrIp: cidr }] }),
  };
}

/** One `--ip-permissions` value: JSON (a list or one structure), shorthand, or file:// of either. */
function readPermissions(value: string, files: { cwd: string; home?: string }): unknown[] {
  const text = paramFile(value, files).trim();
  if (text.startsWith("[") || text.startsWith("{")) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new Unreadable(`--ip-permissions is not valid JSON (${(error as Error).message})`);
    }
    return Array.isArray(data) ? data : [data];
  }
  try {
    return [parseShorthand(text)];
  } catch (error) {
    if (error instanceof ShorthandError) {
      throw new Unreadable(`--ip-permissions shorthand: ${error.message}`);
    }
    throw error;
  }
}

function cliInputJson(
  value: string,
  files: { cwd: string; home?: string },
): Record<string, unknown> {
  try {
    const data = JSON.parse(paramFile(value, files)) as unknown;
    if (data && typeof data === "object" && !Array.isArray(data))
      return data as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new Unreadable("--cli-input-json is not a JSON object");
}

/** The CLI reads `file://path` and `fileb://path` values from the file (relative to the working folder). */
function paramFile(value: string, files: { cwd: string; home?: string }): string {
  const prefix = ["file://", "fileb://"].find((p) => value.startsWith(p));
  if (!prefix) return value;
  let path = value.slice(prefix.length);
  if (path.startsWith("~/") && files.home) path = join(files.home, path.slice(2));
  if (!isAbsolute(path)) path = join(files.cwd, path);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new Unreadable(
      `cannot read ${value} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

function scalar(options: Map<string, string[][]>, name: string): string | undefined {
  const given = options.get(name);
  if (!given) return undefined;
  // Like argparse, a repeated option keeps its last value.
  const values = given.at(-1)!;
  if (values.length > 1) {
    throw new Unreadable(`--${name} takes one value, got ${values.length}: ${values.join(" ")}`);
  }
  return values[0];
}

function list(options: Map<string, string[][]>, name: string): string[] {
  return options.get(name)?.at(-1) ?? [];
}

function stringField(input: Record<string, unknown>, field: string): string | undefined {
  return typeof input[field] === "string" ? input[field] : undefined;
}
