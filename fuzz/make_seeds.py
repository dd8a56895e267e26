#!/usr/bin/env python3
"""Rebuilds the synthetic and repacked workbook seeds in fuzz/corpus/.

The seeds copied as they are from fixtures/ (terms, CSV files, the four
fixture workbooks) and the statement PDFs from `sla-ledger demo` are listed
in docs/fuzzing.md; this script adds what helps libFuzzer get inside a zip:

* every fixture xlsx/ods repacked with STORED (uncompressed) entries, so
  that mutations land in the XML instead of in deflate streams;
* a few small hand-written workbooks that use features the fixtures do not
  (shared strings, rich text, booleans, errors, formulas, ISO dates, number
  formats, repeated rows and columns, covered cells, spaces, ...);
* with --xls, the same small workbooks converted to .xls by LibreOffice
  (`soffice --headless --convert-to xls`), when soffice is installed;
* with --pdf DIR (the --out folder of `sla-ledger demo`), the pdf_verify
  seeds: three statement PDFs, one governance report, one manifest .p7s,
  and a small cut-down signed PDF (header, info dictionary, signature
  dictionary with the CMS, trailer; /ByteRange recomputed) so that most
  mutations land in the signature instead of in the font stream.

Run from the repository root:  python3 fuzz/make_seeds.py [--xls] [--pdf DIR]
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")

SKIP_PARTS = ("xl/theme/", "docProps/")


def repack_stored(src, dst):
    """The same zip with every entry STORED; themes and docProps left out."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            if info.filename.startswith(SKIP_PARTS):
                continue
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                # Drop the overrides of the parts left out.
                text = data.decode()
                for part in ("/xl/theme/theme1.xml", "/docProps/app.xml", "/docProps/core.xml"):
                    start = text.find('<Override PartName="%s"' % part)
                    if start >= 0:
                        end = text.find("/>", start) + 2
                        text = text[:start] + text[end:]
                data = text.encode()
            if info.filename == "xl/_rels/workbook.xml.rels":
                text = data.decode()
                start = text.find('<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"')
                if start >= 0:
                    end = text.find("/>", start) + 2
                    text = text[:start] + text[end:]
                data = text.encode()
            zout.writestr(zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0)), data)


def write_zip(dst, parts, compress):
    kind = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(dst, "w", kind) as z:
        for name, text in parts:
            # The ODF mimetype is first and never compressed.
            ct = zipfile.ZIP_STORED if name == "mimetype" else kind
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text.encode(), compress_type=ct)


NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)

WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="%s" xmlns:r="%s"><workbookPr date1904="false"/><sheets>'
    '<sheet name="outages" sheetId="1" r:id="rId1"/>'
    '<sheet name="Incidents" sheetId="2" state="hidden" r:id="rId2"/>'
    "</sheets></workbook>" % (NS_MAIN, NS_R)
)

WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
    '<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)

SHARED = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<sst xmlns="%s" count="9" uniqueCount="8">'
    "<si><t>service</t></si><si><t>start</t></si><si><t>end</t></si>"
    '<si><r><rPr><b/></rPr><t>imp</t></r><r><t xml:space="preserve">act</t></r></si>'
    "<si><t>compute</t></si><si><t>cause</t></si><si><t>customer &amp; &#233;&lt;x&gt;</t></si>"
    "<si><t/><rPh sb=\"0\" eb=\"1\"><t>ruby</t></rPh></si>"
    "</sst>" % NS_MAIN
)

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="%s"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="[h]:mm;@&quot;text&quot;"/></numFmts>'
    '<cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="22" applyNumberFormat="1"/>'
    '<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs>'
    "</styleSheet>" % NS_MAIN
)

SHEET1 = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="%s"><dimension ref="A1:F5"/><sheetData>'
    '<row r="1" spans="1:6"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>5</v></c>'
    '<c r="F1" t="inlineStr"><is><t>ref</t></is></c></row>'
    '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" s="1"><v>46300.375</v></c>'
    '<c r="C2" s="2"><v>46300.4375</v></c><c r="D2"><v>1E-1</v></c><c r="E2" t="s"><v>6</v></c>'
    '<c r="F2" t="str"><f>"X"&amp;1</f><v>X1</v></c></row>'
    '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="d"><v>2026-10-07T08:00:00</v></c>'
    '<c r="C3" t="d"><v>2026-10-07T08:30:00.500Z</v></c><c r="D3" t="b"><v>1</v></c>'
    '<c r="E3" t="e"><v>#N/A</v></c><c r="F3" s="3"><v>-0.5</v></c></row>'
    '<row><c t="s"><v>4</v></c><c s="4"><v>2958465</v></c><c><v>60</v></c><c t="n"/></row>'
    '<row r="5"><c r="AA5" t="inlineStr"><is><r><t>rich</t></r></is></c></row>'
    "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A5:B5\"/></mergeCells></worksheet>" % NS_MAIN
)

SHEET2 = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="%s"><dimension ref="B2"/><sheetData>'
    '<row r="2"><c r="B2" t="inlineStr"><is><t>incident</t></is></c><c r="C2" t="inlineStr"><is><t>service</t></is></c>'
    '<c r="D2" t="inlineStr"><is><t>severity</t></is></c><c r="E2" t="inlineStr"><is><t>at</t></is></c>'
    '<c r="F2" t="inlineStr"><is><t>status</t></is></c></row>'
    '<row r="3"><c r="B3" t="inlineStr"><is><t>INC-1</t></is></c><c r="C3" t="inlineStr"><is><t>compute</t></is></c>'
    '<c r="D3" t="inlineStr"><is><t>P1</t></is></c><c r="E3" t="inlineStr"><is><t>2026-10-07 08:00</t></is></c>'
    '<c r="F3" t="inlineStr"><is><t>opened</t></is></c></row>'
    "</sheetData></worksheet>" % NS_MAIN
)

XLSX_PARTS = [
    ("[Content_Types].xml", CONTENT_TYPES),
    ("_rels/.rels", ROOT_RELS),
    ("xl/workbook.xml", WORKBOOK),
    ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ("xl/sharedStrings.xml", SHARED),
    ("xl/styles.xml", STYLES),
    ("xl/worksheets/sheet1.xml", SHEET1),
    ("xl/worksheets/sheet2.xml", SHEET2),
]

ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'office:version="1.2"'
)

ODS_CONTENT = (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document-content %s><office:body><office:spreadsheet>"
    '<table:table table:name="Outages">'
    '<table:table-column table:number-columns-repeated="6"/>'
    "<table:table-header-rows><table:table-row>"
    '<table:table-cell office:value-type="string"><text:p>service</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>st<text:span>art</text:span></text:p></table:table-cell>'
    '<table:table-cell><text:p>end</text:p></table:table-cell>'
    '<table:table-cell table:number-columns-repeated="2"/>'
    '<table:table-cell office:value-type="string"><text:p>impact</text:p></table:table-cell>'
    "</table:table-row></table:table-header-rows>"
    '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    "<table:table-row-group><table:table-row>"
    '<table:table-cell office:value-type="string"><text:p>compute</text:p></table:table-cell>'
    '<table:table-cell office:value-type="date" office:date-value="2026-10-25T00:30:00.25"><text:p>x</text:p></table:table-cell>'
    '<table:table-cell office:value-type="date" office:date-value="2026-10-26"/>'
    '<table:table-cell table:number-columns-spanned="2" office:value-type="boolean" office:boolean-value="true"/>'
    '<table:covered-table-cell/>'
    '<table:table-cell office:value-type="percentage" office:value="0.25"><text:p>25%%</text:p></table:table-cell>'
    "</table:table-row><table:table-row>"
    '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p><text:p>second</text:p></table:table-cell>'
    '<table:table-cell office:value-type="time" office:time-value="PT12H30M00S"/>'
    '<table:table-cell office:value-type="currency" office:currency="USD" office:value="-1.5E2"/>'
    '<table:table-cell office:value-type="float" office:value="46300.375"><office:annotation><text:p>note</text:p></office:annotation></table:table-cell>'
    '<table:table-cell office:string-value="override"><text:p>shown</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string"><text:p>&amp;&lt;&#x1F600;</text:p></table:table-cell>'
    "</table:table-row></table:table-row-group>"
    '<table:table-row table:number-rows-repeated="1048000"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    "</table:table>"
    '<table:table table:name="incidents"><table:table-row>'
    '<table:table-cell office:value-type="string"><text:p>incident</text:p></table:table-cell>'
    '<table:table-cell office:value-type="string" table:number-columns-repeated="2"><text:p>service</text:p></table:table-cell>'
    "</table:table-row></table:table>"
    "</office:spreadsheet></office:body></office:document-content>" % ODS_NS
)

ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)

ODS_PARTS = [
    ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
    ("content.xml", ODS_CONTENT),
    ("META-INF/manifest.xml", ODS_MANIFEST),
]


def cut_signed_pdf(pdf):
    """A small PDF holding the info dictionary and the signature of `pdf`."""
    k = pdf.rfind(b"/SlaLedgerStatement")
    a = pdf.rfind(b"\n", 0, pdf.rfind(b" 0 obj", 0, k)) + 1
    info = pdf[a:pdf.find(b"endobj", k) + 7]
    br = pdf.rfind(b"/ByteRange")
    s0 = pdf.rfind(b"\n", 0, pdf.rfind(b" 0 obj", 0, br)) + 1
    lt = pdf.find(b"<", br)
    gt = pdf.find(b">", lt)
    hexd = pdf[lt + 1:gt]
    der = bytes.fromhex(hexd.decode())
    n = der[1]
    length = 2 + n if n < 0x80 else 2 + (n & 0x7F) + int.from_bytes(der[2:2 + (n & 0x7F)], "big")
    contents = b"<" + der[:length].hex().upper().encode() + b"0" * 64 + b">"
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + info + pdf[s0:br]
    tail = pdf[gt + 1:]
    def before(l1, o2, l2):
        return head + b"/ByteRange [0 %-10d %-10d %-10d] /Contents " % (l1, o2, l2)
    l1 = len(before(0, 0, 0))
    o2 = l1 + len(contents)
    total = o2 + len(tail)
    out = before(l1, o2, total - o2) + contents + tail
    assert len(out) == total
    return out


def pdf_seeds(demo):
    out = os.path.join(CORPUS, "pdf_verify")
    os.makedirs(out, exist_ok=True)
    statements = os.path.join(demo, "statements")
    pdfs = sorted((os.path.getsize(os.path.join(statements, f)), f)
                  for f in os.listdir(statements) if f.endswith(".pdf"))
    for _, f in pdfs[:3]:
        shutil.copy(os.path.join(statements, f), os.path.join(out, "statement-" + f))
    reports = os.path.join(demo, "governance", "reports")
    report = sorted(f for f in os.listdir(reports) if f.endswith(".pdf"))[0]
    shutil.copy(os.path.join(reports, report), os.path.join(out, "report-" + report))
    p7s = sorted(f for f in os.listdir(statements) if f.endswith(".p7s"))[0]
    shutil.copy(os.path.join(statements, p7s), os.path.join(out, "manifest-" + p7s))
    with open(os.path.join(statements, pdfs[0][1]), "rb") as f:
        small = cut_signed_pdf(f.read())
    with open(os.path.join(out, "cut-signed-statement.pdf"), "wb") as f:
        f.write(small)


def backup_seeds():
    """Small backup archives in the shape `library backup` writes (issue 18):
    a stand-in database and document, a manifest that lists them with their
    hashes, and its checksum; one whole, one with a member the manifest does
    not list. Headers as ours: ustar, mode 0644, owner 0, time 0."""
    import hashlib, io, json, tarfile
    doc = b"Schedule B: the Service will be available 99.95% of each month.\n"
    db = b"SQLite format 3\x00" + bytes(84)
    sha = hashlib.sha256(doc).hexdigest()
    members = [("library.sqlite3", db), ("documents/" + sha, doc)]

    def archive(members, listed):
        manifest = {
            "format": "sla-ledger-backup/1", "library_id": "seed", "source": "/seed",
            "created_at": "2026-12-03T12:00:00Z", "created_by": "seed", "schema_version": 8,
            "audit_entries": 0, "head_hash": "", "content_sha256": "0" * 64, "documents": 1,
            "members": [{"path": p, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                        for p, b in listed],
        }
        js = json.dumps(manifest, indent=2).encode()
        out = io.BytesIO()
        with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
            for name, data in members + [("MANIFEST.json", js),
                                         ("MANIFEST.sha256", (hashlib.sha256(js).hexdigest() + "\n").encode())]:
                info = tarfile.TarInfo("sla-ledger-backup/" + name)
                info.size, info.mode, info.mtime = len(data), 0o644, 0
                t.addfile(info, io.BytesIO(data))
        return out.getvalue()

    d = os.path.join(CORPUS, "backup_archive")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "whole.slabackup"), "wb") as f:
        f.write(archive(members, members))
    with open(os.path.join(d, "unlisted-member.slabackup"), "wb") as f:
        f.write(archive(members, members[:1]))


def key_file_seeds():
    """library.key as `library create --encrypted` writes it (issue 18):
    one whole, one asking for more memory than a key file may."""
    good = {
        "format": "sla-ledger-key/1",
        "key_id": "72cfdeb0d7352321f4b6fa272bd8060d",
        "kdf": {"alg": "argon2id", "m_kib": 65536, "t": 3, "p": 1,
                "salt": "f83c29a4175cc24a029d1b957660d517"},
        "wrap": {"alg": "aes-256-gcm", "nonce": "43e38584dc2983169d3fa297",
                 "ciphertext": "b9" * 80},
    }
    greedy = json.loads(json.dumps(good))
    greedy["kdf"]["m_kib"] = 4000000000
    d = os.path.join(CORPUS, "key_file")
    os.makedirs(d, exist_ok=True)
    for name, kf in (("whole.key", good), ("greedy.key", greedy)):
        with open(os.path.join(d, name), "w") as f:
            f.write(json.dumps(kf, indent=2))


def main():
    backup_seeds()
    key_file_seeds()
    want_xls = "--xls" in sys.argv[1:]
    if "--pdf" in sys.argv[1:]:
        pdf_seeds(sys.argv[sys.argv.index("--pdf") + 1])
    fx = os.path.join(ROOT, "fixtures", "cases")
    repack_stored(os.path.join(fx, "workbook-xlsx-new-york", "events.xlsx"),
                  os.path.join(CORPUS, "xlsx", "workbook-xlsx-new-york-stored.xlsx"))
    repack_stored(os.path.join(fx, "bad-rows-workbook-xlsx", "events.xlsx"),
                  os.path.join(CORPUS, "xlsx", "bad-rows-workbook-xlsx-stored.xlsx"))
    repack_stored(os.path.join(fx, "workbook-ods-london", "events.ods"),
                  os.path.join(CORPUS, "ods", "workbook-ods-london-stored.ods"))
    write_zip(os.path.join(CORPUS, "xlsx", "synthetic-features-stored.xlsx"), XLSX_PARTS, False)
    write_zip(os.path.join(CORPUS, "xlsx", "synthetic-features.xlsx"), XLSX_PARTS, True)
    write_zip(os.path.join(CORPUS, "ods", "synthetic-features-stored.ods"), ODS_PARTS, False)
    write_zip(os.path.join(CORPUS, "ods", "synthetic-features.ods"), ODS_PARTS, True)
    if want_xls:
        soffice = shutil.which("soffice")
        if not soffice:
            sys.exit("--xls needs LibreOffice (soffice)")
        with tempfile.TemporaryDirectory() as tmp:
            for src in [os.path.join(CORPUS, "xlsx", "synthetic-features.xlsx"),
                        os.path.join(CORPUS, "ods", "synthetic-features.ods"),
                        os.path.join(fx, "workbook-ods-london", "events.ods")]:
                stem, ext = os.path.splitext(os.path.basename(src))
                if stem == "events":
                    stem = "workbook-ods-london"
                name = stem + "-from-" + ext[1:]
                staged = os.path.join(tmp, name + ext)
                shutil.copy(src, staged)
                subprocess.run([soffice, "--headless", "-env:UserInstallation=file://" + tmp + "/profile",
                                "--convert-to", "xls", "--outdir", tmp, staged],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                shutil.copy(os.path.join(tmp, name + ".xls"),
                            os.path.join(CORPUS, "xls", "soffice-" + name + ".xls"))


if __name__ == "__main__":
    main()
