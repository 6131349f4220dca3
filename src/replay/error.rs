//! What a replay reports when it cannot go on: [`ReplayError`], and [`shorten`] for quoting input.

use std::fmt;

use serde::Serialize;

/// A replay error: the line it happened on (if any) and what went wrong, with the offending text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplayError {
    /// The 1-based line it happened on, if any.
    pub line: Option<u64>,
    /// What went wrong, with the offending text shortened to about 60 characters.
    pub message: String,
}

impl ReplayError {
    pub(crate) fn plain(m: impl Into<String>) -> Self {
        ReplayError {
            line: None,
            message: m.into(),
        }
    }
    pub(crate) fn at(line: u64, m: impl Into<String>) -> Self {
        ReplayError {
            line: Some(line),
            message: m.into(),
        }
    }
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ReplayError {}

/// The first ~60 characters of some bytes, printable (for error messages).
pub(crate) fn shorten(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(240)]);
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(60)
        .collect();
    if s.chars().count() > 60 || b.len() > 240 {
        out.push_str("...");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_their_line() {
        assert_eq!(
            ReplayError::at(7, "bad label").to_string(),
            "line 7: bad label"
        );
        assert_eq!(
            ReplayError::plain("the file is empty").to_string(),
            "the file is empty"
        );
    }

    #[test]
    fn shorten_keeps_60_printable_characters() {
        assert_eq!(shorten(b"a\tb\nc"), "a b c");
        let long = [b'x'; 100];
        assert_eq!(shorten(&long), format!("{}...", "x".repeat(60)));
        assert_eq!(shorten(&[b'y'; 60]), "y".repeat(60));
        // A long multi-byte line is cut on a character, never inside one.
        let s = "é".repeat(200);
        assert_eq!(shorten(s.as_bytes()), format!("{}...", "é".repeat(60)));
    }
}
