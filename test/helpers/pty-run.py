#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, answers one prompt, relays output and exit status.

    pty-run.py PROMPT ANSWER TIMEOUT_SECONDS -- COMMAND [ARGS...]

Waits until PROMPT appears in the command's terminal output (ANSI escapes ignored), types
ANSWER and Enter, and copies everything the command writes to stdout. Exits with the
command's status (128+N when killed by signal N), or 124 when TIMEOUT_SECONDS pass first.
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


def main() -> int:
    prompt, answer, timeout = sys.argv[1].encode(), sys.argv[2].encode(), float(sys.argv[3])
    command = sys.argv[5:] if sys.argv[4] == "--" else sys.argv[4:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    # A real terminal has a size; prompt libraries lay out their lines by it.
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    deadline = time.monotonic() + timeout
    seen = b""
    answered = False
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
        if not answered and prompt in ANSI.sub(b"", seen):
            answered = True
            time.sleep(0.1)  # let the prompt finish setting the terminal up
            for char in answer:
                os.write(fd, bytes([char]))
            os.write(fd, b"\r")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
