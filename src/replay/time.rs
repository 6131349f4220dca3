//! Timestamps of load traces: `2019-01-01 00:00:00`, `2019-01-01T00:00`, `2019-01-01 00:00`,
//! `2019-01-01` (also with `/`, fractional seconds and a trailing `Z`), or plain numbers of hours.

/// A parsed timestamp, in hours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Stamp {
    /// Hours since 1970-01-01 00:00 (wall-clock time as written; a `Z` or an offset is not applied).
    Date(f64),
    /// A plain number of hours (hour 0 is taken as a Monday, 00:00).
    Hours(f64),
}

/// Days from 1970-01-01 to a civil date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Reads exactly `n` ASCII digits at `*i`.
fn digits(s: &[u8], i: &mut usize, n: usize) -> Option<i64> {
    let part = s.get(*i..*i + n)?;
    if !part.iter().all(u8::is_ascii_digit) {
        return None;
    }
    *i += n;
    Some(part.iter().fold(0i64, |a, &b| a * 10 + (b - b'0') as i64))
}

/// Parses a timestamp, `None` if it is neither a supported date-time nor a finite number.
pub(crate) fn parse(s: &[u8]) -> Option<Stamp> {
    let s = s.trim_ascii();
    if s.is_empty() {
        return None;
    }
    if let Some(h) = std::str::from_utf8(s)
        .ok()
        .and_then(|t| t.parse::<f64>().ok())
    {
        return h.is_finite().then_some(Stamp::Hours(h));
    }
    let mut i = 0;
    let y = digits(s, &mut i, 4)?;
    let sep = *s.get(i)?;
    if sep != b'-' && sep != b'/' {
        return None;
    }
    i += 1;
    let m = digits(s, &mut i, 2)?;
    if s.get(i) != Some(&sep) {
        return None;
    }
    i += 1;
    let d = digits(s, &mut i, 2)?;
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    let (mut hh, mut mm, mut ss) = (0i64, 0i64, 0.0f64);
    if i < s.len() && (s[i] == b'T' || s[i] == b' ') {
        i += 1;
        hh = digits(s, &mut i, 2)?;
        if s.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        mm = digits(s, &mut i, 2)?;
        if s.get(i) == Some(&b':') {
            i += 1;
            ss = digits(s, &mut i, 2)? as f64;
            if s.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while i < s.len() && s[i].is_ascii_digit() {
                    i += 1;
                }
                let frac = std::str::from_utf8(&s[start - 1..i])
                    .ok()?
                    .parse::<f64>()
                    .ok()?;
                ss += frac;
            }
        }
        if hh > 23 || mm > 59 || ss >= 61.0 {
            return None;
        }
    }
    // An optional zone: `Z` or `+hh:mm` / `-hhmm` (accepted, not applied: the wall clock drives the features).
    match s.get(i) {
        None => {}
        Some(b'Z') if i + 1 == s.len() => {}
        Some(b'+') | Some(b'-')
            if s[i + 1..].iter().all(|&b| b.is_ascii_digit() || b == b':') && s.len() - i <= 6 => {}
        _ => return None,
    }
    let days = days_from_civil(y, m, d);
    Some(Stamp::Date(
        days as f64 * 24.0 + hh as f64 + mm as f64 / 60.0 + ss / 3600.0,
    ))
}

/// Hour of day (0..24) and weekend flag of a time in hours, for dates or for plain hours.
pub(crate) fn clock(t: f64, dates: bool) -> (f64, bool) {
    let day = (t / 24.0).floor();
    let hour = t - day * 24.0;
    // 1970-01-01 was a Thursday: with Monday = 0 it is day 3 of its week.
    let offset = if dates { 3 } else { 0 };
    let weekday = (day as i64).wrapping_add(offset).rem_euclid(7);
    (hour, weekday >= 5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let base = 17897.0 * 24.0; // 2019-01-01
        assert_eq!(parse(b"2019-01-01 00:00:00"), Some(Stamp::Date(base)));
        assert_eq!(parse(b"2019-01-01T01:30"), Some(Stamp::Date(base + 1.5)));
        assert_eq!(parse(b"2019-01-01 02:00"), Some(Stamp::Date(base + 2.0)));
        assert_eq!(parse(b"2019/01/01"), Some(Stamp::Date(base)));
        assert_eq!(parse(b"2019-01-01T00:00:00Z"), Some(Stamp::Date(base)));
        assert_eq!(
            parse(b"2019-01-01T00:00:30.5+02:00"),
            Some(Stamp::Date(base + 30.5 / 3600.0))
        );
        assert_eq!(parse(b" 12.5 "), Some(Stamp::Hours(12.5)));
        for bad in [
            &b"2019-13-01"[..],
            b"2019-02-29",
            b"01/02/2019",
            b"2019-01-01 25:00",
            b"noon",
            b"",
            b"inf",
            b"2019-01-01x",
        ] {
            assert_eq!(parse(bad), None, "{}", String::from_utf8_lossy(bad));
        }
        assert_eq!(parse(b"2020-02-29"), Some(Stamp::Date(18321.0 * 24.0)));
    }

    #[test]
    fn weekdays() {
        // 2019-01-05 was a Saturday, 2019-01-07 a Monday.
        let sat = 17901.0 * 24.0 + 10.0;
        assert_eq!(clock(sat, true), (10.0, true));
        assert_eq!(clock(sat + 48.0, true), (10.0, false));
        assert_eq!(clock(5.0 * 24.0 + 1.0, false), (1.0, true));
    }
}
