/**
 * Until the wrapped command starts, a signal that stops preflight (SIGTERM from a CI runner,
 * Ctrl-C during a slow check) must still leave an audit record and a report: "every run,
 * refused or not, is recorded". Once the command runs, the process runner forwards signals
 * to it instead, and preflight finishes verification on its own.
 */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

export function recordInterruptionsUntilStart(onSignal: (signal: NodeJS.Signals) => void): {
  commandStarting(): void;
} {
  let handled = false;
  const handler = (signal: NodeJS.Signals) => {
    if (handled) return;
    handled = true;
    onSignal(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return {
    commandStarting() {
      for (const signal of SIGNALS) process.off(signal, handler);
    },
  };
}
