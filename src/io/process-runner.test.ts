/**
 * The captured runner (checks, probes, rollbacks) on real processes: what it must do beyond
 * handing back the output.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createProcessRunner } from "./process-runner.js";

const runner = createProcessRunner({ onTerminal: false, notice: () => {} });
const options = { timeoutMs: 10_000, env: { PATH: process.env.PATH }, cwd: process.cwd() };

describe("a check killed by a signal that reached preflight too", () => {
  const listeners: Array<() => void> = [];
  afterEach(() => {
    for (const listener of listeners.splice(0)) process.off("SIGINT", listener);
  });

  // Ctrl-C on a terminal reaches preflight and the check it runs at the same moment. If the
  // check's death were handed back first, everything after it (the failed step, its record,
  // the listeners put away) could run in one burst of promise callbacks, before the event loop
  // came round to preflight's own SIGINT: exit 70 for a Ctrl-C, and the record said so.
  it.each(Array.from({ length: 40 }, (_, i) => i))(
    "gives preflight's own signal handler its turn before returning (%i)",
    async () => {
      let received = 0;
      const listener = () => {
        received += 1;
      };
      listeners.push(listener);
      process.on("SIGINT", listener);
      // One kill(1): SIGINT to this test process, then to the shell itself.
      const output = await runner.capture(["sh", "-c", "kill -INT $PPID $$; sleep 5"], options);
      expect(output.exitCode).toBeNull();
      expect(output.failure).toBe("killed by SIGINT");
      expect(received).toBe(1);
    },
  );
});
