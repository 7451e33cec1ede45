/** The terminal prompter: the typed confirmation and the reason, with @inquirer/prompts. */
import type { ProcedurePrompter } from "../procedure/ports.js";

// inquirer marks any answered prompt with a green tick; an answer is no success.
const THEME = { prefix: { idle: "?", done: "›" } };

/**
 * `onCtrlC`: Ctrl-C at a prompt stops preflight as Ctrl-C anywhere else does (130, with its
 * record), rather than reading as a declined confirmation. On a terminal in raw mode the key
 * reaches inquirer, not the process, so the prompt hands it on.
 */
export function createTerminalPrompter(options: { onCtrlC?: () => void } = {}): ProcedurePrompter {
  const cancelled = (error: unknown) => {
    if ((error as Error)?.name === "ExitPromptError" && /SIGINT/.test((error as Error).message))
      options.onCtrlC?.();
  };
  return {
    async continueStep(question) {
      const { confirm } = await import("@inquirer/prompts");
      try {
        // Enter means no: a stray keypress must not run the next step of a switchover.
        return await confirm({ message: question, default: false }, { output: process.stderr });
      } catch (error) {
        cancelled(error);
        return false;
      }
    },
    async typeEnvironmentName(expected) {
      const { input } = await import("@inquirer/prompts");
      try {
        return await input(
          {
            message: `Type the environment name (${expected}) to run this, anything else aborts:`,
            theme: THEME,
          },
          { output: process.stderr },
        );
      } catch (error) {
        // Ctrl-C or a closed terminal: a cancellation, not a confirmation.
        cancelled(error);
        return undefined;
      }
    },
    async confirmRollback(summary) {
      const { confirm } = await import("@inquirer/prompts");
      try {
        process.stderr.write(`${summary.split("\n").slice(0, -1).join("\n")}\n`);
        return await confirm(
          { message: summary.split("\n").at(-1) ?? "Undo?", default: false },
          { output: process.stderr },
        );
      } catch (error) {
        cancelled(error);
        return false;
      }
    },
    async askReason() {
      const { input } = await import("@inquirer/prompts");
      try {
        return await input(
          {
            message: "Why is this being run? (recorded in the audit log)",
            theme: THEME,
            // An empty answer is refused at the prompt, not accepted and then refused with 68.
            validate: (value) =>
              value.trim() !== "" || "a reason is required (Ctrl-C stops; nothing has run)",
          },
          { output: process.stderr },
        );
      } catch (error) {
        cancelled(error);
        return undefined;
      }
    },
  };
}
