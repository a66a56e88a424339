"""Runs a command on a pseudo-terminal and types Ctrl-C into it, as a person at a terminal would.

Node has no pty of its own and the issue's Ctrl-C bug only shows on a terminal (the spinner puts stdin
in raw mode, so Ctrl-C arrives as the byte 0x03 instead of a SIGINT), so the fault matrix uses this
stdlib-only helper when python3 is there. Prints one JSON line: exit code or signal, when each Ctrl-C
was typed, when the process was gone, and the output's tail.

The Ctrl-C times count from the first output on the terminal (the spinner, once the run is going), not
from the start: a loaded machine may take seconds to load the CLI, and a Ctrl-C typed before the
spinner takes the terminal tests node's default handler, not the CLI.

usage: ptyrun.py CTRL_C_AT_MS[,MS...] HARD_CAP_MS COMMAND [ARG...]
"""

import fcntl
import json
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main() -> None:
    ctrl_c_at = [int(ms) / 1000 for ms in sys.argv[1].split(",") if ms]
    hard_cap = int(sys.argv[2]) / 1000
    command = sys.argv[3:]
    started = time.monotonic()
    pid, master = pty.fork()
    if pid == 0:
        # A real terminal's size: a pty starts at 0 x 0, where a spinner's line arithmetic goes wrong.
        rows, cols = (int(v) for v in os.environ.get("PTYRUN_SIZE", "40x120").split("x"))
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execvp(command[0], command)
    output = b""
    typed = []
    status = None
    killed = False
    report_ms = None
    first_output = None
    while status is None:
        now = time.monotonic() - started
        if ctrl_c_at and first_output is not None and now - first_output >= ctrl_c_at[0]:
            ctrl_c_at.pop(0)
            try:
                os.write(master, b"\x03")
                typed.append(round(now * 1000))
            except OSError:
                pass
        if now >= hard_cap and not killed:
            os.kill(pid, signal.SIGKILL)
            killed = True
        ready, _, _ = select.select([master], [], [], 0.02)
        if ready:
            try:
                output += os.read(master, 65536)
            except OSError:
                pass
            if first_output is None and output:
                first_output = time.monotonic() - started
            if report_ms is None and b"VERDICT" in output:
                report_ms = round((time.monotonic() - started) * 1000)
        done, raw = os.waitpid(pid, os.WNOHANG)
        if done:
            status = raw
    gone = time.monotonic() - started
    try:
        while select.select([master], [], [], 0.05)[0]:
            chunk = os.read(master, 65536)
            if not chunk:
                break
            output += chunk
    except OSError:
        pass
    text = output.decode("utf-8", "replace")
    print(
        json.dumps(
            {
                "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": signal.Signals(os.WTERMSIG(status)).name if os.WIFSIGNALED(status) else None,
                "killed": killed,
                "ctrlCAtMs": typed,
                "reportMs": report_ms,
                "lifetimeMs": round(gone * 1000),
                "firstOutputMs": None if first_output is None else round(first_output * 1000),
                "output": text[-3000:],
            }
        )
    )


main()
