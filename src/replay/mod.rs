//! Replay your own data: a logged file streamed through the playground's learners and update
//! schedules, scored progressively (predict, score, then learn).
//!
//! * Click logs in Vowpal Wabbit text format go through FTRL-Proximal logistic regression (McMahan et al.
//!   2013, Algorithm 1) over hashed features, scored by log loss, normalised entropy (He et al. 2014),
//!   AUC and calibration.
//! * Per-cell load traces (CSV) go through per-cell online regressions (RLS or NLMS) on time-of-day
//!   terms and lagged loads, scored by forecast error and by the energy and unserved traffic of the sleep
//!   policy on the trace under the EARTH power model (Auer et al. 2011).
//!
//! Click logs: labels 1 and -1 (or 0), an optional importance weight (it scales the gradient, as in
//! VW) and tag; features `name[:value]` (binary without a value) are hashed with
//! [`crate::learn::ftrl::hash_str`] (namespace, then name) into 2^bits buckets, a constant feature is
//! added, and features sharing a bucket are merged by summing their values. The FTRL parameters are
//! VW's `--ftrl_alpha`, `--ftrl_beta`, `--l1`, `--l2` one for one (its proximal step uses l1 and l2
//! unscaled); a continual lane's progressive log loss matches `vw --ftrl` to about 1e-4 on real click
//! logs, the rest being hash collisions and VW's 32-bit floats (BENCHMARKS.md). AUC comes from a
//! histogram of the predictions' logits per label (4800 bins of width 0.005 over [-12, 12]): constant
//! memory, pairs closer than a bin count as ties.
//!
//! Load traces: the value column is a utilisation, divided by `scale` (1 for shares of capacity, 100 for
//! percentages). Values above 1 after scaling are kept for forecasting and errors, capped at 1 in the
//! power model, and counted in a notice (which suggests `--scale 100` when they exceed 1.5). Each cell's
//! step is its most common time difference; missing intervals are not scored and the last known load
//! serves as the lag. A cell whose forecast is below `threshold` sleeps for the interval; its traffic
//! above the threshold is unserved.
//!
//! A [`Session`] takes the file in chunks of any size (the page feeds `File.slice()` pieces; the command
//! line reads fixed-size chunks) and keeps only the partial last line: memory does not grow with the
//! file. Nothing here touches the file system, spawns threads or panics on any input.
//!
//! ```
//! use rtml::replay::{ReplayOptions, Session};
//!
//! let mut opts = ReplayOptions::default();
//! opts.set("lanes", "frozen,continual").unwrap();
//! opts.set("warmup", "2").unwrap();
//! let mut s = Session::new(opts).unwrap();
//! s.feed(b"1 |a x\n-1 |a y\n1 |a x\n-").unwrap();
//! s.feed(b"1 |a y\n").unwrap();
//! s.finish().unwrap();
//! let r = s.report();
//! assert_eq!(r.lanes[1].examples, 2);
//! ```

mod buckets;
mod clicks;
mod lines;
mod loads;
mod time;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::learn::ftrl::FtrlParams;
use crate::learn::linreg::{RegKind, RegParams};
use crate::sim::config::{fmt_hours, fmt_num, CellType};
pub use lines::MAX_LINE;

/// Most lanes one replay runs.
pub const MAX_LANES: usize = 8;
/// Largest stateless window, in examples (the same bound as the simulator's retraining buffer).
pub const MAX_WINDOW: f64 = crate::learn::schedule::MAX_BUFFER as f64;
/// Largest label delay (examples or intervals).
pub const MAX_DELAY: u64 = 100_000;
/// Default warm-up of click logs, in examples.
pub const CLICK_WARMUP: f64 = 10_000.0;
/// Default warm-up of load traces, in hours (per cell, from its first row).
pub const LOAD_WARMUP: f64 = 168.0;

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
    fn name(self) -> &'static str {
        match self {
            Format::Vw => "vw",
            Format::LoadCsv => "load-csv",
        }
    }
    fn unit(self) -> &'static str {
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
            Format::LoadCsv => fmt_hours(v),
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

/// Everything a replay needs to know: format, learners, lanes, columns. Serde data, so the page can send it
/// as JSON; [`ReplayOptions::set`] parses the same settings from text (command line, form fields).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReplayOptions {
    /// `vw` or `load-csv`.
    pub format: Format,
    /// File name shown in the report (informational).
    pub name: String,
    /// Lanes, e.g. `frozen,stateless:100000,stateful:100000,continual` (loads: `periodic:24h`); empty for the defaults.
    pub lanes: String,
    /// Warm-up every lane trains on before scoring starts: examples (clicks) or hours per cell (loads); `None` for the default.
    pub warmup: Option<f64>,
    /// Label delay: examples (clicks) or intervals (loads).
    pub label_delay: u64,
    /// Skip and count malformed lines instead of stopping at the first.
    pub skip_bad: bool,
    /// Hashed feature buckets: 2^bits (1..=24).
    pub bits: u32,
    /// FTRL-Proximal hyper-parameters (McMahan et al. 2013).
    pub ftrl: FtrlParams,
    /// CSV delimiter (one ASCII character; `\t` or `tab` for tabs).
    pub delimiter: String,
    /// CSV column holding the time.
    pub time_col: String,
    /// CSV column naming the cell; empty for a single series.
    pub cell_col: String,
    /// CSV column holding the load (a utilisation, share of capacity after dividing by `scale`).
    pub value_col: String,
    /// Values are divided by it: 1 for shares of capacity (0..1), 100 for percentages.
    pub scale: f64,
    /// Sleep threshold (share of capacity): a cell forecast below it sleeps; a sleeping cell's traffic above it is unserved.
    pub threshold: f64,
    /// EARTH power-model row of the cells (Auer et al. 2011, Table 2).
    pub cell_type: CellType,
    /// Load regression learner (RLS by default, or NLMS).
    pub reg: RegParams,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            format: Format::Vw,
            name: String::new(),
            lanes: String::new(),
            warmup: None,
            label_delay: 0,
            skip_bad: false,
            bits: 18,
            ftrl: FtrlParams::default(),
            delimiter: ",".into(),
            time_col: String::new(),
            cell_col: String::new(),
            value_col: String::new(),
            scale: 1.0,
            threshold: 0.25,
            cell_type: CellType::Macro,
            reg: RegParams::default(),
        }
    }
}

/// The settings [`ReplayOptions::set`] knows.
pub const SETTINGS: &[&str] = &[
    "format",
    "name",
    "lanes",
    "warmup",
    "label-delay",
    "skip-bad",
    "bits",
    "ftrl",
    "delimiter",
    "time-col",
    "cell-col",
    "value-col",
    "scale",
    "threshold",
    "cell-type",
    "learner",
    "forgetting",
];

fn num(key: &str, v: &str) -> Result<f64, ReplayError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| ReplayError::plain(format!("{key} `{v}`: not a number")))
}

/// An amount of examples (`100000`, `100k`, `1M`) or of hours (`24`, `24h`, `90min`, `7d`, `2w`).
fn amount(v: &str, format: Format, what: &str) -> Result<f64, ReplayError> {
    let s = v.trim();
    let err = |m: &str| ReplayError::plain(format!("{what} `{v}`: {m}"));
    let split = s.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(s.len());
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
        (Format::LoadCsv, "" | "h") => 1.0,
        (Format::LoadCsv, "min") => 1.0 / 60.0,
        (Format::LoadCsv, "d") => 24.0,
        (Format::LoadCsv, "w") => 168.0,
        (Format::LoadCsv, _) => return Err(err("use hours, e.g. 24h, 90min, 7d or 2w")),
    };
    let x = n * k;
    if format == Format::Vw && x.fract() != 0.0 {
        return Err(err("a whole number of examples"));
    }
    Ok(x)
}

/// Parses `--lanes`: a comma-separated list of `frozen`, `continual`, `stateless:EVERY[/WINDOW]`,
/// `periodic:EVERY[/WINDOW]` (the same as stateless) and `stateful:EVERY`. The window defaults to the
/// warm-up (at least `EVERY`).
pub fn parse_lanes(s: &str, format: Format, warmup: f64) -> Result<Vec<LaneSpec>, ReplayError> {
    let s = if s.trim().is_empty() {
        match format {
            Format::Vw => "frozen,stateless:100000,continual",
            Format::LoadCsv => "frozen,stateless:24h,continual",
        }
    } else {
        s
    };
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, arg) = match part.split_once(':') {
            Some((k, a)) => (k.trim(), Some(a.trim())),
            None => (part, None),
        };
        let bad = |m: String| ReplayError::plain(format!("lane `{part}`: {m}"));
        let every_of = |a: Option<&str>| -> Result<(f64, Option<f64>), ReplayError> {
            let a = a.ok_or_else(|| {
                bad(format!(
                    "give its interval, e.g. `{kind}:{}`",
                    if format == Format::Vw {
                        "100000"
                    } else {
                        "24h"
                    }
                ))
            })?;
            let (e, w) = match a.split_once('/') {
                Some((e, w)) => (e, Some(amount(w, format, "window")?)),
                None => (a, None),
            };
            let e = amount(e, format, "interval")?;
            let min = if format == Format::Vw {
                1.0
            } else {
                1.0 / 60.0
            };
            if e < min {
                return Err(bad(format!(
                    "the interval must be at least {}",
                    if format == Format::Vw {
                        "1 example"
                    } else {
                        "1 minute"
                    }
                )));
            }
            Ok((e, w))
        };
        let lane = match kind.to_ascii_lowercase().as_str() {
            "frozen" | "continual" if arg.is_some() => {
                return Err(bad(
                    "takes no interval (set the warm-up with --warmup)".into()
                ));
            }
            "frozen" => LaneSpec::Frozen,
            "continual" => LaneSpec::Continual,
            "stateless" | "periodic" => {
                let (every, w) = every_of(arg)?;
                let window = w.unwrap_or(warmup.max(every));
                if window.is_nan() || window <= 0.0 {
                    return Err(bad("the window must be positive".into()));
                }
                if format == Format::Vw && window > MAX_WINDOW {
                    return Err(bad(format!(
                        "the window is at most {} examples",
                        fmt_num(MAX_WINDOW)
                    )));
                }
                LaneSpec::Stateless { every, window }
            }
            "stateful" => {
                let (every, w) = every_of(arg)?;
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
        out.push(lane);
    }
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

impl ReplayOptions {
    /// Options for `format` (`vw` or `load-csv`) with `(setting, value)` pairs applied in order (see [`SETTINGS`]).
    pub fn from_args(
        format: &str,
        settings: &[(&str, String)],
    ) -> Result<ReplayOptions, ReplayError> {
        let mut o = ReplayOptions::default();
        o.set("format", format)?;
        for (k, v) in settings {
            o.set(k, v)?;
        }
        o.validate()?;
        Ok(o)
    }

    /// Sets one setting from text; the error names the setting and what it accepts.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ReplayError> {
        let v = value.trim();
        let flag = |b: &str| -> Result<bool, ReplayError> {
            match b {
                "" | "1" | "true" | "yes" | "on" => Ok(true),
                "0" | "false" | "no" | "off" => Ok(false),
                _ => Err(ReplayError::plain(format!(
                    "{key} `{b}`: expected true or false"
                ))),
            }
        };
        match key.replace('_', "-").as_str() {
            "format" => {
                self.format = match v {
                    "vw" => Format::Vw,
                    "load-csv" | "csv" => Format::LoadCsv,
                    _ => {
                        return Err(ReplayError::plain(format!(
                            "format `{v}`: expected vw or load-csv"
                        )))
                    }
                }
            }
            "name" | "file" => self.name = v.to_string(),
            "lanes" => self.lanes = v.to_string(),
            "warmup" => self.warmup = Some(amount(v, self.format, "warmup")?),
            "label-delay" => {
                let d = amount(v, Format::Vw, "label-delay")?;
                self.label_delay = d as u64;
            }
            "skip-bad" => self.skip_bad = flag(v)?,
            "bits" => {
                self.bits = v.parse().map_err(|_| {
                    ReplayError::plain(format!("bits `{v}`: expected a whole number 1..=24"))
                })?
            }
            "ftrl" => {
                for kv in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
                    let (k, x) = kv.split_once('=').ok_or_else(|| {
                        ReplayError::plain(format!(
                            "ftrl `{kv}`: expected name=value, e.g. alpha=0.1,beta=1,l1=1,l2=1"
                        ))
                    })?;
                    let x = num(&format!("ftrl {}", k.trim()), x)?;
                    match k.trim() {
                        "alpha" => self.ftrl.alpha = x,
                        "beta" => self.ftrl.beta = x,
                        "l1" => self.ftrl.l1 = x,
                        "l2" => self.ftrl.l2 = x,
                        other => {
                            return Err(ReplayError::plain(format!(
                                "ftrl `{other}`: expected alpha, beta, l1 or l2"
                            )))
                        }
                    }
                }
            }
            "delimiter" => self.delimiter = value.to_string(),
            "time-col" => self.time_col = v.to_string(),
            "cell-col" => self.cell_col = v.to_string(),
            "value-col" => self.value_col = v.to_string(),
            "scale" => self.scale = num(key, v)?,
            "threshold" => self.threshold = num(key, v)?,
            "cell-type" => {
                self.cell_type = match v {
                    "macro" => CellType::Macro,
                    "rrh" => CellType::Rrh,
                    "micro" => CellType::Micro,
                    "pico" => CellType::Pico,
                    _ => {
                        return Err(ReplayError::plain(format!(
                            "cell-type `{v}`: expected macro, rrh, micro or pico"
                        )))
                    }
                }
            }
            "learner" => {
                self.reg.kind = match v {
                    "rls" => RegKind::Rls,
                    "nlms" => RegKind::Nlms,
                    _ => {
                        return Err(ReplayError::plain(format!(
                            "learner `{v}`: expected rls or nlms"
                        )))
                    }
                }
            }
            "forgetting" => self.reg.forgetting = num(key, v)?,
            _ => {
                return Err(ReplayError::plain(format!(
                    "unknown setting `{key}`; known: {}",
                    SETTINGS.join(", ")
                )))
            }
        }
        Ok(())
    }

    /// The delimiter as one byte.
    fn delimiter_byte(&self) -> Result<u8, ReplayError> {
        match self.delimiter.as_str() {
            "\\t" | "tab" | "\t" => Ok(b'\t'),
            d if d.len() == 1
                && d.as_bytes()[0].is_ascii()
                && !d.as_bytes()[0].is_ascii_alphanumeric()
                && d != "\""
                && d != "\n" =>
            {
                Ok(d.as_bytes()[0])
            }
            d => Err(ReplayError::plain(format!(
                "delimiter `{d}`: expected one character such as , ; | or \\t"
            ))),
        }
    }

    /// The warm-up in examples or hours.
    pub fn warmup_or_default(&self) -> f64 {
        self.warmup.unwrap_or(match self.format {
            Format::Vw => CLICK_WARMUP,
            Format::LoadCsv => LOAD_WARMUP,
        })
    }

    /// Checks every setting; the error names the setting and its valid range.
    pub fn validate(&self) -> Result<Vec<LaneSpec>, ReplayError> {
        let e = |m: String| Err(ReplayError::plain(m));
        let FtrlParams {
            alpha,
            beta,
            l1,
            l2,
        } = self.ftrl;
        if !(1..=24).contains(&self.bits) {
            return e(format!("bits {}: expected 1..=24", self.bits));
        }
        let pos = |x: f64| x > 0.0 && x.is_finite();
        let nonneg = |x: f64| x >= 0.0 && x.is_finite();
        if !(pos(alpha) && nonneg(beta) && nonneg(l1) && nonneg(l2)) {
            return e(format!("ftrl alpha={alpha},beta={beta},l1={l1},l2={l2}: alpha must be > 0, beta, l1 and l2 >= 0"));
        }
        let w = self.warmup_or_default();
        if !(w >= 0.0 && w.is_finite()) || (self.format == Format::Vw && w.fract() != 0.0) {
            return e(format!(
                "warmup {w}: expected a whole number of examples or hours >= 0"
            ));
        }
        if self.label_delay > MAX_DELAY {
            return e(format!(
                "label-delay {}: at most {MAX_DELAY}",
                self.label_delay
            ));
        }
        if !(self.scale > 0.0 && self.scale.is_finite()) {
            return e(format!("scale {}: expected a positive number (1 for shares of capacity, 100 for percentages)", self.scale));
        }
        if !(0.0..=1.0).contains(&self.threshold) {
            return e(format!(
                "threshold {}: expected 0..=1 (share of capacity)",
                self.threshold
            ));
        }
        let r = self.reg;
        let forgetting = r.forgetting > 0.9 && r.forgetting <= 1.0;
        if !(forgetting && pos(r.p0) && r.step > 0.0 && r.step < 2.0 && pos(r.clip)) {
            return e(
                "learner: forgetting must be in (0.9, 1], p0 > 0, step in (0, 2), clip > 0".into(),
            );
        }
        if self.format == Format::LoadCsv {
            self.delimiter_byte()?;
        }
        parse_lanes(&self.lanes, self.format, w)
    }
}

/// A replay error: the line it happened on (if any) and what went wrong, with the offending text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReplayError {
    /// The 1-based line it happened on, if any.
    pub line: Option<u64>,
    /// What went wrong, with the offending text shortened to about 60 characters.
    pub message: String,
}

impl ReplayError {
    fn plain(m: impl Into<String>) -> Self {
        ReplayError {
            line: None,
            message: m.into(),
        }
    }
    fn at(line: u64, m: impl Into<String>) -> Self {
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

/// The series of one lane: windowed metrics per bucket of `width` along the axis after the warm-up.
#[derive(Clone, Debug, Serialize)]
pub struct SeriesReport {
    /// Axis unit: `examples` or `hours` (hours since each cell's warm-up ended).
    pub unit: String,
    /// Bucket width in that unit; bucket `b` covers `[b * width, (b + 1) * width)`.
    pub width: f64,
    /// Metric names, the columns of `rows`.
    pub keys: Vec<String>,
    /// One row per bucket (NaN, shown as null in JSON, where a bucket has no data).
    pub rows: Vec<Vec<f64>>,
}

/// One lane's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct LaneReport {
    /// The lane as written in `--lanes` (canonical form).
    pub label: String,
    pub description: String,
    /// Summary metrics over every scored example, in display order.
    pub metrics: Vec<(String, f64)>,
    /// Examples (clicks) or cell-intervals (loads) scored after the warm-up.
    pub examples: u64,
    pub series: SeriesReport,
}

impl LaneReport {
    /// A summary metric by name.
    pub fn metric(&self, key: &str) -> Option<f64> {
        self.metrics.iter().find(|m| m.0 == key).map(|m| m.1)
    }
}

/// What a replay found so far (partial while feeding, final after [`Session::finish`]).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// `vw` or `load-csv`.
    pub format: String,
    /// The file name given in the options.
    pub file: String,
    /// Lines read.
    pub lines: u64,
    /// Examples (clicks) or values (loads) read, the warm-up included.
    pub examples: u64,
    /// Malformed lines skipped (`skip_bad`).
    pub skipped: u64,
    /// Warm-up, in `unit`.
    pub warmup: f64,
    /// `examples` or `hours`.
    pub unit: String,
    /// Cells seen (loads).
    pub cells: u64,
    pub finished: bool,
    pub lanes: Vec<LaneReport>,
    /// Things worth knowing: skipped lines, missing intervals, values above capacity, an unscored file.
    pub notices: Vec<String>,
}

use crate::sim::series::{entropy, ratio};

fn click_metrics(s: &[f64]) -> Vec<(&'static str, f64)> {
    use clicks::f;
    let ll = ratio(s[f::LOG_LOSS], s[f::WEIGHT]);
    let ctr = ratio(s[f::CLICKS], s[f::WEIGHT]);
    vec![
        ("log_loss", ll),
        ("ne", ratio(ll, entropy(ctr))),
        ("calibration", ratio(s[f::P_SUM], s[f::CLICKS])),
        ("ctr", ctr),
        ("updates", s[f::UPDATES]),
        ("retrains", s[f::RETRAINS]),
    ]
}

fn load_metrics(s: &[f64]) -> Vec<(&'static str, f64)> {
    use loads::f;
    let n = s[f::FORECASTS];
    vec![
        ("mae", ratio(s[f::ABS_ERROR], n)),
        ("rmse", ratio(s[f::SQ_ERROR], n).sqrt()),
        ("energy_kwh", s[f::ENERGY_KWH]),
        (
            "energy_saved_pct",
            100.0 * ratio(s[f::ALWAYS_ON_KWH] - s[f::ENERGY_KWH], s[f::ALWAYS_ON_KWH]),
        ),
        (
            "oracle_savings_pct",
            100.0
                * ratio(
                    s[f::ALWAYS_ON_KWH] - s[f::ENERGY_KWH],
                    s[f::ALWAYS_ON_KWH] - s[f::ORACLE_KWH],
                ),
        ),
        ("unserved_gb", s[f::UNSERVED_GB]),
        ("asleep_pct", 100.0 * ratio(s[f::ASLEEP], n)),
        ("updates", s[f::UPDATES]),
        ("retrains", s[f::RETRAINS]),
    ]
}

/// One lane's report: its label, summary metrics, number of scored examples (field `count`) and series.
fn lane_report(
    spec: LaneSpec,
    format: Format,
    totals: &[f64],
    b: &buckets::Buckets,
    count: usize,
    metrics: fn(&[f64]) -> Vec<(&'static str, f64)>,
) -> LaneReport {
    LaneReport {
        label: spec.label(format),
        description: spec.description(format),
        metrics: metrics(totals)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
        examples: totals[count] as u64,
        series: series(b, count, metrics, format.unit()),
    }
}

fn series(
    b: &buckets::Buckets,
    count: usize,
    metrics: fn(&[f64]) -> Vec<(&'static str, f64)>,
    unit: &str,
) -> SeriesReport {
    let keys = std::iter::once("examples".to_string())
        .chain(
            metrics(&vec![0.0; b.fields])
                .into_iter()
                .map(|m| m.0.to_string()),
        )
        .collect();
    let rows = (0..b.used)
        .map(|k| {
            let r = b.row(k);
            std::iter::once(r[count])
                .chain(metrics(r).into_iter().map(|m| m.1))
                .collect()
        })
        .collect();
    SeriesReport {
        unit: unit.to_string(),
        width: b.width,
        keys,
        rows,
    }
}

enum Engine {
    Clicks(Box<clicks::Clicks>),
    Loads(Box<loads::Loads>),
}

/// A streaming replay: feed the file in chunks of any size, then finish; ask for the report at any time.
pub struct Session {
    opts: ReplayOptions,
    warmup: f64,
    lines: lines::Lines,
    engine: Engine,
    skipped: u64,
    /// The first few skipped lines' messages.
    skipped_examples: Vec<String>,
    failed: Option<ReplayError>,
    started: bool,
    finished: bool,
}

impl Session {
    /// A session for these options (checked: an invalid setting is an error naming it).
    pub fn new(opts: ReplayOptions) -> Result<Session, ReplayError> {
        let specs = opts.validate()?;
        let warmup = opts.warmup_or_default();
        let engine = match opts.format {
            Format::Vw => Engine::Clicks(Box::new(clicks::Clicks::new(&opts, &specs, warmup))),
            Format::LoadCsv => Engine::Loads(Box::new(loads::Loads::new(
                &opts,
                &specs,
                warmup,
                opts.delimiter_byte()?,
            ))),
        };
        Ok(Session {
            opts,
            warmup,
            lines: lines::Lines::default(),
            engine,
            skipped: 0,
            skipped_examples: Vec::new(),
            failed: None,
            started: false,
            finished: false,
        })
    }

    fn fail(&mut self, e: ReplayError) -> ReplayError {
        self.failed = Some(e.clone());
        e
    }

    /// Feeds the next chunk of the file (any size, lines may be split anywhere).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ReplayError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.finished {
            return Err(self.fail(ReplayError::plain("feed after finish")));
        }
        if !self.started && !chunk.is_empty() {
            self.started = true;
            if chunk.starts_with(&[0x1f, 0x8b]) {
                return Err(self.fail(ReplayError::plain(
                    "the file is gzip-compressed: decompress it first",
                )));
            }
        }
        let mut lines = std::mem::take(&mut self.lines);
        let r = lines.feed(chunk, |n, l| self.line(n, l));
        self.lines = lines;
        r.map_err(|e| self.fail(e))
    }

    /// Ends the file: replays a last line without a newline, and checks that something was read.
    pub fn finish(&mut self) -> Result<(), ReplayError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.finished {
            return Ok(());
        }
        let mut lines = std::mem::take(&mut self.lines);
        let r = lines.finish(|n, l| self.line(n, l));
        self.lines = lines;
        r.map_err(|e| self.fail(e))?;
        self.finished = true;
        let (read, what) = match &self.engine {
            Engine::Clicks(c) => (c.examples, "example"),
            Engine::Loads(l) => {
                if !l.has_header() {
                    return Err(self.fail(ReplayError::plain("the file is empty: no header line")));
                }
                (l.values, "value")
            }
        };
        if read == 0 {
            let m = if self.lines.line == 0 {
                "the file is empty".to_string()
            } else if self.skipped > 0 {
                format!(
                    "no valid {what} in {} lines ({} skipped as malformed)",
                    self.lines.line, self.skipped
                )
            } else {
                format!("no {what} in {} lines", self.lines.line)
            };
            return Err(self.fail(ReplayError::plain(m)));
        }
        Ok(())
    }

    fn line(&mut self, n: u64, line: &[u8]) -> Result<(), ReplayError> {
        let bad = match &mut self.engine {
            Engine::Clicks(c) => match c.line(line) {
                Ok(()) => return Ok(()),
                Err(m) => m,
            },
            Engine::Loads(l) => match l.line(line, n) {
                Ok(()) => return Ok(()),
                Err(loads::LineError::Fatal(e)) => return Err(e),
                Err(loads::LineError::Bad(m)) => m,
            },
        };
        self.bad_line(n, bad)
    }

    /// A malformed line: skipped and counted with `skip_bad`, else the error.
    fn bad_line(&mut self, n: u64, bad: String) -> Result<(), ReplayError> {
        if self.opts.skip_bad {
            self.skipped += 1;
            if self.skipped_examples.len() < 3 {
                self.skipped_examples.push(format!("line {n}: {bad}"));
            }
            Ok(())
        } else {
            Err(ReplayError::at(n, bad))
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.lines.line
    }

    /// Malformed lines skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// The outcome so far (partial while feeding).
    pub fn report(&self) -> Report {
        let format = self.opts.format;
        let mut notices = Vec::new();
        if self.skipped > 0 {
            notices.push(format!(
                "{} malformed line(s) skipped, e.g. {}",
                self.skipped,
                self.skipped_examples.join("; ")
            ));
        }
        let (examples, cells, lanes): (u64, u64, Vec<LaneReport>) = match &self.engine {
            Engine::Clicks(c) => {
                let lanes = c
                    .lanes
                    .iter()
                    .map(|l| {
                        let mut r = lane_report(
                            l.spec,
                            format,
                            &l.totals,
                            &l.series,
                            clicks::f::COUNT,
                            click_metrics,
                        );
                        r.metrics.insert(2, ("auc".into(), l.auc.value()));
                        r
                    })
                    .collect();
                (c.examples, 0, lanes)
            }
            Engine::Loads(l) => {
                if l.missing_intervals > 0 {
                    notices.push(format!(
                        "{} missing interval(s): not scored; the last known load served as the lag",
                        l.missing_intervals
                    ));
                }
                if l.missing_values > 0 {
                    notices.push(format!(
                        "{} empty or NA value(s) treated as missing",
                        l.missing_values
                    ));
                }
                if l.above_one > 0 {
                    notices.push(format!(
                        "{} value(s) above 1 after dividing by --scale {} (max {}): the power model caps the load at 1{}",
                        l.above_one,
                        fmt_num(self.opts.scale),
                        fmt_num((l.max_value * 1000.0).round() / 1000.0),
                        match l.max_value * self.opts.scale {
                            raw if l.max_value <= 1.5 || self.opts.scale >= 100.0 && raw <= 150.0 => "",
                            raw if raw <= 150.0 => "; if the values are percentages, pass --scale 100",
                            _ => "; the values do not look like a utilisation: pick a utilisation column, or pass --scale with the value of a fully loaded cell",
                        }
                    ));
                }
                let lanes = l
                    .lanes
                    .iter()
                    .map(|o| {
                        lane_report(
                            o.spec,
                            format,
                            &o.totals,
                            &o.series,
                            loads::f::FORECASTS,
                            load_metrics,
                        )
                    })
                    .collect();
                (l.values, l.cells() as u64, lanes)
            }
        };
        if self.finished && lanes.iter().all(|l| l.examples == 0) {
            notices.push(format!(
                "nothing was scored: the file ended during the warm-up ({} {}{}); lower --warmup",
                fmt_num(self.warmup),
                format.unit(),
                if format == Format::LoadCsv {
                    " per cell"
                } else {
                    ""
                }
            ));
        }
        Report {
            format: format.name().into(),
            file: self.opts.name.clone(),
            lines: self.lines.line,
            examples,
            skipped: self.skipped,
            warmup: self.warmup,
            unit: format.unit().into(),
            cells,
            finished: self.finished,
            lanes,
            notices,
        }
    }
}

fn json_num(x: f64) -> serde_json::Value {
    serde_json::Number::from_f64(x)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// The report as JSON, as `rtml replay --json` prints it; `examples_per_sec` is the whole replay's
/// throughput (examples read, warm-up included, per second of parsing and every lane).
pub fn report_json(report: &Report, elapsed_secs: f64) -> serde_json::Value {
    let rate = if elapsed_secs > 0.0 {
        report.examples as f64 / elapsed_secs
    } else {
        f64::NAN
    };
    let lanes: Vec<serde_json::Value> = report
        .lanes
        .iter()
        .map(|l| {
            let m: serde_json::Map<String, serde_json::Value> = l.metrics.iter().map(|(k, v)| (k.clone(), json_num(*v))).collect();
            let rows: Vec<serde_json::Value> = l.series.rows.iter().map(|r| serde_json::Value::Array(r.iter().map(|&v| json_num(v)).collect())).collect();
            serde_json::json!({
                "label": l.label,
                "description": l.description,
                "metrics": m,
                "examples": l.examples,
                "examples_per_sec": json_num(rate),
                "series": {"unit": l.series.unit, "width": json_num(l.series.width), "keys": l.series.keys, "rows": rows},
            })
        })
        .collect();
    serde_json::json!({
        "format": report.format,
        "file": report.file,
        "lines": report.lines,
        "examples": report.examples,
        "skipped": report.skipped,
        "warmup": json_num(report.warmup),
        "unit": report.unit,
        "cells": report.cells,
        "finished": report.finished,
        "elapsed_secs": json_num(elapsed_secs),
        "lanes": lanes,
        "notices": report.notices,
    })
}

fn cell(v: f64) -> String {
    if !v.is_finite() {
        return "-".into();
    }
    if v.abs() >= 1000.0 || (v.fract() == 0.0 && v.abs() < 1e15) {
        let s = format!("{:.0}", v);
        // Thousands separators for readability.
        let (sign, digits) = s.split_at(if s.starts_with('-') { 1 } else { 0 });
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        return format!("{sign}{out}");
    }
    format!("{:.4}", v)
}

/// The report as a readable table (the command line without `--json`).
pub fn format_table(report: &Report, elapsed_secs: f64) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} ({}): {} lines, {} {} read{}, {} skipped, warm-up {} {}{}; {:.2} s ({} examples/s)",
        if report.file.is_empty() {
            "replay"
        } else {
            &report.file
        },
        report.format,
        cell(report.lines as f64),
        cell(report.examples as f64),
        if report.format == "vw" {
            "examples"
        } else {
            "values"
        },
        if report.cells > 0 {
            format!(" from {} cells", report.cells)
        } else {
            String::new()
        },
        cell(report.skipped as f64),
        fmt_num(report.warmup),
        report.unit,
        if report.format == "vw" {
            ""
        } else {
            " per cell"
        },
        elapsed_secs,
        cell(if elapsed_secs > 0.0 {
            (report.examples as f64 / elapsed_secs).round()
        } else {
            f64::NAN
        }),
    );
    let keys: Vec<&str> = report
        .lanes
        .first()
        .map(|l| l.metrics.iter().map(|m| m.0.as_str()).collect())
        .unwrap_or_default();
    let width = report
        .lanes
        .iter()
        .map(|l| l.label.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = write!(s, "{:<width$} {:>12}", "lane", "scored");
    for k in &keys {
        let _ = write!(s, " {:>w$}", k, w = k.len().max(10));
    }
    s.push('\n');
    for l in &report.lanes {
        let _ = write!(s, "{:<width$} {:>12}", l.label, cell(l.examples as f64));
        for (k, v) in &l.metrics {
            let _ = write!(s, " {:>w$}", cell(*v), w = k.len().max(10));
        }
        s.push('\n');
    }
    for l in &report.lanes {
        let _ = writeln!(s, "  {}: {}", l.label, l.description);
    }
    for n in &report.notices {
        let _ = writeln!(s, "note: {n}");
    }
    s
}

/// Replays a file from disk in 1 MiB chunks (native only); returns the report and the seconds it took.
/// A click log is read and parsed on a second thread, ahead of the learners (the same numbers as
/// feeding a [`Session`], which the page does in a worker).
#[cfg(not(target_arch = "wasm32"))]
pub fn run_file(path: &str, mut opts: ReplayOptions) -> Result<(Report, f64), ReplayError> {
    if opts.name.is_empty() {
        opts.name = path.to_string();
    }
    let start = std::time::Instant::now();
    let mut session = Session::new(opts)?;
    let mut file = std::fs::File::open(path)
        .map_err(|e| ReplayError::plain(format!("cannot open {path}: {e}")))?;
    let mask = match &session.engine {
        Engine::Clicks(c) => Some(c.mask()),
        Engine::Loads(_) => None,
    };
    match mask {
        Some(mask) => session.replay_parsed_ahead(&mut file, path, mask)?,
        None => each_chunk(&mut file, path, |chunk| session.feed(chunk))?,
    }
    session.finish()?;
    Ok((session.report(), start.elapsed().as_secs_f64()))
}

/// Calls `f` on each chunk (up to 1 MiB) of `file`.
#[cfg(not(target_arch = "wasm32"))]
fn each_chunk(
    file: &mut std::fs::File,
    path: &str,
    mut f: impl FnMut(&[u8]) -> Result<(), ReplayError>,
) -> Result<(), ReplayError> {
    use std::io::Read;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReplayError::plain(format!("cannot read {path}: {e}"))),
        };
        f(&buf[..n])?;
    }
}

/// What the parsing thread sends the learners.
#[cfg(not(target_arch = "wasm32"))]
enum Ahead {
    Lines(clicks::Parsed),
    /// The file could not be read or split (the learners stop there).
    Failed(ReplayError),
    /// The end of the file: the number of lines.
    End(u64),
}

#[cfg(not(target_arch = "wasm32"))]
impl Session {
    /// Replays a click log with its reading, line splitting and parsing on a second thread, in batches
    /// of lines, while this thread learns: the same lines, in the same order, as [`Session::feed`].
    fn replay_parsed_ahead(
        &mut self,
        file: &mut std::fs::File,
        path: &str,
        mask: u32,
    ) -> Result<(), ReplayError> {
        use std::sync::mpsc;
        const IN_FLIGHT: usize = 8;
        let (ahead_tx, ahead_rx) = mpsc::sync_channel::<Ahead>(IN_FLIGHT);
        let (spare_tx, spare_rx) = mpsc::channel::<clicks::Parsed>();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let mut lines = lines::Lines::default();
                let mut batch = clicks::Parsed::default();
                let mut first = true;
                // Sends the batch and takes a used one back (the learners stopped if this fails).
                let send = |batch: &mut clicks::Parsed| -> Result<(), ReplayError> {
                    let next = spare_rx.try_recv().unwrap_or_default();
                    let full = std::mem::replace(batch, next);
                    ahead_tx
                        .send(Ahead::Lines(full))
                        .map_err(|_| ReplayError::plain("stopped"))?;
                    batch.clear();
                    Ok(())
                };
                let read = each_chunk(file, path, |chunk| {
                    if first && !chunk.is_empty() {
                        first = false;
                        if chunk.starts_with(&[0x1f, 0x8b]) {
                            return Err(ReplayError::plain(
                                "the file is gzip-compressed: decompress it first",
                            ));
                        }
                    }
                    lines.feed(chunk, |n, l| {
                        batch.push(n, l, mask);
                        if batch.full() {
                            send(&mut batch)?;
                        }
                        Ok(())
                    })
                })
                .and_then(|()| {
                    lines.finish(|n, l| {
                        batch.push(n, l, mask);
                        Ok(())
                    })
                })
                .and_then(|()| send(&mut batch));
                let last = match read {
                    Ok(()) => Ahead::End(lines.line),
                    Err(e) => Ahead::Failed(e),
                };
                let _ = ahead_tx.send(last);
            });
            // Dropping the receiver (an error below) stops the reader at its next batch.
            let ahead_rx = ahead_rx;
            for msg in ahead_rx.iter() {
                match msg {
                    Ahead::Lines(batch) => {
                        for (i, (n, r)) in batch.lines.iter().enumerate() {
                            match r {
                                Ok(true) => match &mut self.engine {
                                    Engine::Clicks(c) => c.example(&batch.examples[i]),
                                    Engine::Loads(_) => unreachable!("a click log"),
                                },
                                Ok(false) => {}
                                Err(m) => self.bad_line(*n, m.clone()).map_err(|e| self.fail(e))?,
                            }
                        }
                        let _ = spare_tx.send(batch);
                    }
                    Ahead::Failed(e) => return Err(self.fail(e)),
                    Ahead::End(lines) => {
                        self.started = true;
                        self.lines.line = lines;
                    }
                }
            }
            Ok(())
        })
    }
}
