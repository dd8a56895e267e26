//! What the importer agrees to read. Every file is checked against these
//! before anything is allocated from what the file declares (dimensions,
//! sizes, counts, repeats), and again on what it really holds, so a hostile
//! file is refused quickly and in bounded memory, with the file, sheet and
//! cell named in the message.
//!
//! The numbers are generous for real evidence (a million outage rows is far
//! beyond any contract month) and small enough that the largest file
//! accepted still fits comfortably in memory: what a file may keep is one
//! budget, [`MAX_KEPT_BYTES_PER_FILE`], whatever its rows and columns.

/// Data rows one sheet may hold (the header is one more row). A workbook
/// cell, declared dimension or repeated row below row
/// [`MAX_ROW_NUMBER`] is refused; a CSV with more records is refused.
pub const MAX_ROWS_PER_SHEET: usize = 2_000_000;

/// The largest row number (1-based, as a spreadsheet shows it) a sheet may
/// use: a header and [`MAX_ROWS_PER_SHEET`] data rows.
pub const MAX_ROW_NUMBER: u64 = MAX_ROWS_PER_SHEET as u64 + 1;

/// Columns one sheet may use (column ALL is the last). Event sheets have at
/// most seven columns; exports from ticket systems have a few dozen.
pub const MAX_COLUMNS: u64 = 1_000;

/// Characters one cell may hold: Excel's own limit, for every format,
/// including a CSV field.
pub const MAX_CELL_CHARS: usize = 32_767;

/// Bytes one CSV record may take (a record may span lines inside quotes).
/// 1,000 fields of 1 KiB each, or one field at the cell limit, fit easily.
pub const MAX_CSV_RECORD_BYTES: usize = 1 << 20;

/// Size of a CSV file, checked before it is read (a million outage rows
/// are about 80 MB).
pub const MAX_CSV_FILE_BYTES: u64 = 512 << 20;

/// Size of a workbook file (xlsx, ods, xls). A BIFF8 `.xls` cannot hold more
/// than 65,536 rows, and an xlsx of two million rows compresses to well
/// under this.
pub const MAX_WORKBOOK_FILE_BYTES: u64 = 256 << 20;

/// Entries in a workbook's zip container. A real xlsx or ods has a few
/// dozen (one per sheet, style, image, ...).
pub const MAX_ZIP_ENTRIES: u64 = 10_000;

/// Total uncompressed size that the entries of a workbook's zip container
/// may declare, and that may really come out of them.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 2 << 30;

/// The highest compression ratio (uncompressed : compressed) one zip entry
/// may have once it is larger than [`RATIO_FREE_BYTES`]. Spreadsheet XML
/// compresses 5 to 30 times; a zip bomb about 1,000 times.
pub const MAX_COMPRESSION_RATIO: u64 = 100;

/// Zip entries up to this uncompressed size are not held to
/// [`MAX_COMPRESSION_RATIO`]: small XML parts (empty styles, repeated
/// blank rows) compress very well and are harmless.
pub const RATIO_FREE_BYTES: u64 = 1 << 20;

/// The longest run of XML between two markup delimiters (`<` and `>`): a
/// text node or one tag with its attributes. A cell at the character limit
/// with every character escaped is about 230 KB, so nothing real comes near;
/// the XML parser therefore never buffers more than this.
pub const MAX_XML_RUN_BYTES: u64 = 1 << 20;

/// Memory one file's contents may take once read: every cell kept (32
/// bytes each, counting a row's empty cells up to its last value), every
/// row (64 bytes), and every piece of text as the allocator holds it (at
/// least 32 bytes), shared strings and names included. Charged before
/// anything is kept, so memory stays bounded whatever the file declares or
/// holds, a file refused for it included (measured: 519 MB peak for a CSV
/// refused at this limit). About one million rows of the seven outage
/// columns fit, or two million rows of three short ones.
pub const MAX_KEPT_BYTES_PER_FILE: u64 = 512 << 20;

/// Size of a JSON export read by a preset, checked before it is read. The
/// whole document is parsed into memory (about ten times its size at
/// worst), and vendors' exports are small: Statuspage returns 50 incidents,
/// PagerDuty and Datadog pages at most a few hundred; a year of incidents
/// with every log entry is a few MB.
pub const MAX_JSON_FILE_BYTES: u64 = 32 << 20;

/// Size of an iCalendar (`.ics`) file, checked before it is read. A
/// holiday feed for decades of public holidays is under 1 MB.
pub const MAX_ICS_FILE_BYTES: u64 = 4 << 20;

/// Sheets in one workbook.
pub const MAX_SHEETS: u64 = 1_000;

/// Dates that a date-time cell (or a serial number formatted as a date) may
/// hold: anything outside is a row error, never a panic. Contracts and their
/// evidence live well inside these years.
pub const MIN_YEAR: i32 = 1900;
/// See [`MIN_YEAR`].
pub const MAX_YEAR: i32 = 2199;

/// `1234567` as `1,234,567`, for messages.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Column number (1-based) to letters: 1 is `A`, 16,384 is `XFD`.
pub(crate) fn column_name(mut col: u64) -> String {
    let mut letters = Vec::new();
    while col > 0 {
        let rem = (col - 1) % 26;
        letters.push(b'A' + rem as u8);
        col = (col - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// An A1 reference from a 1-based row and column.
pub(crate) fn cell_ref(row: u64, col: u64) -> String {
    format!("{}{row}", column_name(col))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_references_print_as_people_read_them() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(2_000_001), "2,000,001");
        assert_eq!(cell_ref(1, 1), "A1");
        assert_eq!(cell_ref(1_048_576, 16_384), "XFD1048576");
        assert_eq!(column_name(1_000), "ALL");
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
    }
}
