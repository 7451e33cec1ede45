/**
 * The terminal presenter: the plan before confirmation and progress lines, on stderr.
 * Rendering (and chalk) is loaded only when there is a plan to show.
 */
import type { Presenter } from "../run/ports.js";
import type { RunResult } from "../run/result.js";

export function createPresenter(options: {
  cwd: string;
  color: boolean;
  write: (text: string) => void;
  quiet: boolean;
}): Presenter {
  return {
    async showPlan(result: RunResult) {
      if (options.quiet) return;
      const { renderPlan } = await import("../report/human.js");
      options.write(`${renderPlan(result, await chalkFor(options.color), options.cwd)}\n`);
    },
    progress(message: string) {
      if (!options.quiet) options.write(`preflight: ${message}…\n`);
    },
  };
}

export async function chalkFor(color: boolean) {
  const { Chalk } = await import("chalk");
  return new Chalk({ level: color ? 2 : 0 });
}
