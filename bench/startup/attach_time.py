#!/usr/bin/env python3
"""Time from starting a loader to the line that says its programs are attached, median of ROUNDS.

usage: attach_time.py ROUNDS READY_TEXT -- COMMAND...
Prints the median in milliseconds. Each round starts the command, reads its stderr until a line contains
READY_TEXT, then stops it with SIGINT (Ctrl-C) and waits for it to exit, so the next round starts clean.
"""
import os, signal, statistics, subprocess, sys, time

rounds = int(sys.argv[1])
ready = sys.argv[2]
cmd = sys.argv[sys.argv.index("--") + 1:]
times = []
for _ in range(rounds):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr:
        if ready in line:
            times.append((time.monotonic() - t0) * 1000)
            break
    else:
        sys.exit(f"{cmd[0]} exited before printing {ready!r} (exit {p.wait()})")
    p.send_signal(signal.SIGINT)
    p.stderr.close()
    p.wait(timeout=30)
print(f"{statistics.median(times):.1f}")
