/**
 * Standard input read by the fast path (dist/fast.cjs) before it handed the command line to
 * the full CLI (dist/cli.cjs): the bytes cannot be put back, so they are passed on. Two
 * bundles, two copies of this module: the bytes live on globalThis under a registered symbol.
 */
const KEY = Symbol.for("preflight.stdin-read-by-fast-path");

export interface HandedOverStdin {
  bytes: Buffer;
  /** True when the fast path read to the end; else the rest is still on stdin. */
  complete: boolean;
}

type Holder = { [KEY]?: HandedOverStdin };

export function handOverStdin(stdin: HandedOverStdin): void {
  (globalThis as Holder)[KEY] = stdin;
}

/** What the fast path read, once; undefined when it read nothing. */
export function takeHandedOverStdin(): HandedOverStdin | undefined {
  const holder = globalThis as Holder;
  const stdin = holder[KEY];
  delete holder[KEY];
  return stdin;
}
