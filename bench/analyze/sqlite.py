#!/usr/bin/env python3
"""bench/analyze/sqlite.py DB QUERIES RUNS [ANSWERS] - median milliseconds of
each query of queries.txt on the denormalised SQLite table, timed in process,
rows fetched. Prints: name ms rows. With ANSWERS, writes each query's rows
there (one JSON line per query: {"q": name, "rows": [...]}) for
bench/analyze/compare.py."""
import json, sqlite3, sys, time

db, queries, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
answers = open(sys.argv[4], 'w', encoding='utf-8') if len(sys.argv) > 4 else None
con = sqlite3.connect(db)
for line in open(queries, encoding='utf-8'):
    if not line.strip() or line.startswith('#'):
        continue
    name, _, _, _, sql = line.rstrip('\n').split('|', 4)
    times, rows = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        rows = con.execute(sql).fetchall()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f'{name} {times[len(times) // 2]:.3f} {len(rows)}', flush=True)
    if answers:
        answers.write(json.dumps({'q': name, 'rows': rows}) + '\n')
