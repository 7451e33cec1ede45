/**
 * `preflight completion bash|zsh|fish`: a completion script, written from the command-line
 * definition itself (commander's tree), so a new verb or option is completed without anyone
 * remembering to add it here. Completes verbs, their sub-verbs and options, files for options
 * that take a path, and — after `--` — the guarded command (bash and zsh) like any command line.
 *
 * zsh uses the bash function through zsh's own bashcompinit, as terraform and the Azure CLI do.
 */
import type { Command } from "commander";
import { UsageError } from "../errors.js";

export const SHELLS = ["bash", "zsh", "fish"] as const;

interface OptionNode {
  long?: string;
  short?: string;
  takesValue: boolean;
  /** Its value is a file or folder (`<PATH>`, `<FILE>`). */
  takesPath?: boolean;
  description: string;
}

interface CommandNode {
  name: string;
  description: string;
  options: OptionNode[];
  subcommands: CommandNode[];
}

/** The tree of verbs, sub-verbs and options, as commander defines them. */
export function commandTree(command: Command): CommandNode {
  return {
    name: command.name(),
    description: command.description(),
    options: command.options.map((o) => ({
      ...(o.long && { long: o.long }),
      ...(o.short && { short: o.short }),
      takesValue: o.required || o.optional,
      takesPath: /<(PATH|FILE)>/.test(o.flags),
      description: o.description,
    })),
    subcommands: command.commands.map(commandTree),
  };
}

export function completionScript(shell: string, program: Command): string {
  const root = commandTree(program);
  // `run` is the default verb: its options are also the root's.
  const run = root.subcommands.find((c) => c.name === "run");
  const conventions: OptionNode[] = [
    { long: "--help", short: "-h", takesValue: false, description: "show help" },
    { long: "--dry-run", takesValue: false, description: "the same as plan" },
  ];
  const top: CommandNode = {
    ...root,
    options: [...root.options, ...conventions, ...(run?.options ?? [])],
    subcommands: [
      ...root.subcommands,
      { name: "help", description: "help for a command", options: [], subcommands: [] },
    ],
  };
  if (shell === "bash") return bashScript(top);
  if (shell === "zsh") return `autoload -U +X bashcompinit && bashcompinit\n${bashScript(top)}`;
  if (shell === "fish") return fishScript(top);
  throw new UsageError(`completion is written for ${SHELLS.join(", ")}, not '${shell}'`);
}

const flags = (options: readonly OptionNode[]) =>
  options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));

/** Every option that takes a value, anywhere: the word after it is not a verb. */
function valueOptions(node: CommandNode): string[] {
  const own = flags(node.options.filter((o) => o.takesValue));
  return [...new Set([...own, ...node.subcommands.flatMap(valueOptions)])].sort();
}

function bashScript(top: CommandNode): string {
  const cases: string[] = [];
  const add = (key: string, words: string[]) =>
    cases.push(`    ${JSON.stringify(key)}) words=${JSON.stringify(words.join(" "))} ;;`);
  add("/", [...top.subcommands.map((c) => c.name), ...flags(top.options), "--"]);
  for (const verb of top.subcommands) {
    const guarded = verb.name === "run" || verb.name === "plan";
    add(`${verb.name}/`, [
      ...verb.subcommands.map((c) => c.name),
      ...(verb.name === "completion" ? SHELLS : []),
      ...flags(verb.options),
      ...(guarded ? ["--"] : []),
    ]);
    for (const sub of verb.subcommands) add(`${verb.name}/${sub.name}`, flags(sub.options));
  }
  return `# preflight completion for bash (and zsh). Load it with: source <(preflight completion bash)
_preflight() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local takes=" ${valueOptions(top).join(" ")} " verb="" sub="" words="" i w
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ $w == -- ]]; then
      # After --: the command to guard, completed as a command line of its own.
      if ((i + 1 == COMP_CWORD)); then
        COMPREPLY=($(compgen -c -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi
      return
    fi
    if [[ $w == -* ]]; then
      [[ $w != *=* && $takes == *" $w "* ]] && ((i++))
      continue
    fi
    if [[ -z $verb ]]; then verb=$w; elif [[ -z $sub ]]; then sub=$w; fi
  done
  if [[ $takes == *" $prev "* ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
    return
  fi
  case "$verb/$sub" in
${cases.join("\n")}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
  if [[ $cur != -* && -n $sub ]]; then
    COMPREPLY+=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _preflight preflight
`;
}

function fishScript(top: CommandNode): string {
  const quote = (text: string) => `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  const lines = [
    "# preflight completion for fish. Load it with: preflight completion fish | source",
    "complete -c preflight -f",
  ];
  const option = (condition: string, o: OptionNode) => {
    const parts = [`complete -c preflight -n ${quote(condition)}`];
    if (o.long) parts.push(`-l ${o.long.replace(/^--/, "")}`);
    if (o.short) parts.push(`-s ${o.short.replace(/^-/, "")}`);
    if (o.takesValue) parts.push(o.takesPath ? "-r -F" : "-r");
    parts.push(`-d ${quote(o.description)}`);
    lines.push(parts.join(" "));
  };
  for (const verb of top.subcommands)
    lines.push(
      `complete -c preflight -n __fish_use_subcommand -a ${verb.name} -d ${quote(verb.description)}`,
    );
  for (const o of top.options) option("__fish_use_subcommand", o);
  for (const verb of top.subcommands) {
    const inVerb = `__fish_seen_subcommand_from ${verb.name}`;
    const subs = verb.subcommands.map((c) => c.name).join(" ");
    if (verb.subcommands.length > 0) {
      for (const sub of verb.subcommands) {
        const noSubYet = `${inVerb}; and not __fish_seen_subcommand_from ${subs}`;
        lines.push(
          `complete -c preflight -n ${quote(noSubYet)} -a ${sub.name} -d ${quote(sub.description)}`,
        );
        for (const o of sub.options)
          option(`${inVerb}; and __fish_seen_subcommand_from ${sub.name}`, o);
      }
    }
    const atVerb = subs ? `${inVerb}; and not __fish_seen_subcommand_from ${subs}` : inVerb;
    for (const o of verb.options) option(atVerb, o);
  }
  return `${lines.join("\n")}\n`;
}
