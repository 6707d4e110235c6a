# submit.py - the client of bench/cases/submit: RATE reports a second for
# SECONDS through POST /api/v1/cases, scheduled at fixed times (open loop:
# a late answer does not slow the next request, and a request's latency
# counts from its scheduled time, so that waiting for a free connection
# counts too), from CONC connections; then the store's floor: the rows
# those reports wrote, written again by SQLite into a copy of the store
# taken before the run, one transaction a report, committed as the store
# commits a case (WAL, synchronous=NORMAL).
import http.client, json, queue, sqlite3, sys, threading, time

base, token, rate, secs, conc, floor_db = sys.argv[1:7]
rate, secs, conc = float(rate), float(secs), int(conc)
host, port = base.split("//")[1].split(":")
n = int(rate * secs)
cats = ["bullying", "harassment", "threats", "theft", "drugs", "extortion", "sexual_violence"]
jobs = queue.Queue()
lat, errors, lock = [], [], threading.Lock()
t0 = time.monotonic() + 0.5


def worker():
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    while True:
        j = jobs.get()
        if j is None:
            return
        i, due = j
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        body = json.dumps({"type": "salve", "values": {
            "school": f"CE-{(i * 7919) % 2000}", "category": cats[i % 7],
            "occurred_on": "2025-11-%02d" % (1 + i % 28)}})
        try:
            c.request("POST", "/api/v1/cases", body, {
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            r = c.getresponse()
            r.read()
            ok = r.status == 201
        except Exception as e:  # a broken connection: count it, open another
            ok = False
            c = http.client.HTTPConnection(host, int(port), timeout=30)
            r = e
        done = time.monotonic()
        with lock:
            lat.append(done - due)
            if not ok:
                errors.append(getattr(r, "status", repr(r)))


threads = [threading.Thread(target=worker) for _ in range(conc)]
for t in threads:
    t.start()
for i in range(n):
    jobs.put((i, t0 + i / rate))
for _ in threads:
    jobs.put(None)
for t in threads:
    t.join()
wall = time.monotonic() - t0
lat.sort()
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
held = n / wall
print(f"observa: {n} reports in {wall:.2f} s: {held:.1f} a second (asked {rate:g}), "
      f"p50 {q(0.50):.2f} ms, p99 {q(0.99):.2f} ms, worst {lat[-1] * 1000:.2f} ms, "
      f"{len(errors)} errors {sorted(set(map(str, errors)))[:5]}")
print(f"target: 100 a second with p99 under 50 ms: p99 / 50 ms = {q(0.99) / 50:.3f}; "
      f"{'met' if held >= 0.97 * rate and q(0.99) < 50 and not errors and rate >= 100 else 'NOT met'}")

# the store's floor: the same rows, written by SQLite, one transaction each
src = sqlite3.connect(floor_db.replace("floor.db", "obs/observa.db"))
dst = sqlite3.connect(floor_db, isolation_level=None)
dst.execute("PRAGMA journal_mode=WAL")
dst.execute("PRAGMA synchronous=NORMAL")  # as the store commits a case (WAL)
have = dst.execute("SELECT coalesce(max(id), 0) FROM case_file").fetchone()[0]
ids = [r[0] for r in src.execute("SELECT id FROM case_file WHERE id > ? ORDER BY id", (have,))]
tables = {}
for t, key in (("case_file", "id"), ("case_event", "case_id"), ("case_value", "case_id")):
    cols = [r[1] for r in src.execute(f"PRAGMA table_info({t})")]
    rows = {}
    for r in src.execute(f"SELECT {', '.join(cols)} FROM {t} WHERE {key} > ?", (have,)):
        rows.setdefault(r[cols.index(key)], []).append(r)
    tables[t] = (cols, rows)
acols = [r[1] for r in src.execute("PRAGMA table_info(audit)")]
audit = list(src.execute(f"SELECT {', '.join(acols)} FROM audit WHERE action = 'case.open' "
                         f"ORDER BY seq"))[-len(ids):] if ids else []
start = time.monotonic()
for k, cid in enumerate(ids):
    dst.execute("BEGIN IMMEDIATE")
    for t, (cols, rows) in tables.items():
        for r in rows.get(cid, []):
            dst.execute(f"INSERT INTO {t}({', '.join(cols)}) VALUES "
                        f"({', '.join('?' * len(cols))})", r)
    if k < len(audit):
        dst.execute(f"INSERT INTO audit({', '.join(acols)}) VALUES "
                    f"({', '.join('?' * len(acols))})", audit[k])
    dst.execute("COMMIT")
fl = time.monotonic() - start
if ids:
    per_obs = wall / n * 1000
    per_sql = fl / len(ids) * 1000
    print(f"sqlite3 (the store's floor): the same {len(ids)} reports' rows in {fl:.2f} s, "
          f"{per_sql:.2f} ms a report, one transaction each (WAL, synchronous=NORMAL, as the store)")
    print(f"observa p50 / sqlite3's time a report: {q(0.50) / per_sql:.2f}")
