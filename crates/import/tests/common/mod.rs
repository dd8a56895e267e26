//! Builders for small test workbooks, written in memory: xlsx and ods
//! through the `zip` writer, hand-made zips (for declared sizes that lie),
//! and BIFF8 `.xls` workbooks through `cfb`.

#![allow(dead_code)]

use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A zip of `(name, contents)`, deflated.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

pub const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

pub const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

pub fn workbook_xml(sheet: &str, date1904: bool) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="{}"/><sheets><sheet name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
        if date1904 { "1" } else { "0" }
    )
}

pub const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// Styles: 0 general, 1 a built-in date (14), 2 a custom date-time, 3 a
/// duration (`[h]:mm`), 4 a custom number format, 5 a percentage.
pub const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/><numFmt numFmtId="165" formatCode="[h]:mm"/><numFmt numFmtId="166" formatCode="&quot;Y: &quot;0.00"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="166" applyNumberFormat="1"/><xf numFmtId="10" applyNumberFormat="1"><alignment horizontal="left"/></xf></cellXfs><dxfs count="1"><dxf><numFmt numFmtId="200" formatCode="yyyy"/></dxf></dxfs></styleSheet>"#;

/// The parts of an xlsx with one sheet named `sheet`.
pub fn xlsx_parts(
    sheet: &str,
    sheet_xml: &[u8],
    shared: &[u8],
    date1904: bool,
) -> Vec<(String, Vec<u8>)> {
    vec![
        (
            "[Content_Types].xml".into(),
            CONTENT_TYPES.as_bytes().to_vec(),
        ),
        ("_rels/.rels".into(), RELS.as_bytes().to_vec()),
        (
            "xl/workbook.xml".into(),
            workbook_xml(sheet, date1904).into_bytes(),
        ),
        (
            "xl/_rels/workbook.xml.rels".into(),
            WORKBOOK_RELS.as_bytes().to_vec(),
        ),
        ("xl/styles.xml".into(), STYLES.as_bytes().to_vec()),
        ("xl/sharedStrings.xml".into(), shared.to_vec()),
        ("xl/worksheets/sheet1.xml".into(), sheet_xml.to_vec()),
    ]
}

/// An xlsx with one sheet named `sheet`.
pub fn xlsx(sheet: &str, sheet_xml: &str, shared: &str) -> Vec<u8> {
    xlsx_with(sheet, sheet_xml, shared, false)
}

pub fn xlsx_with(sheet: &str, sheet_xml: &str, shared: &str, date1904: bool) -> Vec<u8> {
    let parts = xlsx_parts(sheet, sheet_xml.as_bytes(), shared.as_bytes(), date1904);
    let refs: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    zip(&refs)
}

pub fn sheet_xml(dimension: Option<&str>, rows: &str) -> String {
    let dim = dimension
        .map(|d| format!(r#"<dimension ref="{d}"/>"#))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{rows}</sheetData></worksheet>"#
    )
}

pub fn shared_xml(strings: &[&str]) -> String {
    let si: String = strings
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{n}" uniqueCount="{n}">{si}</sst>"#,
        n = strings.len()
    )
}

/// An inline-string cell.
pub fn istr(r: &str, s: &str) -> String {
    format!(r#"<c r="{r}" t="inlineStr"><is><t>{s}</t></is></c>"#)
}

/// An ods with one table of the given rows XML.
pub fn ods(table: &str, rows: &str) -> Vec<u8> {
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{table}">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut w = ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )
    .unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    w.start_file("META-INF/manifest.xml", opts).unwrap();
    w.write_all(manifest.as_bytes()).unwrap();
    w.start_file("content.xml", opts).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

/// One entry of a hand-made zip: the bytes as stored, and what the headers
/// declare about them.
pub struct RawEntry<'a> {
    pub name: &'a str,
    /// 0 stored, 8 deflated.
    pub method: u16,
    pub data: &'a [u8],
    pub crc: u32,
    pub declared_size: u32,
}

/// A zip written byte by byte, so its headers can say anything.
pub fn raw_zip(entries: &[RawEntry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            h.extend_from_slice(&20u16.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&e.method.to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            h.extend_from_slice(&0x21u16.to_le_bytes());
            h.extend_from_slice(&e.crc.to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.declared_size.to_le_bytes());
            h.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central {
                // Comment length, disk, internal and external attributes.
                h.extend_from_slice(&[0u8; 6]);
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(e.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(e.data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Raw deflate of `data`.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub fn crc(data: &[u8]) -> u32 {
    let mut c = flate2::Crc::new();
    c.update(data);
    c.sum()
}

/// A BIFF record.
pub fn rec(typ: u16, data: &[u8]) -> Vec<u8> {
    let mut r = Vec::new();
    r.extend_from_slice(&typ.to_le_bytes());
    r.extend_from_slice(&(data.len() as u16).to_le_bytes());
    r.extend_from_slice(data);
    r
}

/// `XLUnicodeString` with compressed (Latin-1) characters.
pub fn xl_string(s: &str) -> Vec<u8> {
    let mut d = (s.len() as u16).to_le_bytes().to_vec();
    d.push(0);
    d.extend_from_slice(s.as_bytes());
    d
}

/// A NUMBER cell.
pub fn number(row: u16, col: u16, xf: u16, v: f64) -> Vec<u8> {
    let mut d = Vec::new();
    for x in [row, col, xf] {
        d.extend_from_slice(&x.to_le_bytes());
    }
    d.extend_from_slice(&v.to_le_bytes());
    rec(0x0203, &d)
}

/// A LABELSST cell.
pub fn label_sst(row: u16, col: u16, i: u32) -> Vec<u8> {
    let mut d = Vec::new();
    for x in [row, col, 0] {
        d.extend_from_slice(&x.to_le_bytes());
    }
    d.extend_from_slice(&i.to_le_bytes());
    rec(0x00FD, &d)
}

/// An XF record whose number format is `ifmt`.
pub fn xf(ifmt: u16) -> Vec<u8> {
    let mut d = vec![0u8; 20];
    d[2..4].copy_from_slice(&ifmt.to_le_bytes());
    rec(0x00E0, &d)
}

/// A BIFF8 workbook with one sheet: globals (BOF, `globals`, BOUNDSHEET,
/// SST of `strings`, EOF) and the sheet's records between its BOF and EOF.
pub fn xls(sheet: &str, globals: &[u8], strings: &[&str], sheet_records: &[u8]) -> Vec<u8> {
    let mut sst = Vec::new();
    sst.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    sst.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    for s in strings {
        sst.extend(xl_string(s));
    }
    xls_raw(
        sheet,
        &[globals, &rec(0x00FC, &sst)].concat(),
        sheet_records,
    )
}

/// A BIFF8 workbook with one sheet: BOF, `globals`, BOUNDSHEET, EOF, and
/// the sheet's records between its BOF and EOF.
pub fn xls_raw(sheet: &str, globals: &[u8], sheet_records: &[u8]) -> Vec<u8> {
    let bof = |dt: u16| {
        let mut d = vec![0u8; 16];
        d[0..2].copy_from_slice(&0x0600u16.to_le_bytes());
        d[2..4].copy_from_slice(&dt.to_le_bytes());
        rec(0x0809, &d)
    };
    let boundsheet = |pos: u32| {
        let mut d = pos.to_le_bytes().to_vec();
        d.extend_from_slice(&[0, 0, sheet.len() as u8, 0]);
        d.extend_from_slice(sheet.as_bytes());
        rec(0x0085, &d)
    };
    let head_len = bof(5).len() + globals.len() + boundsheet(0).len() + rec(0x000A, &[]).len();
    let mut stream = bof(5);
    stream.extend(boundsheet(head_len as u32));
    stream.extend_from_slice(globals);
    stream.extend(rec(0x000A, &[]));
    stream.extend(bof(0x10));
    stream.extend_from_slice(sheet_records);
    stream.extend(rec(0x000A, &[]));
    // Pad to more than 4 KiB so the stream is a regular (not mini) stream,
    // as Excel writes it.
    if stream.len() < 4096 {
        let pad = 4096 - stream.len();
        stream.extend(rec(0x00FF, &vec![0u8; pad.min(8000)]));
    }
    // Version 3 (512-byte sectors), as Excel writes it.
    let mut comp =
        cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
    {
        let mut s = comp.create_stream("/Workbook").unwrap();
        s.write_all(&stream).unwrap();
    }
    comp.flush().unwrap();
    comp.into_inner().into_inner()
}

/// Runs `f`, printing how long it took (for the report; not asserted).
pub fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let r = f();
    eprintln!(
        "[timing] {label}: {:.1} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    r
}
