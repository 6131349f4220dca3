//! The four studies on the one contract ([`Study`]): each job, its tasks, one task's run and the
//! report (JSON, table, words, figure). The logic lives in the study's module (`spread`, `sweep`,
//! `answer`, `whatif`); this file says how each is cut into tasks and how its parts are told.

use serde::{Deserialize, Serialize};

use super::{answer, cost, spread, sweep, Figure, Json, Report, Study, Table};
use crate::base::echo::counted;
use crate::base::metrics::info;
use crate::base::units::fmt_figure;
use crate::domain::cost::Cost;
use crate::sim::config::Config;

mod whatif_study;
pub use whatif_study::{WhatIf, WhatIfJob};

/// Three significant digits: the tables' one figure format (the page's too).
fn fig(v: f64) -> String {
    fmt_figure(Some(v), 3)
}

fn opt(v: Option<f64>) -> String {
    fmt_figure(v, 3)
}

/// The parts in seed order, whatever order they came in.
fn by_seed<T: Clone>(parts: &[T], seed: impl Fn(&T) -> u32) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(parts.len());
    for p in parts {
        let at = out.partition_point(|r| seed(r) <= seed(p));
        out.insert(at, p.clone());
    }
    out
}

// ----- The spread across seeds -----------------------------------------------------------------

/// The spread: the configuration on `seeds` worlds (from its seed on), compared on `metric`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpreadJob {
    pub config: Config,
    pub preset: Option<String>,
    pub seeds: u32,
    pub metric: String,
    pub cumulative: bool,
}

/// One seed of a spread.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SeedTask {
    pub seed: u32,
}

/// The spread across seeds (`rtml run --seeds N`, the page's seeds control).
pub struct Spread;

impl Study for Spread {
    type Job = SpreadJob;
    type Task = SeedTask;
    type Part = spread::SeedRun;

    fn tasks(job: &SpreadJob, _workers: usize) -> Result<Vec<SeedTask>, String> {
        Ok((spread::seed_list(job.config.seed, job.seeds).into_iter())
            .map(|seed| SeedTask { seed })
            .collect())
    }

    fn cost(job: &SpreadJob, at_once: usize) -> Result<Cost, String> {
        let one = crate::sim::cost::estimate(&job.config);
        Ok(cost::seeds(one, job.seeds as usize, at_once))
    }

    fn run(job: &SpreadJob, task: &SeedTask) -> Result<spread::SeedRun, String> {
        spread::run_seed(&job.config, job.preset.as_deref(), task.seed)
    }

    fn report(job: &SpreadJob, parts: &[spread::SeedRun]) -> Result<Report, String> {
        let runs = by_seed(parts, |r| r.seed);
        let preset = job.preset.as_deref();
        let s = spread::aggregate(&job.config, &job.metric, preset, &runs);
        let json = Json::Value(spread::to_json(preset.unwrap_or("custom"), &s));
        let n = s.seeds.len();
        let figures: Vec<&str> = s
            .lanes
            .first()
            .map_or(Vec::new(), |l| l.figures.iter().map(|f| f.key).collect());
        let mut head = vec!["Lane".to_string()];
        let mut units = vec![String::new()];
        let metric = info(&job.metric).map_or(job.metric.as_str(), |m| m.label);
        if s.comparable {
            head.push(format!("Better than A ({metric})"));
            units.push("seeds".into());
        }
        for k in &figures {
            let i = info(k);
            head.push(i.map_or(k.to_string(), |m| m.label.to_string()));
            units.push(i.map_or(String::new(), |m| m.unit.to_string()));
        }
        let mut table = Table {
            head,
            units,
            rows: Vec::new(),
        };
        for (i, lane) in s.lanes.iter().enumerate() {
            let mut row = vec![format!("{}: {}", lane.label, lane.description)];
            if s.comparable {
                row.push(if i == 0 {
                    "—".into()
                } else {
                    format!("{} of {n}", s.wins[i][0])
                });
            }
            for f in &lane.figures {
                row.push(match (f.lo, f.hi) {
                    (Some(lo), Some(hi)) => format!("{} [{}, {}]", opt(f.mean), fig(lo), fig(hi)),
                    _ => opt(f.mean),
                });
            }
            table.rows.push(row);
        }
        let mut words = Vec::new();
        if let (Some(first), Some(last)) = (s.seeds.first(), s.seeds.last()) {
            words.push(format!(
                "{} ({first} to {last}); each figure is the mean [90% interval] over the seeds.",
                counted(n, "seed")
            ));
        }
        if s.comparable {
            for i in 0..s.lanes.len() {
                for j in i + 1..s.lanes.len() {
                    let (a, b) = (s.lanes[i].label, s.lanes[j].label);
                    words.push(format!(
                        "{a} vs {b} on {metric}: {a} did better in {} of {n} seeds, {b} in {}.",
                        s.wins[i][j], s.wins[j][i]
                    ));
                }
            }
        }
        let mut marks = vec![None; words.len()];
        for c in &s.claims {
            words.push(match c.of {
                // The run does not cover what the claim is about (its day, its lanes): said, not "0 of 0".
                0 => format!(
                    "not checked (the run does not cover it: its days or lanes): {}",
                    c.claim
                ),
                of => format!("held in {} of {of} seeds: {}", c.held, c.claim),
            });
            marks.push(Some(super::claims::held_enough(c.claim, c.held, c.of)));
        }
        Ok(Report {
            json,
            table,
            words,
            details: Vec::new(),
            strip: None,
            marks,
            figure: Figure::Spread {
                config: Box::new(job.config.clone()),
                runs,
                metric: job.metric.clone(),
                cumulative: job.cumulative,
            },
        })
    }

    /// A seed's run depends on the configuration and the preset's claims only (not on how many
    /// seeds, nor on the metric or view shown): 5 then 10 seeds reuse the first five.
    fn run_key(job: &SpreadJob, task: &SeedTask) -> String {
        format!("{:?}|{:?}|{}", job.config, job.preset, task.seed)
    }
}

// ----- The freshness sweep ---------------------------------------------------------------------

/// One world a sweep varies (a preset with its settings).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepWorld {
    /// What the table and the chart call it (`Ads`, `Cells`, or the preset's name).
    pub label: String,
    /// The preset's name (or `custom`) in the JSON.
    pub name: String,
    pub config: Config,
}

/// The sweep: every world against the same values of one parameter, over seeds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepJob {
    pub worlds: Vec<SweepWorld>,
    /// `every` or `refresh`, optionally with a lane (`every:b`).
    pub param: String,
    /// Comma-separated points (`1h,1d,frozen`); at most 40 are read.
    pub values: String,
    pub seeds: u32,
    pub metric: Option<String>,
}

impl SweepJob {
    /// The specification of world `w`.
    pub fn spec(&self, w: usize) -> Result<sweep::Spec, String> {
        let world = self.worlds.get(w).ok_or("no such world in this sweep")?;
        let (param, lane) = sweep::Param::parse(&self.param)?;
        let points = (self.values.split(','))
            .filter(|v| !v.trim().is_empty())
            .take(40)
            .map(sweep::Point::parse)
            .collect::<Result<Vec<_>, _>>()?;
        sweep::Spec::new(
            world.config.clone(),
            lane,
            param,
            points,
            self.seeds,
            self.metric.as_deref(),
        )
    }
}

/// One (world, point, seed) run of a sweep.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepTask {
    pub world: usize,
    pub point: sweep::Point,
    pub seed: u32,
}

/// What a sweep task computes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepPart {
    pub world: usize,
    pub run: sweep::Run,
}

/// The freshness sweep (`rtml sweep`, the page's sweep panel).
pub struct Sweep;

impl Study for Sweep {
    type Job = SweepJob;
    type Task = SweepTask;
    type Part = SweepPart;

    fn tasks(job: &SweepJob, _workers: usize) -> Result<Vec<SweepTask>, String> {
        let mut tasks = Vec::new();
        for w in 0..job.worlds.len() {
            for (point, seed) in job.spec(w)?.tasks() {
                tasks.push(SweepTask {
                    world: w,
                    point,
                    seed,
                });
            }
        }
        Ok(tasks)
    }

    fn cost(job: &SweepJob, at_once: usize) -> Result<Cost, String> {
        // The worlds' runs one after the other: the work adds up, the memory is the largest's.
        let mut total = Cost::default();
        for w in 0..job.worlds.len() {
            let c = job.spec(w)?.cost(at_once);
            total.seconds += c.seconds;
            total.bytes = total.bytes.max(c.bytes);
            let name = &job.worlds[w].label;
            total.parts.extend(c.parts.into_iter().map(|mut p| {
                p.what = format!("{name}: {}", p.what);
                p
            }));
        }
        Ok(total)
    }

    fn run(job: &SweepJob, task: &SweepTask) -> Result<SweepPart, String> {
        let spec = job.spec(task.world)?;
        let seed = task.seed.min(spec.seeds.saturating_sub(1));
        Ok(SweepPart {
            world: task.world,
            run: sweep::run_point(&spec, task.point, seed)?,
        })
    }

    fn report(job: &SweepJob, parts: &[SweepPart]) -> Result<Report, String> {
        let mut jsons = Vec::new();
        let mut summaries = Vec::new();
        let mut table = Table::new(
            &[
                "Scenario",
                "Point",
                "Gap kept",
                "Outcome",
                "Training updates",
                "Retrains",
                "Absolute figures",
            ],
            &["", "", "", "", "", "", ""],
        );
        let mut said = Vec::new();
        let with_unit = |k: &str, v: f64| match info(k) {
            Some(m) if !m.unit.is_empty() => format!("{} {} {}", m.label, fig(v), m.unit),
            Some(m) => format!("{} {}", m.label, fig(v)),
            None => format!("{k} {}", fig(v)),
        };
        for (w, world) in job.worlds.iter().enumerate() {
            let spec = job.spec(w)?;
            let runs: Vec<sweep::Run> = parts
                .iter()
                .filter(|p| p.world == w)
                .map(|p| p.run.clone())
                .collect();
            let s = sweep::summarize(&spec, &runs);
            jsons.push((world.name.clone(), spec.clone(), s.clone()));
            let abs: [&str; 2] = match spec.base.scenario {
                crate::sim::config::Scenario::Ads => ["clicks", "revenue"],
                crate::sim::config::Scenario::Cells => ["energy_kwh", "cost"],
            };
            for p in &s.points {
                let get = |k: &str| {
                    p.metrics
                        .iter()
                        .find(|m| m.0 == k)
                        .map_or(f64::NAN, |m| m.1)
                };
                table.rows.push(vec![
                    world.label.clone(),
                    p.label.clone(),
                    if p.share.is_finite() {
                        format!("{:.1}%", p.share * 100.0)
                    } else {
                        "–".into()
                    },
                    with_unit(&s.metric, p.mean),
                    fig(p.cost),
                    fig(p.retrains),
                    abs.iter()
                        .map(|k| with_unit(k, get(k)))
                        .collect::<Vec<_>>()
                        .join(", "),
                ]);
            }
            let label = info(&s.metric).map_or(s.metric.clone(), |m| m.label_lower());
            said.push(match s.unmeasured() {
                Some(why) => format!("{}'s {label} lost per hour of staleness is {why}", world.label),
                None => format!(
                    "{} lose {:.3}% of their {label} per hour of staleness ({:.1}% of the frozen-to-continual gap)",
                    world.label,
                    s.value_loss_per_hour * 100.0,
                    s.loss_per_hour * 100.0
                ),
            });
            summaries.push((world.label.clone(), s));
        }
        let words = vec![format!(
            "Measured in this run, over {}: {}.",
            counted(job.seeds, "seed"),
            said.join("; ")
        )];
        // One world: the object `rtml sweep --json` prints; several: an array of them.
        let json = Json::Sweep(jsons);
        Ok(Report {
            json,
            table,
            words,
            details: Vec::new(),
            strip: None,
            marks: Vec::new(),
            figure: Figure::Sweep(summaries),
        })
    }
}

// ----- The answer: the freshness map -----------------------------------------------------------

/// The sensitivity strip as a table: a row per variation and comparison.
fn answer_strip(a: &answer::Answer) -> Option<Table> {
    let held = a.sensitivity.as_ref().filter(|h| !h.is_empty())?;
    let unit = a.maps.first().map(|m| m.unit.as_str()).unwrap_or("");
    let mut t = Table::new(
        &["Variation", "Comparison", "Held", "Mean", "95% interval"],
        &["", "", "", unit, unit],
    );
    for h in held {
        t.rows.push(vec![
            h.variation.to_string(),
            h.comparison.replace('_', " "),
            if h.held { "held" } else { "not held" }.into(),
            fig(h.mean.0),
            format!("{} to {}", fig(h.lo.0), fig(h.hi.0)),
        ]);
    }
    Some(t)
}

/// The answer's table: per scenario the reference figures (the ML system's value, the rule's, ML
/// over the rule, the oracle's), then every cell of the map: the money lost wherever it is measurable
/// (and the mean marked "n.m." where not), its interval, its share of the ML value where that value
/// is measurably positive, the seeds that agree, and the neighbours it is within the noise of.
pub fn answer_table(a: &answer::Answer) -> Table {
    let unit = a.maps.first().map(|m| m.unit.as_str()).unwrap_or("");
    let mut table = Table::new(
        &[
            "Scenario · predictions · model",
            "Lost",
            "95% interval",
            "Share of ML value",
            "Seeds agreeing",
            "Within noise of",
            "Per day",
        ],
        &["", unit, unit, "", "", "", ""],
    );
    for m in a.maps.iter().filter(|m| m.seeds > 0) {
        let scen = m.scenario.name().to_string();
        for (what, cells) in money_refs(m) {
            let mut row = vec![format!("{scen} · {what}")];
            row.extend(cells);
            table.rows.push(row);
        }
        for (r, row) in m.cells.iter().enumerate() {
            for k in 0..row.len() {
                let mut line = vec![format!("{scen} · {} · {}", m.rows[r], m.cols[k])];
                line.extend(money_cells(m, r, k));
                table.rows.push(line);
            }
        }
    }
    table
}

/// A difference in money for a table: the figure where measurable, "n.m. (figure)" where not.
fn money_fig(d: &answer::stats::Diff) -> String {
    if d.measurable {
        fig(d.mean)
    } else {
        format!("n.m. ({})", fig(d.mean))
    }
}

/// The references of a money map as table cells (lost, interval, share, agreeing, near, per day):
/// the ML system's value, the rule's, ML over the rule, the oracle's (where there is one).
pub fn money_refs(m: &answer::stats::Map) -> Vec<(&'static str, Vec<String>)> {
    let agree = |d: &answer::stats::Diff| format!("{} of {}", d.agree(), d.seeds);
    [
        ("ML − no ML", &m.ml),
        ("rule − no ML", &m.rule),
        ("ML − rule", &m.ml_over_rule),
        ("oracle − no ML", &m.oracle),
    ]
    .into_iter()
    .filter(|(_, d)| !d.mean.is_nan())
    .map(|(what, d)| {
        (
            what,
            vec![
                money_fig(d),
                format!("{} to {}", fig(d.lo), fig(d.hi)),
                String::new(),
                agree(d),
                String::new(),
                String::new(),
            ],
        )
    })
    .collect()
}

/// One cell of a money map as table cells: the money lost against the freshest corner (where
/// measurable), its interval, its share of the ML value, the units agreeing, the neighbours it is
/// within the noise of, and what it pays (or earns) per day.
pub fn money_cells(m: &answer::stats::Map, r: usize, k: usize) -> Vec<String> {
    let c = &m.cells[r][k];
    let nc = m.cols.len();
    let cur = m.unit.split('/').next().unwrap_or("");
    let f = &c.figures;
    let per_day = if m.scenario == crate::sim::config::Scenario::Ads {
        format!(
            "{} {cur} expected, {} expected clicks",
            fig(f[0]),
            fig(f[1])
        )
    } else {
        format!("pays {} {cur}, {} GB degraded", fig(f[0]), fig(f[1]))
    };
    let corner = r == 0 && k == 0;
    let share = match c.share {
        _ if corner => "reference".to_string(),
        Some(s) => format!("{}%", fmt_figure(Some(100.0 * s), 2)),
        None if c.lost.measurable => "no share (ML value n.m.)".into(),
        None => "–".into(),
    };
    let mut near = Vec::new();
    if c.apart_right == Some(false) && k + 1 < nc {
        near.push(format!("{} · {}", m.rows[r], m.cols[k + 1]));
    }
    if c.apart_below == Some(false) && r + 1 < m.rows.len() {
        near.push(format!("{} · {}", m.rows[r + 1], m.cols[k]));
    }
    vec![
        if corner {
            "0".into()
        } else {
            money_fig(&c.lost)
        },
        if corner {
            String::new()
        } else {
            format!("{} to {}", fig(c.lost.lo), fig(c.lost.hi))
        },
        share,
        if corner {
            String::new()
        } else {
            format!("{} of {}", c.lost.agree(), c.lost.seeds)
        },
        near.join(", "),
        per_day,
    ]
}

/// The freshness map (`rtml answer`, the page's answer view).
pub struct Answer;

impl Study for Answer {
    type Job = answer::Job;
    type Task = answer::Task;
    type Part = answer::Part;

    fn tasks(job: &answer::Job, workers: usize) -> Result<Vec<answer::Task>, String> {
        Ok(job.spec()?.tasks(workers))
    }

    fn cost(job: &answer::Job, at_once: usize) -> Result<Cost, String> {
        let spec = job.spec()?;
        // The tasks the runner cuts for `at_once` workers (a world's lanes shared among them).
        let tasks = spec.tasks(at_once).len();
        Ok(cost::at_once(
            spec.cost(at_once),
            tasks,
            at_once,
            "this answer's tasks",
        ))
    }

    fn run(job: &answer::Job, task: &answer::Task) -> Result<answer::Part, String> {
        answer::run_task(&job.spec()?, *task, 1)
    }

    /// A task's run does not depend on whether the strip is asked for: turning it on runs only the
    /// variations.
    fn run_key(job: &answer::Job, task: &answer::Task) -> String {
        let j = answer::Job {
            sensitivity: false,
            ..job.clone()
        };
        format!("{j:?}|{task:?}")
    }

    fn report(job: &answer::Job, parts: &[answer::Part]) -> Result<Report, String> {
        let a = answer::summarize(&job.spec()?, parts);
        let json = Json::Answer(Box::new(a.clone()));
        let table = answer_table(&a);
        let mut words = a.lead.clone();
        let details = a.details.clone();
        if words.is_empty() {
            words = details.clone();
        }
        Ok(Report {
            json,
            table,
            words,
            details,
            strip: answer_strip(&a),
            marks: Vec::new(),
            figure: Figure::Answer(Box::new(a)),
        })
    }
}
