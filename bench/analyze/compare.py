#!/usr/bin/env python3
"""bench/analyze/compare.py QUERIES OBSERVA_DIR PEER=ANSWERS... - every peer's
answer to each query of queries.txt compared with observa's, cell by cell.

OBSERVA_DIR holds NAME.csv per query ("observa analyze --records --format
csv": the dimensions' codes, then the count); each ANSWERS file one JSON line
per query ({"q": name, "rows": [[code, ..., count], ...]}, sqlite.py and
duckdb.mjs). A cell is its labels (a missing value, NULL, is the analyser's
"unknown"; numbers as text) and its count; cells of count 0 are left out on
both sides (SQL has no empty groups), both sides sorted alike. Prints one
line per query and peer: "NAME PEER equal CELLS" or "NAME PEER differs
N/CELLS: ..." with the first differing cells (observa's count, then the
peer's; "-" where a side has no such cell)."""
import csv, json, os, re, sys


def label(v):
    if v is None:
        return 'unknown'
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def sort_key(cell):
    # numbers as numbers, so that 2 sorts before 10 on both sides
    return tuple((0, int(x), '') if re.fullmatch(r'-?\d+', x) else (1, 0, x) for x in cell)


def observa_cells(path):
    cells = {}
    with open(path, newline='', encoding='utf-8') as f:
        rd = csv.reader(f)
        head = next(rd)
        k = head.index('records') if 'records' in head else head.index('count')
        for row in rd:
            key = tuple(label(x) for x in row[:k])
            # the margins, when the CSV carries them, are not cells
            if any(x in ('total', 'Total') for x in key):
                continue
            n = int(row[k])
            if n:
                cells[key] = cells.get(key, 0) + n
    return cells


def peer_cells(rows):
    cells = {}
    for row in rows:
        key = tuple(label(x) for x in row[:-1])
        n = int(float(row[-1])) if row[-1] is not None else 0
        if n:
            cells[key] = cells.get(key, 0) + n
    return cells


def main():
    queries, obs_dir, peers = sys.argv[1], sys.argv[2], sys.argv[3:]
    names = [l.split('|', 1)[0] for l in open(queries, encoding='utf-8')
             if l.strip() and not l.startswith('#')]
    answers = {}
    for p in peers:
        peer, path = p.split('=', 1)
        answers[peer] = {}
        for line in open(path, encoding='utf-8'):
            if line.strip():
                a = json.loads(line)
                answers[peer][a['q']] = a['rows']
    for q in names:
        obs = observa_cells(os.path.join(obs_dir, q + '.csv'))
        for peer in answers:
            if q not in answers[peer]:
                print(f'{q} {peer} missing')
                continue
            other = peer_cells(answers[peer][q])
            keys = sorted(set(obs) | set(other), key=sort_key)
            diff = [k for k in keys if obs.get(k) != other.get(k)]
            if not diff:
                print(f'{q} {peer} equal {len(keys)}')
                continue
            shown = '; '.join(f"{','.join(k)}: {obs.get(k, '-')} vs {other.get(k, '-')}"
                              for k in diff[:3])
            print(f'{q} {peer} differs {len(diff)}/{len(keys)}: {shown}')


main()
