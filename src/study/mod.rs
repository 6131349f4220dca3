//! Studies: many runs of the simulator and what they say together, each written once for the
//! command line and the page's workers: the spread across seeds ([`spread`]), the freshness sweep
//! ([`sweep`]), the freshness map ([`answer`]) and on a user's own trace ([`trace`]), the what-if
//! evaluation ([`whatif`]), and the caption claims the spread counts ([`claims`]).
//!
//! **One contract** ([`Study`]): a `Job` says everything a panel's inputs (or a command's flags) say;
//! `tasks` cuts it into independent runs; `run` is what one worker (or one core) computes, a `Part`
//! that crosses to the page as it is (serde); `report` turns the parts, in any order of arrival, into
//! a [`Report`]: the JSON of `rtml <study> --json`, a table, the words, and the figure to draw. The
//! command line prints the report's table and words, the page shows the same ones; [`run_native`]
//! runs a job's tasks on every core, the page's `pool.js` runs them in Web Workers.
//!
//! ```
//! use rtml::study::{run_native, Study};
//! use rtml::study::studies::{Spread, SpreadJob};
//! let mut config = rtml::sim::config::Config::default();
//! config.days = 1.0;
//! config.warmup = 1.0;
//! config.seed = 7;
//! let job = SpreadJob { config, preset: None, seeds: 2, metric: "expected_ctr".into(), cumulative: false };
//! let parts = run_native::<Spread>(&job, 1, |_, _| {}).unwrap();
//! let report = Spread::report(&job, &parts).unwrap();
//! let json: serde_json::Value = serde_json::from_str(&report.json.pretty()).unwrap();
//! assert_eq!(json["seeds"], serde_json::json!([7, 8]));
//! assert_eq!(report.table.rows.len(), job.config.lanes.len());
//! ```

pub mod answer;
pub mod breakeven;
pub mod claims;
pub mod cost;
pub mod spread;
pub mod studies;
pub mod sweep;
pub mod trace;
pub mod whatif;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// A study: a job cut into tasks, each run apart (in a worker or on a core), the parts reported.
pub trait Study {
    /// Everything the inputs say.
    type Job: Serialize + DeserializeOwned + Clone + std::fmt::Debug;
    /// One independent run of the job.
    type Task: Serialize + DeserializeOwned + Clone + std::fmt::Debug;
    /// What one task computes.
    type Part: Serialize + DeserializeOwned + Clone;

    /// The tasks of a job, shared among `workers` (first seed first: a first report comes early).
    fn tasks(job: &Self::Job, workers: usize) -> Result<Vec<Self::Task>, String>;
    /// One task's run.
    fn run(job: &Self::Job, task: &Self::Task) -> Result<Self::Part, String>;
    /// The report of the parts come in so far (any order).
    fn report(job: &Self::Job, parts: &[Self::Part]) -> Result<Report, String>;
    /// What identifies a task's run whatever the view settings of the job (the page's cache key):
    /// the job's run settings and the task. By default the whole job and the task.
    fn run_key(job: &Self::Job, task: &Self::Task) -> String {
        format!("{job:?}|{task:?}")
    }
    /// The estimated cost of the whole job (work on one thread), its tasks `at_once` at a time (the
    /// memory of that many tasks): the one estimate the command line checks and the page shows
    /// ([`cost::page`]).
    fn cost(job: &Self::Job, at_once: usize) -> Result<crate::domain::cost::Cost, String>;
}

/// What a study says: the JSON of the command line's `--json`, a table, the words, the figure.
pub struct Report {
    /// What `rtml <study> --json` prints (pretty) and the page reads (as a JS value).
    pub json: Json,
    pub table: Table,
    /// Sentences generated from the numbers, in order: what a reader takes in first.
    pub words: Vec<String>,
    /// Sentences with the details (intervals, seed counts), folded below the words on the page and
    /// printed after them on the command line.
    pub details: Vec<String>,
    /// A second, smaller table where a study has one (the answer's sensitivity strip).
    pub strip: Option<Table>,
    /// For each sentence that reports a caption claim, whether it held as often as captions promise
    /// (`claims::held_enough`); `None` for the others.
    pub marks: Vec<Option<bool>>,
    pub figure: Figure,
}

/// A table: column heads (with their units, empty where none) and rows of formatted cells.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Table {
    pub head: Vec<String>,
    pub units: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// An empty table with these heads and units.
    pub fn new(head: &[&str], units: &[&str]) -> Table {
        Table {
            head: head.iter().map(|s| s.to_string()).collect(),
            units: units.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// The table as aligned text (the command line's): a head line (units in brackets), then a line
    /// per row; a column as wide as its widest cell.
    pub fn text(&self) -> String {
        let head: Vec<String> = (self.head.iter().enumerate())
            .map(|(i, h)| match self.units.get(i).filter(|u| !u.is_empty()) {
                Some(u) => format!("{h} ({u})"),
                None => h.clone(),
            })
            .collect();
        let width = |i: usize| {
            (self.rows.iter().filter_map(|r| r.get(i)))
                .chain(std::iter::once(&head[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..head.len()).map(width).collect();
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                let pad = widths.get(i).copied().unwrap_or(0);
                if i > 0 {
                    s.push_str("  ");
                }
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.extend(std::iter::repeat_n(
                        ' ',
                        pad.saturating_sub(c.chars().count()),
                    ));
                }
            }
            let mut s = s.trim_end().to_string();
            s.push('\n');
            s
        };
        let mut out = line(&head);
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }
}

/// A report's JSON: serialised straight from the study's typed summary (its keys in the order the
/// command line has always printed them), by `serde_json` on the command line and by
/// serde-wasm-bindgen in the page, never through an intermediate text.
pub enum Json {
    Value(serde_json::Value),
    Answer(Box<answer::Answer>),
    /// A trace's map (`rtml answer --trace --json`).
    Trace(Box<trace::Map>),
    /// Each world's name, specification and summary: one world is an object, several an array.
    Sweep(Vec<(String, sweep::Spec, sweep::Summary)>),
}

impl Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Json::Value(v) => v.serialize(s),
            Json::Answer(a) => answer::stats::to_json(a).serialize(s),
            Json::Trace(m) => trace::report::to_json(m).serialize(s),
            Json::Sweep(w) if w.len() == 1 => {
                sweep::to_json(&w[0].0, &w[0].1, &w[0].2).serialize(s)
            }
            Json::Sweep(w) => {
                use serde::ser::SerializeSeq;
                let mut seq = s.serialize_seq(Some(w.len()))?;
                for (name, spec, summary) in w {
                    seq.serialize_element(&sweep::to_json(name, spec, summary))?;
                }
                seq.end()
            }
        }
    }
}

impl Json {
    /// Pretty-printed, byte for byte what `rtml <study> --json` prints.
    pub fn pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report's JSON serialises")
    }
}

/// What a report draws (the chart functions of `view::chart` take each).
pub enum Figure {
    Spread {
        config: Box<crate::sim::config::Config>,
        runs: Vec<spread::SeedRun>,
        metric: String,
        cumulative: bool,
    },
    Sweep(Vec<(String, sweep::Summary)>),
    Answer(Box<answer::Answer>),
    WhatIf(Box<whatif::Summary>),
    /// The freshness map of a user's own trace.
    Trace(Box<trace::Map>),
}

/// Runs every task of `job` on up to `cores` threads: [`run_all`] over [`Study::tasks`] with
/// [`Study::run`].
#[cfg(not(target_arch = "wasm32"))]
pub fn run_native<S: Study>(
    job: &S::Job,
    cores: usize,
    progress: impl FnMut(usize, usize),
) -> Result<Vec<S::Part>, String>
where
    S::Job: Sync,
    S::Task: Sync,
    S::Part: Send,
{
    let tasks = S::tasks(job, cores.max(1))?;
    run_all(&tasks, cores, |t| S::run(job, t), progress)
}

/// Runs `f` on every task, on up to `cores` threads (one task per thread at a time); the results come
/// back in task order whatever order they finished in; `progress(done, total)` on this thread as
/// they finish. The command line's one parallel runner (the page's is `pool.js`).
#[cfg(not(target_arch = "wasm32"))]
pub fn run_all<T: Sync, P: Send>(
    tasks: &[T],
    cores: usize,
    f: impl Fn(&T) -> Result<P, String> + Sync,
    mut progress: impl FnMut(usize, usize),
) -> Result<Vec<P>, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let n = tasks.len();
    let mut done: Vec<Option<Result<P, String>>> = (0..n).map(|_| None).collect();
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::scope(|scope| {
        for _ in 0..cores.clamp(1, n.max(1)) {
            let (tx, next, f) = (tx.clone(), &next, &f);
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(t) = tasks.get(i) else { break };
                if tx.send((i, f(t))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for (k, (i, r)) in rx.iter().enumerate() {
            done[i] = Some(r);
            progress(k + 1, n);
        }
    });
    done.into_iter()
        .map(|r| r.unwrap_or_else(|| Err("a task did not run".into())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Table;

    #[test]
    fn a_table_lines_up_its_columns() {
        let mut t = Table::new(&["lane", "clicks"], &["", "per day"]);
        t.rows.push(vec!["A".into(), "12".into()]);
        t.rows.push(vec!["B: long".into(), "3".into()]);
        assert_eq!(
            t.text(),
            "lane     clicks (per day)\nA        12\nB: long  3\n"
        );
    }
}
