#!/usr/bin/env python3
"""CPU time to the first frame: like ttff.py, but reports the CPU time all threads of the
program used (from /proc/PID/task/*/schedstat) until MARKER showed, which a loaded machine
disturbs far less than the wall time. Alternating runs, medians.
usage: cpuframe.py [-n N] [--env K=V ...] -- MARKER CMD... [--vs MARKER CMD...]"""
import os, pty, re, select, signal, statistics, struct, sys, termios, fcntl, time, glob
ANSI = re.compile(rb'\x1b\[[0-9;?<>=$ ]*[ -/]*[@-~]|\x1b[\]P^_].*?(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78MDEHc]')
def cpu_ns(pid):
    t = 0
    for f in glob.glob(f'/proc/{pid}/task/*/schedstat'):
        try: t += int(open(f).read().split()[0])
        except (OSError, ValueError): pass
    return t
def one(marker, argv, env, timeout=10.0):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.update(env); os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
    t0 = time.perf_counter(); buf = b''; hit = None
    while time.perf_counter() - t0 < timeout:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try: chunk = os.read(fd, 65536)
            except OSError: break
            if not chunk: break
            buf += chunk
            if b'\x1b[6n' in chunk: os.write(fd, b'\x1b[1;1R')
            if marker.encode() in ANSI.sub(b'', buf):
                os.kill(pid, signal.SIGSTOP); hit = cpu_ns(pid) / 1e6; break
    os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); os.close(fd)
    return hit
a = sys.argv[1:]; n = 15; env = {'TERM': 'xterm-256color'}
while a and a[0] != '--':
    if a[0] == '-n': n = int(a[1]); a = a[2:]
    elif a[0] == '--env': k, v = a[1].split('=', 1); env[k] = v; a = a[2:]
    else: sys.exit(__doc__)
cmds = [[]]
for x in a[1:]:
    if x == '--vs': cmds.append([])
    else: cmds[-1].append(x)
times = [[] for _ in cmds]
for _ in range(n):
    for i, c in enumerate(cmds):
        t = one(c[0], c[1:], env); times[i].append(t if t is not None else float('nan'))
meds = []
for c, ts in zip(cmds, times):
    ok = [t for t in ts if t == t]; m = statistics.median(ok) if ok else float('nan'); meds.append(m)
    print(f"{' '.join(c[1:])[:60]:60s} CPU median {m:6.1f} ms  min {min(ok) if ok else float('nan'):6.1f}  misses {len(ts)-len(ok)}/{len(ts)}")
for i in range(1, len(cmds)): print(f"ratio cmd0/cmd{i}: {meds[0]/meds[i]:.2f}")
