/** The terminal prompter: the typed confirmation and the reason, with @inquirer/prompts. */
import type { ProcedurePrompter } from "../procedure/ports.js";

export function createTerminalPrompter(): ProcedurePrompter {
  return {
    async continueStep(question) {
      const { confirm } = await import("@inquirer/prompts");
      try {
        // Enter means no: a stray keypress must not run the next step of a switchover.
        return await confirm({ message: question, default: false }, { output: process.stderr });
      } catch {
        return false;
      }
    },
    async typeEnvironmentName(expected) {
      const { input } = await import("@inquirer/prompts");
      try {
        return await input(
          {
            message: `Type the environment name (${expected}) to run this, anything else aborts:`,
            // inquirer marks any answered prompt with a green tick; a wrong answer is no success.
            theme: { prefix: { idle: "?", done: "›" } },
          },
          { output: process.stderr },
        );
      } catch {
        // Ctrl-C or a closed terminal: a cancellation, not a confirmation.
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
      } catch {
        return false;
      }
    },
    async askReason() {
      const { input } = await import("@inquirer/prompts");
      try {
        return await input(
          { message: "Why is this being run? (recorded in the audit log)" },
          { output: process.stderr },
        );
      } catch {
        return undefined;
      }
    },
  };
}
