#!/usr/bin/env python3
"""bench/analyze/sqlite.py DB QUERIES RUNS - median milliseconds of each
query of queries.txt on the denormalised SQLite table, timed in process,
rows fetched. Prints: name ms rows."""
import sqlite3, sys, time

db, queries, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
con = sqlite3.connect(db)
for line in open(queries, encoding='utf-8'):
    if not line.strip() or line.startswith('#'):
        continue
    name, _, _, _, sql = line.rstrip('\n').split('|', 4)
    times, rows = [], 0
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = len(con.execute(sql).fetchall())
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f'{name} {times[len(times) // 2]:.3f} {rows}', flush=True)
