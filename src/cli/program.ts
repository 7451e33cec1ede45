/**
 * The full command line, with commander: help, errors, and every verb. Each command's module
 * is imported only when that command runs. The common path (`preflight [run|plan] … -- CMD`)
 * is read by fast-argv.ts without loading this file.
 */
import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { redactArgv } from "../report/redact.js";
import { dryRunAsPlan, refuseMistypedVerb, usageMessage } from "./argv-conventions.js";
import { registerCheckCommand } from "./check-program.js";
import type { CliContext } from "./context.js";
import { registerHookCommand } from "./hook-program.js";
import { RUN_OPTIONS, type RunCommandOptions } from "./run-options.js";

export async function runProgram(argv: readonly string[], ctx: CliContext): Promise<number> {
  const args = dryRunAsPlan(argv);
  refuseMistypedVerb(args, ctx.env.PATH);
  let exitCode = 0;
  const program = new Command("preflight")
    .description(
      "A pre-flight safety check for destructive commands: policy, environment, confirmation, verified change, audit.",
    )
    .version(VERSION, "-V, --version")
    .enablePositionalOptions()
    .exitOverride()
    // Errors are printed once, by src/index.ts, as usage errors (exit 64).
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr, outputError: () => {} });

  program.addHelpText(
    "after",
    `
Examples:
  preflight -- fly -t prod destroy-pipeline -p main
  preflight run --confirm staging --reason "INC-42" --report out.json -- ./close-scanner-access.sh
  preflight plan --json -- bosh -e prod -d cf delete-deployment
  preflight audit verify

Exit codes: 0 ok or no rule matched, 64 usage, 65 policy invalid, 66 blocked, 67 check failed,
68 confirmation required, 69 verification failed and restored, 70 verification failed,
71 internal error; anything else is the wrapped command's own status.`,
  );

  for (const verb of ["run", "plan"] as const) {
    const command = program
      .command(verb, { isDefault: verb === "run" })
      .description(
        verb === "run"
          ? "guard and run a command (the default verb)"
          : "show what would happen; runs nothing but read-only checks and probes",
      )
      .usage("[options] -- <command> [args...]")
      .argument("[command...]")
      .passThroughOptions();
    for (const spec of RUN_OPTIONS) {
      if (spec.planOnly && verb !== "plan") continue;
      const option = new Option(spec.value ? `${spec.flag} <${spec.value}>` : spec.flag, spec.help);
      if (spec.repeatable)
        option.argParser((value: string, previous: string[] = []) => [...previous, value]);
      command.addOption(option);
    }
    command.action(async (commandArgs: string[], opts: Record<string, unknown>) => {
      const end = args.indexOf("--");
      const afterDashes = end === -1 ? [] : args.slice(end + 1);
      if (end !== -1 && commandArgs.length > afterDashes.length) {
        // Words before `--` that are not options: a mistyped verb (`preflight paln -- …`).
        const stray = commandArgs[0]!;
        throw new UsageError(
          `'${stray}' is neither a preflight command nor an option (commands: run, plan, check, procedure, policy, audit)`,
        );
      }
      if (end !== -1 && commandArgs.length === 0) {
        throw new UsageError(
          `there is no command after --: preflight ${verb} [options] -- <command> [args...]`,
        );
      }
      if (end === -1) {
        const example =
          commandArgs.length > 0 ? redactArgv(commandArgs).join(" ") : "<command> [args...]";
        throw new UsageError(
          `put -- between preflight's options and the command, e.g. preflight ${verb} [options] -- ${example}`,
        );
      }
      const { runCommand } = await import("./run.js");
      const options: RunCommandOptions = {
        verb,
        command: commandArgs,
        policy: (opts.policy as string[] | undefined) ?? [],
        json: Boolean(opts.json),
        color: opts.color !== false,
        ...(typeof opts.env === "string" && { env: opts.env }),
        ...(typeof opts.confirm === "string" && { confirm: opts.confirm }),
        ...(typeof opts.reason === "string" && { reason: opts.reason }),
        ...(typeof opts.report === "string" && { report: opts.report }),
        ...(typeof opts.auditLog === "string" && { auditLog: opts.auditLog }),
        ...(typeof opts.wait === "string" && { wait: opts.wait }),
        ...(typeof opts.approval === "string" && { approval: opts.approval }),
      };
      exitCode = await runCommand(options, ctx);
    });
  }

  const policy = program.command("policy").description("work with policy files");
  policy
    .command("validate")
    .description("check policy files against the schema and for semantic errors (file:line:col)")
    .argument("[paths...]", "policy files, folders or git:REV:path; each is one policy")
    .option("--json", "JSON output on stdout")
    .action(async (paths: string[], opts: { json?: boolean }) => {
      const { policyValidate } = await import("./policy-tools.js");
      exitCode = await policyValidate({ paths, json: Boolean(opts.json) }, ctx);
    });
  policy
    .command("lint")
    .description("risky or dead policy, each finding with a stable code (PF1xx)")
    .argument("[paths...]", "policy files, folders or git:REV:path; each is one policy")
    .option("--strict", "exit 1 when there are warnings")
    .option("--format <FORMAT>", "text, json, sarif, markdown or gitlab", "text")
    .option("--show-suppressed", "also list suppressed findings and their reasons")
    .option("--list", "list every lint code")
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      const { policyLint } = await import("./policy-tools.js");
      exitCode = await policyLint(
        {
          paths,
          strict: Boolean(opts.strict),
          format: String(opts.format),
          list: Boolean(opts.list),
          showSuppressed: Boolean(opts.showSuppressed),
          version: VERSION,
        },
        ctx,
      );
    });

  policy
    .command("explain")
    .description("how the policy sees a command: normalisation, each rule, environment, decision")
    .usage("[options] -- <command> [args...]")
    .argument("[command...]")
    .option("--policy <PATH>", "policy file, folder or git:REV:path; repeatable", collect, [])
    .option("--env <NAME>", "the environment you mean to target, as with run")
    .option("--var <NAME=VALUE>", "a variable the command would run with; repeatable", collect, [])
    .option("--ignore-env", "ignore this shell's variables; only --var counts")
    .option(
      "--aws-account <ID>",
      "the AWS account to assume for rules that read it (explain does not call STS)",
    )
    .option("--json", "JSON output")
    .action(async (command: string[], opts: Record<string, unknown>) => {
      if (!args.includes("--") || command.length === 0) {
        throw new UsageError(
          "put the command after --: preflight policy explain [options] -- <command> [args...]",
        );
      }
      const { policyExplain } = await import("./policy-tools.js");
      exitCode = await policyExplain(
        {
          command,
          policy: opts.policy as string[],
          ...(typeof opts.env === "string" && { env: opts.env }),
          vars: opts.var as string[],
          ignoreEnv: Boolean(opts.ignoreEnv),
          ...(typeof opts.awsAccount === "string" && { awsAccount: opts.awsAccount }),
          json: Boolean(opts.json),
        },
        ctx,
      );
    });

  policy
    .command("test")
    .description("run each policy's test cases; fails when a policy has none")
    .argument("[paths...]", "policy files, folders or git:REV:path; each is one policy")
    .option("--coverage", "show, per rule, whether a positive and a negative case exist")
    .option("--min-coverage <PERCENT>", "fail when fewer rules than this are covered")
    .option("--format <FORMAT>", "text, json, junit or markdown", "text")
    .action(async (paths: string[], opts: Record<string, unknown>) => {
      const { policyTest } = await import("./policy-tools.js");
      exitCode = await policyTest(
        {
          paths,
          coverage: Boolean(opts.coverage),
          ...(typeof opts.minCoverage === "string" && { minCoverage: opts.minCoverage }),
          format: String(opts.format),
        },
        ctx,
      );
    });

  policy
    .command("which")
    .description("the policy files that apply here, and every place preflight looks, in order")
    .option("--policy <PATH>", "as with run: a policy file or folder; repeatable", collect, [])
    .option("--json", "JSON output")
    .action(async (opts: { policy: string[]; json?: boolean }) => {
      const { policyWhich } = await import("./policy-which.js");
      exitCode = await policyWhich({ policy: opts.policy, json: Boolean(opts.json) }, ctx);
    });

  policy
    .command("schema")
    .description("the JSON Schema of a policy file (for editors and other tools)")
    .action(async () => {
      const { policySchema } = await import("./policy-tools.js");
      exitCode = await policySchema(ctx);
    });

  policy
    .command("diff")
    .description("what a policy change changes: commands whose outcome differs, weakenings first")
    .argument("<old>", "the old version: a path or git:REV:path")
    .argument("<new>", "the new version: a path or git:REV:path")
    .option("--commands <FILE>", "more commands to compare, one per line")
    .option("--format <FORMAT>", "text, json or markdown", "text")
    .option("--json", "JSON output (the same as --format json)")
    .action(
      async (
        old: string,
        now: string,
        opts: { commands?: string; json?: boolean; format: string },
      ) => {
        const { policyDiff } = await import("./policy-tools.js");
        exitCode = await policyDiff(
          {
            old,
            new: now,
            ...(opts.commands !== undefined && { commands: opts.commands }),
            format: opts.json ? "json" : opts.format,
          },
          ctx,
        );
      },
    );

  registerCheckCommand(program, ctx, (code) => {
    exitCode = code;
  });

  const procedure = program
    .command("procedure")
    .description("multi-step procedures (switchovers, rotations) that check and confirm each step");
  const repeat = (value: string, previous: string[] = []) => [...previous, value];
  const procedureVerbs = [
    ["list", "the procedures the policy defines"],
    ["show", "a procedure's params and steps, as written"],
    ["plan", "the whole plan with params filled; runs only the first step's read-only checks"],
    ["run", "run a procedure step by step: checks, confirmation, command, verification"],
    ["undo", "revert the completed steps of the last run, newest first"],
  ] as const;
  for (const [verb, description] of procedureVerbs) {
    const command = procedure
      .command(verb)
      .description(description)
      .option("--policy <PATH>", "a policy file or folder; repeatable", repeat);
    // run and undo have no --json: their steps' own output goes to stdout; use --report FILE.
    if (verb === "list" || verb === "show" || verb === "plan")
      command.option("--json", "JSON output on stdout");
    if (verb !== "list") command.argument("<name>");
    if (verb === "plan" || verb === "run" || verb === "undo") {
      command
        .option(
          "--param <NAME=VALUE>",
          "a param (NAME=@env:VARIABLE for a secret); repeatable",
          repeat,
        )
        .option("--env <NAME>", "the environment you mean to target")
        .option("--audit-log <FILE>", "the audit log (progress is kept beside it)")
        .option("--report <FILE>", "write the JSON report to FILE")
        .option("--no-color", "no colour");
    }
    if (verb === "run" || verb === "undo") {
      command
        .option("--confirm <NAME>", "non-interactive confirmation: the environment's name")
        .option("--reason <TEXT>", "recorded in the audit log");
    }
    if (verb === "run") {
      command
        .option("--resume", "continue after the last verified step of the stopped run")
        .option("--restart", "start from step 1 although an earlier run stopped halfway");
    }
    command.action(async (...actionArgs: unknown[]) => {
      const name = verb === "list" ? undefined : (actionArgs[0] as string);
      const opts = actionArgs[verb === "list" ? 0 : 1] as Record<string, unknown>;
      const { procedureCommand } = await import("./procedure.js");
      exitCode = await procedureCommand(
        {
          verb,
          ...(name !== undefined && { name }),
          policy: (opts.policy as string[] | undefined) ?? [],
          params: (opts.param as string[] | undefined) ?? [],
          ...(typeof opts.env === "string" && { env: opts.env }),
          ...(typeof opts.confirm === "string" && { confirm: opts.confirm }),
          ...(typeof opts.reason === "string" && { reason: opts.reason }),
          ...(typeof opts.report === "string" && { report: opts.report }),
          ...(typeof opts.auditLog === "string" && { auditLog: opts.auditLog }),
          resume: Boolean(opts.resume),
          restart: Boolean(opts.restart),
          json: Boolean(opts.json),
          color: opts.color !== false,
        },
        ctx,
      );
    });
  }

  registerHookCommand(program, ctx, (code) => {
    exitCode = code;
  });

  const audit = program.command("audit").description("the tamper-evident audit log");
  audit
    .command("verify")
    .description("check the audit log's hash chain")
    .option(
      "--audit-log <FILE>",
      "the log (default $PREFLIGHT_AUDIT_LOG or $XDG_STATE_HOME/preflight/audit.jsonl)",
    )
    .option("--json", "the verdict as JSON on stdout")
    .option("--team", "check the team's shared audit trail in its database instead")
    .option("--policy <PATH>", "with --team: the policy naming the team", collect, [])
    .option("--checkpoint <FILE>", "with --team: also check a checkpoint kept elsewhere")
    .action(
      async (opts: {
        auditLog?: string;
        json?: boolean;
        team?: boolean;
        policy?: string[];
        checkpoint?: string;
      }) => {
        if (opts.team) {
          const { auditVerifyTeam } = await import("./team.js");
          exitCode = await auditVerifyTeam(opts, ctx);
          return;
        }
        const { auditVerify } = await import("./audit-verify.js");
        exitCode = await auditVerify(opts, ctx);
      },
    );
  audit
    .command("show")
    .description("one record in full, by its number (seq)")
    .argument("<seq>", "the record's number, as audit list --json shows it")
    .option("--audit-log <FILE>", "the log")
    .option("--json", "the record as JSON")
    .action(async (seq: string, opts: { auditLog?: string; json?: boolean }) => {
      const { auditShow } = await import("./audit-show.js");
      exitCode = await auditShow({ seq, ...opts }, ctx);
    });
  audit
    .command("list")
    .description("recent audit records")
    .option("--audit-log <FILE>", "the log")
    .option("--json", "JSON output")
    .option("-n, --limit <N>", "how many records", (v) => Number.parseInt(v, 10), 20)
    .option("--team", "the team's shared audit trail, with the filters below")
    .option("--policy <PATH>", "with --team: the policy naming the team", collect, [])
    .option(
      "--user <NAME>",
      "with --team: records of this actor (alice, alice@host, octocat@github)",
    )
    .option("--environment <NAME>", "with --team: records in this environment")
    .option("--rule <ID>", "with --team: records a rule matched")
    .option("--outcome <OUTCOME>", "with --team: records with this outcome (ok, blocked, …)")
    .option("--since <TIME>", "with --team: records started at or after TIME")
    .option("--until <TIME>", "with --team: records started before TIME")
    .action(
      async (
        opts: Record<string, unknown> & {
          auditLog?: string;
          json?: boolean;
          limit?: number;
          team?: boolean;
        },
      ) => {
        if (opts.team) {
          const { auditListTeam } = await import("./team.js");
          exitCode = await auditListTeam(opts, ctx);
          return;
        }
        const teamOnly = ["user", "environment", "rule", "outcome", "since", "until"].find(
          (name) => opts[name] !== undefined,
        );
        if (teamOnly) throw new UsageError(`--${teamOnly} filters the shared trail: add --team`);
        const { auditList } = await import("./audit-list.js");
        exitCode = await auditList(opts, ctx);
      },
    );

  audit
    .command("checkpoint")
    .description("sign the head of the team's shared chain (ed25519); prints and stores it")
    .option("--policy <PATH>", "the policy naming the team", collect, [])
    .option(
      "--key <FILE>",
      "the ed25519 key (PEM); default $PREFLIGHT_CHECKPOINT_KEY or the state folder's",
    )
    .action(async (opts: { policy?: string[]; key?: string }) => {
      const { auditCheckpoint } = await import("./team.js");
      exitCode = await auditCheckpoint(opts, ctx);
    });

  const team = program
    .command("team")
    .description("the team database: shared audit trail and locks (PREFLIGHT_DATABASE_URL)");
  const teamCommand = (name: string, description: string) =>
    team
      .command(name)
      .description(description)
      .option("--policy <PATH>", "the policy whose team: section applies (repeatable)", collect, [])
      .option("--audit-log <FILE>", "the local log (the spool is kept beside it)");
  teamCommand("init", "create or upgrade the team schema (safe to run again)").action(
    async (opts: { policy?: string[]; auditLog?: string }) => {
      const { teamInit } = await import("./team.js");
      exitCode = await teamInit(opts, ctx);
    },
  );
  teamCommand("status", "what is configured, whether it answers, locks and the spool").action(
    async (opts: { policy?: string[]; auditLog?: string }) => {
      const { teamStatus } = await import("./team.js");
      exitCode = await teamStatus(opts, ctx);
    },
  );
  teamCommand("sync", "upload the records spooled while the database was unreachable").action(
    async (opts: { policy?: string[]; auditLog?: string }) => {
      const { teamSync } = await import("./team.js");
      exitCode = await teamSync(opts, ctx);
    },
  );
  teamCommand("unlock", "remove a lock whoever holds it (recorded in the audit trail)")
    .argument("<KEY>", "the lock's key, as team status shows it")
    .option("--reason <TEXT>", "why (required; recorded)")
    .action(
      async (key: string, opts: { policy?: string[]; auditLog?: string; reason?: string }) => {
        const { teamUnlock } = await import("./team.js");
        exitCode = await teamUnlock(key, opts, ctx);
      },
    );

  program
    .command("request")
    .description("plan a command whose rule says approve, and store it for a teammate's approval")
    .usage("[options] -- <command> [args...]")
    .argument("<command...>")
    .passThroughOptions()
    .option("--policy <PATH>", "as with run: a policy file or folder; repeatable", collect, [])
    .option("--env <NAME>", "as with run: the environment you mean to target")
    .option("--audit-log <FILE>", "as with run")
    .action(
      async (command: string[], opts: { policy: string[]; env?: string; auditLog?: string }) => {
        if (args.indexOf("--") === -1) {
          throw new UsageError("put -- between preflight's options and the command");
        }
        const { requestCommand } = await import("./approval.js");
        exitCode = await requestCommand({ command, ...opts }, ctx);
      },
    );
  program
    .command("approve")
    .description("approve a teammate's request (shows its plan; never your own)")
    .argument("<ID>", "the request id `preflight request` printed")
    .option("--reason <TEXT>", "why; recorded")
    .option("--policy <PATH>", "the policy whose team: section applies (repeatable)", collect, [])
    .option("--audit-log <FILE>", "as with run")
    .action(async (id: string, opts: { policy: string[]; reason?: string; auditLog?: string }) => {
      const { approveCommand } = await import("./approval.js");
      exitCode = await approveCommand(id, opts, ctx);
    });

  if (args.length === 0) {
    // Bare `preflight`: the help, on stderr, and 64: nothing was asked, so nothing succeeded.
    program.outputHelp({ error: true });
    ctx.stderr("preflight: no command given (exit 64)\n");
    return 64;
  }
  program
    .command("completion")
    .description("a shell completion script: source <(preflight completion bash)")
    .argument("<shell>", "bash, zsh or fish")
    .action(async (shell: string) => {
      const { completionScript } = await import("./completion.js");
      ctx.stdout(completionScript(shell, program));
    });

  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      )
        return 0;
      throw new UsageError(usageMessage(error.message));
    }
    throw error;
  }
  return exitCode;
}

/** commander's accumulator for a repeatable option. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

declare const __PREFLIGHT_VERSION__: string | undefined;
const VERSION = typeof __PREFLIGHT_VERSION__ === "string" ? __PREFLIGHT_VERSION__ : "unknown";
