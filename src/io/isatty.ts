/**
 * isatty(fd) without loading node:tty, which loads net and stream, where Node 20's tty_wrap
 * binding answers silently (see node-binding.ts); elsewhere node:tty answers.
 */
import { builtin } from "../util/builtin.js";
import { quietBinding } from "./node-binding.js";

let answer: ((fd: number) => boolean) | undefined;

export function isatty(fd: number): boolean {
  if (!answer) {
    const wrap = quietBinding("tty_wrap") as { isTTY?: (fd: number) => boolean } | undefined;
    const isTTY = wrap?.isTTY;
    answer =
      typeof isTTY === "function"
        ? (n) => isTTY.call(wrap, n)
        : builtin<typeof import("node:tty")>("node:tty").isatty;
  }
  return answer(fd);
}
