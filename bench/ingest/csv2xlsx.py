#!/usr/bin/env python3
# csv2xlsx.py IN.csv OUT.xlsx [ENCODING] [DELIM] - the rows of a CSV written
# as a one-sheet .xlsx, the way a spreadsheet program saves a police export:
# every line a row (banner, header, data, footer), text as inline strings and
# whole numbers as numbers. Only the standard library (zipfile and escaping
# by hand), streamed: memory does not grow with the file.
import csv
import sys
import zipfile

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Homicidios" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def main():
    src, dst = sys.argv[1], sys.argv[2]
    enc = sys.argv[3] if len(sys.argv) > 3 else "cp1252"
    delim = sys.argv[4] if len(sys.argv) > 4 else ";"
    cols = [col_name(i) for i in range(64)]
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with open(src, newline="", encoding=enc) as f, \
                z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as out:
            out.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      b'<worksheet xmlns="http://schemas.openxmlformats.org/'
                      b'spreadsheetml/2006/main"><sheetData>')
            chunk = []
            for r, row in enumerate(csv.reader(f, delimiter=delim), start=1):
                cells = []
                for c, v in enumerate(row):
                    if not v:
                        continue
                    ref = "%s%d" % (cols[c], r)
                    if v.isdigit() and len(v) < 10 and (v == "0" or v[0] != "0"):
                        cells.append('<c r="%s"><v>%s</v></c>' % (ref, v))
                    else:
                        sp = ' xml:space="preserve"' if v != v.strip() else ""
                        cells.append('<c r="%s" t="inlineStr"><is><t%s>%s</t></is></c>'
                                     % (ref, sp, esc(v)))
                chunk.append('<row r="%d">%s</row>' % (r, "".join(cells)))
                if len(chunk) == 2000:
                    out.write("".join(chunk).encode("utf-8"))
                    chunk = []
            out.write("".join(chunk).encode("utf-8"))
            out.write(b"</sheetData></worksheet>")


if __name__ == "__main__":
    main()
