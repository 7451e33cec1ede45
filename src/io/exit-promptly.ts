/**
 * Ending the process the moment an unguarded run or a hook's answer is done. Left to itself,
 * Node first tears its environment down (frees the heap, disposes of the isolate, drains the
 * platform's threads): 3-4 ms on these machines, paid after the work is over, and as much as
 * a tenth of what a command no rule matches costs (docs/performance.md). `process.exit` still
 * emits "exit" (boot writes its code cache there); what it skips is waiting for work still
 * pending, and the fast path leaves none: the audit record is written synchronously before
 * the run's promise settles. The one thing that could be pending is output preflight wrote
 * to a stream Node had to queue; then the natural exit is kept, which flushes it.
 */

/** The parts of `process` this needs, so that a test can stand in for it. */
export interface ExitingProcess {
  exitCode?: number | string | undefined;
  exit(code: number): void;
}

/** What preflight wrote to, if anything: only those streams are asked (asking creates one). */
export interface UsedStreams {
  stdout?: { writableLength: number };
  stderr?: { writableLength: number };
}

export function exitPromptly(
  code: number,
  used: UsedStreams,
  proc: ExitingProcess = process as ExitingProcess,
): void {
  proc.exitCode = code;
  if ((used.stdout?.writableLength ?? 0) > 0 || (used.stderr?.writableLength ?? 0) > 0) return;
  proc.exit(code);
}
