/**
 * One hook call, from the agent's event to its answer, as a function of its ports. It fails
 * closed: an event it cannot read, a policy it cannot load, an error of its own — each is a
 * refusal that says why, never an allow.
 */

import type { ProgramFiles } from "../command/locate-program.js";
import type { AccountAnswer } from "../environment/resolve.js";
import { loadResolvers } from "../environment/resolvers/lazy.js";
import type { ReadTarget } from "../environment/resolvers/types.js";
import { PolicyError } from "../errors.js";
import type { Policy } from "../policy/types.js";
import type { AccountRequest } from "../run/aws-accounts.js";
import type { RunContext } from "../run/ports.js";
import type { AgentProtocol } from "./agents.js";
import { allow, answerVerdict, deny, type HookAnswer } from "./answer.js";
import { hookAuditRecord } from "./audit-record.js";
import { type HookVerdict, judgeShellCommand } from "./decide.js";
import { HookEventError, parseHookEvent, type ShellToolCall } from "./event.js";

export interface HookPorts {
  /** The policy a `preflight plan` run in `cwd` would use; throws PolicyError. */
  loadPolicy(cwd: string): Promise<Policy>;
  /** Asks STS for the accounts of commands whose rules read one (loaded only then). */
  lookUpAccounts(
    requests: AccountRequest[],
  ): Promise<
    (argv: readonly string[], vars: Record<string, string | undefined>) => AccountAnswer | undefined
  >;
  appendAudit(record: Record<string, unknown>): void;
  /** The variables the agent's commands run with: the hook's own, inherited from the agent. */
  vars: Record<string, string | undefined>;
  /** Finds the real file a program word runs (`k` → /usr/local/bin/kubectl). */
  files: ProgramFiles;
  context(cwd: string): RunContext;
  now(): Date;
}

/** The answer to the agent's event text. */
export async function guardToolCall(
  agent: AgentProtocol,
  eventText: string,
  ports: HookPorts,
): Promise<HookAnswer> {
  let call: ShellToolCall;
  try {
    const event = parseHookEvent(agent, eventText);
    // Not the shell: no opinion, so the agent's own permission rules decide.
    if (event.kind === "other-tool") return allow(agent);
    call = event.call;
  } catch (error) {
    if (!(error instanceof HookEventError)) throw error;
    return deny(
      `${error.message}\nWhat to do instead: check that \`preflight hook ${agent.name}\` is installed for ${agent.title}'s ${agent.event} event (preflight hook install ${agent.name})`,
    );
  }

  const started = ports.now();
  let policy: Policy;
  try {
    policy = await ports.loadPolicy(call.cwd);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const hint =
      "fix the policy (preflight policy validate shows every problem); until then preflight refuses every command the agent runs, even ls";
    const answer = deny(
      `the policy is invalid, so preflight cannot tell whether this command is safe:\n${error.message}\nWhat to do instead: ${hint}`,
    );
    return record(agent, call, answer, ports, { started, hint });
  }

  const verdict = await judge(policy, call, ports);
  const answer = answerVerdict(agent, verdict, call.cwd);
  if (answer.decision === "allow") return answer;
  return record(agent, call, answer, ports, {
    started,
    policy,
    ...(verdict.decision !== "allow" && verdict.evaluation && { evaluation: verdict.evaluation }),
    ...(verdict.decision === "deny" && { hint: verdict.hint }),
  });
}

/**
 * Evaluates once; when a rule reads the AWS account or a tool's configuration, asks STS or
 * reads the files (as `preflight plan` does) and evaluates again knowing them.
 */
async function judge(policy: Policy, call: ShellToolCall, ports: HookPorts): Promise<HookVerdict> {
  const requests: AccountRequest[] = [];
  let targetsWanted = false;
  const first = judgeShellCommand({
    policy,
    command: call.command,
    cwd: call.cwd,
    vars: ports.vars,
    files: ports.files,
    awsAccount: (argv, vars) => {
      requests.push({ argv, vars });
      return undefined;
    },
    readTarget: () => {
      targetsWanted = true;
      return undefined;
    },
  });
  if (requests.length === 0 && !targetsWanted) return first;
  const awsAccount = requests.length > 0 ? await ports.lookUpAccounts(requests) : undefined;
  let readTarget: ReadTarget | undefined;
  if (targetsWanted) {
    const { readTarget: read, cachedFiles, diskRead } = await loadResolvers();
    const files = cachedFiles(diskRead);
    const home = ports.context(call.cwd).home ?? "";
    readTarget = (tool, argv, vars) =>
      read(tool, { argv, vars, cwd: call.cwd, home: vars.HOME ?? home, files });
  }
  return judgeShellCommand({
    policy,
    command: call.command,
    cwd: call.cwd,
    vars: ports.vars,
    files: ports.files,
    ...(awsAccount && { awsAccount }),
    ...(readTarget && { readTarget }),
  });
}

/** Records a refusal or a question; a question that cannot be recorded becomes a refusal. */
function record(
  agent: AgentProtocol,
  call: ShellToolCall,
  answer: HookAnswer,
  ports: HookPorts,
  details: Pick<Parameters<typeof hookAuditRecord>[0], "policy" | "evaluation" | "hint"> & {
    started: Date;
  },
): HookAnswer {
  const entry = hookAuditRecord({
    agent,
    command: call.command,
    ...(call.sessionId !== undefined && { sessionId: call.sessionId }),
    answer,
    context: ports.context(call.cwd),
    now: ports.now(),
    ...details,
  });
  try {
    ports.appendAudit(entry);
    return answer;
  } catch (error) {
    const problem = `the audit record could not be written (${(error as Error).message})`;
    if (answer.decision === "ask") {
      return deny(
        `${answer.message}\nAnd ${problem}, so it is refused rather than asked unrecorded.\nWhat to do instead: fix the audit log (PREFLIGHT_AUDIT_LOG), then try again`,
      );
    }
    return {
      ...answer,
      stderr: `${answer.stderr}(preflight: ${problem}; the record: ${JSON.stringify(entry)})\n`,
    };
  }
}
