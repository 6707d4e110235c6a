#!/usr/bin/env python3
"""xlsx_csv.py - a release's tables.xlsx read back with Python's own zipfile
and XML parser (nothing of the program that wrote it) and compared cell by
cell with the release's CSV files.

    xlsx_csv.py RELEASE_DIR SHEET_ROWS

SHEET_ROWS is the most data rows a sheet may hold (the release's
--sheet-rows, or 1048575). Checks: every table's rows are in its sheets, in
order, "<table>" when they fit and "<table> (1)", "<table> (2)"... when they
do not, every part full but the last; each sheet has the CSV's header (in
bold, frozen, with column widths) and, row by row, the CSV's cells under the
same column names (the same text, the same empty cells, the same C and M);
a last sheet "notes"; no sheet past Excel's 1,048,576 rows. Prints one line
per table: its rows, sheets and suppressed cells.
"""
import csv
import re
import sys
import os
import xml.etree.ElementTree as ET
import zipfile

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
EXCEL_ROWS = 1048576
TABLES = ["indicators", "counts_iccs", "violent_deaths", "completeness", "survey_indicators",
          "dark_figure"]
# tables a release has only when it has their data (missing persons: a
# release with reports in its years), after the others when present
OPTIONAL = ["missing_persons"]


def fail(msg):
    print("xlsx_csv: " + msg, file=sys.stderr)
    sys.exit(1)


COLUMNS = {}


def col_index(ref):
    """The column of a cell reference ("C12": 2). A sheet names the same few
    columns on every row: each is worked out once."""
    letters = ref.rstrip("0123456789")
    n = COLUMNS.get(letters)
    if n is None:
        if not re.fullmatch(r"[A-Z]+", letters):
            fail(f"cell reference {ref}")
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - ord("A") + 1
        n -= 1
        COLUMNS[letters] = n
    return n


def sheet_rows(z, part):
    """Yield (row number, {column index: (text, is_number, style)}) of a sheet."""
    with z.open(part) as f:
        for _, el in ET.iterparse(f):
            if el.tag != NS + "row":
                continue
            cells = {}
            for c in el.findall(NS + "c"):
                t = c.get("t")
                if t == "inlineStr":
                    text = "".join(x.text or "" for x in c.iter(NS + "t"))
                elif t in (None, "n"):
                    v = c.find(NS + "v")
                    text = v.text if v is not None else None
                else:
                    fail(f"{part}: cell {c.get('r')} of type {t}")
                if text is None:
                    continue
                cells[col_index(c.get("r"))] = (text, t in (None, "n"), c.get("s"))
            yield int(el.get("r")), cells
            el.clear()


def unguard(text):
    """A CSV text cell without the apostrophe that keeps a formula from
    running (io/csvw.h): a workbook's text cell never runs, so it has none."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def sheet_head(z, part):
    """The XML before sheetData: the frozen pane and the column widths."""
    with z.open(part) as f:
        head = f.read(1 << 16).decode("utf-8", "replace")
    return head[: head.find("<sheetData")]


def main():
    if len(sys.argv) != 3:
        fail("usage: xlsx_csv.py RELEASE_DIR SHEET_ROWS")
    rel, limit = sys.argv[1], int(sys.argv[2])
    z = zipfile.ZipFile(rel + "/tables.xlsx")
    if z.testzip() is not None:
        fail("a damaged zip entry")
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): "xl/" + r.get("Target") for r in rels}
    sheets = [(s.get("name"), target[s.get(RNS + "id")]) for s in wb.iter(NS + "sheet")]
    styles = z.read("xl/styles.xml").decode()
    if "<b/>" not in styles:
        fail("no bold font in styles.xml")
    if not sheets or sheets[-1][0] != "notes":
        fail(f"the last sheet is not notes: {[s[0] for s in sheets]}")
    names = [s[0] for s in sheets[:-1]]
    for name in names:
        if len(name) > 31:
            fail(f"sheet name longer than Excel's 31 characters: {name}")
    at = 0
    present = [t for t in OPTIONAL if os.path.exists(f"{rel}/{t}.csv")]
    for t in OPTIONAL:
        if t not in present and any(re.fullmatch(re.escape(t) + r"( \(\d+\))?", x) for x in names):
            fail(f"a sheet {t} without {t}.csv")
    for table in TABLES + present:
        parts = []
        while at < len(names) and re.fullmatch(re.escape(table) + r"( \(\d+\))?", names[at]):
            parts.append(sheets[at])
            at += 1
        if not parts:
            fail(f"no sheet for {table}: {names}")
        if len(parts) > 1:
            want = [f"{table} ({k + 1})" for k in range(len(parts))]
            if [p[0] for p in parts] != want:
                fail(f"{table}: sheets {[p[0] for p in parts]}, expected {want}")
        elif parts[0][0] != table:
            fail(f"{table}: a single sheet named {parts[0][0]}")
        with open(f"{rel}/{table}.csv", newline="", encoding="utf-8") as f:
            rd = csv.reader(f)
            header = next(rd)
            csv_rows = list(rd)
        # a release too large for one sheet must be split, never cut
        if len(csv_rows) > limit and len(parts) == 1:
            fail(f"{table}: {len(csv_rows)} rows in one sheet of {limit}")
        k = 0
        suppressed = 0
        for pi, (pname, part) in enumerate(parts):
            head = sheet_head(z, part)
            if 'state="frozen"' not in head or 'ySplit="1"' not in head:
                fail(f"{pname}: the header row is not frozen")
            if "<col " not in head:
                fail(f"{pname}: no column widths")
            cols = None
            n = 0
            for r, cells in sheet_rows(z, part):
                if r > EXCEL_ROWS:
                    fail(f"{pname}: row {r} past Excel's {EXCEL_ROWS}")
                if r == 1:
                    if any(s != "1" or num for _, num, s in cells.values()):
                        fail(f"{pname}: a header cell not bold text")
                    cols = [cells[i][0] for i in sorted(cells)]
                    if sorted(cols) != sorted(header) or len(cells) != len(header):
                        fail(f"{pname}: columns {cols}, the CSV's {header}")
                    pos = {i: header.index(cells[i][0]) for i in cells}
                    continue
                if cols is None or r != n + 2:
                    fail(f"{pname}: row {r} out of order")
                if k >= len(csv_rows):
                    fail(f"{pname}: more rows than {table}.csv")
                want = [unguard(w) for w in csv_rows[k]]
                got = [""] * len(header)
                for i, (text, num, _) in cells.items():
                    if i not in pos:
                        fail(f"{pname}: a cell beyond the header in row {r}")
                    got[pos[i]] = text
                if got != want:
                    diff = [(h, g, w) for h, g, w in zip(header, got, want) if g != w]
                    fail(f"{pname} row {r} ({table}.csv line {k + 2}): {diff}")
                if "status" in header and want[header.index("status")] == "C":
                    suppressed += 1
                n += 1
                k += 1
            if n > limit:
                fail(f"{pname}: {n} rows, more than {limit}")
            if pi < len(parts) - 1 and n != limit:
                fail(f"{pname}: {n} rows, a part before the last holds {limit}")
        if k != len(csv_rows):
            fail(f"{table}: the sheets hold {k} rows, {table}.csv {len(csv_rows)}")
        print(f"{table}: {k} rows in {len(parts)} sheet(s), {suppressed} suppressed (C)")
    if at != len(names):
        fail(f"sheets not of a table: {names[at:]}")


main()
