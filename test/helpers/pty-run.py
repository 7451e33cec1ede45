#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, acts on what it shows, relays output and exit status.

    pty-run.py [--cols N] [--timeout SECONDS] [--on TEXT SEND]... -- COMMAND [ARGS...]

--cols sets the terminal's width (TIOCSWINSZ, 40 rows; 120 columns unless told). Each --on,
in order, waits until TEXT appears in the terminal output (ANSI escapes ignored) after the
previous one fired, then writes SEND to the terminal as typed keys: "staging\\r" answers a
prompt, "\\x03" is Ctrl-C (the terminal turns it into SIGINT unless a prompt reads keys raw).
An empty TEXT fires at once. Everything the command writes is copied to stdout. Exits with the
command's status (128+N when killed by signal N), or 124 when the timeout (15 s) passes first.
"""
import fcntl
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")


def parse(argv):
    cols, timeout, steps = 120, 15.0, []
    i = 0
    while i < len(argv) and argv[i] != "--":
        if argv[i] == "--cols":
            cols, i = int(argv[i + 1]), i + 2
        elif argv[i] == "--timeout":
            timeout, i = float(argv[i + 1]), i + 2
        elif argv[i] == "--on":
            steps.append((argv[i + 1].encode(), argv[i + 2].encode()))
            i += 3
        else:
            raise SystemExit(f"pty-run.py: unknown option {argv[i]}")
    return cols, timeout, steps, argv[i + 1 :]


def main() -> int:
    cols, timeout, steps, command = parse(sys.argv[1:])
    pid, fd = pty.fork()
    if pid == 0:
        # Sized before the command starts, so the first thing it reads is the real width.
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
        os.execvp(command[0], command)
    deadline = time.monotonic() + timeout
    seen = b""
    searched_from = 0
    while True:
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            sys.stdout.write("\n[pty-run: timed out]\n")
            return 124
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                data = os.read(fd, 4096)
            except OSError:  # EIO: the command closed the terminal
                break
            if not data:
                break
            seen += data
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        if steps:
            text, send = steps[0]
            plain = ANSI.sub(b"", seen)
            found = plain.find(text, searched_from)
            if found >= 0:
                steps.pop(0)
                searched_from = found + len(text)
                time.sleep(0.15)  # let a prompt finish setting the terminal up
                for char in send:
                    os.write(fd, bytes([char]))
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
