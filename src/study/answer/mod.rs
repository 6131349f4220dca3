//! The answer: where the value of freshness comes from, for ads and for cells, on one map.
//!
//! Rows are how fresh the *predictions* are (online at request time, or batch tables refreshed every
//! 15 minutes to a day); columns are how fresh the *model* is (continual, retrained every hour to every
//! week, or frozen after the warm-up). Each cell of the map is one lane; every lane of a seed, and the
//! no-ML baseline, run over **one pass of one world** ([`Experiment::with_many_lanes`]), so they see
//! exactly the same requests, clicks and loads (common random numbers), and the world is drawn once
//! for the whole grid instead of once per cell.
//!
//! Value is counted in the money the business is paid or pays: ads earn revenue (the cost per click of
//! every clicked ad); the cellular network pays for its energy and for the complaint calls its
//! congested coverage cells bring ([`crate::domain::network::Network::cost`], knobs `price_kwh`,
//! `complaint_cost`, `complaint_rate`). A cell's value lost is the
//! money per day it earns less (or pays more) than the freshest corner (online, continual), also as a
//! share of the value the ML system creates over the no-ML baseline (ads: a random ad; cells: always
//! on). Where the seeds' 95% interval of a difference includes zero the map says so instead of a
//! percentage ([`stats`]). The conclusion in words is generated from these numbers ([`words`]).
//!
//! The work is split in tasks (a world, a seed, a group of rows) that the command line runs on threads
//! and the page in Web Workers; the summary depends only on the lanes' sums, not on how they were
//! grouped, so both give the same JSON.

mod axes;
pub mod sensitivity;
pub mod stats;
mod tasks;
pub mod words;

use serde::{Deserialize, Serialize};

use crate::base::units::{MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::sim::config::{Config, LaneConfig, Mode, Policy, Scenario, Update};
use crate::sim::experiment::Experiment;
use crate::sim::presets::preset;
use crate::sim::series::{ads as fa, cells as fc};

pub use stats::{Answer, Cell, Map};

pub use axes::{Col, Row, COLS, ROWS};
/// The presets the map starts from (their world; the lanes are the map's).
pub const DEFAULT_ADS: &str = "ads-batch-vs-online";
pub const DEFAULT_CELLS: &str = "cells-sleep";
/// Seeds by default (the page refines to these after drawing the first).
pub const DEFAULT_SEEDS: u32 = 10;

/// The share of ads requests on which every ads lane of the map (and the rule) shows a random ad:
/// ad systems explore a little, and without it a greedy model that learns only from the ads it shows
/// sometimes locks into a feedback loop (the `ads-explore` lesson), so the map would measure that
/// accident of a seed rather than freshness (a continual corner 70-110 €/day below a daily retrain on
/// 2 of 10 seeds, seeds 2000-2009).
pub const ADS_EXPLORE: f64 = 0.05;

/// What the ads map's lanes learn from: one log, the one the freshest corner (online, continual:
/// the production system) collects, as He et al. 2014 compared data freshness on one log
/// ([`crate::sim::config::Log::Shared`]). Each cell is then that system with staler predictions
/// or a staler model, and differs from the corner by freshness alone; with its own log each lane
/// would also carry its own feedback loop (what it happened to show, it learns), whose chance
/// differences between two lanes on the same world (tens of euros a day between a continual and
/// an hourly model) hide a freshness effect of 1% of the ML value. A reader's `log=own` brings
/// the feedback loops back.
pub const ADS_LOG: crate::sim::config::Log = crate::sim::config::Log::Shared;

/// The reference lanes every world runs before its map (lanes 0, 1, 2): no ML (ads a random ad,
/// cells always on), a rule without a model (ads each ad's observed CTR, cells the last measured
/// load), and the oracle (knows the truth).
pub const REFS: [Policy; 3] = [Policy::Baseline, Policy::Rule, Policy::Oracle];
/// Lane indices of the references.
pub const BASELINE: usize = 0;
pub const RULE: usize = 1;
pub const ORACLE: usize = 2;

/// Minutes between two decisions of a world's policy (cells: an interval; ads: every request).
pub fn decision_minutes(scenario: Scenario) -> f64 {
    match scenario {
        Scenario::Ads => 0.0,
        Scenario::Cells => crate::sim::cells::INTERVAL,
    }
}

/// One scenario's world: a preset with settings on top.
#[derive(Clone, Debug)]
pub struct World {
    pub preset: String,
    pub base: Config,
}

/// A whole answer: the worlds, the map's rows and columns, the seeds.
#[derive(Clone, Debug)]
pub struct Spec {
    pub worlds: Vec<World>,
    pub rows: Vec<Row>,
    pub cols: Vec<Col>,
    pub seeds: u32,
    /// Also run every variation of the sensitivity strip ([`sensitivity::VARIATIONS`]).
    pub sensitivity: bool,
}

/// One unit of work: one world and seed, a group of rows (the first group also runs the
/// references), of the answer or of one variation of its sensitivity strip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub world: usize,
    /// Seed index (the seed is the world's seed plus this).
    pub seed: u32,
    pub part: usize,
    pub parts: usize,
    /// The variation ([`sensitivity::VARIATIONS`]; `world` indexes its worlds), None for the map.
    #[serde(default)]
    pub variation: Option<u8>,
}

impl Task {
    /// The task within its variation's own specification.
    fn inner(&self) -> Task {
        Task {
            variation: None,
            ..*self
        }
    }
}

/// What one task computed: for each lane it ran, the kept sums per block (a day, or a bucket when
/// buckets are longer), two figures per block ([`FIGURES`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Part {
    pub task: Task,
    /// Lane indices ([`Spec::lanes`]: the references [`REFS`], then row by row).
    pub lanes: Vec<usize>,
    /// `sums[i][block * 2 + k]`: figure `k` of lane `lanes[i]` in that block.
    pub sums: Vec<Vec<f64>>,
}

/// The two domain figures kept per block: ads (expected revenue, expected clicks: from the true
/// click probabilities of the ads shown, without the noise of sampled clicks), cells (the money the
/// network pays, energy and complaint calls, and degraded GB: functions of the world's loads, no
/// sampling). The money of a block is computed from them (`stats::money`).
pub const FIGURES: usize = 2;

fn figure_fields(scenario: Scenario) -> [usize; FIGURES] {
    match scenario {
        Scenario::Ads => [fa::EXPECTED_REVENUE, fa::EXPECTED_CLICKS],
        Scenario::Cells => [fc::COST, fc::DEGRADED_GB],
    }
}

/// What the page asks for (the same as `rtml answer`'s flags): two presets, `key=value` settings
/// separated by `&` or new lines, the first seed, the seeds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub ads: String,
    pub cells: String,
    pub sets: String,
    /// The first seed (`None`: each preset's own).
    pub seed: Option<u32>,
    pub seeds: u32,
    /// Also run the sensitivity strip.
    #[serde(default)]
    pub sensitivity: bool,
}

/// The page's settings of the answer (`sets`) with its two prices before them, as the cells world's
/// settings `price_kwh` and `complaint_cost` (the reader's own settings come last and win).
pub fn page_sets(kwh: &str, call: &str, sets: &str) -> String {
    [
        format!("price_kwh={}", kwh.trim()),
        format!("complaint_cost={}", call.trim()),
        sets.to_string(),
    ]
    .join("\n")
}

impl Job {
    /// The specification, or a message naming what is wrong.
    pub fn spec(&self) -> Result<Spec, String> {
        let pairs: Vec<(String, String)> = (crate::sim::settings::pairs(&self.sets)?.into_iter())
            .take(64)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut spec = Spec::with_presets(&self.ads, &self.cells, self.seed, &pairs, self.seeds)?;
        spec.sensitivity = self.sensitivity;
        Ok(spec)
    }
}

impl World {
    /// A preset's world with `key=value` settings on top (the seed, if given, replaced).
    pub fn new(name: &str, seed: Option<u32>, sets: &[(String, String)]) -> Result<World, String> {
        let p = preset(name).ok_or_else(|| format!("no preset `{name}`"))?;
        let mut base = p.config_with(sets).map_err(|e| e.to_string())?;
        if let Some(s) = seed {
            base.seed = s;
        }
        base.validate().map_err(|e| e.to_string())?;
        Ok(World {
            preset: name.to_string(),
            base,
        })
    }
}

/// Most seeds one map takes.
pub const MAX_SEEDS: u32 = 50;

impl Spec {
    /// The map over the default rows and columns; seeds from 1 to [`MAX_SEEDS`], at least one world.
    pub fn new(worlds: Vec<World>, seeds: u32) -> Result<Spec, String> {
        if !(1..=MAX_SEEDS).contains(&seeds) {
            return Err(format!("--seeds {seeds}: expected 1 to {MAX_SEEDS}"));
        }
        if worlds.is_empty() {
            return Err("no scenario to map".into());
        }
        Ok(Spec {
            worlds,
            rows: ROWS.to_vec(),
            cols: COLS.to_vec(),
            seeds,
            sensitivity: false,
        })
    }

    /// The default answer: the ads and the cells preset with the same settings and seed.
    pub fn with_presets(
        ads: &str,
        cells: &str,
        seed: Option<u32>,
        sets: &[(String, String)],
        seeds: u32,
    ) -> Result<Spec, String> {
        // The ads lanes explore as ad systems do (a reader's `a.explore` overrides it).
        // ... and learn from one log, the freshest corner's ([`ADS_LOG`]).
        let ads_sets: Vec<(String, String)> = [
            ("a.explore".to_string(), ADS_EXPLORE.to_string()),
            ("log".to_string(), ADS_LOG.name().to_string()),
        ]
        .into_iter()
        .chain(sets.iter().cloned())
        .collect();
        let a = World::new(ads, seed, &ads_sets)?;
        let c = World::new(cells, seed, sets)?;
        if a.base.scenario != Scenario::Ads || c.base.scenario != Scenario::Cells {
            return Err("the first preset must be an ads preset, the second a cells preset".into());
        }
        Spec::new(vec![a, c], seeds)
    }

    /// The rows of world `w`: the spec's, without a batch row whose refresh is no longer than the
    /// world's decision interval (cells decide every 15 minutes: a table refreshed every 15 minutes
    /// is the online row, so that row would only repeat it).
    pub fn rows_of(&self, w: usize) -> Vec<Row> {
        let decides = decision_minutes(self.worlds[w].base.scenario);
        (self.rows.iter().copied())
            .filter(|r| matches!(r, Row::Online) || r.hours() * MINUTES_PER_HOUR > decides)
            .collect()
    }

    /// Lanes of world `w`: the references ([`REFS`]: the no-ML baseline, the rule, the oracle), then
    /// `REFS.len() + row * cols + col` over [`Spec::rows_of`]. Every lane takes its other settings
    /// (learner, join window, retraining kind, ...) from the preset's lane A.
    pub fn lanes(&self, w: usize) -> Vec<LaneConfig> {
        let base = &self.worlds[w].base;
        let mut template = base.lanes[0].clone();
        template.policy = Policy::Model;
        let mut out: Vec<LaneConfig> = (REFS.iter())
            .map(|&policy| LaneConfig {
                policy,
                ..template.clone()
            })
            .collect();
        for r in &self.rows_of(w) {
            for c in &self.cols {
                let mut l = template.clone();
                match r {
                    Row::Online => l.mode = Mode::Online,
                    Row::Batch(h) => {
                        l.mode = Mode::Batch;
                        l.refresh = *h;
                    }
                }
                match c {
                    Col::Continual => l.update = Update::Continual,
                    Col::Frozen => l.update = Update::Frozen,
                    Col::Every(h) => {
                        l.update = Update::Periodic;
                        l.every = *h;
                    }
                }
                out.push(l);
            }
        }
        out
    }

    /// The lane index of a row and column (of [`Spec::rows_of`]).
    pub fn lane_of(&self, row: usize, col: usize) -> usize {
        REFS.len() + row * self.cols.len() + col
    }
}

/// The blocks of a horizon: for each, its length in days (a day, or a bucket when buckets are longer).
pub fn blocks(cfg: &Config) -> Vec<f64> {
    let s = crate::sim::series::Series::new(cfg.horizon_min(), 1, 1);
    let width = s.bucket_min.max(MINUTES_PER_DAY);
    let horizon = cfg.horizon_min();
    let n = ((horizon / width).ceil() as usize).max(1);
    (0..n)
        .map(|b| {
            ((horizon.min((b + 1) as f64 * width) - b as f64 * width) / MINUTES_PER_DAY).max(0.0)
        })
        .collect()
}

/// Runs one task (on up to `threads` threads natively; the page's workers use one).
pub fn run_task(spec: &Spec, t: Task, threads: usize) -> Result<Part, String> {
    if t.variation.is_some() {
        let mut p = run_task(spec.of_task(&t)?.as_ref(), t.inner(), threads)?;
        p.task = t;
        return Ok(p);
    }
    let cfg = spec.task_config(&t)?;
    let skip = spec.logger(&t).is_some() as usize;
    let scenario = cfg.scenario;
    let nblocks = blocks(&cfg).len();
    let width = crate::sim::series::bucket_minutes(cfg.horizon_min()).max(MINUTES_PER_DAY);
    let mut exp = Experiment::with_many_lanes(cfg).map_err(|e| e.to_string())?;
    exp.set_threads(threads);
    exp.run_to_end();
    let s = exp.series();
    let fields = figure_fields(scenario);
    let sums = (skip..s.lanes.len())
        .map(|l| {
            let mut v = vec![0.0; nblocks * FIGURES];
            for b in 0..s.buckets {
                let block = ((b as f64 * s.bucket_min / width) as usize).min(nblocks - 1);
                let row = s.row(l, b);
                for (k, &f) in fields.iter().enumerate() {
                    v[block * FIGURES + k] += row[f];
                }
            }
            v
        })
        .collect();
    Ok(Part {
        task: t,
        lanes: spec.task_lanes(&t),
        sums,
    })
}

/// The answer from the parts that have come in (any order, any grouping of lanes): a map per world
/// over its complete seeds (`stats`), and the conclusion in words (`words`).
pub fn summarize(spec: &Spec, parts: &[Part]) -> Answer {
    let main: Vec<Part> = (parts.iter())
        .filter(|p| p.task.variation.is_none())
        .cloned()
        .collect();
    let maps = stats::maps(spec, &main);
    let sensitivity = spec.sensitivity.then(|| {
        let varied: Vec<(usize, Vec<Map>)> = (0..sensitivity::VARIATIONS.len())
            .filter_map(|v| {
                let s = sensitivity::variant(spec, v)?;
                let mine: Vec<Part> = (parts.iter())
                    .filter(|p| p.task.variation == Some(v as u8))
                    .map(|p| Part {
                        task: p.task.inner(),
                        ..p.clone()
                    })
                    .collect();
                Some((v, stats::maps(&s, &mine)))
            })
            .collect();
        sensitivity::held(&maps, &varied)
    });
    let (lead, details) = words::conclusion(&maps, sensitivity.as_deref());
    Answer {
        conclusion: lead
            .iter()
            .chain(&details)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        maps,
        seeds: spec.seeds,
        lead,
        details,
        sensitivity,
    }
}

/// Runs the whole map natively (the tasks side by side, one per core, by the studies' one runner);
/// `progress` is called as they finish.
#[cfg(not(target_arch = "wasm32"))]
pub fn run(spec: &Spec, progress: impl FnMut(usize, usize)) -> Result<Answer, String> {
    let tasks = spec.tasks(1);
    let cores = crate::sim::ads::default_threads();
    let parts = crate::study::run_all(&tasks, cores, |&t| run_task(spec, t, 1), progress)?;
    Ok(summarize(spec, &parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Spec {
        let mut s = Spec::with_presets(DEFAULT_ADS, DEFAULT_CELLS, Some(4242), &[], 1).unwrap();
        for w in &mut s.worlds {
            w.base.days = 2.0;
            w.base.warmup = 1.0;
        }
        s
    }

    #[test]
    fn a_refused_answer_names_what_to_lower() {
        // Issue 23 item 6: the refusal read "mostly . Lower those knobs" (no part named).
        let c = small().cost(1);
        let why = c.over(0.0, 0.0).expect("over a zero limit");
        assert!(!why.contains("mostly ."), "{why}");
        assert!(why.contains("mostly ") && why.contains("--seeds"), "{why}");
        assert!(
            c.parts.iter().any(|p| p.what.contains('(')),
            "{:?}",
            c.parts
        );
    }

    #[test]
    fn tasks_cover_every_lane_once() {
        let s = small();
        for parts in 1..=6 {
            let mut seen = vec![0; REFS.len() + s.rows_of(0).len() * s.cols.len()];
            for t in s.tasks(parts).iter().filter(|t| t.world == 0) {
                for l in s.task_lanes(t) {
                    seen[l] += 1;
                }
            }
            assert!(seen.iter().all(|&n| n == 1), "parts {parts}: {seen:?}");
        }
    }

    #[test]
    fn a_lanes_sums_do_not_depend_on_its_group() {
        let s = small();
        let whole = run_task(&s, s.tasks(1)[0], 1).unwrap();
        for t in s.tasks(3).into_iter().filter(|t| t.world == 0) {
            let p = run_task(&s, t, 1).unwrap();
            for (i, l) in p.lanes.iter().enumerate() {
                let j = whole.lanes.iter().position(|x| x == l).unwrap();
                assert_eq!(p.sums[i], whole.sums[j], "lane {l} in part {}", t.part);
            }
        }
    }

    #[test]
    fn blocks_are_days() {
        let c = Config {
            days: 2.5,
            ..Default::default()
        };
        assert_eq!(blocks(&c), vec![1.0, 1.0, 0.5]);
    }
}
