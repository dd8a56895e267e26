//! The backup archive's container (issue 18): a strict subset of POSIX
//! ustar. The writer makes regular files with names under 100 bytes,
//! deterministic headers (mode 0644, owner 0, time 0); the reader accepts
//! only that, checking each header's checksum and each declared size
//! before reading a byte of data, so a hostile archive cannot make it
//! allocate or read past what the caller allows. Standard `tar` lists and
//! extracts these archives; nothing here ever extracts to a path taken
//! from the archive (the caller maps each name to its own place).
//!
//! No GNU or pax extensions (long names, sparse files, links): our names
//! are at most 92 bytes, and an archive that uses them is not ours.

use std::io::{self, Read, Write};

const BLOCK: usize = 512;
/// The largest size the 11 octal digits of a ustar header hold (8 GiB - 1).
pub const MAX_SIZE: u64 = 0o777_7777_7777;

/// Writes the header of a regular file `name` of `size` bytes.
pub fn write_header(w: &mut impl Write, name: &str, size: u64) -> io::Result<()> {
    if name.is_empty() || name.len() >= 100 || !name.is_ascii() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("archive name `{name}` is not 1 to 99 ASCII bytes"),
        ));
    }
    if size > MAX_SIZE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{name}` is {size} bytes, more than an archive member holds ({MAX_SIZE})"),
        ));
    }
    let mut h = [0u8; BLOCK];
    h[..name.len()].copy_from_slice(name.as_bytes());
    octal(&mut h[100..108], 0o644);
    octal(&mut h[108..116], 0);
    octal(&mut h[116..124], 0);
    octal(&mut h[124..136], size);
    octal(&mut h[136..148], 0);
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].fill(b' ');
    let sum: u64 = h.iter().map(|&b| u64::from(b)).sum();
    // Six digits, NUL, and the space already there: what tar(1) writes.
    octal(&mut h[148..155], sum);
    w.write_all(&h)
}

/// Zeros after `size` bytes of data, up to the next block.
pub fn write_padding(w: &mut impl Write, size: u64) -> io::Result<()> {
    let rest = (BLOCK as u64 - size % BLOCK as u64) % BLOCK as u64;
    w.write_all(&[0u8; BLOCK][..rest as usize])
}

/// The end of the archive: two zero blocks.
pub fn write_end(w: &mut impl Write) -> io::Result<()> {
    w.write_all(&[0u8; 2 * BLOCK])
}

fn octal(field: &mut [u8], v: u64) {
    let digits = field.len() - 1;
    let s = format!("{v:0digits$o}");
    field[..digits].copy_from_slice(&s.as_bytes()[s.len() - digits..]);
    field[digits] = 0;
}

/// One member: its name and size as the header declares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub size: u64,
}

/// Reads members one after the other.
pub struct Reader<R> {
    inner: R,
    /// Where the next header starts (for messages).
    offset: u64,
    /// Data and padding of the current member not yet read.
    pending: u64,
    current: Option<Entry>,
}

impl<R: Read> Reader<R> {
    pub fn new(inner: R) -> Self {
        Reader {
            inner,
            offset: 0,
            pending: 0,
            current: None,
        }
    }

    /// The next member's header, or `None` at the end marker. Whatever of
    /// the current member was not read is skipped first.
    pub fn next_entry(&mut self) -> Result<Option<Entry>, String> {
        self.skip_pending()?;
        let mut h = [0u8; BLOCK];
        self.fill(&mut h, "a header")?;
        if h.iter().all(|&b| b == 0) {
            self.fill(&mut h, "the end marker")?;
            if h.iter().any(|&b| b != 0) {
                return Err(format!(
                    "byte {}: a header follows an empty block",
                    self.offset
                ));
            }
            return Ok(None);
        }
        let at = self.offset - BLOCK as u64;
        let stored = parse_octal(&h[148..156])
            .ok_or_else(|| format!("byte {at}: the header's checksum field is not a number"))?;
        let mut blank = h;
        blank[148..156].fill(b' ');
        let sum: u64 = blank.iter().map(|&b| u64::from(b)).sum();
        if sum != stored {
            return Err(format!(
                "byte {at}: the header is damaged (checksum {stored:o}, computed {sum:o})"
            ));
        }
        if &h[257..263] != b"ustar\0" {
            return Err(format!("byte {at}: not a POSIX ustar header"));
        }
        if !matches!(h[156], b'0' | 0) {
            return Err(format!(
                "byte {at}: member of type `{}` (only regular files belong in a backup)",
                char::from(h[156]).escape_default()
            ));
        }
        if h[345..500].iter().any(|&b| b != 0) {
            return Err(format!(
                "byte {at}: the header uses a name prefix, which a backup never does"
            ));
        }
        let end = h[..100].iter().position(|&b| b == 0).unwrap_or(100);
        let name = std::str::from_utf8(&h[..end])
            .map_err(|_| format!("byte {at}: the member's name is not UTF-8"))?
            .to_string();
        let size = parse_octal(&h[124..136])
            .ok_or_else(|| format!("byte {at}: the size of `{name}` is not an octal number"))?;
        let padded = size.div_ceil(BLOCK as u64) * BLOCK as u64;
        self.pending = padded;
        let entry = Entry { name, size };
        self.current = Some(entry.clone());
        Ok(Some(entry))
    }

    /// Copies the current member's data into `out` (exactly its declared
    /// size: a shorter archive is truncated) and skips its padding.
    pub fn copy_data(&mut self, out: &mut dyn Write) -> Result<(), String> {
        let Some(entry) = self.current.take() else {
            return Err("no member to read".into());
        };
        let mut left = entry.size;
        let mut buf = vec![0u8; 64 * 1024];
        while left > 0 {
            let n = left.min(buf.len() as u64) as usize;
            self.fill(&mut buf[..n], &format!("`{}`", entry.name))?;
            out.write_all(&buf[..n])
                .map_err(|e| format!("cannot write `{}`: {e}", entry.name))?;
            left -= n as u64;
        }
        self.pending -= entry.size;
        self.skip_pending()
    }

    fn skip_pending(&mut self) -> Result<(), String> {
        let mut buf = [0u8; BLOCK];
        while self.pending > 0 {
            let n = self.pending.min(BLOCK as u64) as usize;
            self.fill(&mut buf[..n], "a member's data")?;
            self.pending -= n as u64;
        }
        self.current = None;
        Ok(())
    }

    fn fill(&mut self, buf: &mut [u8], what: &str) -> Result<(), String> {
        self.inner.read_exact(buf).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => format!(
                "the archive ends inside {what} (after byte {}): it is truncated",
                self.offset
            ),
            _ => format!("cannot read the archive at byte {}: {e}", self.offset),
        })?;
        self.offset += buf.len() as u64;
        Ok(())
    }
}

/// An octal field: optional leading spaces, digits, then NUL or spaces.
/// The base-256 form (high bit set) is refused: no member of ours needs it.
fn parse_octal(field: &[u8]) -> Option<u64> {
    let s = field
        .iter()
        .skip_while(|&&b| b == b' ')
        .take_while(|&&b| b != 0 && b != b' ')
        .copied()
        .collect::<Vec<u8>>();
    if s.is_empty() || s.len() > 11 || !s.iter().all(|b| (b'0'..=b'7').contains(b)) {
        return None;
    }
    u64::from_str_radix(std::str::from_utf8(&s).ok()?, 8).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, data) in members {
            write_header(&mut out, name, data.len() as u64).unwrap();
            out.extend_from_slice(data);
            write_padding(&mut out, data.len() as u64).unwrap();
        }
        write_end(&mut out).unwrap();
        out
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
        let mut r = Reader::new(bytes);
        let mut out = Vec::new();
        while let Some(e) = r.next_entry()? {
            let mut data = Vec::new();
            r.copy_data(&mut data)?;
            out.push((e.name, data));
        }
        Ok(out)
    }

    #[test]
    fn members_round_trip_with_their_padding() {
        let bytes = archive(&[("a/b", b"hello"), ("c", &[7u8; 512]), ("d", b"")]);
        assert_eq!(bytes.len(), 512 + 512 + 512 + 512 + 512 + 1024);
        let back = read_all(&bytes).unwrap();
        assert_eq!(back[0], ("a/b".to_string(), b"hello".to_vec()));
        assert_eq!(back[1].1.len(), 512);
        assert_eq!(back[2], ("d".to_string(), Vec::new()));
    }

    #[test]
    fn a_truncated_archive_says_so() {
        let bytes = archive(&[("a", &[1u8; 2000])]);
        let e = read_all(&bytes[..1500]).unwrap_err();
        assert!(
            e.contains("ends inside `a`") && e.contains("truncated"),
            "{e}"
        );
        let e = read_all(&bytes[..bytes.len() - 512]).unwrap_err();
        assert!(e.contains("end marker"), "{e}");
    }

    #[test]
    fn a_changed_header_byte_breaks_its_checksum() {
        let mut bytes = archive(&[("abc", b"x")]);
        bytes[1] = b'X';
        let e = read_all(&bytes).unwrap_err();
        assert!(e.contains("byte 0: the header is damaged"), "{e}");
    }

    #[test]
    fn links_and_long_names_are_refused() {
        let mut bytes = archive(&[("abc", b"x")]);
        bytes[156] = b'2';
        // Re-seal the checksum so that only the type is wrong.
        bytes[148..156].fill(b' ');
        let sum: u64 = bytes[..512].iter().map(|&b| u64::from(b)).sum();
        octal(&mut bytes[148..155], sum);
        assert!(read_all(&bytes).unwrap_err().contains("type `2`"));
        assert!(write_header(&mut Vec::new(), &"n".repeat(100), 1).is_err());
    }

    #[test]
    fn standard_tar_lists_what_we_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.tar");
        std::fs::write(&path, archive(&[("x/one", b"1"), ("x/two", b"22")])).unwrap();
        let Ok(out) = std::process::Command::new("tar")
            .arg("tvf")
            .arg(&path)
            .output()
        else {
            return; // no tar(1) on this machine: the format tests above stand
        };
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            listing.contains("x/one") && listing.contains("x/two"),
            "{listing}"
        );
    }
}
