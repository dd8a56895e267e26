//! The markup of a worksheet's cells as the fast reader ([`super::fast`])
//! lexes it: start and end tags with their attributes, and the text
//! between them, from a slice of the window. Every function says either
//! where the item ends, that the slice ends inside it ([`Stop::Need`]), or
//! that it is not the plain shape ([`Stop::GiveUp`]).

/// Why lexing stopped short.
pub(super) enum Stop {
    /// The window ends inside the item: read more, then lex it again.
    Need,
    /// Not the plain shape, or an error: the event reader decides.
    GiveUp,
}

pub(super) type Lx<T> = Result<T, Stop>;

pub(super) fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

pub(super) fn at(d: &[u8], i: usize) -> Lx<u8> {
    d.get(i).copied().ok_or(Stop::Need)
}

fn slice(d: &[u8], from: usize, to: usize) -> &[u8] {
    d.get(from..to).unwrap_or_default()
}

/// The first `b` in `hay`. Markup is a few bytes apart, where a vector
/// search costs more to set up than it finds: the first bytes are looked
/// at one by one.
#[inline]
fn find(hay: &[u8], b: u8) -> Option<usize> {
    const SHORT: usize = 16;
    let head = hay.get(..SHORT).unwrap_or(hay);
    if let Some(k) = head.iter().position(|&c| c == b) {
        return Some(k);
    }
    memchr::memchr(b, hay.get(head.len()..)?).map(|k| k + head.len())
}

/// Text from `i` up to the next `<`: where it ends. An entity gives up
/// (the event reader resolves it, or refuses it).
pub(super) fn text(d: &[u8], i: usize) -> Lx<usize> {
    let rest = d.get(i..).unwrap_or_default();
    let k = find(rest, b'<').ok_or(Stop::Need)?;
    if slice(rest, 0, k).contains(&b'&') {
        return Err(Stop::GiveUp);
    }
    Ok(i + k)
}

/// Text of an element that is skipped: entities are let through when
/// they have the shape `&name;` or `&#n;` (the event reader passes them by
/// without resolving them).
fn skipped_text(d: &[u8], i: usize) -> Lx<usize> {
    let rest = d.get(i..).unwrap_or_default();
    let k = find(rest, b'<').ok_or(Stop::Need)?;
    let t = slice(rest, 0, k);
    let mut from = 0;
    while let Some(a) = memchr::memchr(b'&', slice(t, from, t.len())) {
        let name = slice(t, from + a + 1, t.len());
        let len = name
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
            .count();
        if len == 0 || len > 10 || name.get(len) != Some(&b';') {
            return Err(Stop::GiveUp);
        }
        from += a + 1 + len + 1;
    }
    Ok(i + k)
}

/// A start tag at `d[i]` (a `<`): its name, where it ends, whether it
/// closes itself. Each attribute goes to `each` as (name, raw value); the
/// shape is `name="value"` (or single quotes) after white space, values
/// without `<` or `&`.
pub(super) fn start_tag<'a>(
    d: &'a [u8],
    i: usize,
    mut each: impl FnMut(&'a [u8], &'a [u8]),
) -> Lx<(&'a [u8], usize, bool)> {
    let mut j = i + 1;
    loop {
        let c = at(d, j)?;
        if is_ws(c) || c == b'>' || c == b'/' {
            break;
        }
        if matches!(c, b'<' | b'!' | b'?' | b'"' | b'\'' | b'=' | b'&') {
            return Err(Stop::GiveUp);
        }
        j += 1;
    }
    let name = slice(d, i + 1, j);
    if name.is_empty() {
        return Err(Stop::GiveUp);
    }
    loop {
        match at(d, j)? {
            b'>' => return Ok((name, j + 1, false)),
            b'/' if at(d, j + 1)? == b'>' => return Ok((name, j + 2, true)),
            c if !is_ws(c) => return Err(Stop::GiveUp),
            _ => {}
        }
        while is_ws(at(d, j)?) {
            j += 1;
        }
        if matches!(at(d, j)?, b'>' | b'/') {
            continue;
        }
        let key_start = j;
        loop {
            match at(d, j)? {
                b'=' => break,
                c if is_ws(c) || matches!(c, b'>' | b'/' | b'<' | b'"' | b'\'' | b'&') => {
                    return Err(Stop::GiveUp)
                }
                _ => j += 1,
            }
        }
        let key = slice(d, key_start, j);
        let quote = at(d, j + 1)?;
        if key.is_empty() || (quote != b'"' && quote != b'\'') {
            return Err(Stop::GiveUp);
        }
        let from = j + 2;
        let len = find(d.get(from..).unwrap_or_default(), quote).ok_or(Stop::Need)?;
        let v = slice(d, from, from + len);
        if v.contains(&b'<') || v.contains(&b'&') {
            return Err(Stop::GiveUp);
        }
        each(key, v);
        j = from + len + 1;
    }
}

/// An end tag at `d[i]`: its name and where it ends; anything else at
/// `d[i]` gives up.
pub(super) fn end_tag(d: &[u8], i: usize) -> Lx<(&[u8], usize)> {
    if at(d, i)? != b'<' || at(d, i + 1)? != b'/' {
        return Err(Stop::GiveUp);
    }
    let mut j = i + 2;
    loop {
        let c = at(d, j)?;
        if is_ws(c) || c == b'>' {
            break;
        }
        if matches!(c, b'<' | b'/' | b'"' | b'\'' | b'&' | b'=') {
            return Err(Stop::GiveUp);
        }
        j += 1;
    }
    let name = slice(d, i + 2, j);
    while is_ws(at(d, j)?) {
        j += 1;
    }
    if at(d, j)? != b'>' || name.is_empty() {
        return Err(Stop::GiveUp);
    }
    Ok((name, j + 1))
}

/// An element's text, its start tag ending at `i` (`empty`: it closed
/// itself): the text and where the element ends. An element inside gives
/// up; `skipped` lets entities through (see [`skipped_text`]).
pub(super) fn inner_text<'a>(
    d: &'a [u8],
    name: &[u8],
    i: usize,
    empty: bool,
    skipped: bool,
) -> Lx<(&'a [u8], usize)> {
    if empty {
        return Ok((&[], i));
    }
    let k = if skipped {
        skipped_text(d, i)?
    } else {
        text(d, i)?
    };
    let (end_name, end) = end_tag(d, k)?;
    if end_name != name {
        return Err(Stop::GiveUp);
    }
    Ok((slice(d, i, k), end))
}
