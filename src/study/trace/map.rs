//! A trace's map from the rows come in: each cell's error, its difference from the freshest corner
//! paired over the trace's weeks (a click log's slices), the rule's, and why a cell has no figure.

use super::{Col, Job, Part, Row};
use crate::base::units::{fmt_duration, TimeUnit, HOURS_PER_DAY};
use crate::study::answer::stats::Diff;

/// One cell of a trace's map.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// The forecast error (None: not computed yet, or the trace is too short: `why`).
    pub mae: Option<f64>,
    /// Its error above the freshest corner's, paired over the weeks.
    pub lost: Option<Diff>,
    /// `lost` as a share of what the model gains over the rule (where both are measurable).
    pub share: Option<f64>,
    /// Why the cell has no figure ("needs 14 days, the trace has 9").
    pub why: Option<String>,
}

/// A trace's map.
#[derive(Clone, Debug, PartialEq)]
pub struct Map {
    pub file: String,
    pub unit: String,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub row_hours: Vec<f64>,
    pub col_hours: Vec<f64>,
    pub cells: Vec<Vec<Cell>>,
    /// The rule's error (the forecast is the last measured load).
    pub rule: Option<f64>,
    /// What the freshest corner gains over the rule (the rule's error minus the corner's).
    pub ml: Option<Diff>,
    /// Weeks scored (after the warm-up).
    pub weeks: u32,
    pub cells_n: usize,
    pub step_hours: f64,
    pub span_hours: f64,
    pub warmup_hours: f64,
    /// Rows whose pass has come in.
    pub rows_done: usize,
    /// Whether the first row (online) has come in.
    pub first_in: bool,
    pub values: u64,
    pub max_value: f64,
    pub notices: Vec<String>,
    /// The words, one paragraph (the JSON's `conclusion`; set by the report).
    pub conclusion: String,
    /// A click log's map: log loss per cell, and each column's NE and AUC.
    pub clicks: bool,
    pub ne: Vec<Option<f64>>,
    pub auc: Vec<Option<f64>>,
    /// The network's money, where the job gives coverage groups ([`super::money`]): a map of the
    /// simulated answer's kind over the rows and columns the trace is long enough for.
    pub money: Option<crate::study::answer::stats::Map>,
    /// Why there is no money (no coverage groups, or what they lack).
    pub money_why: Option<String>,
}

/// Weekly MAE of a lane: `(week, mae)` where it forecast.
fn weekly(b: &[f64]) -> Vec<(f64, f64)> {
    (b.chunks_exact(3).filter(|x| x[2] > 0.0))
        .map(|x| (x[0], x[1] / x[2]))
        .collect()
}

fn total(b: &[f64]) -> Option<f64> {
    let (e, n) = b
        .chunks_exact(3)
        .fold((0.0, 0.0), |a, x| (a.0 + x[1], a.1 + x[2]));
    (n > 0.0).then(|| e / n)
}

/// `a` minus `b` paired over the weeks both forecast: the mean, its 95% interval, the weeks in
/// which it was positive.
pub fn paired(a: &[f64], b: &[f64]) -> Diff {
    let wb = weekly(b);
    let d: Vec<f64> = weekly(a)
        .into_iter()
        .filter_map(|(k, x)| wb.iter().find(|y| y.0 == k).map(|y| x - y.1))
        .collect();
    Diff::over(&d)
}

/// Days, as the cells' reasons write them.
pub(crate) fn days(h: f64) -> String {
    crate::base::units::fmt_num((h / HOURS_PER_DAY * 10.0).floor() / 10.0)
}

/// The map from the rows come in so far.
pub fn summarize(job: &Job, parts: &[Part]) -> Result<Map, String> {
    let rows = job.rows()?;
    let cols = job.cols()?;
    let first = parts.iter().min_by_key(|p| p.row);
    let span = first.map_or(0.0, |p| p.span_hours);
    let warmup = first.map_or(0.0, |p| p.warmup_hours);
    let part = |r: usize| parts.iter().find(|p| p.row == r);
    let corner = part(0).and_then(|p| p.cols.first());
    let rule = first.map(|p| p.rule.clone()).unwrap_or_default();
    let ml = corner.map(|c| paired(&rule, c)).filter(|d| d.seeds > 0);
    let ml_ok = ml.is_some_and(|d| d.measurable && d.mean > 0.0);
    let cells: Vec<Vec<Cell>> = (rows.iter().enumerate())
        .map(|(r, row)| {
            (cols.iter().enumerate())
                .map(|(c, col)| {
                    let every = if col.0.is_finite() { col.0 } else { 0.0 };
                    let why = if job.clicks() {
                        // A click log's span counts the examples scored after the warm-up.
                        (span < every).then(|| {
                            format!(
                                "needs {} examples after the warm-up, the log has {}",
                                crate::base::units::fmt_num(every),
                                crate::base::units::fmt_num(span)
                            )
                        })
                    } else {
                        let need = warmup + row.0.max(every);
                        let short = (row.0 > 0.0 || every > 0.0) && span < need;
                        short.then(|| {
                            format!("needs {} days, the trace has {}", days(need), days(span))
                        })
                    };
                    let b = part(r).and_then(|p| p.cols.get(c));
                    let mae = b.and_then(|b| total(b)).filter(|_| why.is_none());
                    let lost = match (b, corner) {
                        (Some(b), Some(k)) if mae.is_some() => Some(paired(b, k)),
                        _ => None,
                    };
                    let share = lost
                        .filter(|d| d.measurable && ml_ok)
                        .zip(ml)
                        .map(|(d, m)| d.mean / m.mean);
                    Cell {
                        mae,
                        lost,
                        share,
                        why,
                    }
                })
                .collect()
        })
        .collect();
    let mut notices: Vec<String> = first.map(|p| p.notices.clone()).unwrap_or_default();
    notices.dedup();
    let file = job.options(rows[0])?.name;
    let short = |r: usize, c: usize| cells[r][c].why.is_some();
    let short_rows: Vec<bool> = (0..rows.len()).map(|r| short(r, 0)).collect();
    let short_cols: Vec<bool> = (0..cols.len()).map(|c| short(0, c)).collect();
    let mine: Vec<&Part> = parts.iter().collect();
    let (money, money_why) = if job.money_groups()?.is_none() {
        (None, Some(super::report::NO_MONEY.to_string()))
    } else {
        match super::money::money_map(&file, &mine, &rows, &cols, &short_rows, &short_cols) {
            Ok(m) => (m, None),
            Err(e) => (None, Some(e)),
        }
    };
    Ok(Map {
        file,
        unit: job.unit(),
        rows: rows.iter().map(Row::label).collect(),
        cols: cols.iter().map(Col::label).collect(),
        row_hours: rows.iter().map(|r| r.0).collect(),
        col_hours: cols.iter().map(|c| c.0).collect(),
        cells,
        rule: total(&rule),
        ml,
        weeks: corner.map_or(0, |c| weekly(c).len() as u32),
        cells_n: first.map_or(0, |p| p.cells),
        step_hours: first.map_or(0.0, |p| p.step_hours),
        span_hours: span,
        warmup_hours: warmup,
        rows_done: parts.len(),
        first_in: part(0).is_some(),
        values: first.map_or(0, |p| p.values),
        max_value: first.map_or(0.0, |p| p.max_value),
        notices,
        conclusion: String::new(),
        clicks: job.clicks(),
        ne: (0..cols.len())
            .map(|c| {
                first
                    .and_then(|p| p.ne.get(c))
                    .copied()
                    .filter(|x| x.is_finite())
            })
            .collect(),
        auc: (0..cols.len())
            .map(|c| {
                first
                    .and_then(|p| p.auc.get(c))
                    .copied()
                    .filter(|x| x.is_finite())
            })
            .collect(),
        money,
        money_why,
    })
}

/// The error when nothing could be mapped: what the trace lacks.
pub fn too_short(m: &Map) -> Option<String> {
    if m.rows_done > 0 && m.max_value <= 0.0 {
        return Some(format!(
            "nothing to map: every value of the trace is 0 ({} values over {}); a forecast error \
             of 0 everywhere would say nothing (is --value-col the load column?)",
            m.values,
            fmt_duration(m.span_hours, TimeUnit::Hour)
        ));
    }
    // Too short is the corner's verdict (row 0, the freshest column): a partial map whose first
    // row has not come in yet (the workers finish rows in any order) is not too short.
    if !m.first_in
        || m.cells
            .first()
            .and_then(|r| r.first())
            .is_some_and(|c| c.mae.is_some())
    {
        return None;
    }
    if m.clicks {
        return Some(format!(
            "too short to map: the log has {} examples, and the warm-up of {} leaves none to score \
             (set --warmup lower)",
            m.values,
            crate::base::units::fmt_num(m.warmup_hours)
        ));
    }
    Some(format!(
        "too short to map: the trace spans {} days ({} of time), and its {} warm-up (per cell) leaves \
         nothing to forecast; a map needs more than the warm-up (set --warmup lower, e.g. 2d)",
        days(m.span_hours),
        fmt_duration(m.span_hours, TimeUnit::Hour),
        fmt_duration(m.warmup_hours, TimeUnit::Hour),
    ))
}

/// The map as CSV (`rtml answer --trace --csv`): a line per cell, then the rule's.
pub fn to_csv(m: &Map) -> String {
    let n = |x: Option<f64>| {
        x.filter(|x| x.is_finite())
            .map_or(String::new(), |x| x.to_string())
    };
    let mut out =
        String::from("refresh,every,unit,mae,value_lost,lo,hi,measurable,weeks_higher,weeks,why\n");
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    for (r, row) in m.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let d = cell.lost;
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{},{}\n",
                m.rows[r],
                m.cols[c],
                q(&m.unit),
                n(cell.mae),
                n(d.map(|d| d.mean)),
                n(d.map(|d| d.lo)),
                n(d.map(|d| d.hi)),
                d.is_some_and(|d| d.measurable),
                d.map_or(String::new(), |d| d.held.to_string()),
                d.map_or(String::new(), |d| d.seeds.to_string()),
                cell.why.as_deref().map_or(String::new(), q),
            ));
        }
    }
    out.push_str(&format!(
        "no model,last load,{},{},,,,false,,,\n",
        q(&m.unit),
        n(m.rule)
    ));
    out
}
