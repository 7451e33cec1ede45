/**
 * Which program a command really runs, so that another name for a guarded binary (`k` a
 * symlink to kubectl, a renamed copy of fly, `python3 -m awscli`, `busybox NAME`) is judged
 * as that binary. Rules match the typed name or the real one; this module finds the real one,
 * lazily: a typed name that is already a rule's program is never looked up, and a real file
 * whose name no rule has costs a Set lookup once found.
 */
import { isAbsolute, join } from "node:path";
import { launchedCommand, MULTI_CALL } from "./launchers.js";
import { locateProgram, type ProgramLookup } from "./locate-program.js";
import { programName, type SimpleCommand } from "./normalise.js";

/** How the program of a command was identified, for the report and `policy explain`. */
export interface ProgramIdentity {
  /** The program word as typed: `k`, `./bin/k`, `python3`. */
  typed: string;
  /** The real file it runs, every symlink followed; absent for a launcher not found on PATH. */
  path?: string;
  /** The program it is judged as: `kubectl`. */
  as: string;
  /** The launcher that runs it, when one does: "busybox", "python -m awscli", "npx", "kubectl plugin". */
  how?: string;
}

/** A simple command as it is judged: argv starts with the program it really runs. */
export interface JudgedCommand extends SimpleCommand {
  /** Set when the program is judged under another name than the one typed. */
  program?: ProgramIdentity;
}

export interface ProgramContext extends ProgramLookup {
  /** True when some rule's match.command accepts this program name. */
  isRuleProgram: (name: string) => boolean;
}

/**
 * The command judged as the program it runs, or undefined when that is the typed program
 * (a rule's program already, a program preflight cannot find, or a real file no rule names).
 * `searchPath` is the PATH the command runs with (undefined when unset).
 */
export function identifyProgram(
  command: SimpleCommand,
  searchPath: string | undefined,
  context: ProgramContext,
): JudgedCommand | undefined {
  const typed = command.argv[0];
  if (typed === undefined || command.dynamic[0]) return undefined;
  const typedName = programName(typed);
  if (context.isRuleProgram(typedName)) return undefined;

  // A launcher called by its own name (`busybox rm`, `python3 -m awscli`) says what it runs.
  const launched = launchedCommand(typedName, command.argv);
  if (launched)
    return judgedAs(command, launched.argv, { typed, as: launched.argv[0]!, how: launched.how });

  const path = locateProgram(typed, searchPath, {
    files: context.files,
    cwd: workingFolder(command, context.cwd),
  });
  if (path === undefined) return undefined;
  const realName = programName(path);
  if (realName === typedName) return undefined;
  if (context.isRuleProgram(realName)) {
    return judgedAs(command, [realName, ...command.argv.slice(1)], { typed, path, as: realName });
  }
  // A multi-call binary runs the applet its typed name names (`rm` → busybox runs rm).
  if (MULTI_CALL.has(realName)) return undefined;
  const viaReal = launchedCommand(realName, command.argv);
  if (viaReal) {
    return judgedAs(command, viaReal.argv, { typed, path, as: viaReal.argv[0]!, how: viaReal.how });
  }
  return undefined;
}

function judgedAs(command: SimpleCommand, argv: string[], program: ProgramIdentity): JudgedCommand {
  // Words added in front (`kubectl-foo` → `kubectl foo`) are as literal as the name was.
  const dropped = command.argv.length - argv.length;
  const dynamic =
    dropped >= 0
      ? command.dynamic.slice(dropped)
      : [...argv.slice(0, -dropped).map(() => false), ...command.dynamic];
  dynamic[0] = false;
  return { ...command, argv, dynamic, program };
}

/** Where the command runs: preflight's folder, or the one `env -C` / `cd` moved it to. */
function workingFolder(command: SimpleCommand, cwd: string | undefined): string | undefined {
  if (command.chdir === undefined) return cwd;
  if (command.chdir === null || cwd === undefined) return undefined;
  return isAbsolute(command.chdir) ? command.chdir : join(cwd, command.chdir);
}
