/**
 * The commander definition of `preflight check`: named checks from a policy, or one check
 * written on the command line (`check tls`, `check http`, `check run`). Flags become a check
 * as a policy author would write it (check-args.ts), so the command line and the policy are
 * validated by the same schema and run by the same code. The work is in check.ts, imported
 * only when the command runs.
 */
import { type Command, Option } from "commander";
import type { CliContext } from "./context.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Options every form of `check` takes; on the subcommands too, so they may come after them. */
function commonOptions(command: Command): Command {
  return command
    .option("--json", "print the results as JSON on stdout")
    .option("--fail-on-warn", "exit 1 when a check warns (and none fails)")
    .option("--no-color", "no colour (NO_COLOR and FORCE_COLOR are honoured too)");
}

/** Options of the checks that judge output (run's stdout, http's body). */
function outputOptions(command: Command): Command {
  return command
    .option("--equals <TEXT>", "the output, trimmed, must equal TEXT")
    .option("--contains <TEXT>", "the output must contain TEXT")
    .option("--matches <REGEX>", "the output must match REGEX")
    .option("--json-path <PATH>", "read the output as JSON; the value at PATH (e.g. data.count)")
    .option("--json-equals <VALUE>", "the value at --json-path must equal VALUE")
    .option("--min <N>", "fail below N (the first number in the output, or the JSON value)")
    .option("--max <N>", "fail above N")
    .option("--warn <N>", "warn past N (on the side of --min or --max)")
    .option("--timeout <SECONDS>", "give up after SECONDS")
    .option("--name <NAME>", "the check's name in the output");
}

export function registerCheckCommand(
  program: Command,
  ctx: CliContext,
  setExitCode: (code: number) => void,
): void {
  const check = commonOptions(
    program
      .command("check")
      .description("run checks without a command: named checks from a policy, or tls/http/run")
      .usage("[options] [NAME...] | tls HOST:PORT | http URL | run -- COMMAND")
      .argument("[names...]", "named checks from the policy's checks: (default: all of them)")
      .option("--policy <PATH>", "a policy file or folder (repeatable)", collect)
      .option("--set <NAME=VALUE>", "fill {NAME} in the checks' templates (repeatable)", collect)
      .enablePositionalOptions(),
  );
  check.addHelpText(
    "after",
    `
Examples:
  preflight check tls vault.internal:8200 --cert-file /etc/vault/tls.crt --min-days 14
  preflight check http https://api.internal/health --json-path status --json-equals ok --max-latency-ms 500
  preflight check run --max 0.8 -- psql -XAtc "select 0.42"
  preflight check --policy policies/examples/postgres.yaml sequence-headroom

Exit codes: 0 every check passed (or warned), 1 a check warned and --fail-on-warn was given,
67 a check failed, 64 usage, 65 policy invalid.`,
  );
  const run = async (options: import("./check.js").CheckCommandOptions) => {
    const { checkCommand } = await import("./check.js");
    setExitCode(await checkCommand(options, ctx));
  };
  const common = (opts: Record<string, unknown>) => ({
    json: Boolean(opts.json),
    failOnWarn: Boolean(opts.failOnWarn),
    color: opts.color !== false,
    policy: (opts.policy as string[] | undefined) ?? [],
    set: (opts.set as string[] | undefined) ?? [],
  });

  check.action(async (names: string[], opts: Record<string, unknown>) => {
    await run({ ...common(opts), form: "named", names });
  });

  commonOptions(
    check
      .command("tls")
      .description("the certificate a server serves: expiry, host name, and the file on disk")
      .argument("<host:port>")
      .option("--servername <NAME>", "SNI and the name checked; default the host")
      .option("--cert-file <FILE>", "the certificate the server should be serving")
      .option("--ca-file <FILE>", "verify the served chain against these CAs")
      .option("--min-days <N>", "fail when a certificate expires within N days")
      .option("--warn-days <N>", "warn when the served certificate expires within N days")
      .option("--no-check-hostname", "do not check the host name")
      .option("--timeout <SECONDS>", "give up after SECONDS (default 10)")
      .option("--name <NAME>", "the check's name in the output"),
  ).action(async (target: string, _opts: unknown, command: Command) => {
    const opts = command.optsWithGlobals();
    await run({ ...common(opts), form: "tls", target, flags: opts });
  });

  commonOptions(
    outputOptions(
      check
        .command("http")
        .description("a URL's status, body, JSON value and latency")
        .argument("<url>")
        .option("--method <METHOD>", "default GET")
        .option("--status <CODE>", "acceptable status (repeatable); default any 2xx", collect)
        .option("--max-latency-ms <MS>", "fail when the answer takes longer")
        .option("--warn-latency-ms <MS>", "warn when the answer takes longer")
        .option("--bearer-env <VAR>", "send Authorization: Bearer $VAR")
        .addOption(
          new Option("--header-env <HEADER=VAR>", "send HEADER with $VAR's value (repeatable)")
            .argParser(collect)
            .default(undefined),
        )
        .option("--ca-file <FILE>", "trust these CAs for https"),
    ),
  ).action(async (target: string, _opts: unknown, command: Command) => {
    const opts = command.optsWithGlobals();
    await run({ ...common(opts), form: "http", target, flags: opts });
  });

  commonOptions(
    outputOptions(
      check
        .command("run")
        .description("a command's exit status and output")
        .usage("[options] -- <command> [args...]")
        .argument("[command...]")
        .option("--exit <N>", "the exit status that passes (default 0)")
        .passThroughOptions(),
    ),
  ).action(async (argv: string[], _opts: unknown, command: Command) => {
    const opts = command.optsWithGlobals();
    await run({ ...common(opts), form: "run", argv, flags: opts });
  });
}
