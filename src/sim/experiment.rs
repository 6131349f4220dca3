//! An experiment: one configuration, one world, up to four lanes, stepped through simulated time.
//!
//! ```
//! use rtml::sim::{config::Config, experiment::Experiment};
//! let mut cfg = Config::default();
//! cfg.days = 2.0;
//! cfg.warmup = 1.0;
//! let mut exp = Experiment::new(cfg).unwrap();
//! exp.run_to_end();
//! let summary = exp.summary();
//! assert_eq!(summary.len(), 2);
//! assert!(summary[1].get("expected_ctr").unwrap() > 0.0);
//! ```

use serde::Serialize;

use crate::base::units::{fmt_duration, fmt_num, TimeUnit, MINUTES_PER_HOUR};
use crate::sim::ads::AdsSim;
use crate::sim::cells::CellsSim;
use crate::sim::config::{
    Config, ConfigError, LaneConfig, Mode, Policy, Scenario, Update, LANE_NAMES,
};
use crate::sim::inside::{Grid, Inside};
use crate::sim::parallel::Part;
use crate::sim::series::{metric, metrics, Series};

enum Sim {
    Ads(Box<AdsSim>),
    Cells(Box<CellsSim>),
}

/// A running experiment.
pub struct Experiment {
    cfg: Config,
    sim: Sim,
    /// Set when the lanes ran elsewhere (other threads or Web Workers) and were assembled here with
    /// [`Experiment::adopt`]: the clock, retrain marks and events come from those runs.
    outside: Option<Outside>,
}

/// What runs of some of the lanes reported (see [`crate::sim::parallel`]).
struct Outside {
    clock: f64,
    done: bool,
    marks: Vec<Vec<f64>>,
    events: Vec<(f64, String)>,
}

/// One lane's outcome over the run.
#[derive(Clone, Debug, Serialize)]
pub struct LaneSummary {
    /// "A", "B", ...
    pub label: String,
    /// What the lane does, in a few words.
    pub description: String,
    /// What the lane is: `model`, or a reference (`oracle`, `baseline`: always on in cells,
    /// `rule`).
    pub policy: &'static str,
    /// Metric key and value, in display order.
    pub metrics: Vec<(&'static str, f64)>,
}

impl LaneSummary {
    /// A metric's value by key.
    pub fn get(&self, key: &str) -> Option<f64> {
        self.metrics.iter().find(|m| m.0 == key).map(|m| m.1)
    }
}

/// A few words on what a lane does, e.g. "online · continual".
pub fn describe(lane: &LaneConfig, scenario: Scenario) -> String {
    match lane.policy {
        Policy::Oracle => {
            return match scenario {
                Scenario::Ads => "oracle (knows the truth)".into(),
                Scenario::Cells => "oracle (cheapest schedule, knowing every load)".into(),
            }
        }
        Policy::Baseline => {
            return match scenario {
                Scenario::Ads => "baseline (random ad, no learning)".into(),
                Scenario::Cells => "baseline (always on)".into(),
            }
        }
        Policy::Rule if scenario == Scenario::Ads => return "rule (observed CTR per ad)".into(),
        Policy::Rule => return "rule (sleeps on the last measured load)".into(),
        Policy::Model => {}
    }
    let mode = match lane.mode {
        Mode::Online => "online".to_string(),
        Mode::Batch => format!("batch every {}", fmt_duration(lane.refresh, TimeUnit::Hour)),
    };
    let kind = if lane.stateful {
        "stateful"
    } else {
        "stateless"
    };
    let update = match lane.update {
        Update::Frozen => "frozen".to_string(),
        Update::Continual => "continual".to_string(),
        Update::Periodic => format!(
            "retrain every {} ({kind})",
            fmt_duration(lane.every, TimeUnit::Hour)
        ),
        Update::Triggered => format!("retrain on drift ({kind})"),
    };
    let mut s = format!("{mode} · {update}");
    if scenario == Scenario::Cells && lane.source == crate::sim::config::Source::Simulator {
        s.push_str(" · simulator-trained");
    }
    if scenario == Scenario::Ads && lane.explore > 0.0 {
        // Tenths of a percent: 0.07 reads "7%", not "7.000000000000001%".
        let pct = (lane.explore * 1000.0).round() / 10.0;
        s.push_str(&format!(" · explore {pct}%"));
    }
    s
}

impl Experiment {
    /// Validates the configuration and builds the world; the warm-up runs with the first steps
    /// (or in slices, with [`Experiment::warm_until`]).
    pub fn new(cfg: Config) -> Result<Self, ConfigError> {
        cfg.validate()?;
        Ok(Experiment::build(cfg))
    }

    /// The world and lanes of a configuration already checked.
    fn build(cfg: Config) -> Self {
        let sim = match cfg.scenario {
            Scenario::Ads => Sim::Ads(Box::new(AdsSim::new(&cfg))),
            Scenario::Cells => Sim::Cells(Box::new(CellsSim::new(&cfg))),
        };
        Experiment {
            cfg,
            sim,
            outside: None,
        }
    }

    /// Takes the outcome of runs of some of the lanes (each [`Part`] from an experiment of
    /// [`crate::sim::parallel::subset`]): their sums, retrain marks, clock and the world's events. The
    /// world is the same in every part (common random numbers), so the assembled experiment equals a
    /// run of all lanes. Lanes no part covers keep empty sums; the clock is the earliest part's; parts
    /// without events keep this experiment's own (the worlds draw their events when they are built).
    pub fn adopt(&mut self, parts: &[Part]) {
        let n = self.cfg.lanes.len();
        let mut out = Outside {
            clock: f64::INFINITY,
            done: !parts.is_empty(),
            marks: vec![Vec::new(); n],
            events: Vec::new(),
        };
        let series = self.series_mut();
        for p in parts {
            out.clock = out.clock.min(p.clock);
            out.done &= p.done;
            if p.events.len() > out.events.len() {
                out.events.clone_from(&p.events);
            }
            for (i, &l) in p.lanes.iter().enumerate() {
                if l >= n || p.sums[i].len() != series.lanes[l].len() {
                    continue;
                }
                series.lanes[l].clone_from(&p.sums[i]);
                out.marks[l].clone_from(&p.marks[i]);
            }
        }
        if !out.clock.is_finite() {
            out.clock = -self.cfg.warmup * crate::base::units::MINUTES_PER_DAY;
        }
        self.outside = Some(out);
        self.adopt_inside(parts);
    }

    /// Takes the world panes' recordings of the parts (see [`Part::inside`]), if this experiment records
    /// (the rest of each part is ignored: [`Experiment::adopt`] takes it).
    pub fn adopt_inside(&mut self, parts: &[Part]) {
        let n = self.cfg.lanes.len();
        let (world, mut lanes) = match &mut self.sim {
            Sim::Ads(s) => match s.inside_mut() {
                Some((w, lanes)) => {
                    let lanes = lanes.into_iter().map(|r| r.map(|r| &mut r.grid));
                    (&mut w.grid, lanes.collect())
                }
                None => return,
            },
            Sim::Cells(s) => match s.inside_mut() {
                Some(inside) => (
                    &mut inside.world,
                    inside.lanes.iter_mut().map(Some).collect::<Vec<_>>(),
                ),
                None => return,
            },
        };
        let fits =
            |a: &Grid, b: &Grid| (a.buckets, a.rows, a.fields) == (b.buckets, b.rows, b.fields);
        for p in parts.iter().filter(|p| p.inside.len() == p.lanes.len() + 1) {
            if fits(world, &p.inside[0]) {
                world.clone_from(&p.inside[0]);
            }
            for (i, &l) in p.lanes.iter().enumerate().filter(|&(_, &l)| l < n) {
                if let Some(Some(g)) = lanes.get_mut(l) {
                    if fits(g, &p.inside[i + 1]) {
                        g.clone_from(&p.inside[i + 1]);
                    }
                }
            }
        }
    }

    /// Starts recording what the world panes show ([`crate::sim::inside`]); call before the run.
    pub fn record_inside(&mut self) {
        match &mut self.sim {
            Sim::Ads(s) => s.record_inside(),
            Sim::Cells(s) => s.record_inside(),
        }
    }

    /// What the world panes show, if [`Experiment::record_inside`] asked for it.
    pub fn inside(&self) -> Option<Inside<'_>> {
        let c = &self.cfg;
        match &self.sim {
            Sim::Ads(s) => {
                let (world, lanes) = s.inside()?;
                let mut segments = vec![0; world.grid.rows];
                for (seg, &r) in world.row_of.iter().enumerate() {
                    if let Some(x) = segments.get_mut(r as usize) {
                        *x = seg;
                    }
                }
                Some(Inside {
                    scenario: c.scenario,
                    world: &world.grid,
                    lanes: lanes.into_iter().map(|r| &r.grid).collect(),
                    row_share: s.segment_shares(&segments),
                    row_group: segments,
                    categories: c.ads.categories as usize,
                    threshold: 0.0,
                    margin: 0.0,
                })
            }
            Sim::Cells(s) => {
                let grids = s.inside()?;
                Some(Inside {
                    scenario: c.scenario,
                    world: &grids.world,
                    lanes: grids.lanes.iter().collect(),
                    row_group: s.clusters().to_vec(),
                    row_share: Vec::new(),
                    categories: 0,
                    threshold: c.cells.threshold,
                    margin: c.cells.margin,
                })
            }
        }
    }

    /// This experiment's lanes as a [`Part`] for lanes `lanes` of a larger configuration.
    pub fn part(&self, lanes: &[usize]) -> Part {
        let n = self.cfg.lanes.len().min(lanes.len());
        Part {
            lanes: lanes[..n].to_vec(),
            clock: self.clock(),
            done: self.done(),
            sums: self.series().lanes[..n].to_vec(),
            marks: (0..n).map(|l| self.retrain_marks(l)).collect(),
            events: match &self.sim {
                Sim::Ads(s) => s.events().to_vec(),
                Sim::Cells(s) => s.events().to_vec(),
            },
            inside: self
                .inside()
                .map(|i| {
                    let lanes = i.lanes.into_iter().take(n).cloned();
                    std::iter::once(i.world.clone()).chain(lanes).collect()
                })
                .unwrap_or_default(),
        }
    }

    fn series_mut(&mut self) -> &mut Series {
        match &mut self.sim {
            Sim::Ads(s) => &mut s.series,
            Sim::Cells(s) => &mut s.series,
        }
    }

    /// An experiment with any number of lanes over one world (the answer map runs its whole grid in
    /// one pass); each lane is checked as if it were lane A. Its `summary`, `csv` and `warnings` name
    /// only the first four lanes: read the others from [`Experiment::series`].
    pub fn with_many_lanes(cfg: Config) -> Result<Self, ConfigError> {
        if cfg.lanes.is_empty() {
            cfg.validate()?;
        }
        for lane in &cfg.lanes {
            let mut one = cfg.clone();
            one.lanes = vec![lane.clone()];
            one.validate()?;
        }
        Ok(Experiment::build(cfg))
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// Serves the lanes of an ads run on up to `n` threads (natively; default: every core). The numbers
    /// are the same for any `n`: each lane does the same work, only on another core.
    pub fn set_threads(&mut self, n: usize) {
        if let Sim::Ads(s) = &mut self.sim {
            s.set_threads(n);
        }
    }

    /// Simulates up to `t` minutes from the start of the horizon.
    pub fn run_until(&mut self, t: f64) {
        if self.outside.is_some() {
            return;
        }
        match &mut self.sim {
            Sim::Ads(s) => s.run_until(t),
            Sim::Cells(s) => s.run_until(t),
        }
    }

    /// True until the warm-up is over.
    pub fn warming(&self) -> bool {
        if let Some(o) = &self.outside {
            return o.clock < 0.0;
        }
        match &self.sim {
            Sim::Ads(s) => s.warming(),
            Sim::Cells(s) => s.warming(),
        }
    }

    /// Runs the warm-up up to `t` minutes (negative: before the horizon starts; 0 ends it).
    pub fn warm_until(&mut self, t: f64) {
        if self.outside.is_some() {
            return;
        }
        match &mut self.sim {
            Sim::Ads(s) => s.warm_until(t),
            Sim::Cells(s) => s.warm_until(t),
        }
    }

    /// Ends the warm-up, adopting it from `cache` when an ads run of the same world and learners was
    /// warmed up before (see [`crate::sim::ads::WarmCache`]; the same numbers either way). A cells
    /// run warms up as usual.
    pub fn warm_cached(&mut self, cache: &mut crate::sim::ads::WarmCache) {
        if self.outside.is_some() {
            return;
        }
        match &mut self.sim {
            Sim::Ads(s) => s.warm_cached(cache),
            Sim::Cells(s) => s.warm_until(0.0),
        }
    }

    /// Simulated minutes from the start of the horizon; negative during the warm-up.
    pub fn clock(&self) -> f64 {
        if let Some(o) = &self.outside {
            return o.clock;
        }
        match &self.sim {
            Sim::Ads(s) => s.now(),
            Sim::Cells(s) => s.now(),
        }
    }

    /// Simulates the rest of the horizon.
    pub fn run_to_end(&mut self) {
        let end = self.cfg.horizon_min();
        self.run_until(end);
    }

    /// Simulated minutes of the horizon done (0 during the warm-up).
    pub fn now(&self) -> f64 {
        self.clock().clamp(0.0, self.cfg.horizon_min())
    }

    /// True when the horizon is done.
    pub fn done(&self) -> bool {
        if let Some(o) = &self.outside {
            return o.done;
        }
        match &self.sim {
            Sim::Ads(s) => s.done(),
            Sim::Cells(s) => s.done(),
        }
    }

    /// Share of the horizon done, 0 to 1.
    pub fn progress(&self) -> f64 {
        if self.done() {
            1.0
        } else {
            self.now() / self.cfg.horizon_min()
        }
    }

    /// The bucketed sums.
    pub fn series(&self) -> &Series {
        match &self.sim {
            Sim::Ads(s) => &s.series,
            Sim::Cells(s) => &s.series,
        }
    }

    /// Buckets completely simulated so far.
    pub fn filled(&self) -> usize {
        let s = self.series();
        if self.done() {
            s.buckets
        } else {
            ((self.now() / s.bucket_min) as usize).min(s.buckets)
        }
    }

    /// Drift events (minutes, label).
    pub fn events(&self) -> Vec<(f64, String)> {
        match (&self.outside, &self.sim) {
            (Some(o), _) if !o.events.is_empty() => o.events.clone(),
            (_, Sim::Ads(s)) => s.events().to_vec(),
            (_, Sim::Cells(s)) => s.events().to_vec(),
        }
        .into_iter()
        .filter(|e| e.0 <= self.cfg.horizon_min())
        .collect()
    }

    /// Hours covered by bucket `b`.
    fn bucket_hours(&self, b: usize) -> f64 {
        let s = self.series();
        let start = b as f64 * s.bucket_min;
        (self.cfg.horizon_min().min(start + s.bucket_min) - start).max(0.0) / MINUTES_PER_HOUR
    }

    /// A metric per bucket for lane `l` (windowed), for the buckets filled so far.
    pub fn windowed(&self, l: usize, key: &str) -> Vec<f64> {
        let Some(m) = metric(self.cfg.scenario, key) else {
            return Vec::new();
        };
        let s = self.series();
        (0..self.filled())
            .map(|b| (m.value)(s.row(l, b), self.bucket_hours(b)))
            .collect()
    }

    /// A metric over buckets `0..=b` for lane `l` (cumulative), for the buckets filled so far.
    pub fn cumulative(&self, l: usize, key: &str) -> Vec<f64> {
        let Some(m) = metric(self.cfg.scenario, key) else {
            return Vec::new();
        };
        let s = self.series();
        let mut acc = vec![0.0; s.fields];
        let mut hours = 0.0;
        (0..self.filled())
            .map(|b| {
                for (a, v) in acc.iter_mut().zip(s.row(l, b)) {
                    *a += v;
                }
                hours += self.bucket_hours(b);
                (m.value)(&acc, hours)
            })
            .collect()
    }

    /// Every lane's metrics over what has been simulated.
    pub fn summary(&self) -> Vec<LaneSummary> {
        let s = self.series();
        let hours = self.now() / MINUTES_PER_HOUR;
        self.cfg
            .lanes
            .iter()
            .enumerate()
            .map(|(l, lane)| {
                let totals = s.totals(l, s.buckets);
                let metrics = metrics(self.cfg.scenario)
                    .map(|m| (m.key, (m.value)(&totals, hours)))
                    .collect();
                LaneSummary {
                    label: LANE_NAMES[l].to_string(),
                    description: describe(lane, self.cfg.scenario),
                    policy: match (lane.policy, self.cfg.scenario) {
                        (Policy::Baseline, Scenario::Cells) => "always_on",
                        (p, _) => p.name(),
                    },
                    metrics,
                }
            })
            .collect()
    }

    /// Warnings for the reader: lanes whose model diverged (forecasts not finite or absurd), and
    /// an ads world whose traffic brings (almost) no request, where every figure is empty.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        out.extend(self.cfg.traffic_warning());
        if let Sim::Cells(s) = &self.sim {
            for (l, lane) in s.lanes.iter().enumerate() {
                if lane.wild > 0 {
                    out.push(format!(
                        "Lane {}: the forecaster diverged ({} forecasts were not finite or beyond 10 times a cell's capacity and its last load); try RLS with a forgetting factor closer to 1, or NLMS with a smaller step.",
                        LANE_NAMES[l], lane.wild
                    ));
                }
            }
        }
        out
    }

    /// Retrain times (minutes) of lane `l`.
    pub fn retrain_marks(&self, l: usize) -> Vec<f64> {
        if let Some(o) = &self.outside {
            return o.marks.get(l).cloned().unwrap_or_default();
        }
        match &self.sim {
            Sim::Ads(s) => s.marks(l).to_vec(),
            Sim::Cells(s) => s.marks(l).to_vec(),
        }
    }

    /// Every windowed series as CSV: one row per bucket and lane, one column per metric.
    pub fn csv(&self) -> String {
        let keys: Vec<&str> = metrics(self.cfg.scenario).map(|m| m.key).collect();
        let mut out = format!("hour,lane,{}\n", keys.join(","));
        let cols: Vec<Vec<Vec<f64>>> = (0..self.cfg.lanes.len())
            .map(|l| keys.iter().map(|k| self.windowed(l, k)).collect())
            .collect();
        let s = self.series();
        for b in 0..self.filled() {
            for (l, lane_cols) in cols.iter().enumerate() {
                out.push_str(&format!(
                    "{},{}",
                    fmt_num(b as f64 * s.bucket_min / MINUTES_PER_HOUR),
                    LANE_NAMES[l]
                ));
                for c in lane_cols {
                    out.push(',');
                    out.push_str(&csv_num(c[b]));
                }
                out.push('\n');
            }
        }
        out
    }

    /// A 64-bit FNV-1a digest of every series sum and every summary value, as 16 hex digits.
    pub fn digest(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |x: f64| {
            for b in x.to_bits().to_le_bytes() {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        };
        let s = self.series();
        for lane in &s.lanes {
            lane.iter().for_each(|&x| eat(x));
        }
        for l in self.summary() {
            l.metrics.iter().for_each(|m| eat(m.1));
        }
        format!("{h:016x}")
    }
}

/// A number for CSV: empty when undefined.
pub fn csv_num(x: f64) -> String {
    if x.is_finite() {
        format!("{}", (x * 1e6).round() / 1e6)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lane_that_explores_says_how_much() {
        let mut lane = LaneConfig::default();
        assert_eq!(describe(&lane, Scenario::Ads), "online · continual");
        lane.explore = 0.07;
        assert_eq!(
            describe(&lane, Scenario::Ads),
            "online · continual · explore 7%"
        );
        lane.explore = 0.025;
        assert_eq!(
            describe(&lane, Scenario::Ads),
            "online · continual · explore 2.5%"
        );
    }
}
