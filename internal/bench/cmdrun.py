#!/usr/bin/env python3
"""Wall time and peak RSS of commands, run N times each, alternating.

usage: cmdrun.py [-n N] -- NAME CMD... [--vs NAME CMD...]

Each command runs with its output discarded; wall time is measured around the
process, peak RSS is the child's ru_maxrss (os.wait4). Prints the median and
min per command and each median's ratio to the first command's (the reference,
measured in the same minutes, so load on the machine affects both alike).
"""
import os, statistics, subprocess, sys, time

def parse(argv):
    n = 15
    if argv[:1] == ["-n"]:
        n, argv = int(argv[1]), argv[2:]
    if argv[:1] != ["--"]:
        sys.exit(__doc__)
    cmds, cur = [], []
    for a in argv[1:]:
        if a == "--vs":
            cmds.append(cur); cur = []
        else:
            cur.append(a)
    cmds.append(cur)
    return n, [(c[0], c[1:]) for c in cmds]

def run_once(cmd):
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{cmd}: exit status {os.waitstatus_to_exitcode(status)}")
    return wall, ru.ru_maxrss  # KiB on Linux

def main():
    n, cmds = parse(sys.argv[1:])
    walls = {name: [] for name, _ in cmds}
    rss = {name: [] for name, _ in cmds}
    for _ in range(n):
        for name, cmd in cmds:
            w, r = run_once(cmd)
            walls[name].append(w); rss[name].append(r)
    ref = cmds[0][0]
    for name, _ in cmds:
        mw, mr = statistics.median(walls[name]), statistics.median(rss[name])
        print(f"{name:28s} wall median {mw*1000:7.1f} ms  min {min(walls[name])*1000:7.1f}  "
              f"peak RSS median {mr/1024:6.1f} MiB  max {max(rss[name])/1024:6.1f}  "
              f"time/{ref} {mw/statistics.median(walls[ref]):.2f}  RSS/{ref} {mr/statistics.median(rss[ref]):.2f}")

if __name__ == "__main__":
    main()
