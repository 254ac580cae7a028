//! The request-side texts of a recorded exchange (tab, method, path, Origin,
//! the preflight's two headers, the three `Sec-Fetch-*`) in one buffer with
//! a span per field: a record is one allocation, not a dozen, and usually
//! none at all here (the buffer is inline up to [`INLINE`] bytes).

use std::fmt::{self, Write};

use smallvec::SmallVec;

use super::MAX_SHOWN_VALUE;

/// Bytes kept inline: a browser's request from the lab (method, path,
/// Origin, tab, `Sec-Fetch-*`) takes about 70, a preflight about 100.
pub(super) const INLINE: usize = 160;

/// A request-side field of an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The `tab` query parameter.
    Tab,
    /// The request method.
    Method,
    /// The path, without the query.
    Path,
    /// `Origin`.
    Origin,
    /// `Access-Control-Request-Method`.
    RequestMethod,
    /// `Access-Control-Request-Headers`.
    RequestHeaders,
    /// `Sec-Fetch-Mode`.
    SecFetchMode,
    /// `Sec-Fetch-Site`.
    SecFetchSite,
    /// `Sec-Fetch-Dest`.
    SecFetchDest,
}

const FIELDS: usize = 9;

/// The texts, each already printable and bounded when it was stored.
#[derive(Clone, Default)]
pub struct Texts {
    buf: SmallVec<[u8; INLINE]>,
    // `None`: the field was not sent. Offsets, not slices: the buffer moves.
    spans: [Option<(u32, u32)>; FIELDS],
}

impl Texts {
    /// The text of `field`, if it was stored.
    pub fn get(&self, field: Field) -> Option<&str> {
        let (start, end) = self.spans[field as usize]?;
        let bytes = self.buf.get(start as usize..end as usize)?;
        // Only whole `str`s are ever pushed, so this always holds.
        std::str::from_utf8(bytes).ok()
    }

    /// Stores `text` as it is (the caller knows it is clean), cut to `max`
    /// characters.
    pub fn set_clean(&mut self, field: Field, text: &str, max: usize) {
        let cut = text.char_indices().nth(max).map_or(text, |(at, _)| &text[..at]);
        self.set_with(field, |w| w.write_str(cut));
    }

    /// Stores a header value made printable and bounded (see [`write_printable`]).
    pub fn set_printable(&mut self, field: Field, bytes: &[u8]) {
        self.set_with(field, |w| write_printable(w, bytes));
    }

    fn set_with(&mut self, field: Field, write: impl FnOnce(&mut Writer<'_>) -> fmt::Result) {
        let start = self.buf.len();
        let written = write(&mut Writer(&mut self.buf));
        // Every text is bounded (a few KB at most): a span always fits.
        match (written, u32::try_from(start), u32::try_from(self.buf.len())) {
            (Ok(()), Ok(start), Ok(end)) => self.spans[field as usize] = Some((start, end)),
            _ => self.buf.truncate(start),
        }
    }
}

const ALL: [Field; FIELDS] = [
    Field::Tab,
    Field::Method,
    Field::Path,
    Field::Origin,
    Field::RequestMethod,
    Field::RequestHeaders,
    Field::SecFetchMode,
    Field::SecFetchSite,
    Field::SecFetchDest,
];

// As texts, not bytes: what a failing test's `{:?}` should show.
impl fmt::Debug for Texts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(ALL.iter().filter_map(|&field| Some((field, self.get(field)?)))).finish()
    }
}

/// Writes into the buffer, so `write!` and friends can fill it.
struct Writer<'a>(&'a mut SmallVec<[u8; INLINE]>);

impl Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Writes a printable, bounded rendering of a header value: control
/// characters and backslashes escaped, so a hostile value cannot forge a
/// log line; at most [`MAX_SHOWN_VALUE`] characters, then `…`.
pub fn write_printable(out: &mut impl Write, bytes: &[u8]) -> fmt::Result {
    // Nearly every value is short, printable ASCII: copy it as it is.
    if bytes.len() <= MAX_SHOWN_VALUE && bytes.iter().all(|b| (0x20..0x7f).contains(b) && *b != b'\\') {
        return out.write_str(&String::from_utf8_lossy(bytes));
    }
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars().take(MAX_SHOWN_VALUE).flat_map(char::escape_default) {
        out.write_char(c)?;
    }
    if text.chars().nth(MAX_SHOWN_VALUE).is_some() {
        out.write_char('…')?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_field_reads_back_what_was_stored_and_absent_ones_are_none() {
        let mut t = Texts::default();
        t.set_clean(Field::Method, "OPTIONS", 20);
        t.set_printable(Field::Origin, b"http://a\r\nINFO fake");
        t.set_clean(Field::Path, &"p".repeat(300), 200);
        t.set_printable(Field::SecFetchDest, "é".as_bytes());
        assert_eq!(t.get(Field::Method), Some("OPTIONS"));
        assert_eq!(t.get(Field::Origin), Some("http://a\\r\\nINFO fake"));
        assert_eq!(t.get(Field::Path).map(str::len), Some(200));
        assert_eq!(t.get(Field::SecFetchDest), Some("\\u{e9}"));
        assert_eq!(t.get(Field::Tab), None);
        assert_eq!(t.get(Field::RequestHeaders), None);
    }

    #[test]
    fn a_cut_never_splits_a_character() {
        let mut t = Texts::default();
        t.set_clean(Field::Method, "ééé", 2);
        assert_eq!(t.get(Field::Method), Some("éé"));
    }

    #[test]
    fn a_short_request_needs_no_allocation() {
        let mut t = Texts::default();
        t.set_clean(Field::Method, "GET", 20);
        t.set_clean(Field::Path, "/cors/results", 200);
        t.set_printable(Field::Origin, b"http://localhost:3000");
        for (f, v) in
            [(Field::SecFetchMode, "cors"), (Field::SecFetchSite, "same-site"), (Field::SecFetchDest, "empty")]
        {
            t.set_printable(f, v.as_bytes());
        }
        t.set_clean(Field::Tab, "abcdefgh12345678", 16);
        assert!(!t.buf.spilled(), "{} bytes", t.buf.len());
    }
}
