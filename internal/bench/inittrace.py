#!/usr/bin/env python3
"""Package initialisation of a Go program: runs `BIN version` N times (default 9) with
GODEBUG=inittrace=1 and prints the median time at which the last package init ended (main
starts then), the median sum of the init clocks, and the six most costly packages (median ms).
usage: inittrace.py BIN [N]"""
import subprocess, statistics, sys, collections, os
binp=sys.argv[1]; n=int(sys.argv[2]) if len(sys.argv)>2 else 9
per=collections.defaultdict(list); ends=[]; sums=[]
for _ in range(n):
    err=subprocess.run([binp,'version'],env=dict(os.environ,GODEBUG='inittrace=1'),capture_output=True,text=True).stderr
    end=0; s=0
    for l in err.splitlines():
        f=l.split()
        if not f or f[0]!='init': continue
        at=float(f[2].lstrip('@')); ms=float(f[4]); per[f[1]].append(ms); s+=ms
        end=max(end,at+ms)
    ends.append(end); sums.append(s)
print(f"{binp}: all inits done at {statistics.median(ends):.1f} ms (median of {n}); sum of init clocks {statistics.median(sums):.1f} ms")
top=sorted(per.items(), key=lambda kv: -statistics.median(kv[1]))[:6]
for k,v in top: print(f"  {k:45s} {statistics.median(v):6.2f} ms")
