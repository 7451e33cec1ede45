/**
 * The commander definition of `preflight hook`: `hook AGENT` answers an agent's pre-tool-use
 * event (the agent runs it); `hook install|uninstall AGENT` edits the agent's settings. The
 * work is in hook.ts and hook-install.ts, imported only when the command runs.
 */
import type { Command } from "commander";
import { UsageError } from "../errors.js";
import type { CliContext } from "./context.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerHookCommand(
  program: Command,
  ctx: CliContext,
  setExitCode: (code: number) => void,
): void {
  const hook = program
    .command("hook")
    .description(
      "guard a coding agent's shell: answer its pre-tool-use event (claude-code, codex, gemini)",
    )
    .usage("AGENT | install AGENT [--project|--user] [--write] | uninstall AGENT [...]")
    .argument("<agent-or-action>", "claude-code, codex or gemini; or install / uninstall")
    .argument("[agent]")
    .option(
      "--policy <PATH>",
      "a policy file or folder (repeatable); default: as plan finds it from the event's cwd",
      collect,
    )
    .option(
      "--audit-log <FILE>",
      "default $PREFLIGHT_AUDIT_LOG, else $XDG_STATE_HOME/preflight/audit.jsonl",
    )
    .option("--project", "install into the project's settings, in this folder (the default)")
    .option("--user", "install into your user settings, under your home folder")
    .option("--write", "make the change (without it, install and uninstall only show it)")
    .option(
      "--command <CMD>",
      "the hook command to install (default: this preflight, by absolute path)",
    )
    .action(
      async (
        first: string,
        second: string | undefined,
        opts: {
          policy?: string[];
          auditLog?: string;
          project?: boolean;
          user?: boolean;
          write?: boolean;
          command?: string;
        },
      ) => {
        if (first === "install" || first === "uninstall") {
          if (!second)
            throw new UsageError(
              `preflight hook ${first} needs an agent: claude-code, codex or gemini`,
            );
          if (opts.project && opts.user) throw new UsageError("give --project or --user, not both");
          const { hookInstall } = await import("./hook-install.js");
          setExitCode(
            await hookInstall(
              {
                action: first,
                agent: second,
                scope: opts.user ? "user" : "project",
                write: opts.write === true,
                ...(opts.command !== undefined && { command: opts.command }),
              },
              ctx,
            ),
          );
          return;
        }
        const { hookCommand } = await import("./hook.js");
        setExitCode(
          await hookCommand(
            {
              agent: second === undefined ? first : `${first} ${second}`,
              ...(opts.policy && { policy: opts.policy }),
              ...(opts.auditLog !== undefined && { auditLog: opts.auditLog }),
            },
            ctx,
          ),
        );
      },
    );
  hook.addHelpText(
    "after",
    `
The agent runs \`preflight hook AGENT\` before each shell command, with the event on stdin.
It answers deny (exit 2, the reason on stderr), ask (Claude Code only), or nothing (allow).
See docs/agents.md.`,
  );
}
