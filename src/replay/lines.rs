//! Splits a byte stream fed in arbitrary chunks into lines, keeping only the partial last line. Lines
//! end with LF or CRLF, or with CR alone (classic Mac files, told by the first line ending); a UTF-8
//! byte-order mark at the start is dropped.

use super::{shorten, ReplayError};

/// Longest line accepted (bytes, without the newline): longer lines are an error, never buffered.
pub const MAX_LINE: usize = 1 << 20;

/// The partial last line of the chunks fed so far and the number of complete lines seen.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lines {
    partial: Vec<u8>,
    /// Lines handed out so far (the 1-based number of the last one).
    pub line: u64,
    /// Whether lines end with CR alone; `None` until the first line ending is seen.
    cr_only: Option<bool>,
    /// A CR-only chunk with its CRs made newlines.
    scratch: Vec<u8>,
}

/// The UTF-8 byte-order mark some editors write at the start of a text file.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn too_long(line: u64, start: &[u8]) -> ReplayError {
    ReplayError::at(
        line,
        format!(
            "line longer than 1 MiB (is this a text file in the chosen format?): `{}`",
            shorten(start)
        ),
    )
}

/// Position of the first newline (the `memchr` crate: several bytes per instruction where the processor
/// allows).
#[inline]
fn find_newline(s: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', s)
}

/// Line `n` as handed out: without a trailing carriage return (CRLF files), nor the first line's
/// byte-order mark.
#[inline]
fn clean(n: u64, l: &[u8]) -> &[u8] {
    let l = match l.last() {
        Some(b'\r') => &l[..l.len() - 1],
        _ => l,
    };
    if n == 1 {
        l.strip_prefix(BOM).unwrap_or(l)
    } else {
        l
    }
}

impl Lines {
    /// Calls `f(line number, line)` for every line completed by `chunk`; the rest waits for the next chunk.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        f: impl FnMut(u64, &[u8]) -> Result<(), ReplayError>,
    ) -> Result<(), ReplayError> {
        if self.cr_only.is_none() {
            self.detect(chunk);
        }
        if self.cr_only != Some(true) {
            return self.feed_lf(chunk, f);
        }
        let mut buf = std::mem::take(&mut self.scratch);
        if self.partial.last() == Some(&b'\r') {
            // The CR that told the line ending ended the first line.
            self.partial.pop();
            buf.push(b'\n');
        }
        buf.extend(chunk.iter().map(|&b| if b == b'\r' { b'\n' } else { b }));
        let r = self.feed_lf(&buf, f);
        buf.clear();
        self.scratch = buf;
        r
    }

    /// Tells the line ending from the first one in the stream (nothing before it ended a line: the
    /// stream so far is `partial`, then `chunk`).
    fn detect(&mut self, chunk: &[u8]) {
        let after_cr = if self.partial.last() == Some(&b'\r') {
            chunk.first()
        } else {
            match chunk.iter().position(|&b| b == b'\n' || b == b'\r') {
                None => return,
                Some(i) if chunk[i] == b'\n' => {
                    self.cr_only = Some(false);
                    return;
                }
                Some(i) => chunk.get(i + 1),
            }
        };
        if let Some(&b) = after_cr {
            self.cr_only = Some(b != b'\n');
        }
    }

    /// [`Lines::feed`] once lines end with LF (or CRLF).
    fn feed_lf(
        &mut self,
        chunk: &[u8],
        mut f: impl FnMut(u64, &[u8]) -> Result<(), ReplayError>,
    ) -> Result<(), ReplayError> {
        let mut rest = chunk;
        if !self.partial.is_empty() {
            match find_newline(rest) {
                None => {
                    if self.partial.len() + rest.len() > MAX_LINE {
                        return Err(too_long(self.line + 1, &self.partial));
                    }
                    self.partial.extend_from_slice(rest);
                    return Ok(());
                }
                Some(i) => {
                    if self.partial.len() + i > MAX_LINE {
                        return Err(too_long(self.line + 1, &self.partial));
                    }
                    self.partial.extend_from_slice(&rest[..i]);
                    rest = &rest[i + 1..];
                    self.line += 1;
                    let line = std::mem::take(&mut self.partial);
                    let r = f(self.line, clean(self.line, &line));
                    self.partial = line;
                    self.partial.clear();
                    r?;
                }
            }
        }
        while let Some(i) = find_newline(rest) {
            if i > MAX_LINE {
                return Err(too_long(self.line + 1, &rest[..i]));
            }
            self.line += 1;
            f(self.line, clean(self.line, &rest[..i]))?;
            rest = &rest[i + 1..];
        }
        if rest.len() > MAX_LINE {
            return Err(too_long(self.line + 1, rest));
        }
        self.partial.extend_from_slice(rest);
        Ok(())
    }

    /// Hands out the last line if the stream did not end with a newline.
    pub fn finish(
        &mut self,
        mut f: impl FnMut(u64, &[u8]) -> Result<(), ReplayError>,
    ) -> Result<(), ReplayError> {
        if self.partial.is_empty() {
            return Ok(());
        }
        self.line += 1;
        let line = std::mem::take(&mut self.partial);
        f(self.line, clean(self.line, &line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]]) -> Vec<(u64, Vec<u8>)> {
        let mut l = Lines::default();
        let mut out = Vec::new();
        for c in chunks {
            l.feed(c, |n, s| {
                out.push((n, s.to_vec()));
                Ok(())
            })
            .unwrap();
        }
        l.finish(|n, s| {
            out.push((n, s.to_vec()));
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn any_split_gives_the_same_lines() {
        let text: &[u8] = b"a b\r\n\ncd\nlast";
        let whole = split(&[text]);
        assert_eq!(whole.len(), 4);
        assert_eq!(whole[0], (1, b"a b".to_vec()));
        assert_eq!(whole[3], (4, b"last".to_vec()));
        for i in 0..=text.len() {
            for j in i..=text.len() {
                assert_eq!(
                    split(&[&text[..i], &text[i..j], &text[j..]]),
                    whole,
                    "split at {i}, {j}"
                );
            }
        }
    }

    #[test]
    fn cr_only_endings_and_a_byte_order_mark_split_anywhere() {
        for (text, want) in [
            (
                &b"\xEF\xBB\xBFa b\r\rcd\rlast"[..],
                &["a b", "", "cd", "last"][..],
            ),
            (b"\xEF\xBB\xBFa\r\nb\r\n", &["a", "b"]),
            (b"x\r", &["x"]),
            (b"\r\ry", &["", "", "y"]),
            (b"\xEF\xBB\xBF", &[""]),
            // Only the first line loses a byte-order mark.
            (b"\xEF\xBB\xBF\n\xEF\xBB\xBFz", &["", "\u{feff}z"]),
        ] {
            let want: Vec<(u64, Vec<u8>)> = (want.iter().enumerate())
                .map(|(i, w)| (i as u64 + 1, w.as_bytes().to_vec()))
                .collect();
            for i in 0..=text.len() {
                for j in i..=text.len() {
                    assert_eq!(
                        split(&[&text[..i], &text[i..j], &text[j..]]),
                        want,
                        "{text:?} split at {i}, {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_newline_search_finds_the_first_newline() {
        let mut rng = crate::base::rng::Rng::new(5, 5);
        for _ in 0..2000 {
            let s: Vec<u8> = (0..rng.below(40))
                .map(|_| [b'a', b'\n', 0x8a, 0x0b, 0x09, 0xff][rng.below(6)])
                .collect();
            assert_eq!(
                find_newline(&s),
                s.iter().position(|&b| b == b'\n'),
                "{s:?}"
            );
        }
    }

    #[test]
    fn a_huge_line_is_an_error_even_across_chunks() {
        let mut l = Lines::default();
        let chunk = vec![b'x'; 600_000];
        assert!(l.feed(&chunk, |_, _| Ok(())).is_ok());
        let e = l.feed(&chunk, |_, _| Ok(())).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.contains("1 MiB"), "{e}");
    }
}
