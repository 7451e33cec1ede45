/**
 * The terminal presenter: the plan before confirmation and progress lines, on stderr.
 * Rendering (and chalk) is loaded only when there is a plan to show.
 */
import type { Presenter } from "../run/ports.js";
import type { RunResult } from "../run/result.js";
import { chalkFor } from "./chalk.js";
import { createStepAnnouncer } from "./progress-line.js";

export function createPresenter(options: {
  cwd: string;
  color: boolean;
  write: (text: string) => void;
  quiet: boolean;
  /** The terminal's width; undefined when stderr is not a terminal (then nothing is redrawn). */
  columns: () => number | undefined;
}): Presenter {
  const step = createStepAnnouncer(options);
  return {
    async showPlan(result: RunResult) {
      if (options.quiet) return;
      const { renderPlan } = await import("../report/human.js");
      const chalk = await chalkFor(options.color);
      options.write(`${renderPlan(result, chalk, options.cwd, options.columns())}\n`);
    },
    progress(message: string) {
      if (!options.quiet) options.write(`preflight: ${message}…\n`);
    },
    step(what, limitMs) {
      return options.quiet ? () => {} : step(what, limitMs);
    },
  };
}

export { chalkFor };
