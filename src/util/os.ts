/**
 * node:os, loaded when first used: loading it costs ~0.35 ms. The unguarded path needs it only
 * for a command that fails to start or dies of a signal (errno and signal names), and without
 * the native addon for the user and host (identity.ts). See builtin.ts.
 */
import type * as NodeOs from "node:os";
import { builtin } from "./builtin.js";

export const os = (): typeof NodeOs => builtin<typeof NodeOs>("node:os");

/** os.homedir(), which is $HOME whenever it is set (libuv reads it first), without node:os then. */
export function homeDirectory(env: Record<string, string | undefined> = process.env): string {
  return env.HOME || os().homedir();
}
