/**
 * Ctrl-C (or SIGTERM) while a procedure is between commands — at its checks, snapshots or a
 * prompt — stops it with the shell's 128+N and a record of how far it got: which steps were
 * done, where it was, and the command that resumes it. While a step's command runs, and until
 * that step is verified, signals are the command's (the process runner forwards them).
 */
import { constants } from "node:os";
import type { ProcedurePorts } from "../procedure/ports.js";
import { procedureRecord } from "../procedure/records.js";
import type { ProcedureResult } from "../procedure/result.js";
import type { RunContext } from "../run/ports.js";
import { type Interruptions, recordInterruptionsUntilStart } from "./interruption.js";

type Watched = Pick<ProcedurePorts, "runner" | "prompter" | "presenter" | "audit">;

/** Wraps the procedure's ports so a signal between commands ends it with a record. */
export function watchProcedure<P extends Watched>(
  ports: P,
  options: {
    context: RunContext;
    resumeCommand: string;
    /** Gets the interrupted result, its audit record written: reports it and exits. */
    onStop: (result: ProcedureResult) => void;
  },
): P & Pick<ProcedurePorts, "watch" | "stepStarting"> & { interruptions?: Interruptions } {
  let live: ProcedureResult | undefined;
  let step = "";
  let during = "preparing the procedure";
  const at = (what: string) => {
    during = `${step}${what}`;
  };
  let interruptions: Interruptions | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (!live) return;
    const result = interrupted(live, signal, during, options.resumeCommand);
    if (result.mode !== "plan") {
      const record = procedureRecord(result, options.context, new Date());
      try {
        ports.audit.append(record);
      } catch (error) {
        result.auditFailure = { error: (error as Error).message, record };
      }
    }
    options.onStop(result);
  };
  return {
    ...ports,
    runner: {
      ...ports.runner,
      runInherited: (argv, runOptions) => {
        interruptions?.commandStarting();
        return ports.runner.runInherited(argv, runOptions);
      },
    },
    prompter: {
      ...ports.prompter,
      typeEnvironmentName: (expected) => {
        at("waiting for the environment's name to be typed");
        return ports.prompter.typeEnvironmentName(expected);
      },
      askReason: () => {
        at("waiting for the reason to be typed");
        return ports.prompter.askReason();
      },
      continueStep: (question) => {
        at("waiting for the answer to go ahead");
        return ports.prompter.continueStep(question);
      },
    },
    presenter: {
      ...ports.presenter,
      step: (what, limitMs) => {
        at(`running the ${what}`);
        return ports.presenter.step?.(what, limitMs) ?? (() => {});
      },
    },
    watch: (result) => {
      live = result;
      interruptions = recordInterruptionsUntilStart(stop);
    },
    stepStarting: (number, name) => {
      step = `step ${number} '${name}': `;
      at("starting");
      interruptions?.rearm();
    },
    get interruptions() {
      return interruptions;
    },
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 2;
}

function interrupted(
  live: ProcedureResult,
  signal: NodeJS.Signals,
  during: string,
  resumeCommand: string,
): ProcedureResult {
  const result: ProcedureResult = structuredClone(live);
  const done = result.steps.filter(
    (s) => s.status === "verified" || s.status === "done-before",
  ).length;
  result.outcome = "interrupted";
  result.exitCode = 128 + signalNumber(signal);
  result.message = `preflight was stopped by ${signal === "SIGINT" ? "Ctrl-C (SIGINT)" : signal} while ${during}; ${done === 0 ? "no step had run" : `${done} step${done === 1 ? " was" : "s were"} done`}`;
  result.hint =
    done === 0 ? "run it again when you are ready" : `to go on from there: ${resumeCommand}`;
  if (done > 0) result.next = { ...result.next, resume: resumeCommand };
  result.durationMs = Math.max(0, Date.now() - Date.parse(result.startedAt));
  delete result.auditFailure;
  return result;
}
