//! The answer on a user's own load trace (`rtml answer --trace FILE --format load-csv`, the replay
//! panel's "Freshness map of this file"): the same freshness map as the simulated answer, computed
//! on real traffic by the replay's load engine ([`crate::replay`]) with its lanes on the one
//! schedule engine and progressive validation.
//!
//! Rows are how stale the forecast's **inputs** are: the trace's own interval ("online": the last
//! load measured), then a batch table refreshed every 4 hours or every day (at each refresh, the
//! forecasts of the whole period from the loads known then and the model serving then, as the
//! simulator's batch lanes). Columns are how fresh the **model** is: continual, retrained from
//! scratch every 1 h, 1 d or 7 d on the last warm-up's worth of hours (the replay's `periodic:E`),
//! or frozen after the warm-up. One more row is what an operator starts from: no model, the
//! forecast is the last measured load (the cells world's rule). Each cell is the forecast error
//! (MAE, in the trace's own units: the value column times `--scale`).
//!
//! A trace has one history, so there are no seeds: the unit of the intervals is a **week** of the
//! trace (every lane saw the same week), and a difference is measurable where the 95% interval of
//! the weekly paired differences excludes zero ("higher in k of n weeks"). A column or a row that
//! the trace is too short for says so in its cell ("needs 14 days, the trace has 9"); a trace too
//! short for any forecast after the warm-up is an error naming what is missing.
//!
//! The work is one task per row (every column of a row is one pass of the replay over the file);
//! the no-model rule comes with every pass (the first kept).
//!
//! A click log (`--format vw`) has one row (its features come with each example: no stale inputs to
//! map) and columns in examples (continual, a stateful retrain every 10,000 and 100,000 examples,
//! frozen): each cell is the log loss, paired over 20 slices of the scored examples (from the
//! replay's series), with each column's NE and AUC (He et al. 2014 measured NE against the delay
//! between training and serving; continual learning is this project's addition).

mod clicks;
pub mod groups;
mod map;
pub mod money;
pub mod report;

use serde::{Deserialize, Serialize};

use crate::base::units::{fmt_duration, parse_duration, TimeUnit, HOURS_PER_WEEK};
use crate::replay::{ReplayOptions, Session, TraceSums};

use clicks::{click_cols, click_part};
pub use clicks::{EVERY_CLICKS, SLICES};
pub use map::{paired, summarize, too_short, Cell, Map};
pub use report::Trace;

/// The default rows: the trace's own interval, then a batch refreshed every 4 hours and every day.
pub const REFRESH: &str = "online,4h,1d";
/// The default columns: continual, retrained every hour, day and week, frozen.
pub const EVERY: &str = "continual,1h,1d,7d,frozen";
/// The map's paired unit: a week of the trace.
pub const BLOCK_HOURS: f64 = HOURS_PER_WEEK;
/// Most rows of a map.
pub const MAX_ROWS: usize = 8;

/// Where the trace is: a path the command line reads (`-`: standard input, gzip detected), or the
/// text itself (the page's file, read in the page).
#[derive(Clone, Serialize, Deserialize)]
pub enum Source {
    Path(String),
    Text(String),
}

impl std::fmt::Debug for Source {
    /// A path as it is, a text by its length and a checksum (the page's cache key stays short).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Path(p) => write!(f, "Path({p:?})"),
            Source::Text(t) => {
                let h = (t.bytes()).fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
                });
                write!(f, "Text({} bytes, {h:016x})", t.len())
            }
        }
    }
}

/// What the inputs say: the replay's format and settings (column names, scale, warm-up, learner;
/// `lanes` is the map's own), the rows and columns, the file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub format: String,
    /// `(setting, value)` pairs of the replay's `SETTINGS`.
    pub settings: Vec<(String, String)>,
    /// The rows: `online` and durations (empty: [`REFRESH`]).
    pub refresh: String,
    /// The columns: `continual`, durations and `frozen` (empty: [`EVERY`]).
    pub every: String,
    pub source: Source,
    /// The file's size in bytes and the mean length of its lines (for the estimate; 0 unknown).
    pub bytes: f64,
    pub line_bytes: f64,
    /// Stop once more than this many (decompressed) bytes were read (a gzip file that turns out
    /// larger than its start suggested).
    pub most: Option<u64>,
    /// Which cells share a coverage cell ([`groups`]; empty: no money).
    #[serde(default)]
    pub groups: String,
    /// The network's settings for the money (`key=value` by `&` or new lines, [`money::KNOBS`]).
    #[serde(default)]
    pub sets: String,
}

/// A row of the map: the batch period in hours (0: online).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row(pub f64);

/// A column: hours (a click log: examples) between retrains (0 continual, infinite frozen), and
/// whether the file is a click log.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Col(pub f64, pub bool);

impl Row {
    pub fn label(&self) -> String {
        if self.0 <= 0.0 {
            "online".into()
        } else {
            fmt_duration(self.0, TimeUnit::Hour)
        }
    }
}

impl Col {
    pub fn label(&self) -> String {
        match self.0 {
            h if h <= 0.0 => "continual".into(),
            h if h.is_infinite() => "frozen".into(),
            h if self.1 => crate::base::units::fmt_num(h),
            h => fmt_duration(h, TimeUnit::Hour),
        }
    }
    /// The lane as the replay's `--lanes` writes it.
    fn lane(&self) -> String {
        match self.0 {
            h if h <= 0.0 => "continual".into(),
            h if h.is_infinite() => "frozen".into(),
            h if self.1 => format!("stateful:{h}"),
            h => format!("stateful:{}", fmt_duration(h, TimeUnit::Hour)),
        }
    }
}

/// A comma-separated list of `words` (their value) and durations; `what` names it in errors.
fn list(s: &str, words: &[(&str, f64)], what: &str, most: usize) -> Result<Vec<f64>, String> {
    let out = (s.split(','))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            words
                .iter()
                .find(|w| w.0.eq_ignore_ascii_case(p))
                .map(|w| w.1)
                .or_else(|| parse_duration(p, TimeUnit::Hour).filter(|h| *h > 0.0))
                .ok_or_else(|| {
                    let known: Vec<&str> = words.iter().map(|w| w.0).collect();
                    format!(
                        "{what} `{}`: expected {} or a duration such as 4h or 1d",
                        crate::base::echo::clip(p),
                        known.join(", ")
                    )
                })
        })
        .collect::<Result<Vec<f64>, String>>()?;
    if out.is_empty() {
        return Err(format!("{what}: nothing to map"));
    }
    if out.len() > most {
        return Err(format!("{what}: at most {most} values"));
    }
    Ok(out)
}

/// The rows of `--refresh` (empty: the default), checked: batch periods in hours, 0 online.
pub fn parse_refresh(s: &str) -> Result<Vec<f64>, String> {
    let s = if s.trim().is_empty() { REFRESH } else { s };
    list(s, &[("online", 0.0)], "--refresh", MAX_ROWS)
}

/// The columns of `--every` (empty: the default), checked: hours between retrains, 0 continual,
/// infinite frozen.
pub fn parse_every(s: &str) -> Result<Vec<f64>, String> {
    let s = if s.trim().is_empty() { EVERY } else { s };
    let words = [("continual", 0.0), ("frozen", f64::INFINITY)];
    list(s, &words, "--every", crate::replay::MAX_LANES)
}

impl Job {
    /// A load trace's job at every default (the replay's settings, the default rows and columns,
    /// no money, the size unknown): set the fields that differ with `..Job::load_csv(source)`.
    pub fn load_csv(source: Source) -> Job {
        Job {
            format: "load-csv".into(),
            settings: Vec::new(),
            refresh: String::new(),
            every: String::new(),
            source,
            bytes: 0.0,
            line_bytes: 0.0,
            most: None,
            groups: String::new(),
            sets: String::new(),
        }
    }

    /// Whether the file is a click log (Vowpal Wabbit text): one row, columns in examples.
    pub fn clicks(&self) -> bool {
        self.format.trim() == "vw"
    }

    pub fn rows(&self) -> Result<Vec<Row>, String> {
        if self.clicks() {
            if !matches!(self.refresh.trim(), "" | "online") {
                return Err("--refresh: a click log has no stale inputs to map (its features come with each example); its map is the model's freshness".into());
            }
            return Ok(vec![Row(0.0)]);
        }
        let s = if self.refresh.trim().is_empty() {
            REFRESH
        } else {
            &self.refresh
        };
        Ok(list(s, &[("online", 0.0)], "--refresh", MAX_ROWS)?
            .into_iter()
            .map(Row)
            .collect())
    }

    pub fn cols(&self) -> Result<Vec<Col>, String> {
        if self.clicks() {
            return Ok(click_cols(&self.every)?
                .into_iter()
                .map(|c| Col(c, true))
                .collect());
        }
        let s = if self.every.trim().is_empty() {
            EVERY
        } else {
            &self.every
        };
        let words = [("continual", 0.0), ("frozen", f64::INFINITY)];
        let most = crate::replay::MAX_LANES;
        Ok(list(s, &words, "--every", most)?
            .into_iter()
            .map(|c| Col(c, false))
            .collect())
    }

    /// The replay's options for row `r` (every column a lane), checked.
    pub fn options(&self, row: Row) -> Result<ReplayOptions, String> {
        if self.settings.iter().any(|(k, _)| k == "lanes") {
            return Err("--lanes: the map's columns are its lanes (set them with --every)".into());
        }
        let lanes: Vec<String> = self.cols()?.iter().map(Col::lane).collect();
        let mut pairs: Vec<(&str, String)> = self
            .settings
            .iter()
            .map(|(k, v)| (k.as_str(), v.clone()))
            .collect();
        pairs.push(("lanes", lanes.join(",")));
        let mut o = ReplayOptions::from_args(&self.format, &pairs).map_err(|e| e.to_string())?;
        if o.format == crate::replay::Format::LoadCsv {
            o.refresh = row.0;
            o.block = BLOCK_HOURS;
            o.record = self.money_groups()?.is_some();
        }
        if o.name.is_empty() {
            o.name = match &self.source {
                Source::Path(p) if p == "-" => "stdin".into(),
                Source::Path(p) => p.clone(),
                Source::Text(_) => "the file".into(),
            };
        }
        Ok(o)
    }

    /// The coverage groups, if money is asked for (checked with the network's settings).
    pub fn money_groups(&self) -> Result<Option<groups::Groups>, String> {
        let g = groups::parse(&self.groups)?;
        if g.is_some() && self.clicks() {
            return Err("--groups: a click log has no cells to sleep".into());
        }
        if g.is_none() && !self.sets.trim().is_empty() {
            return Err("--set: the network's settings price the money, which needs --groups (which cells share a coverage cell)".into());
        }
        money::config(&self.sets)?;
        Ok(g)
    }

    /// The unit of the forecast error: the value column (times `--scale`), as the file writes it.
    pub fn unit(&self) -> String {
        if self.clicks() {
            return String::new();
        }
        let col = self
            .settings
            .iter()
            .rev()
            .find(|(k, _)| k == "value-col" || k == "value_col");
        match col {
            Some((_, c)) if !c.trim().is_empty() => crate::base::echo::clip(c.trim()),
            _ => "value".into(),
        }
    }
}

/// One row's pass over the file.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub row: usize,
}

/// What one row's pass computed: each column's and the rule's forecast errors per week, and what
/// the trace is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    pub row: usize,
    /// Per column: `week, absolute error sum, forecasts` one after the other, week by week.
    pub cols: Vec<Vec<f64>>,
    pub rule: Vec<f64>,
    pub cells: usize,
    pub step_hours: f64,
    pub span_hours: f64,
    pub warmup_hours: f64,
    pub values: u64,
    /// The largest value read, in the file's units.
    pub max_value: f64,
    /// A click log's NE and AUC per column (empty for a load trace).
    #[serde(default)]
    pub ne: Vec<f64>,
    #[serde(default)]
    pub auc: Vec<f64>,
    pub notices: Vec<String>,
    /// The network's money of this row's columns (and the references in the first row), where
    /// the job gives coverage groups; or why there is none.
    #[serde(default)]
    pub money: Option<money::MoneyPart>,
    #[serde(default)]
    pub money_why: Option<String>,
}

/// Runs one row: a replay of the file with every column as a lane.
pub fn run_task(job: &Job, t: Task) -> Result<Part, String> {
    let rows = job.rows()?;
    let row = *rows.get(t.row).ok_or_else(|| format!("no row {}", t.row))?;
    let opts = job.options(row)?;
    let warmup = opts.warmup_or_default();
    let mut session = replay(job, opts)?;
    if job.clicks() {
        return Ok(click_part(t, &session));
    }
    let sums: TraceSums = session.trace().ok_or("not a load trace")?;
    let report = session.report();
    let (mut money, mut money_why) = (None, None);
    if let (Some(g), Some(rec)) = (job.money_groups()?, session.take_records()) {
        let lanes = sums.lanes.len();
        match money::money(
            &rec,
            &g,
            &job.sets,
            lanes,
            sums.step_hours,
            BLOCK_HOURS,
            t.row == 0,
        ) {
            Ok(m) => money = Some(m),
            // Cells the groups name that the file does not hold are the user's to fix.
            Err(e) if e.starts_with("--groups") => return Err(e),
            Err(e) => money_why = Some(e),
        }
    }
    Ok(Part {
        row: t.row,
        cols: sums.lanes.iter().map(|(_, b)| flat(b)).collect(),
        rule: flat(&sums.rule),
        cells: sums.cells,
        step_hours: sums.step_hours,
        span_hours: sums.span_hours,
        warmup_hours: warmup,
        values: sums.values,
        max_value: sums.max_value,
        ne: Vec::new(),
        auc: Vec::new(),
        notices: report.notices,
        money,
        money_why,
    })
}

/// Blocks one after the other: `week, error, forecasts, week, ...` (the shape of the answer's parts).
fn flat(b: &[(i64, f64, f64)]) -> Vec<f64> {
    b.iter().flat_map(|x| [x.0 as f64, x.1, x.2]).collect()
}

/// The finished replay of the job's file with `opts`.
fn replay(job: &Job, opts: ReplayOptions) -> Result<Session, String> {
    match &job.source {
        Source::Text(text) => {
            let mut s = Session::new(opts).map_err(|e| e.to_string())?;
            for chunk in text.as_bytes().chunks(1 << 20) {
                s.feed(chunk).map_err(|e| e.to_string())?;
            }
            s.finish().map_err(|e| e.to_string())?;
            Ok(s)
        }
        #[cfg(not(target_arch = "wasm32"))]
        Source::Path(p) => {
            let why = "the gzip file holds more than its start suggested, and the map would pass \
                       the limit (5 minutes of work or 2 GB); pass --no-limit to run anyway";
            let limit = job.most.map(|m| (m, why.to_string()));
            let shown = crate::base::echo::clip(p);
            crate::replay::run_session_within(p, opts, limit)
                .map(|(s, _)| s)
                .map_err(|e| format!("{shown}: {e}"))
        }
        #[cfg(target_arch = "wasm32")]
        Source::Path(_) => Err("the page reads the file's text, not a path".into()),
    }
}

/// The estimated cost of the map: one replay per row (its columns as lanes).
pub fn cost(job: &Job) -> Result<crate::domain::cost::Cost, String> {
    let mut total = crate::domain::cost::Cost::default();
    if let Source::Text(t) = &job.source {
        // The page's copies of the file: its own, the report's and one per worker (`study::cost::page`
        // adds each worker's instance).
        total.add(
            "the file's text, in the page and in each worker",
            0.0,
            3.0 * t.len() as f64,
        );
    }
    let (bytes, line) = match &job.source {
        Source::Text(t) => {
            let lines = t.bytes().filter(|&b| b == b'\n').count().max(1);
            (t.len() as f64, t.len() as f64 / lines as f64)
        }
        Source::Path(_) => (job.bytes, job.line_bytes),
    };
    let rows = job.rows()?.len() as f64;
    for row in job.rows()? {
        let o = job.options(row)?;
        let mut c = crate::replay::estimate(&o, bytes, line).map_err(|e| e.to_string())?;
        for p in &mut c.parts {
            p.what = format!("row {}: {}", row.label(), p.what);
        }
        total.seconds += c.seconds;
        total.bytes += c.bytes / rows;
        total.parts.extend(c.parts);
        if job.money_groups()?.is_some() {
            // Every scored value is kept (its time, value, the rule's and each lane's forecast), then
            // each group's on a common clock in doubles, and every lane sleeps through the network
            // (measured: 0.6 us per value and row with five lanes, 29 MB of RSS per row of 428,000
            // values).
            let values = (bytes / line.max(2.0)).min(crate::replay::MAX_RECORDED as f64);
            let lanes = job.cols()?.len() as f64;
            total.add(
                format!("row {}: the network's money (--groups)", row.label()),
                values * (lanes + 2.0) * 0.15e-6,
                values * (28.0 + 12.0 * lanes),
            );
        }
    }
    Ok(total)
}
