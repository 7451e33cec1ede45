/**
 * `preflight hook AGENT`: the agent's pre-tool-use hook. Reads the event on stdin, answers in
 * the agent's protocol, and exits 0 (allow, or Claude Code's "ask") or 2 (deny). Whatever goes
 * wrong — an unknown agent, an unreadable event, a policy error, a bug, its own time budget —
 * it answers deny with the reason: every agent treats other exit codes as "go ahead".
 */
import { hostname, userInfo } from "node:os";
import { appendAuditRecord } from "../audit/log.js";
import { resolveAuditLogPath } from "../audit/path.js";
import { AGENT_NAMES, AGENTS, HOOK_BUDGET_MS, isAgentName } from "../hook/agents.js";
import { deny, type HookAnswer } from "../hook/answer.js";
import { guardToolCall } from "../hook/guard.js";
import { programFiles } from "../io/program-files.js";
import { loadPolicy } from "../policy/load.js";
import type { CliContext } from "./context.js";
import { takeHandedOverStdin } from "./stdin-handoff.js";

export interface HookCommandOptions {
  agent: string;
  policy?: string[];
  auditLog?: string;
}

/** Answers one hook event; returns the exit code (0 or 2). */
export async function hookCommand(
  options: HookCommandOptions,
  ctx: CliContext,
  readInput: () => Promise<string> = readStdin,
): Promise<number> {
  const { agent } = options;
  let answered = false;
  const answer = (reply: HookAnswer): number => {
    if (answered) return reply.exitCode;
    answered = true;
    if (reply.stdout) ctx.stdout(reply.stdout);
    if (reply.stderr) ctx.stderr(reply.stderr);
    return reply.exitCode;
  };
  if (!isAgentName(agent)) {
    return answer(
      deny(
        `preflight hook does not know the agent '${agent}' (it knows ${AGENT_NAMES.join(", ")})\nWhat to do instead: fix the hook command in the agent's settings`,
      ),
    );
  }
  const protocol = AGENTS[agent];
  const budgetMs = hookBudget(ctx.env);
  // The agent's own timeout kills a slow hook and then runs the command: answer first.
  const budget = setTimeout(() => {
    process.exitCode = answer(
      deny(
        `preflight did not decide within ${budgetMs / 1000} s (a slow policy load or AWS account lookup)\nWhat to do instead: try again; if it keeps happening, run \`preflight plan -- …\` with the command to see what is slow`,
      ),
    );
    process.exit(process.exitCode);
  }, budgetMs);
  budget.unref();
  try {
    const eventText = await readInput();
    const auditFile = resolveAuditLogPath(options.auditLog, ctx.env, ctx.home, ctx.cwd);
    const reply = await guardToolCall(protocol, eventText, {
      loadPolicy: async (cwd) => {
        const loaded = await loadPolicy({
          explicit: options.policy ?? [],
          env: ctx.env,
          cwd,
          home: ctx.home,
        });
        return loaded.policy;
      },
      lookUpAccounts: async (requests) => {
        const [{ loadAwsModules }, { createAwsClients }] = await Promise.all([
          import("../bundles/load-aws.js"),
          import("../aws/clients.js"),
        ]);
        const { lookUpAccounts } = await loadAwsModules();
        return lookUpAccounts(requests, createAwsClients());
      },
      appendAudit: (record) => {
        appendAuditRecord(auditFile, record);
      },
      vars: ctx.env,
      files: programFiles,
      context: (cwd) => ({
        cwd,
        env: ctx.env,
        user: currentUser(ctx.env),
        host: hostname(),
        interactive: false,
        ci: Boolean(ctx.env.CI),
        home: ctx.home,
      }),
      now: () => new Date(),
    });
    return answer(reply);
  } catch (error) {
    return answer(
      deny(
        `preflight failed while deciding (a bug in preflight: ${(error as Error)?.message ?? String(error)})\nWhat to do instead: report it with this message; until then run the command yourself through preflight`,
      ),
    );
  } finally {
    clearTimeout(budget);
  }
}

/** `PREFLIGHT_HOOK_BUDGET_MS` (1–25000, inside the 30 s that `hook install` sets), else 10 s. */
function hookBudget(env: Record<string, string | undefined>): number {
  const ms = Number(env.PREFLIGHT_HOOK_BUDGET_MS);
  return Number.isInteger(ms) && ms >= 1 && ms <= 25_000 ? ms : HOOK_BUDGET_MS;
}

async function readStdin(): Promise<string> {
  // The fast path may have read it already (or part of it) before handing the event over.
  const handed = takeHandedOverStdin();
  if (handed?.complete) return handed.bytes.toString("utf8");
  const chunks: Buffer[] = handed ? [handed.bytes] : [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function currentUser(env: Record<string, string | undefined>): string {
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? env.LOGNAME ?? "unknown";
  }
}
