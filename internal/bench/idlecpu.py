#!/usr/bin/env python3
"""Idle CPU of a terminal program: start CMD in a 100x30 pseudo-terminal that answers nothing,
drain its output, and after 1.5 s report the CPU time it uses per second over IDLE seconds (default 10).
usage: [IDLE=8] idlecpu.py CMD..."""
import os, pty, sys, time, select, signal, fcntl, termios, struct
secs=float(os.environ.get('IDLE','10'))
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 30, 100, 0, 0))
def cpu():
    f=open(f'/proc/{pid}/stat').read().split(')')[1].split()
    return (int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK')
def drain(until):
    while time.time()<until:
        r,_,_=select.select([fd],[],[],0.05)
        if r:
            try: os.read(fd,65536)
            except OSError: return
drain(time.time()+1.5)
c0=cpu(); drain(time.time()+secs); c1=cpu()
print(f"{sys.argv[1]}: {(c1-c0)*1000/secs:.1f} ms CPU per s idle")
os.kill(pid, signal.SIGKILL); os.waitpid(pid,0)
