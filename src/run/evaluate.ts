/**
 * The policy's verdict on a command, as plain data: how it was normalised, which rules match
 * each simple command in it, the environment it targets, and the decision. It runs nothing,
 * so `run`, `plan`, `policy explain` and the policy's own test cases all share it.
 */
import { identifyProgram, type JudgedCommand } from "../command/identify-program.js";
import type { ProgramLookup } from "../command/locate-program.js";
import {
  type NormalisedCommand,
  normaliseCommand,
  type SimpleCommand,
} from "../command/normalise.js";
import {
  type AccountAnswer,
  type ResolvedEnvironment,
  resolveEnvironment,
} from "../environment/resolve.js";
import type { ReadTarget } from "../environment/resolvers/types.js";
import { environmentsForTarget } from "../environment/signals.js";
import { inPolicyOrder, isRuleProgram, matchRules, programName } from "../policy/match.js";
import type { Decision, Policy, Rule } from "../policy/types.js";
import { own } from "../util/own.js";

export interface MatchedCommand {
  command: JudgedCommand;
  rules: Rule[];
  environment: ResolvedEnvironment;
  decision: Decision;
  /** The first rule that made the decision as strict as it is. */
  decidedBy: Rule;
}

export interface Refusal {
  reason: string;
  hint: string;
  rule?: Rule;
}

export interface Evaluation {
  normalised: NormalisedCommand;
  /** Each of normalised.commands as it is judged: as the program it really runs, or as the command an unknown wrapper runs. */
  judged: JudgedCommand[];
  matches: MatchedCommand[];
  /** Every rule that applies, in policy order, once each. */
  rules: Rule[];
  decision: Decision | "none";
  environment?: ResolvedEnvironment;
  /** Set when the run must not go ahead whatever the operator says. */
  blocked?: Refusal;
  requireReason: boolean;
}

const STRICTNESS: Record<Decision, number> = { allow: 0, confirm: 1, approve: 2, deny: 3 };

export function stricter(a: Decision, b: Decision): Decision {
  return STRICTNESS[b] > STRICTNESS[a] ? b : a;
}

/** The policy's verdict on a command line: normalised commands, matching rules, environment, decision. */
export function evaluateCommand(input: {
  policy: Policy;
  argv: readonly string[];
  vars: Record<string, string | undefined>;
  intendedEnv?: string;
  /** The AWS account of a command run with `vars`, for rules with `environment: { aws-account: true }`. */
  awsAccount?: (
    argv: readonly string[],
    vars: Record<string, string | undefined>,
  ) => AccountAnswer | undefined;
  /**
   * Where programs are found (the filesystem and the working folder): with it, `k` a symlink to
   * kubectl is judged as kubectl. Without it (a policy's own test cases) programs are judged by
   * the names typed.
   */
  programs?: ProgramLookup;
  /** Where a command goes by its tool's configuration, for rules with `environment: { target }`. */
  readTarget?: ReadTarget;
}): Evaluation {
  const { policy } = input;
  const normalised = normaliseCommand([...input.argv]);
  const identify = programIdentifier(policy, input.vars, input.programs);
  const evaluation: Evaluation = {
    normalised,
    judged: [],
    matches: [],
    rules: [],
    decision: "none",
    requireReason: false,
  };

  // `--env prod` means production when prod is one of production's targets.
  const intended =
    input.intendedEnv === undefined || own(policy.environments, input.intendedEnv)
      ? input.intendedEnv
      : environmentsForTarget(policy, input.intendedEnv)[0]?.name;
  if (input.intendedEnv !== undefined && intended === undefined) {
    const known = Object.keys(policy.environments);
    evaluation.blocked = {
      reason: `--env ${input.intendedEnv}: the policy defines no environment of that name`,
      hint: known.length
        ? `environments in the policy: ${known.join(", ")}`
        : "the policy defines no environments",
    };
    return evaluation;
  }

  let unparsable = normalised.unparsable?.reason;
  for (const written of normalised.commands) {
    const identified = identify(written) ?? written;
    // A rule's own program is judged by its rules; its arguments are not looked up on disk.
    const known = isRuleProgram(policy, programName(identified.argv[0] ?? ""));
    const command =
      runsGuardedCommand(policy, identified, known ? undefined : identify) ?? identified;
    evaluation.judged.push(command);
    const hidden = hiddenArguments(policy, command);
    if (hidden) unparsable ??= hidden;
    const rules = matchRules(policy, command.argv);
    if (rules.length === 0) continue;
    const vars = effectiveVars(input.vars, command);
    const account = rules.some((r) => r.environment?.awsAccount)
      ? input.awsAccount?.(command.argv, vars)
      : undefined;
    const resolution = resolveEnvironment({
      policy,
      rules,
      argv: command.argv,
      vars,
      ...(intended !== undefined && { intended }),
      ...(account && { account }),
      ...(input.readTarget && { readTarget: input.readTarget }),
    });
    if (!resolution.ok) {
      evaluation.rules = unique([...evaluation.rules, ...rules]);
      evaluation.blocked ??= { reason: resolution.contradiction, hint: resolution.hint };
      if (resolution.detected) {
        const match = decide(command, rules, resolution.detected);
        // A weaker source only names the environment: it never makes the decision milder.
        evaluation.matches.push(resolution.namedOnly ? { ...match, decision: "deny" } : match);
      }
      continue;
    }
    evaluation.matches.push(decide(command, rules, resolution.environment));
  }

  evaluation.rules = unique(
    [...evaluation.rules, ...evaluation.matches.flatMap((m) => m.rules)],
    policy,
  );
  evaluation.requireReason = evaluation.rules.some((r) => r.requireReason);
  for (const match of evaluation.matches) {
    evaluation.decision =
      evaluation.decision === "none"
        ? match.decision
        : stricter(evaluation.decision, match.decision);
  }
  // Rules matched but their environment could not be told (the account lookup failed, the
  // signals contradict): the command is blocked, so the decision says deny, not "none".
  if (evaluation.decision === "none" && evaluation.blocked && evaluation.rules.length > 0)
    evaluation.decision = "deny";

  const environments = new Map(
    evaluation.matches.map((m) => [`${m.environment.known}:${m.environment.name}`, m.environment]),
  );
  if (environments.size > 1) {
    evaluation.blocked ??= {
      reason: `the command targets more than one environment (${[...environments.values()].map((e) => e.name).join(", ")})`,
      hint: "run the steps for each environment separately, so each gets its own confirmation",
    };
  }
  const decisive =
    evaluation.matches.find((m) => m.decision === evaluation.decision) ?? evaluation.matches[0];
  if (decisive) evaluation.environment = decisive.environment;

  if (unparsable && policy.unparsableScripts === "block") {
    evaluation.blocked ??= {
      reason: `preflight cannot tell what this command runs: ${unparsable}`,
      hint: "write the script without that construct, or run its commands one by one; a policy may set `unparsable-scripts: no-match` to let such scripts through",
    };
  }
  if (!evaluation.blocked && decisive?.decision === "deny") {
    evaluation.blocked = denial(decisive);
  }
  if (
    !evaluation.blocked &&
    evaluation.environment &&
    !evaluation.environment.known &&
    policy.unknownEnvironment === "deny"
  ) {
    evaluation.decision = "deny";
    const problem = evaluation.environment.truth?.problem;
    evaluation.blocked = problem
      ? {
          reason: `preflight cannot read where this command goes (${problem}), and the policy denies unknown environments`,
          hint: "fix the configuration file or the flag or variable that names it; a target preflight cannot read is never treated as safe",
        }
      : {
          reason: `preflight cannot tell which environment this targets${evaluation.environment.target ? ` ('${evaluation.environment.target}')` : ""}, and the policy denies unknown environments`,
          hint: "add the target to an environment's match.target in the policy, or name the target explicitly",
        };
  }
  return evaluation;
}

function decide(
  command: JudgedCommand,
  rules: Rule[],
  environment: ResolvedEnvironment,
): MatchedCommand {
  let decision: Decision = "allow";
  let decidedBy = rules[0]!;
  for (const rule of rules) {
    // Names and truth disagreeing: as strict as the stricter of the two environments.
    const ruleDecision = environment.alias
      ? stricter(decisionOf(rule, environment), decisionOf(rule, environment.alias))
      : decisionOf(rule, environment);
    if (STRICTNESS[ruleDecision] > STRICTNESS[decision]) {
      decision = ruleDecision;
      decidedBy = rule;
    }
  }
  return { command, rules, environment, decision, decidedBy };
}

/**
 * A rule's decision in an environment: its map by name, then "*"; without a map, confirm where
 * protected. An unknown environment is never treated as safe: at least confirm.
 */
export function decisionOf(
  rule: Pick<Rule, "decision">,
  environment: ResolvedEnvironment,
): Decision {
  const fallback: Decision = environment.protected ? "confirm" : "allow";
  const byName = environment.known ? own(rule.decision, environment.name) : undefined;
  const decision = byName ?? own(rule.decision, "*") ?? fallback;
  return environment.known ? decision : stricter(decision, "confirm");
}

function denial(match: MatchedCommand): Refusal {
  const rule = match.decidedBy;
  const env = match.environment;
  const what = rule.description ? ` ${rule.description}` : "";
  const where = env.note
    ? `here: ${env.note}`
    : env.source === "none"
      ? "wherever it runs"
      : `in ${env.name} (environment from ${env.source}${env.target && env.target !== env.name ? ` '${env.target}'` : ""})`;
  return {
    reason: `rule '${rule.id}' denies this ${where}.${what}`,
    hint:
      rule.hint ??
      (env.known
        ? `this cannot be run in ${env.name} through preflight; if it must happen, change the policy through review`
        : "preflight cannot tell which environment this would change: fix the configuration named above (or name the target explicitly), then run it again"),
    rule,
  };
}

/** A word whose value comes from a shell expansion hides what a guarded program will do. */
function hiddenArguments(policy: Policy, command: SimpleCommand): string | undefined {
  if (command.argv.length === 0) return undefined;
  if (command.dynamic[0]) return `the program name '${command.argv[0]}' is only known at run time`;
  if (!command.dynamic.some(Boolean)) return undefined;
  if (!isRuleProgram(policy, programName(command.argv[0]!))) return undefined;
  const words = command.argv.filter((_, i) => command.dynamic[i]);
  return `the arguments of '${programName(command.argv[0]!)}' depend on shell variables (${words.join(" ")})`;
}

/**
 * Programs that take other programs' names as plain arguments without running them
 * (`echo terraform destroy`, `man dropdb`, `git rm -r .`, `ls /usr/bin/dropdb`).
 */
const DOES_NOT_RUN_ITS_ARGUMENTS = new Set([
  "echo",
  "printf",
  "grep",
  "egrep",
  "fgrep",
  "rg",
  "ag",
  "ack",
  "man",
  "tldr",
  "info",
  "which",
  "whereis",
  "type",
  "whatis",
  "apropos",
  "ls",
  "cat",
  "bat",
  "less",
  "more",
  "head",
  "tail",
  "wc",
  "file",
  "stat",
  "vim",
  "vi",
  "nvim",
  "nano",
  "emacs",
  "code",
  "git",
  "svn",
  "hg",
  "apt",
  "apt-get",
  "apt-cache",
  "dpkg",
  "brew",
  "yum",
  "dnf",
  "pip",
  "pip3",
  "cp",
  "mv",
  "ln",
  "rm",
  "touch",
  "mkdir",
  "chmod",
  "chown",
  "history",
  "alias",
]);

/**
 * A wrapper preflight does not know (`aws-vault exec prod -- aws ec2 terminate-instances …`,
 * `docker exec db dropdb …`): when the words after the program would themselves match a rule,
 * the program may well run them, so they are judged as that command, with the rule's own
 * decision. Unguarded otherwise, this would be the easy way around every rule.
 */
export function runsGuardedCommand(
  policy: Policy,
  command: JudgedCommand,
  identify: Identifier = () => undefined,
): JudgedCommand | undefined {
  const { argv } = command;
  if (argv.length < 2 || DOES_NOT_RUN_ITS_ARGUMENTS.has(programName(argv[0]!))) return undefined;
  if (matchRules(policy, argv).length > 0) return undefined;
  let lookups = 0;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === "--") continue;
    const { program: _outer, ...outer } = command;
    const inner: SimpleCommand = {
      ...outer,
      argv: argv.slice(i),
      dynamic: command.dynamic.slice(i),
      via: [...command.via, programName(argv[0]!)],
    };
    // An option or an assignment is no program; anything else may name one on PATH (`k`).
    // Each lookup costs a stat per PATH folder, so only the words where wrappers put the
    // program they run are looked up: right after `--`, or among the first few.
    const candidate =
      PROGRAM_WORD.test(argv[i]!) && (argv[i - 1] === "--" || lookups < LOOKED_UP_ARGUMENTS);
    if (candidate) lookups++;
    const judged = (candidate && identify(inner)) || inner;
    if (matchRules(policy, judged.argv).length > 0) return judged;
  }
  return undefined;
}

/** How many of an unknown program's arguments are looked up on disk as programs it may run. */
const LOOKED_UP_ARGUMENTS = 4;

/** Words that may name a program to look up: not an option, an assignment or a glob. */
const PROGRAM_WORD = /^[^-=*?[][^=*?[]*$/;

type Identifier = (command: SimpleCommand) => JudgedCommand | undefined;

/** Identifies commands' programs with the PATH each runs with; never, without a lookup. */
function programIdentifier(
  policy: Policy,
  vars: Record<string, string | undefined>,
  lookup: ProgramLookup | undefined,
): Identifier {
  if (lookup === undefined) return () => undefined;
  const context = { ...lookup, isRuleProgram: (name: string) => isRuleProgram(policy, name) };
  return (command) => identifyProgram(command, searchPathOf(vars, command), context);
}

/** The PATH a simple command runs with: a `PATH=` prefix, else ours unless cleared or unset. */
function searchPathOf(
  vars: Record<string, string | undefined>,
  command: SimpleCommand,
): string | undefined {
  if (Object.hasOwn(command.assignments, "PATH")) return command.assignments.PATH;
  if (command.clearEnv || command.unset.includes("PATH")) return undefined;
  return vars.PATH;
}

/** The variables a simple command runs with: ours, changed by its `env`/`VAR=x` wrappers. */
export function effectiveVars(
  vars: Record<string, string | undefined>,
  command: SimpleCommand,
): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = command.clearEnv ? {} : { ...vars };
  for (const name of command.unset) delete result[name];
  return Object.assign(result, command.assignments);
}

function unique(rules: Rule[], policy?: Policy): Rule[] {
  return policy ? inPolicyOrder(policy, rules) : [...new Set(rules)];
}
