/**
 * The fast path: `preflight [run] [options] -- COMMAND` when no rule matches it and the policy
 * is already compiled in the cache. Every shell command an automated caller issues takes this
 * path, so it is built into a bundle of its own (dist/fast.cjs) holding only argv reading,
 * the cached-policy lookup, the real evaluateCommand, the spawn and the audit append.
 *
 * It decides before it does anything: anything it is not sure of (another verb, --report, a
 * cache miss, a policy problem, a rule that matches, a rule that asks for the AWS account)
 * returns undefined with nothing printed, written or run, and the full CLI takes the command
 * from the start. What it writes is the record the full CLI would write, through the same
 * initialResult/finishRun, except that the unguarded record is not fsynced (see audit-sink.ts).
 */
import { resolveAuditLogPath } from "../audit/path.js";
import { createAuditSink } from "../io/audit-sink.js";
import { programFiles } from "../io/program-files.js";
import { runInherited } from "../io/run-inherited.js";
import { useColor } from "../io/terminal.js";
import { lookUpPolicy } from "../policy/load-cached.js";
import { learnSecrets } from "../report/redact.js";
import { evaluateCommand } from "../run/evaluate.js";
import { type Ending, finishRun, prepareFinish } from "../run/finish.js";
import { initialResult } from "../run/initial-result.js";
import { describeExit } from "../run/outcome.js";
import type { AuditSink, InheritedExit, RunInput } from "../run/ports.js";
import type { RunResult } from "../run/result.js";
import { hostName } from "../util/identity.js";
import type { CliContext } from "./context.js";
import { currentUser } from "./current-user.js";
import { readRunArgv } from "./fast-argv.js";
import { renderUnguardedResult } from "./render-run.js";

export type UnguardedContext = Pick<CliContext, "cwd" | "env" | "home" | "stdout" | "stderr"> & {
  /** Whether stdin / stderr are terminals; asked only once the command is known to be unguarded. */
  isatty: (fd: number) => boolean;
};

/**
 * The run of a command no rule matches, ready to start (it resolves to the exit code); or
 * undefined when the full CLI must handle the command line.
 */
export function prepareUnguardedRun(
  args: readonly string[],
  ctx: UnguardedContext,
): (() => Promise<number>) | undefined {
  const options = readRunArgv(args);
  if (options?.verb !== "run" || options.report !== undefined) return undefined;
  if (!options.command[0]?.trim() || options.command.some((word) => word.includes("\0"))) {
    return undefined;
  }
  let policyInUse: RunInput["policy"];
  let evaluation: ReturnType<typeof evaluateCommand>;
  try {
    const { cached: policy } = lookUpPolicy({
      explicit: options.policy,
      env: ctx.env,
      cwd: ctx.cwd,
      home: ctx.home,
    });
    if (!policy) return undefined;
    // A team database takes every record into the shared trail; only the full CLI feeds it.
    if (policy.team || ctx.env.PREFLIGHT_DATABASE_URL) return undefined;
    let asksForAccount = false;
    evaluation = evaluateCommand({
      policy,
      argv: options.command,
      vars: ctx.env,
      ...(options.env !== undefined && { intendedEnv: options.env }),
      awsAccount: () => {
        asksForAccount = true;
        return undefined;
      },
      // As the lifecycle does: `k`, a symlink to kubectl, is judged as kubectl.
      programs: { files: programFiles, cwd: ctx.cwd },
    });
    if (asksForAccount || evaluation.blocked || evaluation.decision !== "none") return undefined;
    policyInUse = policy;
  } catch {
    // Whatever went wrong, the full CLI meets it again and reports it properly.
    return undefined;
  }

  return async () => {
    const started = new Date();
    let input!: RunInput;
    let audit!: AuditSink;
    let result!: RunResult;
    let ahead!: { ending: Pick<Ending, "outcome" | "message">; finish: () => RunResult };
    const endingFor = (exit: InheritedExit): Pick<Ending, "outcome" | "message"> => ({
      outcome: exit.exitCode === 0 ? "no-rule" : "command-failed",
      message: describeExit(exit),
    });
    const exit = await runInherited(options.command, {
      cwd: ctx.cwd,
      env: ctx.env,
      onTerminal: ctx.isatty(0) || ctx.isatty(2),
      notice: ctx.stderr,
      // Nothing here has to happen before the command starts (nothing is printed before it
      // ends), so it is done while the command runs: the whole record, as it will be if the
      // command exits 0, which leaves only its duration to stamp once it has.
      whileRunning: () => {
        learnSecrets(options.command);
        input = {
          mode: "run",
          argv: options.command,
          policy: policyInUse,
          options: {
            ...(options.env !== undefined && { env: options.env }),
            ...(options.confirm !== undefined && { confirm: options.confirm }),
            ...(options.reason !== undefined && { reason: options.reason }),
          },
          context: {
            cwd: ctx.cwd,
            env: ctx.env,
            user: currentUser(ctx.env),
            host: hostName(),
            interactive: ctx.isatty(0) && !ctx.env.CI,
            ci: Boolean(ctx.env.CI),
            home: ctx.home,
          },
        };
        audit = createAuditSink(resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd), {
          fsync: false,
        });
        result = initialResult(input, evaluation, started);
        result.commandExitCode = 0;
        const ending = endingFor({ exitCode: 0 });
        const ports = { audit, now: () => new Date() };
        ahead = { ending, ...prepareFinish(result, { ...ending, input, ports, started }) };
      },
    });
    const ending = endingFor(exit);
    if (ending.outcome === ahead.ending.outcome && ending.message === ahead.ending.message) {
      ahead.finish();
    } else {
      result.commandExitCode = exit.exitCode;
      finishRun(result, { ...ending, input, ports: { audit, now: () => new Date() }, started });
    }
    const color = () => useColor(ctx.isatty(2), ctx.env, !options.color);
    await renderUnguardedResult(result, ctx, color);
    return result.exitCode;
  };
}
