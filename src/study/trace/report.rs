//! The trace's map on the study contract ([`Trace`]): its table, its words generated from the
//! numbers, and its JSON in the answer's shape (`scenario: "trace"`, the `mae` matrix).

use serde::Serialize;

pub use super::map::to_csv;
use super::{run_task, summarize, too_short, Cell, Job, Map, Part, Task};
use crate::base::echo::counted;
use crate::base::json::Num;
use crate::base::units::{fmt_duration, fmt_figure, TimeUnit};
use crate::domain::cost::Cost;
use crate::study::answer::stats::Diff;
use crate::study::{Figure, Json, Report, Study, Table};

/// Why the map has no money: a trace has no coverage layer of its own.
pub const NO_MONEY: &str = "Money (energy, degraded traffic, complaint calls) is not available \
without a coverage layer: a trace says nothing of which cells share a coverage cell nor of its \
capacity, which the cells world's sleep rule and its interlock need, so this map shows forecast \
error only. Say which cells fall back on the same coverage cell (--groups, or the panel's coverage \
groups) to price it.";

/// Why a click log's columns count examples, not hours.
pub const CLICKS_IN_EXAMPLES: &str = "The columns count examples, not hours: Vowpal Wabbit text \
carries no time of its own (a log's time, where it has one, would have to travel in each line's tag), \
so a retrain every hour or day cannot be placed on this log.";

/// The freshness map of a user's own file (`rtml answer --trace`, the replay panel's map).
pub struct Trace;

impl Study for Trace {
    type Job = Job;
    type Task = Task;
    type Part = Part;

    fn tasks(job: &Job, _workers: usize) -> Result<Vec<Task>, String> {
        let rows = job.rows()?;
        job.cols()?;
        job.options(rows[0])?;
        Ok((0..rows.len()).map(|row| Task { row }).collect())
    }

    fn run(job: &Job, task: &Task) -> Result<Part, String> {
        run_task(job, *task)
    }

    fn report(job: &Job, parts: &[Part]) -> Result<Report, String> {
        let mut m = summarize(job, parts)?;
        if let Some(e) = too_short(&m) {
            return Err(e);
        }
        let words = if m.clicks { click_words(&m) } else { words(&m) };
        m.conclusion = words.join(" ");
        let m = Box::new(m);
        Ok(Report {
            json: Json::Trace(m.clone()),
            table: table(&m),
            marks: vec![None; words.len()],
            words,
            details: Vec::new(),
            strip: None,
            figure: Figure::Trace(m),
        })
    }

    /// A row's pass depends on the whole job but its view (nothing of the job is a view).
    fn run_key(job: &Job, task: &Task) -> String {
        format!("{job:?}|{task:?}")
    }

    /// A click log's map is one row (its lanes' models are the replay's estimate); a load trace's
    /// rows at once share the process, whose memory is the replay's read-ahead bound, and each
    /// holds only its cells' small state: the memory of one row (measured: 8.6 MB of RSS for the
    /// LTE trace's three rows on two cores, estimated 20 MB; with a copy per row at once, 40 MB).
    fn cost(job: &Job, _at_once: usize) -> Result<Cost, String> {
        super::cost(job)
    }
}

fn fig(x: Option<f64>) -> String {
    fmt_figure(x, 3)
}

/// "higher in 5 of 6 weeks": `d` is a difference of errors, `higher` whether the weeks counted
/// are those it was positive in.
fn weeks(higher: bool, d: &Diff, unit: &str) -> String {
    let k = if higher { d.held } else { d.seeds - d.held };
    let higher = if higher { "higher" } else { "lower" };
    format!("{higher} in {k} of {}", counted(d.seeds, unit))
}

/// "in 5 of 6 weeks".
fn of_weeks(k: u32, n: u32) -> String {
    format!("in {k} of {}", counted(n, "week"))
}

fn share(c: &Cell) -> String {
    match (c.share, c.lost) {
        (Some(s), _) => format!("{}%", fmt_figure(Some(100.0 * s), 2)),
        (None, Some(d)) if !d.measurable => "no measurable difference".into(),
        _ => "–".into(),
    }
}

/// One row per cell of the map, then the rule's.
fn table(m: &Map) -> Table {
    let mut t = if m.clicks {
        Table::new(
            &[
                "Inputs",
                "Model",
                "Log loss",
                "Above continual",
                "95% interval",
                "Slices higher",
                "NE, AUC",
            ],
            &["", "", "", "", "", "", ""],
        )
    } else {
        Table::new(
            &[
                "Inputs",
                "Model",
                "Forecast error (MAE)",
                "Above the freshest corner",
                "95% interval",
                "Weeks higher",
                "Share of the model's gain",
            ],
            &["", "", &m.unit, &m.unit, "", "", ""],
        )
    };
    let money = m.money.as_ref().filter(|mm| mm.seeds > 0);
    if let Some(mm) = money {
        for (h, u) in [
            ("Money lost", mm.unit.as_str()),
            ("95% interval (money)", mm.unit.as_str()),
            ("Share of ML value", ""),
            ("Weeks agreeing", ""),
            ("Within noise of", ""),
            ("Per day", ""),
        ] {
            t.head.push(h.to_string());
            t.units.push(u.to_string());
        }
    }
    for (r, row) in m.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let mut line = vec![m.rows[r].clone(), m.cols[c].clone()];
            match (&cell.why, cell.mae, cell.lost) {
                (Some(why), _, _) => line.extend([
                    why.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
                (None, None, _) => line.extend([
                    "(running)".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
                (None, Some(mae), _) if r == 0 && c == 0 => line.extend([
                    fig(Some(mae)),
                    "reference".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
                (None, Some(mae), Some(d)) => line.extend([
                    fig(Some(mae)),
                    fig(Some(d.mean)),
                    format!("{} to {}", fig(Some(d.lo)), fig(Some(d.hi))),
                    format!("{} of {}", d.held, d.seeds),
                    share(cell),
                ]),
                (None, Some(mae), None) => line.extend([
                    fig(Some(mae)),
                    "–".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
            }
            if m.clicks && cell.why.is_none() {
                if let Some(last) = line.last_mut() {
                    *last = format!("NE {}, AUC {}", fig(m.ne[c]), fig(m.auc[c]));
                }
            }
            if let Some(mm) = money {
                match mm.at(&m.rows[r], &m.cols[c]) {
                    Some((i, j)) => line.extend(crate::study::studies::money_cells(mm, i, j)),
                    None => line.extend(std::iter::repeat_n(String::new(), 6)),
                }
            }
            t.rows.push(line);
        }
    }
    if m.rule.is_none() {
        return t;
    }
    let rule = match m.ml {
        Some(d) => vec![
            fig(m.rule),
            fig(Some(d.mean)),
            format!("{} to {}", fig(Some(d.lo)), fig(Some(d.hi))),
            format!("{} of {}", d.held, d.seeds),
            "100%".into(),
        ],
        None => vec![
            fig(m.rule),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ],
    };
    let mut line = vec!["no model".to_string(), "last measured load".to_string()];
    line.extend(rule);
    if let Some(mm) = money {
        line.extend(std::iter::repeat_n(String::new(), 6));
        t.rows.push(line);
        // The money's references: the ML system and the rule over always on, ML over the rule,
        // the oracle.
        for (what, cells) in crate::study::studies::money_refs(mm) {
            let mut row = vec!["money".to_string(), what.to_string()];
            row.extend(std::iter::repeat_n(String::new(), 5));
            row.extend(cells);
            t.rows.push(row);
        }
        return t;
    }
    t.rows.push(line);
    t
}

/// A difference against the freshest corner in a clause.
fn clause(m: &Map, d: &Diff) -> String {
    let u = &m.unit;
    if !d.measurable {
        return format!(
            "shows no measurable difference ({} {u}, 95% interval {} to {})",
            fig(Some(d.mean)),
            fig(Some(d.lo)),
            fig(Some(d.hi))
        );
    }
    let gain = m.ml.filter(|g| g.measurable && g.mean > 0.0);
    let of = gain.map_or(String::new(), |g| {
        format!(
            ", {} of the model's gain over the rule",
            pct(d.mean / g.mean)
        )
    });
    if d.mean > 0.0 {
        format!(
            "forecasts {} {u} worse{of} ({})",
            fig(Some(d.mean)),
            weeks(true, d, "week")
        )
    } else {
        format!(
            "forecasts {} {u} better ({})",
            fig(Some(-d.mean)),
            weeks(false, d, "week")
        )
    }
}

fn pct(x: f64) -> String {
    format!("{}%", fmt_figure(Some(100.0 * x), 2))
}

/// The cell at a row label and a column label, with its difference.
fn at<'a>(m: &'a Map, row: &str, col: &str) -> Option<(&'a Cell, Diff)> {
    let r = m.rows.iter().position(|x| x == row)?;
    let c = m.cols.iter().position(|x| x == col)?;
    let cell = &m.cells[r][c];
    cell.lost.map(|d| (cell, d))
}

/// The conclusion, sentence by sentence, from the numbers.
fn words(m: &Map) -> Vec<String> {
    let mut out = Vec::new();
    let step = fmt_duration(m.step_hours, TimeUnit::Hour);
    out.push(format!(
        "Your trace ({}): {} cell{}, a value every {step}, {} days; every lane warmed up on each \
         cell's first {}, then forecast each value before learning it, scored week by week ({} \
         week{} scored; a trace has one history, so the intervals are over its weeks).",
        m.file,
        m.cells_n,
        if m.cells_n == 1 { "" } else { "s" },
        super::map::days(m.span_hours),
        fmt_duration(m.warmup_hours, TimeUnit::Hour),
        m.weeks,
        if m.weeks == 1 { "" } else { "s" },
    ));
    let corner = m.cells.first().and_then(|r| r.first()).and_then(|c| c.mae);
    if let (Some(k), Some(rule), Some(g)) = (corner, m.rule, m.ml) {
        let u = &m.unit;
        // `g` is the rule's error minus the corner's: positive where the model forecasts better.
        let verdict = if g.measurable && g.mean > 0.0 {
            format!(
                "the model's is {} lower ({})",
                fig(Some(g.mean)),
                of_weeks(g.held, g.seeds)
            )
        } else if g.measurable {
            format!(
                "the model's is {} higher: the rule wins on this trace ({})",
                fig(Some(-g.mean)),
                of_weeks(g.seeds - g.held, g.seeds)
            )
        } else {
            format!(
                "no measurable difference (95% interval {} to {})",
                fig(Some(g.lo)),
                fig(Some(g.hi))
            )
        };
        out.push(format!(
            "The freshest corner (online inputs, continual model) forecasts with a mean absolute error \
             of {} {u}; the last measured load (no model, the operators' rule) {} {u}: {verdict}.",
            fig(Some(k)),
            fig(Some(rule)),
        ));
    }
    let stale_in = at(m, "1d", "continual");
    let stale_model = at(m, "online", "1d");
    if let Some((_, d)) = stale_in {
        out.push(format!(
            "Inputs up to a day old (batch refresh 1d, continual model): the map {}.",
            clause(m, &d)
        ));
    }
    if let Some((_, d)) = stale_model {
        out.push(format!(
            "A model retrained daily (online inputs) {}.",
            clause(m, &d)
        ));
    }
    if let (Some((c, d)), Some(k)) = (at(m, "online", "frozen"), corner) {
        let ratio = c.mae.map(|x| x / k);
        out.push(format!(
            "A model frozen after the warm-up (online inputs) {}; frozen / continual error ratio {}.",
            clause(m, &d),
            fmt_figure(ratio, 3)
        ));
    }
    if let (Some((a, _)), Some((b, _))) = (stale_in, stale_model) {
        if let (Some(x), Some(y)) = (a.mae, b.mae) {
            let (more, less) = if x > y {
                ("stale inputs", "a stale model")
            } else {
                ("a stale model", "stale inputs")
            };
            out.push(format!(
                "At a day of staleness, {more} cost more forecast error than {less} on this trace ({} against {} {}).",
                fig(Some(x.max(y))),
                fig(Some(x.min(y))),
                m.unit
            ));
        }
    }
    let short: Vec<String> = (m.cells.iter().enumerate())
        .flat_map(|(r, row)| {
            row.iter().enumerate().filter_map(move |(c, cell)| {
                cell.why
                    .as_ref()
                    .map(|w| format!("{} × {}: {w}", m.rows[r], m.cols[c]))
            })
        })
        .collect();
    if !short.is_empty() {
        out.push(format!(
            "Too short for some cells (no figure rather than a guess): {}.",
            short.join("; ")
        ));
    }
    if m.weeks < 2 {
        out.push("With fewer than two weeks scored there is no interval: every difference is called not measurable.".into());
    }
    match (&m.money, &m.money_why) {
        (Some(mm), _) if mm.seeds > 0 => {
            out.push(crate::study::answer::words::lead(mm));
            out.extend(crate::study::answer::words::details(mm));
        }
        (_, Some(why)) if why == NO_MONEY => out.push(NO_MONEY.into()),
        (_, Some(why)) => out.push(format!("No money on this map: {why}.")),
        _ => {}
    }
    out.extend(m.notices.iter().map(|n| format!("Note: {n}.")));
    out
}

/// A click log's conclusion: each column's log loss, NE and AUC against continual learning.
fn click_words(m: &Map) -> Vec<String> {
    let n = m.weeks;
    let mut out = vec![format!(
        "Your click log ({}): {} examples, a warm-up of {}, {} scored, cut in {n} slice{} of examples \
         (a log has one history, so the intervals are over its slices); every column predicted each \
         example before learning it.",
        m.file,
        crate::base::units::fmt_num(m.values as f64),
        crate::base::units::fmt_num(m.warmup_hours),
        crate::base::units::fmt_num(m.span_hours),
        if n == 1 { "" } else { "s" },
    )];
    let row = m.cells.first().map_or(&[][..], |r| &r[..]);
    if let Some(k) = row.first().and_then(|c| c.mae) {
        out.push(format!(
            "Continual learning: log loss {}, NE {}, AUC {}.",
            fig(Some(k)),
            fig(m.ne[0]),
            fig(m.auc[0])
        ));
    }
    for (c, cell) in row.iter().enumerate().skip(1) {
        let who = match m.cols[c].as_str() {
            "frozen" => "A model frozen after the warm-up".to_string(),
            e => format!("A model retrained every {e} examples"),
        };
        if let Some(w) = &cell.why {
            out.push(format!("{who}: {w}."));
            continue;
        }
        let (Some(d), Some(x)) = (cell.lost, cell.mae) else {
            continue;
        };
        let loss = if d.measurable {
            format!(
                "{} {} log loss than continual ({})",
                fig(Some(d.mean.abs())),
                if d.mean > 0.0 { "more" } else { "less" },
                weeks(d.mean > 0.0, &d, "slice")
            )
        } else {
            format!(
                "no measurable difference in log loss from continual ({}, 95% interval {} to {})",
                fig(Some(d.mean)),
                fig(Some(d.lo)),
                fig(Some(d.hi))
            )
        };
        let ne = m.ne[c]
            .zip(m.ne[0])
            .map(|(a, b)| format!("{}%", fmt_figure(Some(100.0 * (a / b - 1.0)), 2)));
        let auc = m.auc[c]
            .zip(m.auc[0])
            .map(|(a, b)| fmt_figure(Some(100.0 * (a - b)), 2));
        out.push(format!(
            "{who}: log loss {}, {loss}; NE {} ({} against continual), AUC {} ({} points).",
            fig(Some(x)),
            fig(m.ne[c]),
            ne.unwrap_or_else(|| "–".into()),
            fig(m.auc[c]),
            auc.unwrap_or_else(|| "–".into()),
        ));
    }
    if n < 2 {
        out.push("With fewer than two slices scored there is no interval: every difference is called not measurable.".into());
    }
    out.push(CLICKS_IN_EXAMPLES.into());
    out.extend(m.notices.iter().map(|n| format!("Note: {n}.")));
    out
}

/// The JSON: the answer's shape, one scenario `trace`.
#[derive(Serialize)]
pub struct MapJson<'a> {
    scenario: &'static str,
    preset: &'a str,
    refresh: &'a [String],
    every: &'a [String],
    unit: &'a str,
    mae: Vec<Vec<Num>>,
    value_lost: Vec<Vec<Num>>,
    lo: Vec<Vec<Num>>,
    hi: Vec<Vec<Num>>,
    measurable: Vec<Vec<bool>>,
    value_lost_share: Vec<Vec<Option<Num>>>,
    weeks_higher: Vec<Vec<Option<u32>>>,
    why: Vec<Vec<Option<&'a str>>>,
    rule_mae: Num,
    ml_value: Num,
    weeks: u32,
    cells: usize,
    step_hours: Num,
    span_hours: Num,
    warmup_hours: Num,
    /// The network's money where coverage groups were given: the simulated answer's map of money
    /// per day, paired over the trace's weeks (`seeds` counts the weeks).
    money: Option<crate::study::answer::stats::MapJson<'a>>,
    money_why: Option<&'a str>,
    /// `mae` (a load trace: the `mae` matrix is the forecast error) or `log_loss` (a click log:
    /// the same matrix holds the log loss, and `ne` and `auc` each column's).
    metric: &'static str,
    ne: Vec<Option<Num>>,
    auc: Vec<Option<Num>>,
}

/// The JSON of `rtml answer --trace --json` (the page reads the same).
#[derive(Serialize)]
pub struct TraceJson<'a> {
    scenarios: Vec<MapJson<'a>>,
    conclusion: &'a str,
}

/// The map as its JSON.
pub fn to_json(m: &Map) -> TraceJson<'_> {
    let grid = |f: &dyn Fn(&Cell) -> Num| -> Vec<Vec<Num>> {
        m.cells.iter().map(|r| r.iter().map(f).collect()).collect()
    };
    let lost = |c: &Cell, f: fn(&Diff) -> f64| Num(c.lost.as_ref().map_or(f64::NAN, f));
    TraceJson {
        scenarios: vec![MapJson {
            scenario: "trace",
            preset: &m.file,
            refresh: &m.rows,
            every: &m.cols,
            unit: &m.unit,
            mae: grid(&|c| Num(c.mae.unwrap_or(f64::NAN))),
            value_lost: grid(&|c| lost(c, |d| d.mean)),
            lo: grid(&|c| lost(c, |d| d.lo)),
            hi: grid(&|c| lost(c, |d| d.hi)),
            measurable: (m.cells.iter())
                .map(|r| {
                    r.iter()
                        .map(|c| c.lost.is_some_and(|d| d.measurable))
                        .collect()
                })
                .collect(),
            value_lost_share: (m.cells.iter())
                .map(|r| r.iter().map(|c| c.share.map(Num)).collect())
                .collect(),
            weeks_higher: (m.cells.iter())
                .map(|r| r.iter().map(|c| c.lost.map(|d| d.held)).collect())
                .collect(),
            why: (m.cells.iter())
                .map(|r| r.iter().map(|c| c.why.as_deref()).collect())
                .collect(),
            rule_mae: Num(m.rule.unwrap_or(f64::NAN)),
            ml_value: Num(m.ml.map_or(f64::NAN, |d| d.mean)),
            weeks: m.weeks,
            cells: m.cells_n,
            step_hours: Num(m.step_hours),
            span_hours: Num(m.span_hours),
            warmup_hours: Num(m.warmup_hours),
            money: m
                .money
                .as_ref()
                .filter(|mm| mm.seeds > 0)
                .map(crate::study::answer::stats::map_json),
            money_why: m.money_why.as_deref(),
            metric: if m.clicks { "log_loss" } else { "mae" },
            ne: m.ne.iter().map(|x| x.map(Num)).collect(),
            auc: m.auc.iter().map(|x| x.map(Num)).collect(),
        }],
        conclusion: &m.conclusion,
    }
}
