/**
 * Builders for the command lines the end-to-end tests run, so a test reads as the operator's
 * intent (`guard({ policy, confirm }, destroyPipeline("staging"))`) rather than a long list of
 * strings that Biome lays out one per line.
 */
import { fixture } from "./workspace.js";

/** fly's argv to destroy a pipeline: `fly -t TARGET destroy-pipeline -p PIPELINE`. */
export function destroyPipeline(target: string, pipeline = "main"): string[] {
  return ["fly", "-t", target, "destroy-pipeline", "-p", pipeline];
}

/** preflight's own options; each one given becomes its flag (see `guard` for the order). */
export interface GuardOptions {
  /** A fixture policy under test/e2e/fixtures, by file name: `--policy FILE`. */
  policy?: string;
  /** `--env NAME`. */
  env?: string;
  /** `--confirm NAME`. */
  confirm?: string;
  /** `--reason TEXT`. */
  reason?: string;
  /** `--audit-log FILE`. */
  auditLog?: string;
  /** `--report FILE`. */
  report?: string;
}

/**
 * preflight's argv guarding `command`: the options given, always in the order --policy, --env,
 * --confirm, --reason, --audit-log, --report, then `--` and the command.
 */
export function guard(options: GuardOptions, command: readonly string[]): string[] {
  const flags: [string, string | undefined][] = [
    ["--policy", options.policy === undefined ? undefined : fixture(options.policy)],
    ["--env", options.env],
    ["--confirm", options.confirm],
    ["--reason", options.reason],
    ["--audit-log", options.auditLog],
    ["--report", options.report],
  ];
  return [
    ...flags.flatMap(([flag, value]) => (value === undefined ? [] : [flag, value])),
    "--",
    ...command,
  ];
}
