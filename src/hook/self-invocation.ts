/**
 * An agent calling preflight itself. It may plan and run commands through preflight like
 * anyone, but it can never supply a human's confirmation (`--confirm`, or anything that looks
 * like one), and it can never take its own guard down (`preflight hook install|uninstall`).
 */
import type { SimpleCommand } from "../command/normalise.js";
import { programName } from "../command/normalise.js";

/** Programs that run the next word as a program (`npx preflight …`, `node bin/preflight.js …`). */
const RUNNERS = new Set(["node", "npx", "npm", "pnpm", "pnpx", "yarn", "bunx", "bun", "exec"]);
const PREFLIGHT = /^preflight(\.c?js|\.mjs)?$/;
const CONFIRM_LIKE = /^--?(confirm|approval|approve|yes|y|assume-yes|force-confirm)(=|$)/i;

/** Why a command the agent wrote must be refused as a preflight call, or undefined. */
export function refuseSelfInvocation(commands: readonly SimpleCommand[]): string | undefined {
  for (const command of commands) {
    const args = preflightArguments(command.argv);
    if (!args) continue;
    const end = args.indexOf("--");
    const own = end === -1 ? args : args.slice(0, end);
    const flag = own.find((word) => CONFIRM_LIKE.test(word));
    if (flag !== undefined) {
      return `an agent cannot confirm for a human: the command calls preflight with ${flag.split("=")[0]}, which only a person at a terminal may give`;
    }
    if (own[0] === "hook" && (own[1] === "install" || own[1] === "uninstall")) {
      return `an agent cannot change its own guard: the command runs preflight hook ${own[1]}`;
    }
  }
  return undefined;
}

/** The words after `preflight` when the command runs preflight, else undefined. */
export function preflightArguments(argv: readonly string[]): string[] | undefined {
  const first = programName(argv[0] ?? "");
  if (PREFLIGHT.test(first)) return argv.slice(1);
  if (!RUNNERS.has(first)) return undefined;
  const at = argv.findIndex((word, i) => i > 0 && PREFLIGHT.test(programName(word)));
  return at === -1 ? undefined : argv.slice(at + 1);
}
