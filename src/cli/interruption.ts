/**
 * While no wrapped command runs, a signal that stops preflight (SIGTERM from a CI runner,
 * Ctrl-C during a slow check) must still leave an audit record and a report: "every run,
 * refused or not, is recorded". While a command runs, the process runner forwards signals to
 * it instead, and preflight finishes verification on its own. A procedure re-arms this before
 * each next step.
 */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export interface Interruptions {
  /** Ctrl-C read by a prompt (raw mode: the terminal sends no signal): handled as SIGINT is. */
  interrupt(signal: NodeJS.Signals): void;
  /** A command starts: from now on signals are the command's (and verification's). */
  commandStarting(): void;
  /** Nothing runs any more (a procedure's next step begins): signals stop preflight again. */
  rearm(): void;
}

export function recordInterruptionsUntilStart(
  onSignal: (signal: NodeJS.Signals) => void,
): Interruptions {
  let handled = false;
  let listening = false;
  const handler = (signal: NodeJS.Signals) => {
    if (handled || !listening) return;
    handled = true;
    onSignal(signal);
  };
  const rearm = () => {
    if (listening) return;
    listening = true;
    for (const signal of SIGNALS) process.on(signal, handler);
  };
  rearm();
  return {
    interrupt: handler,
    commandStarting() {
      if (!listening) return;
      listening = false;
      for (const signal of SIGNALS) process.off(signal, handler);
    },
    rearm,
  };
}
