//! What a replay is asked to do: [`ReplayOptions`], read from JSON (serde) or from text through the
//! [`SETTINGS`] table, one row per setting. The command line's `rtml replay --KEY VALUE` flags and the
//! page's worker (`Replay::new(format, keys, values)`) both go through that table.

use serde::{Deserialize, Serialize};

use super::error::ReplayError;
use super::lanes::{amount, parse_lanes, Format, LaneSpec};
use crate::domain::power::CellType;
use crate::learn::ftrl::FtrlParams;
use crate::learn::linreg::{RegKind, RegParams};

/// Largest label delay (examples or intervals).
pub const MAX_DELAY: u64 = 100_000;
/// Default warm-up of click logs, in examples.
pub const CLICK_WARMUP: f64 = 10_000.0;
/// Default warm-up of load traces, in hours (per cell, from its first row).
pub const LOAD_WARMUP: f64 = 168.0;

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
    /// Load traces, for the freshness map (`crate::study::trace`): forecasts read from a batch
    /// table refreshed every so many hours (0: online, from the last load). Not a `--` setting of
    /// `rtml replay`.
    pub refresh: f64,
    /// Load traces, for the freshness map: forecast errors kept per block of so many hours (0: none).
    pub block: f64,
    /// Load traces, for the freshness map's money: keep every scored value and forecast per cell
    /// (at most `loads::trace::MAX_RECORDED`).
    pub record: bool,
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
            refresh: 0.0,
            block: 0.0,
            record: false,
        }
    }
}

/// One setting [`ReplayOptions::set`] knows.
pub struct Setting {
    /// The key, as `rtml replay --KEY` and the page's worker write it (`_` may stand for `-`).
    pub key: &'static str,
    /// Another key for the same setting, if any.
    pub alias: Option<&'static str>,
    /// What it sets and what it accepts.
    pub help: &'static str,
    /// The value is taken as given, spaces and tabs included (the CSV delimiter); others are trimmed.
    pub raw: bool,
    /// Reads the value into the options; the error names the setting and what it accepts.
    pub set: fn(&mut ReplayOptions, &str) -> Result<(), ReplayError>,
}

/// Every setting of a replay, in the order the help lists them. The value of `warmup` and of the lanes
/// is read in the unit of the format set so far, so `format` comes first.
pub static SETTINGS: &[Setting] = &[
    Setting { key: "format", alias: None, raw: false, help: "What the file is: vw (Vowpal Wabbit text, a click log) or load-csv (a per-cell load trace).",
        set: |o, v| pick("format", v, &[("vw", Format::Vw), ("load-csv", Format::LoadCsv), ("csv", Format::LoadCsv)], "vw or load-csv").map(|x| o.format = x) },
    Setting { key: "name", alias: Some("file"), raw: false, help: "File name shown in the report.",
        set: |o, v| { o.name = v.to_string(); Ok(()) } },
    Setting { key: "lanes", alias: None, raw: false, help: "Lanes, e.g. `frozen,stateless:100000,stateful:100000,continual` (vw, in examples) or `frozen,periodic:24h,continual` (load-csv, in hours).",
        set: |o, v| { o.lanes = v.to_string(); Ok(()) } },
    Setting { key: "warmup", alias: None, raw: false, help: "Warm-up every lane trains on before scoring: examples (vw, default 10000, or the first half of a file of fewer than 20000) or hours per cell (load-csv, default 168h).",
        set: |o, v| amount(v, o.format, "warmup").map(|x| o.warmup = Some(x)) },
    Setting { key: "label-delay", alias: None, raw: false, help: "Label delay: examples (vw) or intervals (load-csv).",
        set: |o, v| amount(v, Format::Vw, "label-delay").map(|x| o.label_delay = x as u64) },
    Setting { key: "skip-bad", alias: None, raw: false, help: "Skip and count malformed lines instead of stopping at the first (true or false).",
        set: |o, v| flag("skip-bad", v).map(|x| o.skip_bad = x) },
    Setting { key: "bits", alias: None, raw: false, help: "Hashed feature buckets, 2^bits (vw, 1..=24).",
        set: |o, v| v.parse().map(|x| o.bits = x).map_err(|_| ReplayError::plain(format!("bits `{v}`: expected a whole number 1..=24"))) },
    Setting { key: "ftrl", alias: None, raw: false, help: "FTRL-Proximal hyper-parameters, e.g. `alpha=0.1,beta=1,l1=1,l2=1` (vw).",
        set: set_ftrl },
    Setting { key: "delimiter", alias: None, raw: true, help: "CSV delimiter (load-csv), e.g. ';' or '\\t'.",
        set: |o, v| { o.delimiter = v.to_string(); Ok(()) } },
    Setting { key: "time-col", alias: None, raw: false, help: "Time column (load-csv; default: the column named `time`).",
        set: |o, v| { o.time_col = v.to_string(); Ok(()) } },
    Setting { key: "cell-col", alias: None, raw: false, help: "Cell column (load-csv; default: the column named `cell`, if any; without one, a single series).",
        set: |o, v| { o.cell_col = v.to_string(); Ok(()) } },
    Setting { key: "value-col", alias: None, raw: false, help: "Load column (load-csv; default: the column named `value`): a utilisation, divided by --scale.",
        set: |o, v| { o.value_col = v.to_string(); Ok(()) } },
    Setting { key: "scale", alias: None, raw: false, help: "Divide values by this (load-csv): 1 for shares of capacity, 100 for percentages.",
        set: |o, v| num("scale", v).map(|x| o.scale = x) },
    Setting { key: "threshold", alias: None, raw: false, help: "Sleep threshold, share of capacity (load-csv, default 0.25).",
        set: |o, v| num("threshold", v).map(|x| o.threshold = x) },
    Setting { key: "cell-type", alias: None, raw: false, help: "EARTH power-model row (load-csv): macro, rrh, micro or pico.",
        set: |o, v| pick("cell-type", v, &[("macro", CellType::Macro), ("rrh", CellType::Rrh), ("micro", CellType::Micro), ("pico", CellType::Pico)], "macro, rrh, micro or pico").map(|x| o.cell_type = x) },
    Setting { key: "learner", alias: None, raw: false, help: "Load learner (load-csv): rls (default) or nlms.",
        set: |o, v| pick("learner", v, &[("rls", RegKind::Rls), ("nlms", RegKind::Nlms)], "rls or nlms").map(|x| o.reg.kind = x) },
    Setting { key: "forgetting", alias: None, raw: false, help: "Forgetting factor of the RLS load learner (load-csv), in (0.9, 1].",
        set: |o, v| num("forgetting", v).map(|x| o.reg.forgetting = x) },
];

/// A finite number.
fn num(key: &str, v: &str) -> Result<f64, ReplayError> {
    v.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| ReplayError::plain(format!("{key} `{v}`: not a number")))
}

/// A yes or no; empty is yes (a flag given without a value).
fn flag(key: &str, v: &str) -> Result<bool, ReplayError> {
    match v {
        "" | "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ReplayError::plain(format!(
            "{key} `{v}`: expected true or false"
        ))),
    }
}

/// One of some words; `expected` lists them in the error.
fn pick<T: Copy>(
    key: &str,
    v: &str,
    words: &[(&str, T)],
    expected: &str,
) -> Result<T, ReplayError> {
    words
        .iter()
        .find(|w| w.0 == v)
        .map(|w| w.1)
        .ok_or_else(|| ReplayError::plain(format!("{key} `{v}`: expected {expected}")))
}

/// `alpha=0.1,beta=1,l1=1,l2=1`, any of them, in any order.
fn set_ftrl(o: &mut ReplayOptions, v: &str) -> Result<(), ReplayError> {
    for kv in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (k, x) = kv.split_once('=').ok_or_else(|| {
            ReplayError::plain(format!(
                "ftrl `{kv}`: expected name=value, e.g. alpha=0.1,beta=1,l1=1,l2=1"
            ))
        })?;
        let x = num(&format!("ftrl {}", k.trim()), x)?;
        match k.trim() {
            "alpha" => o.ftrl.alpha = x,
            "beta" => o.ftrl.beta = x,
            "l1" => o.ftrl.l1 = x,
            "l2" => o.ftrl.l2 = x,
            other => {
                return Err(ReplayError::plain(format!(
                    "ftrl `{other}`: expected alpha, beta, l1 or l2"
                )))
            }
        }
    }
    Ok(())
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

    /// Sets one setting of [`SETTINGS`] from text; the error names the setting and what it accepts.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ReplayError> {
        let k = key.replace('_', "-");
        let s = SETTINGS
            .iter()
            .find(|s| s.key == k || s.alias == Some(k.as_str()))
            .ok_or_else(|| {
                let known: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
                ReplayError::plain(format!(
                    "unknown setting `{key}`; known: {}",
                    known.join(", ")
                ))
            })?;
        (s.set)(self, if s.raw { value } else { value.trim() })
    }

    /// The delimiter as one byte.
    pub(super) fn delimiter_byte(&self) -> Result<u8, ReplayError> {
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
        if !(self.refresh >= 0.0
            && self.refresh.is_finite()
            && self.block >= 0.0
            && self.block.is_finite())
        {
            return e(format!(
                "refresh {} and block {}: expected hours >= 0",
                self.refresh, self.block
            ));
        }
        parse_lanes(&self.lanes, self.format, w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_changes_its_option() {
        let sample = |key: &str| match key {
            "format" => "load-csv",
            "name" => "x.csv",
            "lanes" => "frozen",
            "warmup" => "2k",
            "label-delay" => "2",
            "skip-bad" => "",
            "bits" => "20",
            "ftrl" => "alpha=0.2",
            "delimiter" => "\t",
            "time-col" | "cell-col" | "value-col" => "c",
            "scale" => "100",
            "threshold" => "0.3",
            "cell-type" => "pico",
            "learner" => "nlms",
            "forgetting" => "0.95",
            other => panic!("no sample value for setting `{other}`"),
        };
        for s in SETTINGS {
            let mut o = ReplayOptions::default();
            o.set(s.key, sample(s.key)).unwrap();
            assert_ne!(o, ReplayOptions::default(), "{}", s.key);
            assert!(!s.help.is_empty());
        }
        // The warm-up is read in the unit of the format set before it.
        let o = ReplayOptions::from_args("csv", &[("warmup", "2d".into())]).unwrap();
        assert_eq!((o.format, o.warmup), (Format::LoadCsv, Some(48.0)));
    }

    #[test]
    fn keys_take_underscores_and_aliases_and_values_are_trimmed() {
        let mut o = ReplayOptions::default();
        o.set("time_col", " t ").unwrap();
        o.set("file", " a.csv").unwrap();
        o.set("skip_bad", "yes").unwrap();
        assert_eq!(
            (o.time_col.as_str(), o.name.as_str(), o.skip_bad),
            ("t", "a.csv", true)
        );
        // The delimiter is taken as given: a tab stays a tab.
        o.set("delimiter", "\t").unwrap();
        assert_eq!(o.delimiter_byte(), Ok(b'\t'));
        o.set("delimiter", " ;").unwrap();
        assert!(o.delimiter_byte().is_err());
    }

    #[test]
    fn errors_name_the_setting_and_what_it_accepts() {
        let err = |k: &str, v: &str| ReplayOptions::default().set(k, v).unwrap_err().message;
        assert_eq!(
            err("colour", "red"),
            "unknown setting `colour`; known: format, name, lanes, warmup, label-delay, skip-bad, \
             bits, ftrl, delimiter, time-col, cell-col, value-col, scale, threshold, cell-type, \
             learner, forgetting"
        );
        assert_eq!(
            err("format", "tsv"),
            "format `tsv`: expected vw or load-csv"
        );
        assert_eq!(err("bits", "x"), "bits `x`: expected a whole number 1..=24");
        assert_eq!(
            err("skip-bad", "maybe"),
            "skip-bad `maybe`: expected true or false"
        );
        assert_eq!(
            err("ftrl", "alpha=0.1,gamma=1"),
            "ftrl `gamma`: expected alpha, beta, l1 or l2"
        );
        assert_eq!(err("ftrl", "beta=x"), "ftrl beta `x`: not a number");
        assert_eq!(err("scale", "inf"), "scale `inf`: not a number");
        assert_eq!(
            err("cell-type", "femto"),
            "cell-type `femto`: expected macro, rrh, micro or pico"
        );
        assert_eq!(
            err("warmup", "1h"),
            "warmup `1h`: click logs count examples (e.g. 100000 or 100k), they have no time"
        );
    }
}
