#!/usr/bin/env python3
# client.py HOST PORT N PATH... - server time of each page: N GET requests
# one after the other over one keep-alive HTTP/1.1 connection (after one
# request to warm the connection), each timed from sending the request to
# reading the last byte of the answer (time.perf_counter, on the client:
# loopback and this client's parsing are included, the same for the floor).
# Prints "PATH p50_ms p99_ms status bytes" per path. With COLD_OUT=FILE, the
# time of each path's first request (the one before the N: on observa, the
# page rendered anew, before its page cache holds it) goes to FILE as
# "PATH cold_ms". Used by bench/portal/run.
import http.client
import os
import sys
import time


def pct(v, p):
    v = sorted(v)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def main():
    host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    con = http.client.HTTPConnection(host, port, timeout=120)
    con.connect()
    cold_out = open(os.environ["COLD_OUT"], "w") if os.environ.get("COLD_OUT") else None
    for path in sys.argv[4:]:
        times = []
        status = size = 0
        for i in range(n + 1):
            t0 = time.perf_counter()
            con.request("GET", path, headers={"Accept-Encoding": "identity"})
            r = con.getresponse()
            body = r.read()
            t = time.perf_counter() - t0
            status, size = r.status, len(body)
            if r.getheader("Connection", "").lower() == "close":
                con.close()
                con = http.client.HTTPConnection(host, port, timeout=120)
            if i:
                times.append(t * 1000)
            elif cold_out:
                print(f"{path} {t * 1000:.3f}", file=cold_out)
        print(f"{path} {pct(times, 50):.3f} {pct(times, 99):.3f} {status} {size}")
        sys.stdout.flush()
    if cold_out:
        cold_out.close()


main()
