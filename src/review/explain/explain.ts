/**
 * `policy explain` as data: for a command, how it was normalised, every rule and why it
 * matched or not (down to the glob that failed), the environment and where it came from, the
 * decision and the rule that made it. It reuses the run's own evaluation for the verdict and
 * only adds the reasons, so it can never disagree with what a run would do.
 */
import type { JudgedCommand, ProgramIdentity } from "../../command/identify-program.js";
import type { ProgramLookup } from "../../command/locate-program.js";
import type { ResolvedEnvironment } from "../../environment/resolve.js";
import type { TruthView } from "../../environment/truth.js";
import { globMatch, globMatchIgnoringCase } from "../../policy/glob.js";
import { programName } from "../../policy/match.js";
import type { Decision, Policy, Rule, SourceRef } from "../../policy/types.js";
import { type Evaluation, evaluateCommand } from "../../run/evaluate.js";
import { own } from "../../util/own.js";

export interface ArgStep {
  pattern: string;
  /** 1-based position of the word it matched in the command, when it matched one. */
  word?: number;
  value?: string;
}

export interface RuleExplanation {
  id: string;
  source: SourceRef;
  matched: boolean;
  /** The match.command pattern that accepted the program, when one did. */
  program?: string;
  /** match.args, each with the word it matched, up to the first that matched none. */
  args: ArgStep[];
  /** One line: why it did not match. */
  reason?: string;
  /** For a matching rule: its decision in the environment, and which part of the rule says so. */
  decision?: Decision;
  decisionFrom?: string;
}

export interface CommandExplanation {
  /** The simple command as written (after wrappers were stripped). */
  argv: string[];
  /** What was looked through to reach it: wrappers, `sh -c`, an unknown program that runs it. */
  via: string[];
  /** Set when the program is judged under another name than the one typed (`k` → kubectl). */
  program?: ProgramIdentity;
  rules: RuleExplanation[];
  environment?: EnvironmentExplanation;
  decision?: Decision;
  decidedBy?: string;
}

export interface EnvironmentExplanation {
  name: string;
  known: boolean;
  protected: boolean;
  source: string;
  target?: string;
  /** Why the value means this environment (the glob that matched), or why it is unknown. */
  why: string;
  /** The target resolver's reading: which tool, which files, where the command goes. */
  truth?: TruthView;
  /** Names and truth disagreeing, in one sentence. */
  note?: string;
}

export interface Explanation {
  command: string[];
  policyFiles: string[];
  commands: CommandExplanation[];
  unparsable?: string;
  environment?: EnvironmentExplanation;
  decision: Decision | "none";
  decidedBy?: string;
  blocked?: { reason: string; hint: string };
  confirmation: { required: boolean; word?: string; reason: boolean };
}

export function explainCommand(input: {
  policy: Policy;
  argv: readonly string[];
  vars: Record<string, string | undefined>;
  intendedEnv?: string;
  awsAccount?: Parameters<typeof evaluateCommand>[0]["awsAccount"];
  /** Where programs are found, so `k` a symlink to kubectl is explained as kubectl. */
  programs?: ProgramLookup;
  readTarget?: Parameters<typeof evaluateCommand>[0]["readTarget"];
}): Explanation {
  const { policy } = input;
  const evaluation = evaluateCommand(input);
  // The commands as the run judges them, so explain cannot disagree with it.
  const commands = evaluation.judged.map((command) =>
    explainSimpleCommand(policy, command, evaluation),
  );
  const decisive = evaluation.matches.find((m) => m.decision === evaluation.decision);
  const environment = evaluation.environment && explainEnvironment(policy, evaluation.environment);
  const decision = evaluation.blocked ? "deny" : evaluation.decision;
  return {
    command: [...input.argv],
    policyFiles: policy.files,
    commands,
    ...(evaluation.normalised.unparsable && {
      unparsable: evaluation.normalised.unparsable.reason,
    }),
    ...(environment && { environment }),
    decision,
    ...(decisive && { decidedBy: decisive.decidedBy.id }),
    ...(evaluation.blocked && {
      blocked: { reason: evaluation.blocked.reason, hint: evaluation.blocked.hint },
    }),
    confirmation: {
      required: decision === "confirm",
      ...(decision === "confirm" &&
        evaluation.environment &&
        (evaluation.environment.known || evaluation.environment.target !== undefined) && {
          word: evaluation.environment.name,
        }),
      reason: evaluation.requireReason,
    },
  };
}

function explainSimpleCommand(
  policy: Policy,
  command: JudgedCommand,
  evaluation: Evaluation,
): CommandExplanation {
  const match = evaluation.matches.find((m) => m.command === command);
  const rules = policy.rules.map((rule) => {
    const explained = explainRuleMatch(rule, command.argv);
    if (explained.matched && match) {
      const { decision, from } = decisionReason(rule, match.environment);
      return { ...explained, decision, decisionFrom: from };
    }
    return explained;
  });
  return {
    argv: command.argv,
    via: command.via,
    ...(command.program && { program: command.program }),
    rules,
    ...(match && {
      environment: explainEnvironment(policy, match.environment),
      decision: match.decision,
      decidedBy: match.decidedBy.id,
    }),
  };
}

/** Why a rule matches argv or not; agrees with match.ts (a test holds them together). */
export function explainRuleMatch(rule: Rule, argv: readonly string[]): RuleExplanation {
  const base = { id: rule.id, source: rule.source, args: [] as ArgStep[] };
  const program = programName(argv[0] ?? "");
  const accepted = rule.commands.find((c) => globMatch(c, program));
  if (accepted === undefined) {
    return {
      ...base,
      matched: false,
      reason: `it is for ${rule.commands.join(" or ")}, not ${program}`,
    };
  }
  const args = argv.slice(1);
  let at = 0;
  for (const pattern of rule.args) {
    while (at < args.length && !globMatch(pattern, args[at]!)) at++;
    if (at === args.length) {
      const previous = base.args.at(-1);
      base.args.push({ pattern });
      return {
        ...base,
        matched: false,
        program: accepted,
        reason: `match.args ${JSON.stringify(pattern)} matches no word${previous ? ` after '${previous.value}' (word ${previous.word})` : ""}`,
      };
    }
    base.args.push({ pattern, word: at + 1, value: args[at]! });
    at++;
  }
  return { ...base, matched: true, program: accepted };
}

/** A rule's decision in an environment and the part of the rule that gives it (see decisionOf). */
export function decisionReason(
  rule: Rule,
  env: ResolvedEnvironment,
): { decision: Decision; from: string } {
  const byName = env.known ? own(rule.decision, env.name) : undefined;
  const star = own(rule.decision, "*");
  let decision: Decision;
  let from: string;
  if (byName !== undefined) {
    decision = byName;
    from = `decision.${env.name}`;
  } else if (star !== undefined) {
    decision = star;
    from = Object.keys(rule.decision ?? {}).length === 1 ? "decision" : 'decision."*"';
  } else {
    decision = env.protected ? "confirm" : "allow";
    from = `no decision map: ${decision} where ${env.protected ? "protected" : "not protected"}`;
  }
  if (!env.known && decision === "allow") {
    return {
      decision: "confirm",
      from: `${from} gives allow, raised to confirm: the environment is unknown`,
    };
  }
  return { decision, from };
}

function explainEnvironment(policy: Policy, env: ResolvedEnvironment): EnvironmentExplanation {
  const base = {
    name: env.name,
    known: env.known,
    protected: env.protected,
    source: env.source,
    ...(env.target !== undefined && { target: env.target }),
    ...(env.truth && { truth: env.truth }),
    ...(env.note !== undefined && { note: env.note }),
  };
  return { ...base, why: environmentWhy(policy, env) };
}

function environmentWhy(policy: Policy, env: ResolvedEnvironment): string {
  if (env.source === "none") {
    return `nothing in the command or its variables names a target, so it is unknown (unknown-environment: ${policy.unknownEnvironment})`;
  }
  if (env.source === "--env") return "only --env says so; the command names no target";
  if (env.truth?.problem !== undefined && !env.known) {
    return `its ${env.truth.tool} configuration cannot be read, so it is unknown (unknown-environment: ${policy.unknownEnvironment})`;
  }
  const defined = own(policy.environments, env.name);
  const truthKey =
    env.truth &&
    Object.entries(defined?.truth ?? {}).find(([key, patterns]) => {
      const value = env.truth!.values[key as keyof TruthView["values"]];
      return value !== undefined && patterns.some((p) => globMatchIgnoringCase(p, value));
    });
  if (defined && truthKey) {
    const value = env.truth!.values[truthKey[0] as keyof TruthView["values"]]!;
    const pattern = truthKey[1].find((p) => globMatchIgnoringCase(p, value));
    return `${env.truth!.tool}'s ${truthKey[0]} ${value} matches ${defined.name}'s match.${truthKey[0]} ${JSON.stringify(pattern)}`;
  }
  if (!env.known || !defined) {
    return `'${env.target ?? env.name}' is no environment's name and matches no match.target, so it is unknown (unknown-environment: ${policy.unknownEnvironment})`;
  }
  if (env.target === undefined) {
    const vars = Object.entries(defined.vars).map(([k, v]) => `${k}=${v}`);
    return `${defined.name}'s match.vars hold (${vars.join(", ")})`;
  }
  if (globMatchIgnoringCase(defined.name, env.target)) return `'${env.target}' is its name`;
  if ((defined.awsAccounts ?? []).includes(env.target))
    return `account ${env.target} is listed in ${defined.name}'s match.aws-account`;
  const pattern = defined.targets.find((p) => globMatchIgnoringCase(p, env.target!));
  return `'${env.target}' matches ${defined.name}'s match.target ${JSON.stringify(pattern)}`;
}
