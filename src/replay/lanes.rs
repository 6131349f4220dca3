//! The lanes of a replay and their grammar: `--lanes frozen,stateless:100000/50000,stateful:24h,continual`.
//! On a load trace amounts are durations, read by the one duration grammar of every knob
//! ([`crate::base::units::parse_duration`]: `90m`, `24h`, `7d`, `2w`; a plain number counts hours). A click
//! log has no time axis: its amounts are counts of examples (`100000`, `100k`, `1M`), so there `m` is a
//! million and a duration is refused with a message that says why.

use serde::{Deserialize, Serialize};

use super::error::ReplayError;
use crate::base::units::{fmt_duration, fmt_num, parse_duration, TimeUnit};

/// Most lanes one replay runs.
pub const MAX_LANES: usize = 8;
/// Largest stateless window, in examples (the same bound as the simulator's retraining buffer).
pub const MAX_WINDOW: f64 = crate::learn::schedule::MAX_BUFFER as f64;

/// What kind of file is replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Vowpal Wabbit text: `label [importance] ['tag]|namespace[:weight] feature[:value] ...`.
    Vw,
    /// A per-cell load trace: CSV with a header, time, cell and value columns.
    LoadCsv,
}

impl Format {
    /// The format as `--format` names it.
    pub(super) fn name(self) -> &'static str {
        match self {
            Format::Vw => "vw",
            Format::LoadCsv => "load-csv",
        }
    }
    /// The unit of the replay's axis, warm-up and intervals.
    pub(super) fn unit(self) -> &'static str {
        match self {
            Format::Vw => "examples",
            Format::LoadCsv => "hours",
        }
    }
}

/// One lane's update schedule on logged data (intervals in examples for click logs, hours for loads).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum LaneSpec {
    /// Trained on the warm-up, then never updated.
    Frozen,
    /// Learns every label as soon as it arrives.
    Continual,
    /// Retrained from scratch every `every` on the labels of the last `window`.
    Stateless {
        /// Retraining interval (examples or hours).
        every: f64,
        /// Training window (examples or hours).
        window: f64,
    },
    /// Continues from its own weights on the new labels, deployed every `every`.
    Stateful {
        /// Deploy interval (examples or hours).
        every: f64,
    },
}

impl LaneSpec {
    /// The lane as written in `--lanes`.
    pub fn label(&self, format: Format) -> String {
        let n = |v: f64| match format {
            Format::Vw => fmt_num(v),
            Format::LoadCsv => fmt_duration(v, TimeUnit::Hour),
        };
        match *self {
            LaneSpec::Frozen => "frozen".into(),
            LaneSpec::Continual => "continual".into(),
            LaneSpec::Stateless { every, window } => {
                format!("stateless:{}/{}", n(every), n(window))
            }
            LaneSpec::Stateful { every } => format!("stateful:{}", n(every)),
        }
    }

    /// One sentence on what the lane does.
    pub fn description(&self, format: Format) -> String {
        let n = |v: f64| match format {
            Format::Vw => format!("{} examples", fmt_num(v)),
            Format::LoadCsv => format!("{} h", fmt_num(v)),
        };
        match *self {
            LaneSpec::Frozen => "trained on the warm-up, never updated".into(),
            LaneSpec::Continual => "learns every label as it arrives".into(),
            LaneSpec::Stateless { every, window } => format!(
                "retrained from scratch every {} on the last {}",
                n(every),
                n(window)
            ),
            LaneSpec::Stateful { every } => {
                format!("continues training, deployed every {}", n(every))
            }
        }
    }
}

/// An amount of examples (`100000`, `100k`, `1M`) or of hours (`24`, `24h`, `90min`, `7d`, `2w`);
/// `what` names it in the error.
pub(super) fn amount(v: &str, format: Format, what: &str) -> Result<f64, ReplayError> {
    let s = v.trim();
    let err = |m: &str| ReplayError::plain(format!("{what} `{v}`: {m}"));
    if format == Format::LoadCsv {
        // Time, in the one duration grammar of every knob (a plain number counts hours).
        return parse_duration(s, TimeUnit::Hour)
            .filter(|x| *x >= 0.0)
            .ok_or_else(|| err("expected a duration, e.g. 24h, 90m, 7d or 2w"));
    }
    // A number as a whole first: `1e4` is ten thousand, not 1 with a unit `e4`.
    let split = if s.parse::<f64>().is_ok_and(f64::is_finite) {
        s.len()
    } else {
        s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len())
    };
    let (n, unit) = s.split_at(split);
    let n: f64 = n
        .trim()
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite() && *x >= 0.0)
        .ok_or_else(|| err("expected a number, e.g. 100000 or 24h"))?;
    let k = match (format, unit.to_ascii_lowercase().as_str()) {
        (Format::Vw, "") => 1.0,
        (Format::Vw, "k") => 1e3,
        (Format::Vw, "m") => 1e6,
        (Format::Vw, _) => {
            return Err(err(
                "click logs count examples (e.g. 100000 or 100k), they have no time",
            ))
        }
        (Format::LoadCsv, _) => unreachable!("load traces read durations above"),
    };
    let x = n * k;
    if format == Format::Vw && x.fract() != 0.0 {
        return Err(err("a whole number of examples"));
    }
    Ok(x)
}

/// Parses `--lanes`: a comma-separated list of `frozen`, `continual`, `stateless:EVERY[/WINDOW]`,
/// `periodic:EVERY[/WINDOW]` (the same as stateless) and `stateful:EVERY`. The window defaults to the
/// warm-up (at least `EVERY`). An empty list is the default lanes of the format.
pub fn parse_lanes(s: &str, format: Format, warmup: f64) -> Result<Vec<LaneSpec>, ReplayError> {
    let s = if s.trim().is_empty() {
        match format {
            Format::Vw => "frozen,stateless:100000,continual",
            Format::LoadCsv => "frozen,stateless:24h,continual",
        }
    } else {
        s
    };
    let out = s
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|part| parse_lane(part, format, warmup))
        .collect::<Result<Vec<_>, _>>()?;
    if out.is_empty() {
        return Err(ReplayError::plain("--lanes: no lane given"));
    }
    if out.len() > MAX_LANES {
        return Err(ReplayError::plain(format!(
            "--lanes: at most {MAX_LANES} lanes"
        )));
    }
    Ok(out)
}

/// One lane of `--lanes` (trimmed, not empty).
fn parse_lane(part: &str, format: Format, warmup: f64) -> Result<LaneSpec, ReplayError> {
    let (kind, arg) = match part.split_once(':') {
        Some((k, a)) => (k.trim(), Some(a.trim())),
        None => (part, None),
    };
    let bad = |m: String| ReplayError::plain(format!("lane `{part}`: {m}"));
    let lane = match kind.to_ascii_lowercase().as_str() {
        "frozen" | "continual" if arg.is_some() => {
            return Err(bad(
                "takes no interval (set the warm-up with --warmup)".into()
            ));
        }
        "frozen" => LaneSpec::Frozen,
        "continual" => LaneSpec::Continual,
        "stateless" | "periodic" => {
            let (every, w) = interval(part, kind, arg, format)?;
            let window = w.unwrap_or(warmup.max(every));
            if window.is_nan() || window <= 0.0 {
                return Err(bad("the window must be positive".into()));
            }
            if format == Format::Vw && window > MAX_WINDOW {
                let most = fmt_num(MAX_WINDOW);
                return Err(bad(match w {
                    Some(_) => format!("the window is at most {most} examples"),
                    // The window was not given: it is the warm-up, which the user set.
                    None => format!(
                        "its window, the warm-up of {} examples, is at most {most} examples: set \
                         --warmup lower, or give the window, e.g. `{kind}:{}/{most}`",
                        fmt_num(window),
                        fmt_num(every)
                    ),
                }));
            }
            LaneSpec::Stateless { every, window }
        }
        "stateful" => {
            let (every, w) = interval(part, kind, arg, format)?;
            if w.is_some() {
                return Err(bad("a stateful lane has no window".into()));
            }
            LaneSpec::Stateful { every }
        }
        _ => {
            return Err(bad(
                "expected frozen, continual, stateless:N, periodic:N or stateful:N".into(),
            ))
        }
    };
    Ok(lane)
}

/// The `EVERY[/WINDOW]` of lane `part` of kind `kind`: the interval (at least one example or one minute)
/// and the window if given.
fn interval(
    part: &str,
    kind: &str,
    arg: Option<&str>,
    format: Format,
) -> Result<(f64, Option<f64>), ReplayError> {
    let bad = |m: String| ReplayError::plain(format!("lane `{part}`: {m}"));
    let (example, min, least) = match format {
        Format::Vw => ("100000", 1.0, "1 example"),
        Format::LoadCsv => ("24h", 1.0 / 60.0, "1 minute"),
    };
    let a = arg.ok_or_else(|| bad(format!("give its interval, e.g. `{kind}:{example}`")))?;
    let (e, w) = match a.split_once('/') {
        Some((e, w)) => (e, Some(amount(w, format, "window")?)),
        None => (a, None),
    };
    let e = amount(e, format, "interval")?;
    if e < min {
        return Err(bad(format!("the interval must be at least {least}")));
    }
    Ok((e, w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_counts_for_clicks_and_hours_for_loads() {
        assert_eq!(amount("100k", Format::Vw, "x"), Ok(100_000.0));
        assert_eq!(amount(" 2M ", Format::Vw, "x"), Ok(2e6));
        assert_eq!(amount("90min", Format::LoadCsv, "x"), Ok(1.5));
        assert_eq!(amount("2w", Format::LoadCsv, "x"), Ok(336.0));
        assert_eq!(amount("7d", Format::LoadCsv, "x"), Ok(168.0));
        assert_eq!(amount("1e4", Format::Vw, "x"), Ok(10_000.0));
        assert_eq!(amount("2.5E1", Format::LoadCsv, "x"), Ok(25.0));
        let e = amount("1.5", Format::Vw, "warmup").unwrap_err();
        assert_eq!(e.message, "warmup `1.5`: a whole number of examples");
        // A load trace reads the knobs' duration grammar: `m` is a minute there.
        assert_eq!(amount("90m", Format::LoadCsv, "x"), Ok(1.5));
        assert_eq!(amount("36", Format::LoadCsv, "x"), Ok(36.0));
        let e = amount("3 parsecs", Format::LoadCsv, "window").unwrap_err();
        assert_eq!(
            e.message,
            "window `3 parsecs`: expected a duration, e.g. 24h, 90m, 7d or 2w"
        );
    }

    #[test]
    fn lanes_parse_to_their_labels() {
        let l = parse_lanes(
            "frozen, periodic:1d/2w ,stateful:90min,continual",
            Format::LoadCsv,
            168.0,
        )
        .unwrap();
        let labels: Vec<String> = l.iter().map(|l| l.label(Format::LoadCsv)).collect();
        assert_eq!(
            l[1],
            LaneSpec::Stateless {
                every: 24.0,
                window: 336.0
            }
        );
        assert_eq!(l[2], LaneSpec::Stateful { every: 1.5 });
        assert_eq!(labels.len(), 4);
        // The window defaults to the warm-up, but is never shorter than the interval.
        let l = parse_lanes("stateless:5k,stateless:20k", Format::Vw, 10_000.0).unwrap();
        assert_eq!(
            l[0],
            LaneSpec::Stateless {
                every: 5e3,
                window: 1e4
            }
        );
        assert_eq!(
            l[1],
            LaneSpec::Stateless {
                every: 2e4,
                window: 2e4
            }
        );
        assert_eq!(parse_lanes(" ", Format::Vw, 0.0).unwrap().len(), 3);
    }

    #[test]
    fn lane_errors_name_the_lane() {
        let err = |s: &str, f| parse_lanes(s, f, 100.0).unwrap_err().message;
        assert_eq!(
            err("frozen,stateless", Format::Vw),
            "lane `stateless`: give its interval, e.g. `stateless:100000`"
        );
        assert_eq!(
            err("periodic", Format::LoadCsv),
            "lane `periodic`: give its interval, e.g. `periodic:24h`"
        );
        assert_eq!(
            err("stateful:0.5min", Format::LoadCsv),
            "lane `stateful:0.5min`: the interval must be at least 1 minute"
        );
        assert_eq!(
            err("stateless:10/1M", Format::Vw),
            "lane `stateless:10/1M`: the window is at most 400000 examples"
        );
        assert_eq!(err(",", Format::Vw), "--lanes: no lane given");
        assert_eq!(
            err(&["continual"; 9].join(","), Format::Vw),
            "--lanes: at most 8 lanes"
        );
    }
}
