/**
 * Reads an `aws` command line the way the AWS CLI's argument parser does: global options
 * (`--profile`, `--region`, `--endpoint-url`, …) anywhere, then the service and the
 * operation, then the operation's options. An operation option takes every following word
 * up to the next `--option` (list options such as `--ip-permissions a b`), and `--name=value`
 * is one word. Nothing here knows what the options mean.
 */
import { basename } from "node:path";

export interface AwsCommandLine {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  service?: string;
  operation?: string;
  /** Operation options by name without the dashes, each with every value given, in order. */
  options: Map<string, string[][]>;
}

/** Global options that take one value. */
const GLOBAL_WITH_VALUE = new Set([
  "profile",
  "region",
  "endpoint-url",
  "output",
  "query",
  "ca-bundle",
  "cli-read-timeout",
  "cli-connect-timeout",
  "color",
  "cli-binary-format",
]);

/** Global options that take none. */
const GLOBAL_FLAGS = new Set([
  "debug",
  "no-verify-ssl",
  "no-paginate",
  "no-sign-request",
  "no-cli-pager",
  "cli-auto-prompt",
  "no-cli-auto-prompt",
]);

/** Whether argv runs the AWS CLI (`aws`, `/usr/local/bin/aws`). */
export function isAwsCli(argv: readonly string[]): boolean {
  return argv[0] !== undefined && basename(argv[0]) === "aws";
}

/** The parts of an `aws …` command line; undefined for another program. */
export function readAwsCommandLine(argv: readonly string[]): AwsCommandLine | undefined {
  if (!isAwsCli(argv)) return undefined;
  const line: AwsCommandLine = { options: new Map() };
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    if (!word.startsWith("--") || word === "--") {
      if (line.service === undefined) line.service = word;
      else if (line.operation === undefined) line.operation = word;
      continue;
    }
    const eq = word.indexOf("=");
    const name = word.slice(2, eq === -1 ? undefined : eq);
    if (GLOBAL_FLAGS.has(name)) continue;
    if (GLOBAL_WITH_VALUE.has(name)) {
      const value = eq === -1 ? argv[++i] : word.slice(eq + 1);
      if (value === undefined) continue;
      if (name === "profile") line.profile = value;
      if (name === "region") line.region = value;
      if (name === "endpoint-url") line.endpointUrl = value;
      continue;
    }
    const values: string[] = [];
    if (eq !== -1) values.push(word.slice(eq + 1));
    else {
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith("--")) values.push(argv[++i]!);
    }
    const given = line.options.get(name) ?? [];
    given.push(values);
    line.options.set(name, given);
  }
  return line;
}
