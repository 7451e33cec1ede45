/**
 * The fast path of `preflight hook AGENT` (built into dist/fast.cjs): a coding agent runs it
 * before every shell command, and nearly every command (`ls`, `git status`) is one no rule
 * objects to. When the answer is "allow" from the cached policy alone (src/hook/quick-allow.ts),
 * it is given here without loading the full CLI; the answer, exit code and output are the ones
 * the full hook gives, and, as there, nothing is recorded for it. Anything else returns
 * undefined, with what it read of standard input handed over (stdin-handoff.ts), and the full
 * hook answers.
 */
import { readSync } from "node:fs";
import { AGENTS, type AgentName, isAgentName } from "../hook/agents.js";
import { quickAllow } from "../hook/quick-allow.js";
import { programFiles } from "../io/program-files.js";
import { lookUpPolicy } from "../policy/load-cached.js";
import type { CliContext } from "./context.js";
import { handOverStdin } from "./stdin-handoff.js";

interface HookArgv {
  agent: AgentName;
  policy: string[];
}

/** `hook AGENT [--policy P]... [--audit-log F]`, or undefined for anything else. */
export function readHookArgv(args: readonly string[]): HookArgv | undefined {
  if (args[0] !== "hook") return undefined;
  const positional: string[] = [];
  const policy: string[] = [];
  for (let i = 1; i < args.length; i++) {
    const token = args[i]!;
    const eq = token.indexOf("=");
    const flag = token.startsWith("--") && eq !== -1 ? token.slice(0, eq) : token;
    if (flag === "--policy" || flag === "--audit-log") {
      const value = eq !== -1 && flag !== token ? token.slice(eq + 1) : args[++i];
      if (value === undefined || value.startsWith("-")) return undefined;
      if (flag === "--policy") policy.push(value);
      continue;
    }
    if (token.startsWith("-")) return undefined;
    positional.push(token);
  }
  const [agent] = positional;
  if (positional.length !== 1 || agent === undefined || !isAgentName(agent)) return undefined;
  return { agent, policy };
}

/** Reads fd 0 to its end; `complete` is false when it stopped early (a non-blocking pipe). */
function readAllStdin(): { bytes: Buffer; complete: boolean } {
  const chunks: Buffer[] = [];
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (;;) {
    let read: number;
    try {
      read = readSync(0, chunk, 0, chunk.length, null);
    } catch {
      // EAGAIN on a non-blocking pipe, EOF on a closed descriptor: the full hook reads on.
      return { bytes: Buffer.concat(chunks), complete: false };
    }
    if (read === 0) return { bytes: Buffer.concat(chunks), complete: true };
    chunks.push(Buffer.from(chunk.subarray(0, read)));
  }
}

/** The hook's exit code when the fast path answered; undefined when the full hook must. */
export function answerHookQuickly(
  args: readonly string[],
  ctx: Pick<CliContext, "env" | "home" | "stdout" | "stderr">,
): number | undefined {
  const options = readHookArgv(args);
  if (!options) return undefined;
  const stdin = readAllStdin();
  try {
    const answer = stdin.complete
      ? quickAllow({
          agent: AGENTS[options.agent],
          eventText: stdin.bytes.toString("utf8"),
          policyFor: (cwd) =>
            lookUpPolicy({ explicit: options.policy, env: ctx.env, cwd, home: ctx.home }).cached,
          vars: ctx.env,
          files: programFiles,
        })
      : undefined;
    if (answer) {
      if (answer.stdout) ctx.stdout(answer.stdout);
      if (answer.stderr) ctx.stderr(answer.stderr);
      return answer.exitCode;
    }
  } catch {
    // Whatever went wrong, the full hook meets it again and answers it properly.
  }
  handOverStdin(stdin);
  return undefined;
}
