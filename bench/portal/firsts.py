#!/usr/bin/env python3
# firsts.py HOST PORT PID PATH... - the first request of each page, the one
# the portal renders (the pages the warmer does not prepare: admin-1 and
# admin-2 profiles, searches, analyser questions, maps with parameters).
# Each path is asked once, one after the other on one keep-alive HTTP/1.1
# connection, timed on the client from the request sent to the last byte
# read (wall). The server's own CPU (user + system, from /proc/PID/stat)
# is read before and after the whole batch: a per-request figure below the
# clock tick would mean nothing, the batch's total over its count does.
# Prints "PATH wall_ms status bytes" per path, then a summary line:
# "n N wall_ms min p50 p90 max cpu_ms total per_request". With SAVE=DIR,
# each body is written to DIR/<index>.html (to compare bytes with cmp).
# Used by bench/portal/firsts.
import http.client
import os
import sys
import time


def cpu_ms(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) * 1000.0 / tick


def pct(v, p):
    v = sorted(v)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def main():
    host, port, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    paths = sys.argv[4:]
    save = os.environ.get("SAVE")
    con = http.client.HTTPConnection(host, port, timeout=300)
    con.connect()
    walls = []
    c0 = cpu_ms(pid)
    for i, path in enumerate(paths):
        t0 = time.perf_counter()
        con.request("GET", path, headers={"Accept-Encoding": "identity"})
        r = con.getresponse()
        body = r.read()
        t = (time.perf_counter() - t0) * 1000
        walls.append(t)
        if save:
            with open(os.path.join(save, f"{i:03d}.html"), "wb") as f:
                f.write(body)
        if r.getheader("Connection", "").lower() == "close":
            con.close()
            con = http.client.HTTPConnection(host, port, timeout=300)
        print(f"{path} {t:.1f} {r.status} {len(body)}")
        sys.stdout.flush()
    c1 = cpu_ms(pid)
    n = len(walls)
    print(f"n {n} wall_ms {min(walls):.1f} {pct(walls, 50):.1f} {pct(walls, 90):.1f} "
          f"{max(walls):.1f} cpu_ms {c1 - c0:.0f} {(c1 - c0) / n:.1f}")


main()
