import { readEnvOptions } from "./env-wrapper.js";
import {
  CODE_OPTIONS,
  type Interpreter,
  interpreterOf,
  readInterpreterCode,
} from "./interpreter-code.js";
import {
  ASSIGNMENT,
  type EnvEffect,
  refuseScriptBuiltin,
  scriptEnvEffect,
} from "./script-builtins.js";
import { parseShellScript, type ShellSimpleCommand } from "./shell-parse.js";
import { SHELLS, shellScriptIndex } from "./shell-wrapper.js";
import { optionsEnd, WRAPPERS } from "./wrapper-options.js";

export interface SimpleCommand {
  /** Program first, wrappers stripped. */
  argv: string[];
  /** Same length as argv: true where the word's value depends on a shell expansion. */
  dynamic: boolean[];
  /** Variables set for it: `VAR=x` prefixes and `env VAR=x` (later wins). */
  assignments: Record<string, string>;
  /** `env -i` / `env -` / `env --ignore-environment` seen. */
  clearEnv: boolean;
  /** `env -u NAME` / `--unset=NAME`. */
  unset: string[];
  /**
   * The folder it runs in, when `env -C DIR` or a script's `cd DIR` changed it: relative to
   * preflight's working folder unless absolute; null when preflight cannot tell which.
   */
  chdir?: string | null;
  /** What was stripped, in order, e.g. ["sudo", "bash -c"]. */
  via: string[];
}

export interface NormalisedCommand {
  commands: SimpleCommand[];
  unparsable?: { reason: string; script: string };
}

type EnvState = Pick<SimpleCommand, "assignments" | "clearEnv" | "unset" | "chdir">;

interface Context {
  env: EnvState;
  via: readonly string[];
  /** The `sh -c` script the words come from, when they come from one. */
  script?: string;
  /** What the script feeds the command on stdin: a here-document, or a pipe. */
  stdin?: ShellSimpleCommand["stdin"];
  piped?: boolean;
}

/**
 * The commands an argv really runs: wrappers (env, sudo, nice, timeout...) stripped and
 * `sh -c` scripts unpacked, recursively. A script that cannot be parsed is reported in
 * `unparsable` rather than guessed at.
 */
export function normaliseCommand(argv: string[]): NormalisedCommand {
  const out: NormalisedCommand = { commands: [] };
  const env: EnvState = { assignments: Object.create(null), clearEnv: false, unset: [] };
  normaliseWords(
    argv,
    argv.map(() => false),
    { env, via: [] },
    out,
  );
  return out;
}

/** Index of the script given to a wrapper's `-c`-like option (`su - root -c 'cmd'`), if any. */
function scriptOptionValue(
  words: readonly string[],
  at: number,
  options: readonly string[],
): number | undefined {
  for (let k = at + 1; k < words.length; k++) {
    const word = words[k] ?? "";
    if (word === "--") return undefined;
    // `-c`, or a cluster ending in it (`script -qc`, `su -lc`).
    const clustered = options.includes("-c") && /^-[A-Za-z]*c$/.test(word);
    if (options.includes(word) || clustered) return k + 1 < words.length ? k + 1 : undefined;
  }
  return undefined;
}

/** The program name a word runs: `/usr/bin/sudo` is sudo. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf("/") + 1);
}

function normaliseWords(
  input: readonly string[],
  inputDynamic: readonly boolean[],
  context: Context,
  out: NormalisedCommand,
): void {
  let words = [...input];
  let dynamic = [...inputDynamic];
  const env = cloneEnv(context.env);
  const via = [...context.via];
  let addsArguments = false;
  let i = 0;
  for (;;) {
    i = takeAssignments(words, i, env);
    const word = words[i];
    if (word === undefined || dynamic[i]) break;
    const name = programName(word);
    if (SHELLS.has(name)) {
      const script = shellScriptIndex(words, i);
      if (script === undefined) {
        // `bash <<'EOF' … EOF`: the here-document is the script.
        if (readsStdin(words, i) && readStdinScript(name, context, out, { env, via })) return;
        break;
      }
      unpackScript(words[script] ?? "", dynamic[script] ?? false, name, { env, via }, out);
      return;
    }
    const language = interpreterOf(name);
    if (language) {
      // The interpreter is itself a command rules may match; what its code starts is read too.
      unpackInterpreter(language, words, dynamic, i, context, out, { env, via });
      break;
    }
    if (name === "env") {
      const options = readEnvOptions(words, dynamic, i);
      if (!options.ok) {
        reportUnparsable(out, options.reason, options.script);
        return;
      }
      if (!hasCommand(options.words, 0)) break;
      if (options.clearEnv) env.assignments = Object.create(null);
      env.clearEnv ||= options.clearEnv;
      applyEffect(env, { assign: {}, unset: options.unset });
      for (const folder of options.chdir) env.chdir = changeFolder(env.chdir, folder);
      words = options.words;
      dynamic = options.dynamic;
      i = 0;
      via.push(name);
      continue;
    }
    const spec = WRAPPERS.get(name);
    const script = spec?.scriptOptions && scriptOptionValue(words, i, spec.scriptOptions);
    if (script !== undefined) {
      unpackScript(words[script] ?? "", dynamic[script] ?? false, name, { env, via }, out);
      return;
    }
    if (spec?.needsScript) break;
    const next = spec && optionsEnd(words, i, spec);
    if (next === undefined || !hasCommand(words, next)) break;
    const joins = spec?.joinsIntoScript;
    if (joins && !words.slice(i + 1, next).some((w) => joins.unlessOptions.includes(w))) {
      // `watch -n1 'dropdb …'`: watch hands its words, joined, to `sh -c`.
      const rest = words.slice(next);
      unpackScript(rest.join(" "), dynamic.slice(next).some(Boolean), name, { env, via }, out);
      return;
    }
    via.push(name);
    addsArguments ||= spec?.addsArguments === true;
    i = next;
  }
  const argv = words.slice(i);
  let argvDynamic = dynamic.slice(i);
  if (addsArguments && argv.length > 0) {
    // xargs appends words read at run time: the command's full arguments are unknown here.
    argv.push("<arguments from xargs>");
    argvDynamic = [...argvDynamic, true];
  }
  if (argv.length === 0) return;
  const refusal = context.script === undefined ? undefined : refuseScriptBuiltin(argv);
  if (refusal !== undefined) {
    reportUnparsable(out, refusal, context.script ?? "");
    return;
  }
  // A plain object for callers; fromEntries keeps even a variable named __proto__ as data.
  const assignments = Object.fromEntries(Object.entries(env.assignments));
  out.commands.push({ ...env, argv, dynamic: argvDynamic, assignments, via });
}

function unpackScript(
  script: string,
  dynamic: boolean,
  shell: string,
  context: Context,
  out: NormalisedCommand,
  label = `${shell} -c`,
): void {
  if (dynamic) {
    reportUnparsable(out, `the script given to ${shell} -c is only known at run time`, script);
    return;
  }
  const parsed = parseShellScript(script);
  if (!parsed.ok) {
    reportUnparsable(out, parsed.reason, script);
    return;
  }
  // `export X=1; cmd` and `X=1; cmd` change what the following lines run with.
  const env = cloneEnv(context.env);
  const via = [...context.via, label];
  for (const command of parsed.commands) {
    const words = command.words.map((word) => word.text);
    const effect = scriptEnvEffect(words);
    if (effect !== undefined) applyEffect(env, effect);
    else
      normaliseWords(
        words,
        command.words.map((word) => word.dynamic),
        {
          env,
          via,
          script,
          ...(command.stdin && { stdin: command.stdin }),
          ...(command.piped && { piped: true }),
        },
        out,
      );
    // `cd DIR; ./k`: later lines run in DIR (an option, `-`, no folder or a $VAR: unknown).
    if (words[0] === "cd") {
      const folder = words.length === 2 && !command.words[1]?.dynamic ? words[1]! : "";
      env.chdir = changeFolder(env.chdir, /^-|^~|^$/.test(folder) ? null : folder);
    }
  }
}

/** True when the shell at `at` reads its commands from stdin: no script file, or `-s`. */
function readsStdin(words: readonly string[], at: number): boolean {
  for (const word of words.slice(at + 1)) {
    if (word === "-s") return true;
    if (!word.startsWith("-") && !word.startsWith("+")) return false;
  }
  return true;
}

/**
 * A shell reading its script from stdin: the here-document is unpacked; a pipe hides it.
 * False when stdin is the terminal (an interactive shell), which is left as the program.
 */
function readStdinScript(
  shell: string,
  context: Context,
  out: NormalisedCommand,
  inner: Pick<Context, "env" | "via">,
): boolean {
  const { stdin } = context;
  if (stdin) {
    if (stdin.expands && /\$\(|`/.test(stdin.text)) {
      reportUnparsable(
        out,
        "the here-document runs command substitutions before the script starts",
        stdin.text,
      );
    } else unpackScript(stdin.text, false, shell, inner, out, `${shell} <<here-document`);
    return true;
  }
  if (context.piped) {
    reportUnparsable(
      out,
      `${shell} reads its commands from a pipe, which preflight cannot see`,
      context.script ?? shell,
    );
    return true;
  }
  return false;
}

/** `python3 -c CODE`, `node -e CODE`, or code on stdin: the processes it starts are evaluated too. */
function unpackInterpreter(
  language: Interpreter,
  words: readonly string[],
  dynamic: readonly boolean[],
  at: number,
  context: Context,
  out: NormalisedCommand,
  inner: Pick<Context, "env" | "via">,
): void {
  const program = programName(words[at] ?? "");
  let code: string | undefined;
  let codeDynamic = false;
  let fromFile = false;
  for (let k = at + 1; k < words.length; k++) {
    const word = words[k] ?? "";
    const option = CODE_OPTIONS[language].find((o) => word === o || word.startsWith(`${o}=`));
    if (option) {
      code = word === option ? words[k + 1] : word.slice(option.length + 1);
      codeDynamic = word === option ? (dynamic[k + 1] ?? false) : (dynamic[k] ?? false);
      break;
    }
    if (word === "-" || word === "--") break;
    if (!word.startsWith("-")) {
      fromFile = true;
      break;
    }
  }
  if (code === undefined && !fromFile) {
    if (context.stdin) {
      if (context.stdin.expands && /\$\(|`/.test(context.stdin.text)) {
        reportUnparsable(
          out,
          "the here-document runs command substitutions before the code starts",
          context.stdin.text,
        );
        return;
      }
      code = context.stdin.text;
    } else if (context.piped) {
      reportUnparsable(
        out,
        `${program} reads its code from a pipe, which preflight cannot see`,
        context.script ?? program,
      );
      return;
    }
  }
  if (code === undefined) return;
  if (codeDynamic) {
    reportUnparsable(out, `the code given to ${program} is only known at run time`, code);
    return;
  }
  const reading = readInterpreterCode(language, code);
  if (!reading.ok) {
    reportUnparsable(out, reading.reason, code);
    return;
  }
  const via = [...inner.via, `${program} code`];
  for (const spawned of reading.commands) {
    if ("script" in spawned)
      unpackScript(
        spawned.script,
        false,
        program,
        { env: inner.env, via: inner.via },
        out,
        `${program} code`,
      );
    else
      normaliseWords(
        spawned.argv,
        spawned.argv.map(() => false),
        { env: inner.env, via },
        out,
      );
  }
}

/** Reads `VAR=x` words from `i` into `env`; returns the index of the first other word. */
function takeAssignments(words: readonly string[], i: number, env: EnvState): number {
  let k = i;
  for (let word = words[k]; word !== undefined; word = words[++k]) {
    const match = ASSIGNMENT.exec(word);
    if (match?.[1] === undefined) break;
    applyEffect(env, { assign: { [match[1]]: word.slice(match[0].length) }, unset: [] });
  }
  return k;
}

/** True when something other than assignments follows from `i`: a wrapper with nothing to run stays the program. */
function hasCommand(words: readonly string[], i: number): boolean {
  return words.slice(i).some((word) => !ASSIGNMENT.test(word));
}

function applyEffect(env: EnvState, effect: EnvEffect): void {
  for (const name of effect.unset) {
    delete env.assignments[name];
    if (!env.unset.includes(name)) env.unset.push(name);
  }
  for (const [name, value] of Object.entries(effect.assign)) env.assignments[name] = value;
}

function cloneEnv(env: EnvState): EnvState {
  const assignments: Record<string, string> = Object.assign(Object.create(null), env.assignments);
  const clone: EnvState = { assignments, clearEnv: env.clearEnv, unset: [...env.unset] };
  if (env.chdir !== undefined) clone.chdir = env.chdir;
  return clone;
}

/** The folder after changing into `to` from `from` (undefined: preflight's own). */
function changeFolder(from: string | null | undefined, to: string | null): string | null {
  if (to === null) return null;
  if (to.startsWith("/") || from === undefined) return to;
  if (from === null) return null;
  return `${from}/${to}`;
}

function reportUnparsable(out: NormalisedCommand, reason: string, script: string): void {
  // The first problem is the one to fix; later ones may stem from it.
  out.unparsable ??= { reason, script };
}
