/**
 * Until the wrapped command starts, a signal that stops preflight (SIGTERM from a CI runner,
 * Ctrl-C during a slow check) must still leave an audit record and a report: "every run,
 * refused or not, is recorded". Once the command runs, the process runner forwards signals
 * to it instead, and preflight finishes verification on its own.
 */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function recordInterruptionsUntilStart(onSignal: (signal: NodeJS.Signals) => void): {
  /** Ctrl-C read by a prompt (raw mode: the terminal sends no signal): handled as SIGINT is. */
  interrupt(signal: NodeJS.Signals): void;
  commandStarting(): void;
} {
  let handled = false;
  let listening = true;
  const handler = (signal: NodeJS.Signals) => {
    if (handled || !listening) return;
    handled = true;
    onSignal(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return {
    interrupt: handler,
    commandStarting() {
      listening = false;
      for (const signal of SIGNALS) process.off(signal, handler);
    },
  };
}
