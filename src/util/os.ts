/**
 * node:os, loaded when first used: the unguarded path needs it only while the command runs
 * (the user and host for the record) and after (signal names), and loading it before the
 * command starts would delay the command by ~0.35 ms. See builtin.ts.
 */
import type * as NodeOs from "node:os";
import { builtin } from "./builtin.js";

export const os = (): typeof NodeOs => builtin<typeof NodeOs>("node:os");

/** os.homedir(), which is $HOME whenever it is set (libuv reads it first), without node:os then. */
export function homeDirectory(env: Record<string, string | undefined> = process.env): string {
  return env.HOME || os().homedir();
}
