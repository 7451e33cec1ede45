/**
 * Whether a rule's `match` now matches fewer (or more) commands, shown with a command that
 * tells the two versions apart. The commands are generated from the old and new globs: each
 * `{a,b}` alternative, each program, and each argument written, so a removed alias or an
 * added required argument yields a command the old rule matched and the new one does not.
 */
import { formatArgv } from "../../../command/template.js";
import { globMatch } from "../../../policy/glob.js";
import { firstUnmatchedArg, programName } from "../../../policy/match.js";
import type { Rule } from "../../../policy/types.js";
import { expandBraces } from "../../lint/rule-facts.js";
import type { ChangeClass } from "./change.js";

type Match = Pick<Rule, "commands" | "args">;

export interface MatchChange {
  class: ChangeClass;
  text: string;
  example?: string;
}

/** The changes between two rules' matches; empty when they match the same commands. */
export function compareMatch(old: Match, now: Match): MatchChange[] {
  if (JSON.stringify([old.commands, old.args]) === JSON.stringify([now.commands, now.args]))
    return [];
  const show = (m: Match) => [...m.commands, ...m.args].join(" ");
  const fewer = sampleCommands(old).find((argv) => matches(old, argv) && !matches(now, argv));
  const more = sampleCommands(now).find((argv) => matches(now, argv) && !matches(old, argv));
  const out: MatchChange[] = [];
  if (fewer)
    out.push({
      class: "weakening",
      text: `matches fewer commands: ${show(old)} → ${show(now)}; e.g. \`${formatArgv(fewer)}\` was matched and no longer is`,
      example: formatArgv(fewer),
    });
  if (more)
    out.push({
      class: "tightening",
      text: `matches more commands: ${show(old)} → ${show(now)}; e.g. \`${formatArgv(more)}\` is now matched`,
      example: formatArgv(more),
    });
  if (out.length === 0) {
    // No generated command tells them apart: the same alternatives written differently is
    // harmless; anything else (a glob's reach changed) a person has to judge.
    const same = sameAlternatives(old, now);
    out.push({
      class: same ? "neutral" : "needs-human",
      text: same
        ? `match written differently, same commands: ${show(old)} → ${show(now)}`
        : `match changed: ${show(old)} → ${show(now)}; preflight found no command that tells them apart, so it cannot prove the new match is not narrower`,
    });
  }
  return out;
}

/** Whether a rule with this match matches argv (program by basename, args in order). */
export function matches(match: Match, argv: readonly string[]): boolean {
  if (argv.length === 0) return false;
  const program = programName(argv[0]!);
  if (!match.commands.some((c) => globMatch(c, program))) return false;
  return firstUnmatchedArg(match as Rule, argv.slice(1)) === -1;
}

const LIMIT = 400;

/** Commands built from the match's own globs: every program, and each argument's every alternative. */
export function sampleCommands(match: Match): string[][] {
  const programs = match.commands.flatMap(expandBraces).flatMap(exampleOf);
  const args = match.args.map((a) => expandBraces(a).flatMap(exampleOf));
  const base = args.map((alternatives) => alternatives[0] ?? "x");
  const out: string[][] = [];
  for (const program of programs) {
    out.push([program, ...base]);
    args.forEach((alternatives, i) => {
      for (const alt of alternatives.slice(1)) {
        const variant = [...base];
        variant[i] = alt;
        out.push([program, ...variant]);
      }
    });
    if (out.length > LIMIT) break;
  }
  return out;
}

/** A concrete value the brace-free glob matches, or none when it cannot make one. */
function exampleOf(glob: string): string[] {
  for (const star of ["", "x"]) {
    let out = "";
    for (let i = 0; i < glob.length; i++) {
      const c = glob[i]!;
      if (c === "\\") out += glob[++i] ?? "";
      else if (c === "*") out += star;
      else if (c === "?") out += "x";
      else if (c === "[") {
        const end = glob.indexOf("]", i + 2);
        if (end === -1) return [];
        const body = glob.slice(i + 1, end);
        out += body.startsWith("!") || body.startsWith("^") ? "x" : (body[0] ?? "x");
        i = end;
      } else out += c;
    }
    if (out !== "" && globMatch(glob, out)) return [out];
  }
  return [];
}

function sameAlternatives(old: Match, now: Match): boolean {
  const set = (patterns: readonly string[]) =>
    JSON.stringify([...new Set(patterns.flatMap(expandBraces))].sort());
  if (set(old.commands) !== set(now.commands) || old.args.length !== now.args.length) return false;
  return old.args.every((a, i) => set([a]) === set([now.args[i]!]));
}
