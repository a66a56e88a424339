"""Runs a command on a pseudo-terminal and types Ctrl-C once its screen shows something, as a person would.

Unlike test/faults/ptyrun.py (Ctrl-C at set times), this waits on the output: Ctrl-C is typed once the
regular expression PATTERN has matched DISTINCT different texts (e.g. two different countdown values: the
header was rewritten in place). No timing of the machine is involved but the hard cap. Prints one JSON
line: exit code or signal, whether Ctrl-C was typed, and the whole output.

usage: ptyuntil.py PATTERN DISTINCT HARD_CAP_MS COMMAND [ARG...]   (PTYRUN_SIZE=ROWSxCOLS, default 40x80)
"""

import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time


def main() -> None:
    pattern = re.compile(sys.argv[1])
    distinct = int(sys.argv[2])
    hard_cap = int(sys.argv[3]) / 1000
    command = sys.argv[4:]
    started = time.monotonic()
    pid, master = pty.fork()
    if pid == 0:
        rows, cols = (int(v) for v in os.environ.get("PTYRUN_SIZE", "40x80").split("x"))
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(command[0], command)
    output = b""
    typed = False
    killed = False
    status = None
    while status is None:
        if time.monotonic() - started >= hard_cap and not killed:
            os.kill(pid, signal.SIGKILL)
            killed = True
        if select.select([master], [], [], 0.02)[0]:
            try:
                output += os.read(master, 65536)
            except OSError:
                pass
            seen = set(pattern.findall(output.decode("utf-8", "replace")))
            if not typed and len(seen) >= distinct:
                os.write(master, b"\x03")
                typed = True
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
    try:
        while select.select([master], [], [], 0.05)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            output += chunk
    except OSError:
        pass
    print(
        json.dumps(
            {
                "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": signal.Signals(os.WTERMSIG(status)).name if os.WIFSIGNALED(status) else None,
                "killed": killed,
                "typed": typed,
                "output": output.decode("utf-8", "replace"),
            }
        )
    )


main()
