/**
 * How far a run got, for the record a signal leaves when it stops preflight before the
 * command starts: the result the lifecycle fills in as it goes, and what it was doing then
 * (a check, a snapshot, a prompt). The ports are wrapped, not changed: the lifecycle knows
 * nothing of signals.
 */
import type { Presenter, Prompter, RunPorts } from "../run/ports.js";
import type { RunResult } from "../run/result.js";

export interface RunWatch {
  /** The lifecycle's result once the command is evaluated; undefined before. */
  readonly result: RunResult | undefined;
  /** What the run was doing, in words that follow "while". */
  readonly during: string;
  /** Sets what the run is doing, for the stages the edge itself drives (loading the policy). */
  at(during: string): void;
  /** The ports, wrapped so that each stage they go through is noted. */
  wrap<P extends Pick<RunPorts, "presenter" | "prompter">>(ports: P): P & Pick<RunPorts, "watch">;
}

export function watchRun(): RunWatch {
  let result: RunResult | undefined;
  let during = "starting";
  const at = (what: string) => {
    during = what;
  };
  return {
    get result() {
      return result;
    },
    get during() {
      return during;
    },
    at,
    wrap(ports) {
      const presenter: Presenter = {
        showPlan: (r) => {
          at("showing the plan");
          return ports.presenter.showPlan(r);
        },
        progress: (message) => {
          at(message);
          ports.presenter.progress(message);
        },
        step: (what, limitMs) => {
          at(`running the ${what}`);
          return ports.presenter.step(what, limitMs);
        },
      };
      const prompter: Prompter = {
        ...ports.prompter,
        typeEnvironmentName: (expected) => {
          at("waiting for the environment's name to be typed");
          return ports.prompter.typeEnvironmentName(expected);
        },
        askReason: () => {
          at("waiting for the reason to be typed");
          return ports.prompter.askReason();
        },
      };
      return {
        ...ports,
        presenter,
        prompter,
        watch: (r: RunResult) => {
          result = r;
          at("evaluating the command");
        },
      };
    },
  };
}
