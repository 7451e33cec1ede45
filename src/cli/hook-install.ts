/**
 * `preflight hook install|uninstall AGENT [--project|--user] [--write]`: shows (by default) or
 * makes (with --write) the change to the agent's settings file. The user's own settings are
 * merged, never overwritten; running it twice changes nothing the second time.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { AGENT_NAMES, AGENTS, type AgentProtocol, isAgentName } from "../hook/agents.js";
import { lineDiff } from "../hook/line-diff.js";
import { addHook, removeHook, SettingsError } from "../hook/settings.js";
import { packageRoot } from "../util/package-root.js";
import type { CliContext } from "./context.js";

export interface HookInstallOptions {
  action: "install" | "uninstall";
  agent: string;
  scope: "project" | "user";
  write: boolean;
  /** The hook command to install instead of this preflight's own path. */
  command?: string;
}

export async function hookInstall(options: HookInstallOptions, ctx: CliContext): Promise<number> {
  if (!isAgentName(options.agent)) {
    throw new UsageError(
      `unknown agent '${options.agent}': preflight hook ${options.action} takes one of ${AGENT_NAMES.join(", ")}`,
    );
  }
  const agent = AGENTS[options.agent];
  const file = settingsFile(agent, options.scope, ctx);
  const existing = existsSync(file) ? readFileSync(file, "utf8") : undefined;
  let edit: ReturnType<typeof addHook>;
  try {
    edit =
      options.action === "install"
        ? addHook(agent, file, existing, options.command ?? defaultHookCommand(agent))
        : removeHook(agent, file, existing);
  } catch (error) {
    if (error instanceof SettingsError) throw new UsageError(error.message);
    throw error;
  }
  if (!edit.changed) {
    ctx.stderr(`preflight: ${file}: ${edit.summary}\n`);
    return 0;
  }
  if (!options.write) {
    ctx.stdout(
      `${file}${existing === undefined ? " (new file)" : ""}\n${lineDiff(existing ?? "", edit.text)}\n`,
    );
    ctx.stderr(
      `preflight: this is a dry run: ${edit.summary}.\n  Your other settings stay as they are. Run it again with --write to make the change.\n`,
    );
    return 0;
  }
  mkdirSync(dirname(file), { recursive: true });
  // Write beside it and rename, so the agent never reads half a settings file.
  const temporary = `${file}.preflight-${process.pid}.tmp`;
  writeFileSync(temporary, edit.text);
  renameSync(temporary, file);
  ctx.stderr(`preflight: ${file}: ${edit.summary}\n`);
  return 0;
}

function settingsFile(agent: AgentProtocol, scope: "project" | "user", ctx: CliContext): string {
  return scope === "user"
    ? join(ctx.home, agent.settings.user)
    : resolve(ctx.cwd, agent.settings.project);
}

/**
 * This preflight, by absolute paths (an agent's PATH may not have it), and `|| exit 2`: if
 * preflight cannot start at all, the agent still gets its "block" exit code rather than a
 * non-blocking error that lets the command run.
 */
function defaultHookCommand(agent: AgentProtocol): string {
  const bin = join(packageRoot(), "bin", "preflight.js");
  return `${shellQuote(process.execPath)} ${shellQuote(bin)} hook ${agent.name} || exit 2`;
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-./:=@%+]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
