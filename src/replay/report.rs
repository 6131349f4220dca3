//! What a replay found: the [`Report`] types, the metrics of click and load lanes, and the two ways it
//! is shown ([`report_json`] for `--json` and the page, [`format_table`] for the terminal).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::buckets::Buckets;
use super::lanes::Format;
use super::lanes::LaneSpec;
use super::{clicks, loads};
use crate::base::json::{json_num, object_of};
use crate::base::metrics::{self as m, ratio};
use crate::base::units::{fmt_duration, fmt_figure, fmt_num, TimeUnit};

/// The series of one lane: windowed metrics per bucket of `width` along the axis after the warm-up.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
#[derive(Clone, Debug, Serialize, Deserialize)]
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

/// What a replay found so far (partial while feeding, final after [`super::Session::finish`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
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

impl Report {
    /// What to say when a finished replay scored nothing (the file ended during the warm-up), with
    /// the setting that fixes it; `None` when something was scored.
    pub fn nothing_scored(&self) -> Option<String> {
        if !self.finished || self.examples == 0 || self.lanes.iter().any(|l| l.examples > 0) {
            return None;
        }
        Some(if self.format == Format::Vw.name() {
            format!(
                "nothing was scored: all {} examples of the file fell in the warm-up of {} \
                 examples; set --warmup lower, e.g. to {}",
                self.examples,
                fmt_num(self.warmup),
                self.examples / 2
            )
        } else if self.cells > 1 && self.examples < 3 * self.cells {
            // Cells of a row or two each: the cell column names something else (a time, a value).
            format!(
                "nothing was scored: {} values over {} cells, at most a few rows a cell; is \
                 --cell-col the column naming the cells (leave it out for a single series)?",
                self.examples, self.cells
            )
        } else {
            format!(
                "nothing was scored: every cell's trace ended within its warm-up of {} hours; \
                 set --warmup lower (hours per cell, e.g. 24h)",
                fmt_num(self.warmup)
            )
        })
    }
}

/// A click lane's metrics from its sums (AUC, which is not a sum, is inserted third by
/// [`click_lanes`]). What each is: [`crate::base::metrics`], the simulator's vocabulary and units.
fn click_metrics(s: &[f64]) -> Vec<(&'static str, f64)> {
    use clicks::f;
    vec![
        (m::LOG_LOSS.key, ratio(s[f::LOG_LOSS], s[f::WEIGHT])),
        (
            m::NE.key,
            m::normalised_entropy(s[f::LOG_LOSS], s[f::WEIGHT], s[f::CLICKS]),
        ),
        (
            m::CALIBRATION.key,
            m::calibration(s[f::P_SUM], s[f::CLICKS]),
        ),
        (m::CTR.key, 100.0 * ratio(s[f::CLICKS], s[f::WEIGHT])),
        (m::TRAINING_UPDATES.key, s[f::UPDATES]),
        (m::RETRAINS.key, s[f::RETRAINS]),
    ]
}

/// A load lane's metrics from its sums.
fn load_metrics(s: &[f64]) -> Vec<(&'static str, f64)> {
    use loads::f;
    let n = s[f::FORECASTS];
    let (always, kwh) = (s[f::ALWAYS_ON_KWH], s[f::ENERGY_KWH]);
    vec![
        (m::MAE.key, ratio(s[f::ABS_ERROR], n)),
        (m::RMSE.key, ratio(s[f::SQ_ERROR], n).sqrt()),
        (m::ENERGY_KWH.key, kwh),
        (m::ENERGY_SAVED_PCT.key, m::energy_saved_pct(always, kwh)),
        (
            m::ORACLE_SAVINGS_PCT.key,
            m::oracle_savings_pct(always, kwh, s[f::ORACLE_KWH]),
        ),
        (m::UNSERVED.key, s[f::UNSERVED_GB]),
        (m::ASLEEP_PCT.key, 100.0 * ratio(s[f::ASLEEP], n)),
        (m::TRAINING_UPDATES.key, s[f::UPDATES]),
        (m::RETRAINS.key, s[f::RETRAINS]),
    ]
}

/// The reports of a click log's lanes.
pub(super) fn click_lanes(c: &clicks::Clicks, format: Format) -> Vec<LaneReport> {
    c.lanes
        .iter()
        .map(|l| {
            let count = clicks::f::COUNT;
            let mut r = lane_report(l.spec, format, &l.totals, &l.series, count, click_metrics);
            r.metrics.insert(2, (m::AUC.key.into(), l.auc.value()));
            r
        })
        .collect()
}

/// The reports of a load trace's lanes.
pub(super) fn load_lanes(l: &loads::Loads, format: Format) -> Vec<LaneReport> {
    l.lanes
        .iter()
        .map(|o| {
            let count = loads::f::FORECASTS;
            lane_report(o.spec, format, &o.totals, &o.series, count, load_metrics)
        })
        .collect()
}

/// What is worth knowing about a click log: why the metrics that need both labels, or any weight,
/// are undefined ("-" in the table, null in JSON) when every scored example weighs 0 or has one label.
pub(super) fn click_notices(c: &clicks::Clicks) -> Vec<String> {
    use clicks::f;
    // Every lane scores the same examples: the first lane's sums stand for all.
    let Some(t) = c.lanes.first().map(|l| &l.totals) else {
        return Vec::new();
    };
    let (count, weight, clicks) = (t[f::COUNT], t[f::WEIGHT], t[f::CLICKS]);
    if count == 0.0 {
        return Vec::new();
    }
    let scored = fmt_figure(Some(count), 3);
    vec![if weight == 0.0 {
        format!(
            "every scored example ({scored}) has importance weight 0, so none counts and no metric \
             is defined: is the number after the label a weight? (`-1 1 |f ...`: label -1, weight 1)"
        )
    } else if clicks == 0.0 {
        format!(
            "none of the {scored} scored examples is a click (label 1): NE, AUC and calibration \
             need clicks; is the label the first field, 1 for a click?"
        )
    } else if clicks == weight {
        format!(
            "every one of the {scored} scored examples is a click: NE and AUC need non-clicks \
             (label -1 or 0) too"
        )
    } else {
        return Vec::new();
    }]
}

/// What is worth knowing about a load trace read with `scale`: gaps, missing values, overloads.
pub(super) fn load_notices(l: &loads::Loads, scale: f64) -> Vec<String> {
    let mut notices = Vec::new();
    if l.missing_intervals > 0 {
        notices.push(format!(
            "{} missing interval(s): not scored; the last known load served as the lag",
            l.missing_intervals
        ));
    }
    if let Some(g) = &l.longest_gap {
        notices.push(format!(
            "{}a gap of {} ({} intervals of {}) before line {}: is that row's time right?",
            if g.cell.is_empty() {
                String::new()
            } else {
                format!("cell `{}`: ", g.cell)
            },
            span(g.hours),
            fmt_figure(Some((g.hours / g.step).round()), 3),
            fmt_duration(g.step, TimeUnit::Hour),
            g.line
        ));
    }
    let skipped = l.skipped_retrains();
    if skipped > 0 {
        notices.push(format!(
            "{} periodic retrain(s) fell due in gaps, with no value between them, and were skipped: \
             only the last of each run could serve (`retrains` counts the retrains run)",
            fmt_figure(Some(skipped as f64), 3)
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
            fmt_num(scale),
            fmt_num((l.max_value * 1000.0).round() / 1000.0),
            match l.max_value * scale {
                raw if l.max_value <= 1.5 || scale >= 100.0 && raw <= 150.0 => "",
                raw if raw <= 150.0 => "; if the values are percentages, set --scale to 100",
                _ => "; the values do not look like a utilisation: pick a utilisation column, or set --scale to the value of a fully loaded cell",
            }
        ));
    }
    notices
}

/// A long span of hours in words: years, days or hours (three significant digits).
fn span(hours: f64) -> String {
    let (x, unit) = match hours {
        h if h >= 2.0 * HOURS_PER_YEAR => (h / HOURS_PER_YEAR, "years"),
        h if h >= 48.0 => (h / 24.0, "days"),
        h => (h, "hours"),
    };
    format!("{} {unit}", fmt_figure(Some(x), 3))
}

/// Hours in a year (365.25 days).
const HOURS_PER_YEAR: f64 = 8766.0;

/// One lane's report: its label, summary metrics, number of scored examples (field `count`) and series.
fn lane_report(
    spec: LaneSpec,
    format: Format,
    totals: &[f64],
    b: &Buckets,
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

/// A lane's series: the scored count (field `count`) and the metrics of each bucket.
fn series(
    b: &Buckets,
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

/// The report as JSON, as `rtml replay --json` prints it; `examples_per_sec` is the whole replay's
/// throughput (examples read, warm-up included, per second of parsing and every lane).
pub fn report_json(report: &Report, elapsed_secs: f64) -> serde_json::Value {
    let rate = if elapsed_secs > 0.0 {
        report.examples as f64 / elapsed_secs
    } else {
        f64::NAN
    };
    let lanes: Vec<serde_json::Value> = report.lanes.iter().map(|l| lane_json(l, rate)).collect();
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

/// One lane of [`report_json`], with the replay's throughput `rate`.
fn lane_json(l: &LaneReport, rate: f64) -> serde_json::Value {
    let metrics = object_of(l.metrics.iter().map(|(k, v)| (k.clone(), json_num(*v))));
    let rows: Vec<serde_json::Value> = l
        .series
        .rows
        .iter()
        .map(|r| serde_json::Value::Array(r.iter().map(|&v| json_num(v)).collect()))
        .collect();
    serde_json::json!({
        "label": l.label,
        "description": l.description,
        "metrics": metrics,
        "examples": l.examples,
        "examples_per_sec": json_num(rate),
        "series": {"unit": l.series.unit, "width": json_num(l.series.width), "keys": l.series.keys, "rows": rows},
    })
}

/// A table cell: `-` for no value, whole numbers and numbers from 1000 up with thousands separators,
/// others with four decimals.
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
    let mut s = summary_line(report, elapsed_secs);
    // With nothing scored, no column of dashes: the lanes, 0 scored, and the notice that says why.
    let scored = report.nothing_scored().is_none();
    let keys: Vec<&str> = report
        .lanes
        .first()
        .filter(|_| scored)
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
        for (k, v) in l.metrics.iter().filter(|_| scored) {
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

/// The table's first line: the file, what was read and how fast.
fn summary_line(report: &Report, elapsed_secs: f64) -> String {
    let vw = report.format == "vw";
    format!(
        "{} ({}): {} lines, {} {} read{}, {} skipped, warm-up {} {}{}; {:.2} s ({} examples/s)\n",
        if report.file.is_empty() {
            "replay"
        } else {
            &report.file
        },
        report.format,
        cell(report.lines as f64),
        cell(report.examples as f64),
        if vw { "examples" } else { "values" },
        if report.cells > 0 {
            format!(" from {} cells", report.cells)
        } else {
            String::new()
        },
        cell(report.skipped as f64),
        fmt_num(report.warmup),
        report.unit,
        if vw { "" } else { " per cell" },
        elapsed_secs,
        cell(if elapsed_secs > 0.0 {
            (report.examples as f64 / elapsed_secs).round()
        } else {
            f64::NAN
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_separate_thousands_and_show_missing_values() {
        assert_eq!(cell(1234567.0), "1,234,567");
        assert_eq!(cell(-1234.4), "-1,234");
        assert_eq!(cell(12.0), "12");
        assert_eq!(cell(0.12345), "0.1235");
        assert_eq!(cell(f64::NAN), "-");
        assert_eq!(cell(f64::INFINITY), "-");
    }
}
