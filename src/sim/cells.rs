//! The cellular network that puts idle cells to sleep, and its lanes.
//!
//! Capacity boosters sit in four clusters (office, residential, nightlife, transit) under one
//! coverage cell per cluster. Every 15 minutes, each booster's load is `base x level x profile x
//! trend x noise` (level and profile drift slowly, see [`drift`]) plus events (a new building, a
//! holiday, a stadium event). Before each interval a lane says which boosters sleep: the load it
//! expects of each (a model's forecast; the operators' rule: the last measured load) below its sleep
//! level, within the coverage interlock, unless the coverage cell asked for its boosters back
//! ([`crate::domain::network`], after 3GPP TS 38.300 clause 15.4 and vendors' practice). A sleeping
//! booster's traffic goes to the coverage cell; what it cannot carry is degraded, and congested users
//! make complaint calls. Power follows EARTH per transceiver chain. The references every lane is
//! measured against: always on, the rule, and the oracle (the cheapest schedule given the whole run's
//! true loads, [`crate::domain::network::oracle_plan`]).

mod drift;
pub mod export;
mod forecast;
mod inside;
mod lane;
mod references;
mod tune;
mod world;

use crate::domain::load::D_LOCAL;
use crate::domain::network::{Network, Sleeper};
pub use crate::domain::power::earth;
pub(crate) mod probe;

use forecast::{batch_forecasts, features, History};
pub use forecast::{Example, Forecaster};
pub use inside::InsideGrids;
pub use lane::Lane;
use lane::{detector, LaneStep};
pub(crate) use references::oracle_planned;
use references::References;
pub use world::INTERVAL;
use world::{clock, Profile, World, DAY};

use crate::learn::progressive::Progressive;
use crate::learn::schedule::Schedule;
use crate::sim::config::{CellType, Config, Mode, Policy, Scope, Source};
use crate::sim::series::{cells as f, Series};
use tune::Tuning;

/// Intervals of observed history kept per cell (covers a week-long batch refresh plus a day of lags).
const HISTORY: usize = 1024;
/// Gigabytes carried by one fully loaded capacity cell in one interval (100 Mbit/s for 15 minutes).
pub const GB_PER_CELL_INTERVAL: f64 = crate::domain::power::gb_per_cell(900.0);
/// Cluster names, in order.
pub const CLUSTERS: [&str; 4] = ["office", "residential", "nightlife", "transit"];
/// Features of a global model: the load features ([`crate::domain::load`]), then one indicator per
/// cluster.
const D_GLOBAL: usize = D_LOCAL + 4;

/// A cells experiment in progress.
pub struct CellsSim {
    world: World,
    hist: History,
    pub lanes: Vec<Lane>,
    pub series: Series,
    /// Next interval to simulate.
    next: i64,
    end: i64,
    loads: Vec<f64>,
    /// The coverage layer, the interlock and the prices.
    pub(crate) net: Network,
    /// The boosters of each cluster.
    members: Vec<Vec<usize>>,
    /// Always on, the operators' rule and the oracle, run beside the lanes.
    refs: References,
    /// What the warm-up records for tuning the sleep levels (dropped once they are picked).
    tuning: Option<Box<Tuning>>,
    /// Warm-up: first interval, next interval to run, and the simulator's history.
    warm_from: i64,
    warm_next: i64,
    sim_hist: History,
    /// What the world panes show, when asked for ([`CellsSim::record_inside`]).
    inside: Option<Box<InsideGrids>>,
    /// For each lane, the lane whose model it serves from (see [`CellsSim::trainers`]).
    trainer: Vec<usize>,
}

impl CellsSim {
    /// Builds the network and lanes and runs the warm-up.
    pub fn new(cfg: &Config) -> Self {
        let n = cfg.cells.cells as usize;
        let needs_sim = cfg
            .lanes
            .iter()
            .any(|l| l.source == Source::Simulator && l.policy == Policy::Model);
        let world = World::new(cfg, needs_sim);
        let lanes: Vec<Lane> = cfg
            .lanes
            .iter()
            .map(|l| Lane {
                cfg: l.clone(),
                schedule: Schedule::new(
                    Forecaster::new(l, n),
                    crate::sim::plan(l, Some(INTERVAL)),
                    detector(),
                ),
                progressive: Progressive::default(),
                batch: Vec::new(),
                batch_from: 0,
                state: Sleeper::new(n, CLUSTERS.len()),
                forecast: vec![0.0; n],
                level: untuned_level(cfg, l.policy),
                wild: 0,
            })
            .collect();
        let net = network(cfg);
        let members: Vec<Vec<usize>> = (0..CLUSTERS.len())
            .map(|k| (0..n).filter(|&c| world.cluster[c] == k).collect())
            .collect();
        let series = Series::new(cfg.horizon_min(), lanes.len(), f::FIELDS);
        let lanes_len = lanes.len();
        let end = (cfg.horizon_min() / INTERVAL).ceil() as i64;
        let warm = (cfg.warmup * DAY as f64) as i64;
        CellsSim {
            world,
            hist: History::new(n),
            lanes,
            series,
            next: 0,
            end,
            loads: Vec::new(),
            refs: References::new(cfg, n),
            tuning: Some(Box::new(Tuning::new(lanes_len, n, warm))),
            net,
            members,
            warm_from: -warm,
            warm_next: -warm,
            sim_hist: History::new(if needs_sim { n } else { 0 }),
            inside: None,
            trainer: Vec::new(),
        }
        .with_trainers()
    }

    /// Every lane learns the loads the network carries, whatever it decides, so lanes whose
    /// forecasters learn alike ([`Lane::model_key`]: the same learner, scope, history and schedule;
    /// their predictions may be online or batch, refreshed at any period) learn one model: the first
    /// of them learns it, the others forecast from it, at the same interval, with the numbers of
    /// their own copies.
    fn with_trainers(mut self) -> Self {
        let keys: Vec<_> = self.lanes.iter().map(Lane::model_key).collect();
        self.trainer = crate::sim::trainers(&keys);
        self
    }

    /// Retrain times (minutes) of lane `l`: those of the model it serves from.
    pub fn marks(&self, l: usize) -> &[f64] {
        self.lanes[self.trainer.get(l).copied().unwrap_or(l)].marks()
    }

    /// True until the warm-up is over.
    pub fn warming(&self) -> bool {
        self.warm_next <= 0
    }

    /// The warm-up up to time `t` (minutes, negative before the horizon); at `t >= 0` it ends.
    pub fn warm_until(&mut self, t: f64) {
        let n = self.hist.n;
        let needs_sim = self.world.sim.is_some();
        let mut loads = Vec::new();
        let stop = ((t.min(0.0) / INTERVAL).ceil() as i64).min(0);
        while self.warm_next < stop {
            let i = self.warm_next;
            self.warm_next += 1;
            self.world.loads(i, false, &mut loads);
            self.hist.put(i, &loads);
            let mut sim_loads = Vec::new();
            if needs_sim {
                self.world.loads(i, true, &mut sim_loads);
                self.sim_hist.put(i, &sim_loads);
            }
            let recording = (self.tuning.as_mut()).is_some_and(|t| t.put(i, &loads, &sim_loads));
            // The first day only fills the lags.
            if i < self.warm_from + DAY as i64 {
                continue;
            }
            // Each model lane's view: simulated or real history, a global model, and a batch lane's
            // refresh period in intervals (its tuning scores what it would have served: the
            // forecasts of its last refresh).
            let views: Vec<Option<(bool, bool, Option<i64>)>> = (self.lanes.iter())
                .map(|lane| {
                    let refresh = lane.schedule.plan().refresh;
                    let period = (lane.cfg.mode == Mode::Batch && refresh.is_finite())
                        .then(|| (refresh / INTERVAL).round() as i64)
                        .filter(|&p| p > 0);
                    let simulated = lane.cfg.source == Source::Simulator;
                    let global = lane.cfg.scope == Scope::Global;
                    (lane.cfg.policy == Policy::Model).then_some((simulated, global, period))
                })
                .collect();
            let (lanes, trainer, cluster) = (&mut self.lanes, &self.trainer, &self.world.cluster);
            let (hist, sim_hist) = (&self.hist, &self.sim_hist);
            let source = |simulated: bool| {
                if simulated {
                    (sim_hist, &sim_loads)
                } else {
                    (hist, &loads)
                }
            };
            // Test, then train, every lane on the model it serves from (its trainer's:
            // [`CellsSim::with_trainers`]): a batch lane's forecasts at each refresh (and at the
            // first interval recorded if no refresh was: the first day only fills the lags), then
            // cell by cell every lane's forecast before the trainers learn the cell's load.
            let mut tuning = self.tuning.as_mut().filter(|_| recording);
            if let Some(t) = tuning.as_mut() {
                for (l, view) in views.iter().enumerate() {
                    let Some((simulated, global, Some(p))) = *view else {
                        continue;
                    };
                    let (from, f) = &mut t.batch[l];
                    if i.rem_euclid(p) == 0 || from.is_none() {
                        *from = Some(i);
                        let model = &lanes[trainer[l]].schedule.model;
                        let until = p - i.rem_euclid(p);
                        let h = source(simulated).0;
                        batch_forecasts(h, cluster, model, (i, until), global, f);
                    }
                }
            }
            for (cell, &k) in cluster.iter().enumerate().take(n) {
                // A lane's example of the cell, for the model `m` of its forecaster.
                let example = |(simulated, global): (bool, bool), m: usize| {
                    let (h, ys) = source(simulated);
                    let y = *ys.get(cell)?;
                    let mut ex = features(h, cell, k, i, i, global, m);
                    ex.y = y;
                    Some(ex)
                };
                if let Some(t) = tuning.as_mut() {
                    for (l, view) in views.iter().enumerate() {
                        let Some((simulated, global, period)) = *view else {
                            continue;
                        };
                        // A forecast made before the load is learned (a batch lane's, at its
                        // last refresh).
                        let f = match period {
                            Some(_) => t.batched(l, i, cell),
                            None => {
                                let model = &lanes[trainer[l]].schedule.model;
                                match example((simulated, global), model.model_of(cell, k)) {
                                    Some(ex) => model.predict(&ex),
                                    None => continue,
                                }
                            }
                        };
                        t.forecast(l, cell, f);
                    }
                }
                for (l, view) in views.iter().enumerate() {
                    let Some((simulated, global, _)) = *view else {
                        continue;
                    };
                    if trainer[l] != l {
                        continue;
                    }
                    let m = lanes[l].schedule.model.model_of(cell, k);
                    if let Some(ex) = example((simulated, global), m) {
                        lanes[l].schedule.warmup(i as f64 * INTERVAL, &ex);
                    }
                }
            }
        }
        if t >= 0.0 && self.warm_next == 0 {
            for lane in &mut self.lanes {
                lane.schedule.start(0.0);
            }
            self.tune();
            self.refs
                .plan(&self.world, &self.net, &self.members, self.end);
            self.warm_next = 1;
        }
    }

    /// Each sleeping lane's level (and the rule reference's), tuned on the warm-up's recording
    /// ([`tune`]) when `tune` is on; the recording is dropped.
    fn tune(&mut self) {
        let Some(t) = self.tuning.take() else {
            return;
        };
        if !self.world.cfg.cells.tune {
            return;
        }
        let (net, members) = (&self.net, &self.members);
        let live_rule = t.last_loads(&t.real);
        if let Some(level) = tune::pick(net, members, &t.real, &live_rule) {
            self.refs.rule_level = level;
        }
        for (l, lane) in self.lanes.iter_mut().enumerate() {
            let simulated = lane.cfg.source == Source::Simulator && !t.sim.is_empty();
            let loads = if simulated { &t.sim } else { &t.real };
            lane.level = match lane.cfg.policy {
                Policy::Rule => self.refs.rule_level,
                Policy::Model => tune::pick(net, members, loads, &t.fc[l]).unwrap_or(lane.level),
                _ => lane.level,
            };
        }
    }

    /// Simulated minutes from the start of the horizon (negative during the warm-up).
    pub fn now(&self) -> f64 {
        if self.warming() {
            self.warm_next.min(0) as f64 * INTERVAL
        } else {
            self.next as f64 * INTERVAL
        }
    }

    /// True when the horizon is done.
    pub fn done(&self) -> bool {
        self.next >= self.end
    }

    /// Drift events for the timeline.
    pub fn events(&self) -> &[(f64, String)] {
        &self.world.events
    }

    /// Simulates every interval that starts before `until` (minutes), the warm-up first.
    pub fn run_until(&mut self, until: f64) {
        self.warm_until(0.0);
        while !self.done() && (self.next as f64) * INTERVAL < until {
            self.step();
        }
    }

    /// Simulates interval `next`: the references (always on, the rule, the oracle) and every lane
    /// forecast it, sleep cells and are scored, and the interval's loads leave as the lanes' labels.
    fn step(&mut self) {
        let i = self.next;
        let t = i as f64 * INTERVAL;
        let n = self.hist.n;
        let mut loads = std::mem::take(&mut self.loads);
        self.world.loads(i, false, &mut loads);
        let last: Vec<f64> = (0..n).map(|c| self.hist.get(i - 1, c)).collect();
        let refs = self.refs.step(&self.net, &self.members, i, &loads, &last);
        // Costs before the interval: a lane served from another's model counts its trainer's.
        let before: Vec<_> = (0..self.lanes.len()).map(|l| self.lane_costs(l)).collect();
        for (l, &before) in before.iter().enumerate() {
            let mut p = std::mem::take(&mut self.lanes[l].progressive);
            p.step(
                &mut LaneStep {
                    sim: self,
                    l,
                    i,
                    refs: &refs,
                },
                t,
                &loads,
            );
            self.lanes[l].progressive = p;
            self.count_costs(l, t, before);
        }
        self.inside_world(t, &loads);
        self.hist.put(i, &loads);
        self.loads = loads;
        self.next += 1;
        if self.done() {
            // Labels and retrains due by the end of the last interval.
            let end = self.next as f64 * INTERVAL;
            let before: Vec<_> = (0..self.lanes.len()).map(|l| self.lane_costs(l)).collect();
            for (l, &before) in before.iter().enumerate() {
                let mut p = std::mem::take(&mut self.lanes[l].progressive);
                let i = self.next;
                p.deliver(
                    &mut LaneStep {
                        sim: self,
                        l,
                        i,
                        refs: &refs,
                    },
                    end,
                );
                self.lanes[l].progressive = p;
                self.count_costs(l, end - INTERVAL, before);
            }
        }
    }

    /// The coverage layer, the interlock and the prices of this network.
    pub fn network(&self) -> &Network {
        &self.net
    }

    /// The boosters of each cluster.
    pub fn members(&self) -> &[Vec<usize>] {
        &self.members
    }

    /// The sleep level of lane `l` (tuned or not) and of the rule reference.
    pub fn levels(&self, l: usize) -> (f64, f64) {
        (self.lanes[l].level, self.refs.rule_level)
    }
}

/// The network of a configuration ([`crate::domain::network`]).
pub fn network(cfg: &Config) -> Network {
    let c = &cfg.cells;
    Network {
        booster: earth(c.cell_type),
        coverage_row: earth(CellType::Macro),
        chains: c.chains,
        capacity: c.coverage,
        headroom: c.headroom,
        wake_limit: c.wake_limit,
        wake_frac: (c.wake / INTERVAL).clamp(0.0, 1.0),
        interval_min: INTERVAL,
        users: c.users,
        complaint_rate: c.complaint_rate,
        complaint_cost: c.complaint_cost,
        price_kwh: c.price_kwh,
    }
}

/// A lane's sleep level when it is not tuned: a forecaster keeps its safety margin below the
/// threshold, the rule sleeps below the threshold itself.
pub(crate) fn untuned_level(cfg: &Config, policy: Policy) -> f64 {
    match policy {
        Policy::Model => (cfg.cells.threshold - cfg.cells.margin).max(0.0),
        _ => cfg.cells.threshold,
    }
}
