//! Typed input as a message repeats it: clipped, so that a 10 KB value or a 200 KB hash key is not
//! echoed whole (the command line's errors, the page's notices and errors).

/// Most characters of typed input a message repeats.
pub const ECHO_CHARS: usize = 60;

/// `text` as a sentence's start: its first letter upper-case (ASCII only: Unicode's case tables
/// would add 8 KB gzip to the page).
pub fn capitalised(text: &str) -> String {
    let mut s = text.to_string();
    if let Some(f) = s.get_mut(..1) {
        f.make_ascii_uppercase();
    }
    s
}

/// A count and its noun, plural unless the count is 1: `counted(1, "seed")` is `1 seed`,
/// `counted(3, "week")` is `3 weeks` (nouns that take an `s`).
pub fn counted(n: impl TryInto<u64>, noun: &str) -> String {
    let n = n.try_into().unwrap_or(u64::MAX);
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Typed input as a message repeats it: its first [`ECHO_CHARS`] characters, then `…` when longer.
pub fn clip(s: &str) -> String {
    match s.char_indices().nth(ECHO_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// A message with every quoted span (between backticks, or clap's single quotes) and every long
/// run of non-space characters clipped to [`ECHO_CHARS`]: a 10 KB value is not echoed whole.
pub fn clip_quoted(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(4096));
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        // A word longer than a clipped echo: its quote marks and punctuation kept, the inside clipped.
        if word.chars().count() > ECHO_CHARS + 2 {
            let marks: &[char] = &['`', '\'', '"', ':', ';', ',', '.', ')', '('];
            let inner = word.trim_start_matches(marks);
            let head = &word[..word.len() - inner.len()];
            let inner = inner.trim_end_matches(marks);
            let tail = &word[head.len() + inner.len()..];
            out.push_str(head);
            out.push_str(&clip(inner));
            out.push_str(tail);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for ch in msg.chars() {
        if ch.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(ch);
        } else {
            word.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_one_takes_the_singular() {
        assert_eq!(counted(1u32, "seed"), "1 seed");
        assert_eq!(counted(0usize, "seed"), "0 seeds");
        assert_eq!(counted(3u64, "week"), "3 weeks");
    }

    #[test]
    fn long_input_is_clipped_to_sixty_characters_and_an_ellipsis() {
        assert_eq!(clip("short"), "short");
        let long = "x".repeat(10_000);
        assert_eq!(clip(&long), "x".repeat(60) + "…");
        let msg = format!("unknown key `{long}`; kept the default");
        let c = clip_quoted(&msg);
        assert_eq!(
            c,
            format!("unknown key `{}…`; kept the default", "x".repeat(60))
        );
    }
}
