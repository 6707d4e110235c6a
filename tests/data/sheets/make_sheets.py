#!/usr/bin/python3
# make_sheets.py - writes the spreadsheets of the tests (README.md says which
# and why): a police export as .xlsx, as .xls and as its "save as CSV" twin,
# and small workbooks for the reader's unit tests, each showing one feature
# or one hostile input. The .xlsx files are zips of XML written here by hand
# (stdlib only); the .xls is written with xlwt (Debian: python3-xlwt).
# Run from anywhere: python3 tests/data/sheets/make_sheets.py
import datetime
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
UNIT = os.path.join(HERE, "unit")
# every zip entry gets this time, so the files do not change between runs
STAMP = (2024, 1, 15, 0, 0, 0)

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def col_name(c):  # 1-based column -> letters
    s = ""
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def serial(d, t=None, date1904=False):
    """Excel's day number of date d (and time t) in the 1900 or 1904 system."""
    base = datetime.date(1904, 1, 1) if date1904 else datetime.date(1899, 12, 30)
    v = (d - base).days
    if t:
        v += (t.hour * 3600 + t.minute * 60 + t.second) / 86400
    return v


class Book:
    """A workbook: sheets of rows of cells, shared strings, number formats."""

    def __init__(self, date1904=False):
        self.sheets = []
        self.sst = []
        self.fmts = {}     # code -> id (custom, from 164)
        self.xfs = [0]     # numFmtId of each cell format; 0 is General
        self.date1904 = date1904

    def style(self, fmt):
        """The cell format index of a format code or built-in id."""
        if isinstance(fmt, int):
            fid = fmt
        else:
            fid = self.fmts.setdefault(fmt, 164 + len(self.fmts))
        if fid not in self.xfs:
            self.xfs.append(fid)
        return self.xfs.index(fid)

    def shared(self, s):
        if s not in self.sst:
            self.sst.append(s)
        return self.sst.index(s)

    def sheet(self, name, rows_xml):
        self.sheets.append((name, rows_xml))

    def cell(self, ref, v, fmt=None, kind=None):
        """One <c>: text as a shared string (kind 'inline': inline string),
        numbers with an optional format, booleans, errors ('e')."""
        s = ' s="%d"' % self.style(fmt) if fmt is not None else ""
        if kind == "inline":
            return '<c r="%s" t="inlineStr"%s><is><t xml:space="preserve">%s</t></is></c>' % (
                ref, s, esc(v))
        if kind == "e":
            return '<c r="%s" t="e"><v>%s</v></c>' % (ref, esc(v))
        if kind == "str":
            return '<c r="%s" t="str"><f>A1</f><v>%s</v></c>' % (ref, esc(v))
        if isinstance(v, bool):
            return '<c r="%s" t="b"%s><v>%d</v></c>' % (ref, s, v)
        if isinstance(v, str):
            return '<c r="%s" t="s"%s><v>%d</v></c>' % (ref, s, self.shared(v))
        return '<c r="%s"%s><v>%s</v></c>' % (ref, s, repr(v))

    def row(self, r, cells):
        """A <row> of (column, value[, fmt[, kind]]) tuples."""
        return '<row r="%d">%s</row>' % (r, "".join(
            self.cell(col_name(c[0]) + str(r), *c[1:]) for c in cells))

    def parts(self):
        p = {}
        p["[Content_Types].xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join('<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' % (i + 1)
                      for i in range(len(self.sheets)))
            + '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            '</Types>')
        p["_rels/.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>')
        p["xl/workbook.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook %s %s><workbookPr%s/><sheets>%s</sheets></workbook>' % (
                NS, RNS, ' date1904="1"' if self.date1904 else "",
                "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' % (esc(n), i + 1, i + 1)
                        for i, (n, _) in enumerate(self.sheets))))
        # the relationships list the sheets in reverse order: the reader must
        # follow them, not guess the part names
        p["xl/_rels/workbook.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1)
                      for i in reversed(range(len(self.sheets))))
            + '<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            '<Relationship Id="rId91" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
            '</Relationships>')
        for i, (name, rows) in enumerate(self.sheets):
            p["xl/worksheets/sheet%d.xml" % (i + 1)] = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet %s %s><sheetPr/><sheetData>%s</sheetData>'
                '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
                '</worksheet>' % (NS, RNS, "".join(rows)))
        p["xl/sharedStrings.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<sst %s count="%d" uniqueCount="%d">%s</sst>' % (
                NS, len(self.sst), len(self.sst),
                "".join('<si><t xml:space="preserve">%s</t></si>' % esc(s if s is not None else "None") for s in self.sst)))
        p["xl/styles.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<styleSheet %s><numFmts count="%d">%s</numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="%d">%s</cellXfs></styleSheet>' % (
                NS, len(self.fmts),
                "".join('<numFmt numFmtId="%d" formatCode="%s"/>' % (i, esc(c))
                        for c, i in self.fmts.items()),
                len(self.xfs),
                "".join('<xf numFmtId="%d" fontId="0" fillId="0" borderId="0" xfId="0"%s/>' % (
                    f, ' applyNumberFormat="1"' if f else "") for f in self.xfs)))
        return p

    def save(self, path, replace=None):
        parts = self.parts()
        for k, v in (replace or {}).items():
            parts[k] = v
        write_zip(path, parts)


def write_zip(path, parts):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data if isinstance(data, bytes) else data.encode("utf-8"))


# ---- the police export ------------------------------------------------------

HEADER = ["No. Caso", "Fecha del hecho", "Hora", "Municipio", "Departamento", "Delito",
          "Sexo", "Edad", "Arma", "Código unidad"]
CASES = [
    # case (text with zeros), date, time, municipality, department, sex, age, weapon, unit
    ("00012301", (2023, 1, 3), (22, 15), "San Salvador", "San Salvador", "Hombre", 24, "Arma de fuego", 61),
    ("00012302", (2023, 1, 17), (3, 40), "Soyapango", "San Salvador", "Hombre", 31, "Arma blanca", 614),
    ("00012303", (2023, 2, 5), (14, 0), "Santa Ana", "Santa Ana", "Mujer", 19, "Arma de fuego", 201),
    ("00012304", (2023, 3, 15), (9, 5), "San Salvador", "San Salvador", "Hombre", 45, "Arma de fuego", 61),
    ("00012305", (2023, 4, 30), (23, 59), "Soyapango", "San Salvador", "Mujer", 52, "Arma blanca", 614),
    ("00012306", (2023, 6, 1), (0, 30), "Santa Ana", "Santa Ana", "Hombre", 17, "Arma de fuego", 201),
    ("00012307", (2023, 7, 22), (18, 45), "San Salvador", "San Salvador", "Hombre", 38, "Arma de fuego", 61),
    ("00012308", (2023, 9, 9), (11, 11), "Soyapango", "San Salvador", "Hombre", 27, "Arma de fuego", 614),
    ("00012309", (2023, 10, 31), (20, 0), "Santa Ana", "Santa Ana", "Mujer", 64, "Arma blanca", 201),
    ("00012310", (2023, 12, 24), (23, 0), "San Salvador", "San Salvador", "Hombre", 22, "Arma de fuego", 61),
]
SECOND = [
    ("00020001", (2023, 2, 14), (21, 30), "San Salvador", "San Salvador", "Mujer", 29, "Arma blanca", 61),
    ("00020002", (2023, 8, 8), (7, 15), "Santa Ana", "Santa Ana", "Mujer", 41, "Arma de fuego", 201),
    ("00020003", (2023, 11, 2), (16, 50), "Soyapango", "San Salvador", "Mujer", 35, "Arma blanca", 614),
]
TITLE = "POLICÍA NACIONAL CIVIL — Homicidios 2023"
CUT = "Fecha de corte: 15/01/2024"


def police_xlsx(path):
    b = Book()
    for name, cases, title in (("Homicidios", CASES, TITLE),
                               ("Feminicidios", SECOND, "POLICÍA NACIONAL CIVIL — Feminicidios 2023")):
        rows = [b.row(1, [(1, title)]), b.row(2, [(1, CUT)]),
                # row 3 is left out, as Excel does with an empty row
                b.row(4, [(i + 1, h) for i, h in enumerate(HEADER)])]
        r = 5
        for k, (case, d, t, mun, dep, sex, age, arma, unit) in enumerate(cases):
            cells = [
                # the case number is text; every other one is an inline string
                (1, case, None, "inline" if k % 2 else None),
                (2, serial(datetime.date(*d)), "dd/mm/yyyy"),
                (3, serial(datetime.date(*d), datetime.time(*t)) % 1, "h:mm"),
                (4, mun), (5, dep), (6, "Homicidio"), (7, sex), (8, age), (9, arma),
                (10, unit, "0000"),
            ]
            rows.append(b.row(r, cells))
            r += 1
        rows.append(b.row(r + 1, [(1, "TOTAL"), (8, len(cases))]))
        b.sheet(name, rows)
    b.save(path)


def police_xls(path):
    import xlwt
    wb = xlwt.Workbook(encoding="utf-8")
    fdate = xlwt.easyxf(num_format_str="dd/mm/yyyy")
    ftime = xlwt.easyxf(num_format_str="h:mm")
    fcode = xlwt.easyxf(num_format_str="0000")
    for name, cases, title in (("Homicidios", CASES, TITLE),
                               ("Feminicidios", SECOND, "POLICÍA NACIONAL CIVIL — Feminicidios 2023")):
        ws = wb.add_sheet(name)
        ws.write(0, 0, title)
        ws.write(1, 0, CUT)
        for i, h in enumerate(HEADER):
            ws.write(3, i, h)
        r = 4
        for case, d, t, mun, dep, sex, age, arma, unit in cases:
            ws.write(r, 0, case)
            ws.write(r, 1, datetime.date(*d), fdate)
            ws.write(r, 2, datetime.time(*t), ftime)
            for c, v in ((3, mun), (4, dep), (5, "Homicidio"), (6, sex), (7, age), (8, arma)):
                ws.write(r, c, v)
            ws.write(r, 9, unit, fcode)
            r += 1
        ws.write(r + 1, 0, "TOTAL")
        ws.write(r + 1, 7, len(cases))
    wb.save(path)


def police_csv(path, cases, title):
    """What Excel (Spanish locale) writes with "Guardar como CSV": ';',
    Windows-1252, CRLF, every row as wide as the used range, cells as
    displayed."""
    n = len(HEADER)
    lines = [[title], [CUT], [], HEADER]
    for case, d, t, mun, dep, sex, age, arma, unit in cases:
        lines.append([case, "%02d/%02d/%04d" % (d[2], d[1], d[0]), "%d:%02d" % t, mun, dep,
                      "Homicidio", sex, str(age), arma, "%04d" % unit])
    lines.append([])
    lines.append(["TOTAL", "", "", "", "", "", "", str(len(cases))])
    with open(path, "wb") as f:
        for l in lines:
            f.write((";".join(l + [""] * (n - len(l))) + "\r\n").encode("cp1252"))


# ---- unit test workbooks ------------------------------------------------------

def formats_xlsx(path):
    """One row per case: A = what it shows, B = the cell."""
    b = Book()
    d = serial(datetime.date(2023, 3, 15))
    dt = serial(datetime.date(2023, 3, 15), datetime.time(14, 5, 9))
    cases = [
        (d, "dd/mm/yyyy"), (d, "m/d/yy"), (d, 14), (d, 15), (d, 16), (d, 17),
        (dt % 1, 18), (dt % 1, 19), (dt % 1, 20), (dt % 1, 21), (dt, 22),
        (dt, "yyyy-mm-dd hh:mm:ss"), (d, "dddd d mmmm yyyy"), (d, "[$-409]mmm d, yyyy;@"),
        (1.5 + 1 / 86400, 46), (dt % 1, 45), (0.25 + 1.5 / 86400, 47),
        (59, "yyyy-mm-dd"), (60, "yyyy-mm-dd"), (61, "yyyy-mm-dd"),
        (614, "00000000"), (3.14159, "0.00"), (1234567.891, "#,##0.00"), (-42, "0;(0)"),
        (0.256, "0%"), (7, '"Caso "0'),
        (0.1, None), (1.5e-07, None), (123456789012, None), (45000.0, None), (-3.25, None),
        (True, None), (False, None),
    ]
    rows = []
    for i, (v, f) in enumerate(cases):
        rows.append(b.row(i + 1, [(1, "case %d" % (i + 1), None, "inline"), (2, v, f)]))
    n = len(cases)
    rows.append(b.row(n + 1, [(1, "error"), (2, "#N/A", None, "e")]))
    rows.append(b.row(n + 2, [(1, "formula"), (2, "texto de fórmula", None, "str")]))
    rows.append(b.row(n + 3, [(1, "escape"), (2, "a_x000D_b_x005F_c_x", None, "inline")]))
    rows.append(b.row(n + 4, [(1, "spaces"), (2, "  dos espacios ", None, "inline")]))
    # a rich shared string with runs and a phonetic run that is not shown
    idx = len(b.sst)
    b.sst.append(None)
    rows.append('<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (n + 5, n + 5, idx))
    b.sheet("Formatos", rows)
    parts = b.parts()
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(
        '<si><t xml:space="preserve">None</t></si>',
        '<si><r><rPr><b/></rPr><t>Rico</t></r><r><t xml:space="preserve"> y simple</t></r>'
        '<rPh sb="0" eb="1"><t>フリ</t></rPh></si>')
    write_zip(path, parts)


def blank_xlsx(path):
    b = Book()
    rows = [
        b.row(1, [(1, "a"), (3, "c")]),            # B1 missing
        '<row r="3"/>',                            # an empty row element
        b.row(4, [(2, "")]),                       # a cell with an empty string
        '<row r="6"><c r="A6"/><c r="C6" s="0"/><c r="E6"><v>5</v></c><c r="F6"/></row>',
        '<row><c><v>7</v></c><c><v>8</v></c></row>',  # no r: the next row, A and B
    ]
    b.sheet("Huecos", rows)
    b.sheet("Segunda", [b.row(2, [(1, "segunda hoja")])])
    b.save(path)


def d1904_xlsx(path):
    b = Book(date1904=True)
    v = serial(datetime.date(2023, 3, 15), date1904=True)
    b.sheet("H1904", [b.row(1, [(1, v, "dd/mm/yyyy"), (2, 0, "yyyy-mm-dd")])])
    b.save(path)


def hostile(path_prefix):
    b = Book()
    b.sheet("S", [b.row(1, [(1, "x")])])
    base = b.parts()

    # a zip bomb: a sheet of 64 MiB of blanks compresses over a thousand to one
    bomb = dict(base)
    bomb["xl/worksheets/sheet1.xml"] = (base["xl/worksheets/sheet1.xml"].replace(
        "<sheetData>", "<sheetData>" + " " * (64 * 1024 * 1024)))
    write_zip(path_prefix + "bomb.xlsx", bomb)

    doc = dict(base)
    doc["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        '<worksheet %s><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is>'
        '</c></row></sheetData></worksheet>' % NS)
    write_zip(path_prefix + "doctype.xlsx", doc)

    wide = dict(base)
    wide["xl/worksheets/sheet1.xml"] = (
        '<worksheet %s><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="%s1"><v>2</v></c>'
        '</row></sheetData></worksheet>' % (NS, col_name(513)))
    write_zip(path_prefix + "wide.xlsx", wide)

    deep = dict(base)
    deep["xl/worksheets/sheet1.xml"] = (
        '<worksheet %s><sheetData><row r="1">%s%s</row></sheetData></worksheet>' % (
            NS, "<x>" * 100, "</x>" * 100))
    write_zip(path_prefix + "deep.xlsx", deep)

    unclosed = dict(base)
    unclosed["xl/worksheets/sheet1.xml"] = (
        '<worksheet %s><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2">'
        '<c r="A2"><v>2' % NS)
    write_zip(path_prefix + "unclosed.xlsx", unclosed)

    nobook = {"word/document.xml": "<document/>"}
    write_zip(path_prefix + "notbook.xlsx", nobook)

    # "PK\3\4" and nothing a zip reader can use
    with open(path_prefix + "corrupt.xlsx", "wb") as f:
        f.write(b"PK\x03\x04" + bytes(range(256)) * 4)

    # an .xlsx cut short: the central directory is gone
    with open(os.path.join(HERE, "police.xlsx"), "rb") as f:
        data = f.read()
    with open(path_prefix + "truncated.xlsx", "wb") as f:
        f.write(data[: len(data) // 2])

    # an encrypted Office file: an OLE2 compound file whose directory names
    # the stream "EncryptedPackage" (the header and one directory sector are
    # enough for the reader to tell; FreeXL refuses it as a workbook)
    hdr = bytearray(512)
    hdr[0:8] = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
    struct.pack_into("<HHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9)
    struct.pack_into("<H", hdr, 32, 6)
    struct.pack_into("<IIII", hdr, 44, 1, 1, 0, 4096)
    struct.pack_into("<IIII", hdr, 60, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    struct.pack_into("<I", hdr, 76, 0)
    for i in range(1, 109):
        struct.pack_into("<I", hdr, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * 512)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    dirs = bytearray(512)
    for k, (name, typ) in enumerate((("Root Entry", 5), ("EncryptedPackage", 2),
                                     ("EncryptionInfo", 2))):
        e = name.encode("utf-16-le") + b"\0\0"
        dirs[128 * k:128 * k + len(e)] = e
        struct.pack_into("<HB", dirs, 128 * k + 64, len(e), typ)
    with open(path_prefix + "encrypted.xlsx", "wb") as f:
        f.write(bytes(hdr) + bytes(fat) + bytes(dirs))


def encrypted_xls(src, dst):
    """police.xls with a FILEPASS record, as Excel 97-2003 saves a workbook
    with a password (XOR obfuscation): the first records of its Workbook
    stream, INTERFACEHDR, MMS and INTERFACEEND (16 bytes), become FILEPASS
    and MMS (16 bytes), so no sector or size changes. The stream starts at
    sector 0 and runs on in order (xlwt writes it so; checked below)."""
    import struct
    b = bytearray(open(src, "rb").read())
    at = 512 + 20  # sector 0, after BOF (4 + 16 bytes)
    if bytes(b[at:at + 16]) != bytes.fromhex("e1000200b004c10002000000e2000000"):
        raise SystemExit("police.xls: unexpected records after BOF")
    b[at:at + 16] = (struct.pack("<HHHHH", 0x2F, 6, 0, 0x1234, 0x5678) +
                     struct.pack("<HHH", 0xC1, 2, 0))
    with open(dst, "wb") as f:
        f.write(bytes(b))


if __name__ == "__main__":
    os.makedirs(UNIT, exist_ok=True)
    police_xlsx(os.path.join(HERE, "police.xlsx"))
    police_xls(os.path.join(HERE, "police.xls"))
    police_csv(os.path.join(HERE, "police.csv"), CASES, TITLE)
    police_csv(os.path.join(HERE, "police-feminicidios.csv"), SECOND,
               "POLICÍA NACIONAL CIVIL — Feminicidios 2023")
    formats_xlsx(os.path.join(UNIT, "formats.xlsx"))
    blank_xlsx(os.path.join(UNIT, "blank.xlsx"))
    d1904_xlsx(os.path.join(UNIT, "d1904.xlsx"))
    hostile(os.path.join(UNIT, ""))
    encrypted_xls(os.path.join(HERE, "police.xls"), os.path.join(UNIT, "encrypted.xls"))
