#!/usr/bin/env python3
"""rusage.py PROGRAM [ARG...]: runs PROGRAM as a child, waits for it with wait4() and appends one JSON
line to the file named by $SIDEBYSIDE_RUSAGE_LOG: the command line, wall seconds, the child's user and
system CPU seconds (its own and those of every descendant it waited for, as getrusage reports them),
and its peak resident set (KiB). SIGTERM, SIGINT and SIGHUP are passed on to the child, so a script
that stops "its server" by PID stops the real server, which then exits and is accounted for.
The side-by-side benchmark puts a shim that execs this script first on PATH (as rclone and node), so
the peer scripts run unchanged while each of their processes is measured exactly. Exits with the
child's exit status."""
import json
import os
import signal
import sys
import time


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: rusage.py PROGRAM [ARG...]\n")
        return 2
    argv = sys.argv[1:]
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda number, frame: os.kill(pid, number))
    _, status, usage = os.wait4(pid, 0)
    record = {
        "argv": argv,
        "wallSeconds": round(time.monotonic() - start, 4),
        "userSeconds": usage.ru_utime,
        "systemSeconds": usage.ru_stime,
        "maxRssKiB": usage.ru_maxrss,
        "exit": os.waitstatus_to_exitcode(status),
    }
    with open(os.environ["SIDEBYSIDE_RUSAGE_LOG"], "a", encoding="utf-8") as log:
        log.write(json.dumps(record) + "\n")
    code = os.waitstatus_to_exitcode(status)
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
