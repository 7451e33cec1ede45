/**
 * The policy's answer to an agent's shell command, as plain data. The command is evaluated
 * exactly as `preflight plan` evaluates it (same normalisation, matching and environment
 * resolution); what differs is who answers a confirmation: never the agent.
 */
import type { ProgramFiles } from "../command/locate-program.js";
import type { SimpleCommand } from "../command/normalise.js";
import type { AccountAnswer } from "../environment/resolve.js";
import type { ReadTarget } from "../environment/resolvers/types.js";
import type { Policy, Rule } from "../policy/types.js";
import { type Evaluation, evaluateCommand, type MatchedCommand } from "../run/evaluate.js";
import { preflightArguments, refuseSelfInvocation } from "./self-invocation.js";

export type HookVerdict =
  | { decision: "allow"; evaluation: Evaluation }
  | { decision: "deny"; reason: string; hint: string; evaluation?: Evaluation }
  /** A person must approve: in the agent where it can ask, else by running `humanCommand`. */
  | {
      decision: "confirm";
      reason: string;
      humanCommand: string;
      /** Only a `preflight run` does what the rules ask around the command (checks, verification, a reason). */
      needsPreflightRun: boolean;
      evaluation: Evaluation;
    };

export interface JudgeInput {
  policy: Policy;
  command: string;
  cwd: string;
  vars: Record<string, string | undefined>;
  awsAccount?: (
    argv: readonly string[],
    vars: Record<string, string | undefined>,
  ) => AccountAnswer | undefined;
  /** Finds the real file a program word runs, so `k` a symlink to kubectl is judged as kubectl. */
  files?: ProgramFiles;
  /** Where a command goes by its tool's configuration, for rules with `environment: { target }`. */
  readTarget?: ReadTarget;
}

/** What preflight answers to an agent about to run `command` (a shell script, as the agent runs it). */
export function judgeShellCommand(input: JudgeInput): HookVerdict {
  const evaluation = evaluateCommand({
    policy: input.policy,
    // Agents hand their shell tool a script; bash -c is how it runs.
    argv: ["bash", "-c", input.command],
    vars: input.vars,
    ...(input.awsAccount && { awsAccount: input.awsAccount }),
    ...(input.files && { programs: { files: input.files, cwd: input.cwd } }),
    ...(input.readTarget && { readTarget: input.readTarget }),
  });
  const selfCall = refuseSelfInvocation(evaluation.normalised.commands);
  if (selfCall) {
    return {
      decision: "deny",
      reason: selfCall,
      hint: "ask your user to run it themselves, at their own terminal",
      evaluation,
    };
  }
  if (evaluation.blocked) {
    return { decision: "deny", ...evaluation.blocked, evaluation };
  }
  const humanCommand = `preflight run -- ${asShellWords(input.command)}`;
  const unguarded = evaluation.matches.filter(
    (m) => needsPreflightRun(m.rules) && !throughPreflight(m, evaluation.normalised.commands),
  );
  if (evaluation.decision === "confirm") {
    const decisive = evaluation.matches.find((m) => m.decision === "confirm")!;
    return {
      decision: "confirm",
      reason: confirmationReason(decisive),
      humanCommand,
      needsPreflightRun: evaluation.matches.some((m) => needsPreflightRun(m.rules)),
      evaluation,
    };
  }
  if (unguarded.length > 0) {
    // Allowed, but the rules check or verify around the command: only preflight does that.
    const ids = [...new Set(unguarded.flatMap((m) => m.rules.map((r) => r.id)))];
    return {
      decision: "deny",
      reason: `rule${ids.length > 1 ? "s" : ""} ${ids.map((id) => `'${id}'`).join(", ")} check${ids.length > 1 ? "" : "s"} or verif${ids.length > 1 ? "y" : "ies"} what this command changes, which only happens when preflight runs it`,
      hint: `run it through preflight instead: ${humanCommand}`,
      evaluation,
    };
  }
  return { decision: "allow", evaluation };
}

/** Rules that do something around the command: checks, snapshots, expectations, a required reason. */
function needsPreflightRun(rules: readonly Rule[]): boolean {
  return rules.some(
    (r) =>
      r.checks.length > 0 ||
      r.state.length > 0 ||
      r.expect !== undefined ||
      (r.verify?.length ?? 0) > 0 ||
      r.requireReason,
  );
}

/** The matched command is the one a `preflight run -- …` in the script will itself guard. */
function throughPreflight(match: MatchedCommand, commands: readonly SimpleCommand[]): boolean {
  const argv = match.command.argv;
  return commands.some((c) => {
    const args = preflightArguments(c.argv);
    if (!args || args.length < argv.length) return false;
    const tail = args.slice(args.length - argv.length);
    return tail.every((word, i) => word === argv[i]);
  });
}

function confirmationReason(match: MatchedCommand): string {
  const rule = match.decidedBy;
  const env = match.environment;
  const where =
    env.source === "none"
      ? "and the command does not say which environment it targets"
      : `in ${env.name}${env.protected ? " (protected)" : ""} (environment from ${env.source}${env.target && env.target !== env.name ? ` '${env.target}'` : ""})`;
  return `rule '${rule.id}' needs a person to confirm this ${where}.${rule.description ? ` ${rule.description}` : ""}`;
}

/** The agent's command as words a person can paste after `preflight run --`. */
function asShellWords(command: string): string {
  const trimmed = command.trim();
  if (/^[A-Za-z0-9_\-.,/:=@%+ ]+$/.test(trimmed)) return trimmed.replace(/ +/g, " ");
  return `bash -c ${quote(trimmed)}`;
}

function quote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
