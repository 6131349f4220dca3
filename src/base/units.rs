//! Time units, the one grammar for durations, and the one way to write durations and numbers as text.
//!
//! Every duration knob (and the sweep's values) reads `30m`, `90min`, `1.5h`, `2h`, `7d`, `2w`; a plain
//! number counts the knob's own unit ([`TimeUnit`]), so settings written before the grammar keep their
//! meaning (`join=60` is an hour, `every=2` two hours, `days=14` two weeks). [`fmt_duration`] is the
//! only rule that writes a duration: the command line, the charts and the page (through the wasm
//! export `format_duration`) all call it. Numbers have three writers: [`fmt_num`], short (CSV hours,
//! sentences), [`fmt_exact`], short and read back exactly (knob and panel values in links and
//! settings), and [`fmt_figure`], significant digits for the page's tables (wasm `format_figure`).
//!
//! ```
//! use rtml::base::units::{fmt_duration, parse_duration, TimeUnit};
//! assert_eq!(parse_duration("30m", TimeUnit::Hour), Some(0.5));
//! assert_eq!(parse_duration("2h", TimeUnit::Minute), Some(120.0));
//! assert_eq!(parse_duration("45", TimeUnit::Minute), Some(45.0));
//! assert_eq!(fmt_duration(90.0, TimeUnit::Minute), "90m");
//! assert_eq!(fmt_duration(168.0, TimeUnit::Hour), "7d");
//! ```

use serde::Serialize;

/// Seconds in a minute.
pub const SECONDS_PER_MINUTE: f64 = 60.0;
/// Minutes in an hour.
pub const MINUTES_PER_HOUR: f64 = 60.0;
/// Hours in a day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Days in a week.
pub const DAYS_PER_WEEK: f64 = 7.0;
/// Seconds in an hour.
pub const SECONDS_PER_HOUR: f64 = SECONDS_PER_MINUTE * MINUTES_PER_HOUR;
/// Minutes in a day: the simulator's clock counts minutes, its horizon days.
pub const MINUTES_PER_DAY: f64 = MINUTES_PER_HOUR * HOURS_PER_DAY;
/// Minutes in a week.
pub const MINUTES_PER_WEEK: f64 = MINUTES_PER_DAY * DAYS_PER_WEEK;
/// Hours in a week.
pub const HOURS_PER_WEEK: f64 = HOURS_PER_DAY * DAYS_PER_WEEK;

/// The unit a duration is stored in (and a plain number is read in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Minute,
    Hour,
    Day,
    Week,
}

/// Suffixes of the grammar, longest first within a unit (matched case-insensitively).
const SUFFIXES: &[(&str, TimeUnit)] = &[
    ("minutes", TimeUnit::Minute),
    ("minute", TimeUnit::Minute),
    ("mins", TimeUnit::Minute),
    ("min", TimeUnit::Minute),
    ("m", TimeUnit::Minute),
    ("hours", TimeUnit::Hour),
    ("hour", TimeUnit::Hour),
    ("hrs", TimeUnit::Hour),
    ("hr", TimeUnit::Hour),
    ("h", TimeUnit::Hour),
    ("days", TimeUnit::Day),
    ("day", TimeUnit::Day),
    ("d", TimeUnit::Day),
    ("weeks", TimeUnit::Week),
    ("week", TimeUnit::Week),
    ("w", TimeUnit::Week),
];

impl TimeUnit {
    /// Length of one unit in minutes.
    pub const fn minutes(self) -> f64 {
        match self {
            TimeUnit::Minute => 1.0,
            TimeUnit::Hour => MINUTES_PER_HOUR,
            TimeUnit::Day => MINUTES_PER_DAY,
            TimeUnit::Week => MINUTES_PER_WEEK,
        }
    }

    /// How a knob's label names the unit of its plain numbers: `min`, `h`, `days`, `weeks`.
    pub const fn label(self) -> &'static str {
        match self {
            TimeUnit::Minute => "min",
            TimeUnit::Hour => "h",
            TimeUnit::Day => "days",
            TimeUnit::Week => "weeks",
        }
    }

    /// The plural word for messages: `minutes`, `hours`, `days`, `weeks`.
    pub const fn plural(self) -> &'static str {
        match self {
            TimeUnit::Minute => "minutes",
            TimeUnit::Hour => "hours",
            TimeUnit::Day => "days",
            TimeUnit::Week => "weeks",
        }
    }

    /// `x` of this unit expressed in `to`. Converting to the same unit multiplies by exactly 1.
    pub fn to(self, x: f64, to: TimeUnit) -> f64 {
        x * (self.minutes() / to.minutes())
    }

    /// The unit a suffix names (`m`, `min`, `h`, `hours`, `d`, `w`, ...), case-insensitively.
    pub fn from_suffix(s: &str) -> Option<TimeUnit> {
        SUFFIXES
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(s))
            .map(|&(_, u)| u)
    }
}

/// Reads a duration in `unit`: a number with an optional suffix (`30m`, `90min`, `1.5h`, `7d`, `2w`,
/// `2 hours`); a plain number counts `unit`. `None` for anything else, and for values that are not
/// finite. The range is the caller's to check.
pub fn parse_duration(text: &str, unit: TimeUnit) -> Option<f64> {
    let t = text.trim();
    let cut = t
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphabetic())
        .last()
        .map_or(t.len(), |(i, _)| i);
    let (num, suffix) = t.split_at(cut);
    let from = if suffix.is_empty() {
        unit
    } else {
        TimeUnit::from_suffix(suffix)?
    };
    let x: f64 = num.trim().parse().ok()?;
    let v = from.to(x, unit);
    v.is_finite().then_some(v)
}

/// Writes a duration given in `unit` as the shortest readable text: `7d` for whole days (from one day),
/// `2h` for whole hours (from one hour), `90m` for whole minutes, else decimal hours (`0.01h`).
pub fn fmt_duration(x: f64, unit: TimeUnit) -> String {
    let h = unit.to(x, TimeUnit::Hour);
    let m = h * MINUTES_PER_HOUR;
    if h >= HOURS_PER_DAY && (h / HOURS_PER_DAY).fract().abs() < 1e-9 {
        format!("{}d", fmt_num(h / HOURS_PER_DAY))
    } else if h >= 1.0 && h.fract().abs() < 1e-9 {
        format!("{}h", fmt_num(h))
    } else if (m - m.round()).abs() < 1e-6 {
        format!("{}m", fmt_num(m.round()))
    } else {
        format!("{}h", fmt_num(h))
    }
}

/// A number as a link or a settings file writes it: [`fmt_num`]'s form where that reads back to the
/// same number in at most 15 characters, else the shorter of Rust's decimal and exponent forms (both
/// read back exactly): a volume of `1e-300` is written `1e-300`, not with 300 zeros, `1e300` too.
pub fn fmt_exact(x: f64) -> String {
    let text = fmt_num(x);
    if text.len() <= 15 && text.parse::<f64>() == Ok(x) {
        return text;
    }
    let (plain, exp) = (format!("{x}"), format!("{x:e}"));
    if exp.len() < plain.len() {
        exp
    } else {
        plain
    }
}

/// Shortest readable form of a number: whole numbers without a decimal point, others with at most six
/// decimals and no trailing zeros.
pub fn fmt_num(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// A figure for a table on the page: below 100, `sig` significant digits (1 to 15); from 100 on, the
/// whole number, its thousands separated from 100 000 on; `–` when undefined (`None` or not finite).
pub fn fmt_figure(x: Option<f64>, sig: u32) -> String {
    let Some(x) = x.filter(|x| x.is_finite()) else {
        return "–".into();
    };
    let x = x + 0.0; // no "-0"
    if x.abs() >= 1e5 {
        return group_thousands(x.round());
    }
    let sig = sig.clamp(1, 15) as i32;
    let mag = if x == 0.0 {
        0
    } else {
        x.abs().log10().floor() as i32
    };
    if x.abs() >= 100.0 {
        return format!("{x:.0}");
    }
    let text = |mag: i32| format!("{x:.*}", (sig - 1 - mag).max(0) as usize);
    let t = text(mag);
    // Rounding may carry into the next power of ten (0.9996 -> 1.000): one decimal fewer then.
    match t.parse::<f64>() {
        Ok(r) if r.abs() >= 10f64.powi(mag + 1) => text(mag + 1),
        _ => t,
    }
}

/// `-1234567` as `-1,234,567`.
fn group_thousands(x: f64) -> String {
    let digits = format!("{}", x.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Readable durations a slider snaps to, in minutes: 1m, 2m, 5m, ... 1h, 2h, ... 1d, 2d, ... 30d, ... 1y.
const READABLE_MIN: [f64; 30] = [
    1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0, 120.0, 180.0, 240.0, 360.0, 480.0, 720.0,
    1080.0, 1440.0, 2880.0, 4320.0, 5760.0, 7200.0, 10080.0, 14400.0, 20160.0, 30240.0, 43200.0,
    86400.0, 129600.0, 259200.0, 525600.0,
];

/// The readable durations from `min` to `max` (both in `unit`, both included), in `unit`, ascending:
/// the stops of a log-scale duration slider (`0` first when the range starts at zero).
pub fn readable_stops(unit: TimeUnit, min: f64, max: f64) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || max < min {
        return Vec::new();
    }
    let mut out = vec![min];
    for m in READABLE_MIN {
        let x = TimeUnit::Minute.to(m, unit);
        if x > min * (1.0 + 1e-9) + 1e-12 && x < max * (1.0 - 1e-9) {
            out.push(x);
        }
    }
    if max > min {
        out.push(max);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use TimeUnit::*;

    #[test]
    fn every_suffix_reads_in_every_unit() {
        for (text, unit, want) in [
            ("30m", Hour, 0.5),
            ("90min", Hour, 1.5),
            ("90 mins", Minute, 90.0),
            ("1 minute", Minute, 1.0),
            ("2h", Minute, 120.0),
            ("1.5h", Minute, 90.0),
            ("3 hours", Hour, 3.0),
            ("2hr", Hour, 2.0),
            ("7d", Hour, 168.0),
            ("1d", Minute, 1440.0),
            ("2 days", Day, 2.0),
            ("36h", Day, 1.5),
            ("2w", Hour, 336.0),
            ("1 week", Day, 7.0),
            ("30M", Minute, 30.0),
            ("1D", Hour, 24.0),
            (" 15m ", Minute, 15.0),
            ("1e3m", Minute, 1000.0),
        ] {
            assert_eq!(parse_duration(text, unit), Some(want), "{text} in {unit:?}");
        }
    }

    #[test]
    fn plain_numbers_count_the_unit() {
        assert_eq!(parse_duration("60", Minute), Some(60.0));
        assert_eq!(parse_duration("2", Hour), Some(2.0));
        assert_eq!(parse_duration("14", Day), Some(14.0));
        assert_eq!(parse_duration("0.25", Hour), Some(0.25));
        assert_eq!(
            parse_duration("-3", Hour),
            Some(-3.0),
            "the range is the caller's"
        );
    }

    #[test]
    fn bad_text_is_refused() {
        for t in [
            "", "m", "x", "30x", "3 0m", "1h30m", "inf", "NaN", "nanm", "1e400d", "--1h", "h1",
        ] {
            assert_eq!(parse_duration(t, Hour), None, "{t:?} accepted");
        }
    }

    #[test]
    fn hours_read_exactly_as_before_the_grammar() {
        // The hour knobs' old reader multiplied by these very factors: runs stay bit-identical.
        assert_eq!(parse_duration("1m", Hour), Some(1.0 / 60.0));
        assert_eq!(parse_duration("7m", Hour), Some(7.0 * (1.0 / 60.0)));
        assert_eq!(parse_duration("3d", Hour), Some(72.0));
        assert_eq!(parse_duration("1w", Hour), Some(168.0));
    }

    #[test]
    fn durations_are_written_one_way() {
        assert_eq!(fmt_duration(0.5, Hour), "30m");
        assert_eq!(fmt_duration(168.0, Hour), "7d");
        assert_eq!(fmt_duration(5.0, Hour), "5h");
        assert_eq!(fmt_duration(1.0 / 60.0, Hour), "1m");
        assert_eq!(fmt_duration(0.0, Hour), "0m");
        assert_eq!(fmt_duration(0.01, Hour), "0.01h");
        assert_eq!(fmt_duration(36.0, Hour), "36h");
        assert_eq!(fmt_duration(90.0, Minute), "90m");
        assert_eq!(fmt_duration(1440.0, Minute), "1d");
        assert_eq!(fmt_duration(15.0, Minute), "15m");
        assert_eq!(fmt_duration(14.0, Day), "14d");
        assert_eq!(fmt_duration(1.5, Day), "36h");
        assert_eq!(fmt_duration(2.0, Week), "14d");
        for (x, u) in [(0.5, Hour), (90.0, Minute), (1.5, Day), (1.0 / 60.0, Hour)] {
            assert_eq!(parse_duration(&fmt_duration(x, u), u), Some(x), "{x} {u:?}");
        }
    }

    #[test]
    fn numbers_are_written_short() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(-0.25), "-0.25");
        assert_eq!(fmt_num(1.0 / 3.0), "0.333333");
        assert_eq!(fmt_num(f64::NAN), "NaN");
    }

    #[test]
    fn figures_have_significant_digits() {
        for (x, sig, want) in [
            (Some(4.56789), 3, "4.57"),
            (Some(12.345), 3, "12.3"),
            (Some(123.456), 3, "123"),
            (Some(4321.9), 3, "4322"),
            (Some(123456.7), 3, "123,457"),
            (Some(-1234567.0), 3, "-1,234,567"),
            (Some(0.0456), 3, "0.0456"),
            (Some(0.0), 3, "0.00"),
            (Some(-0.0), 3, "0.00"),
            (Some(0.99996), 3, "1.00"),
            (Some(9.9996), 4, "10.00"),
            (Some(4.56789), 4, "4.568"),
            (Some(123.456), 4, "123"),
            (Some(99.996), 3, "100"),
            (Some(f64::NAN), 3, "–"),
            (None, 3, "–"),
        ] {
            assert_eq!(fmt_figure(x, sig), want, "{x:?} {sig}");
        }
    }

    #[test]
    fn constants_agree() {
        assert_eq!(MINUTES_PER_DAY, 1440.0);
        assert_eq!(MINUTES_PER_WEEK, 10080.0);
        assert_eq!(HOURS_PER_WEEK, 168.0);
        assert_eq!(SECONDS_PER_HOUR, 3600.0);
        assert_eq!(Week.to(1.0, Minute), MINUTES_PER_WEEK);
    }

    #[test]
    fn slider_stops_are_readable_durations_in_the_knobs_unit() {
        let h = readable_stops(TimeUnit::Hour, 1.0 / 60.0, 720.0);
        let texts: Vec<String> = h.iter().map(|&x| fmt_duration(x, TimeUnit::Hour)).collect();
        assert_eq!(texts.first().unwrap(), "1m");
        assert_eq!(texts.last().unwrap(), "30d");
        for t in ["5m", "1h", "6h", "1d", "7d", "14d"] {
            assert!(texts.iter().any(|x| x == t), "{t} in {texts:?}");
        }
        assert!(h.windows(2).all(|w| w[0] < w[1]));
        let m = readable_stops(TimeUnit::Minute, 0.0, 15.0);
        assert_eq!(m, vec![0.0, 1.0, 2.0, 5.0, 10.0, 15.0]);
        assert_eq!(readable_stops(TimeUnit::Day, 1.0, 1.0), vec![1.0]);
        assert!(readable_stops(TimeUnit::Day, 2.0, 1.0).is_empty());
    }
}
