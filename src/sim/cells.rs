//! The cellular network that puts idle cells to sleep, and its lanes.
//!
//! Capacity cells sit in four clusters (office, residential, nightlife, transit) over one coverage cell
//! per cluster. Every 15 minutes, each cell's load is `base x level x profile x trend x noise` (level
//! and profile drift slowly, see [`drift`]) plus events (a new building, a holiday, a stadium event).
//! Before each interval a lane forecasts every cell's load and puts to sleep the cells whose forecast
//! is below the threshold. A sleeping cell's traffic goes to the coverage cell; what it cannot carry
//! is unserved. Power follows the EARTH model
//! (G. Auer et al., "How much energy is needed to run a wireless network?", IEEE Wireless
//! Communications 18(5), 2011, Table 2): `P_in = P0 + delta_p x P_out` awake, `P_sleep` asleep.

mod drift;
pub mod export;
mod forecast;
mod inside;
mod lane;
mod world;

use crate::domain::load::D_LOCAL;
pub use crate::domain::power::earth;
use crate::domain::power::power_awake;
pub(crate) mod probe;

use forecast::{features, History};
pub use forecast::{Example, Forecaster};
pub use inside::InsideGrids;
pub use lane::Lane;
use lane::{detector, Interval, LaneStep};
pub use world::INTERVAL;
use world::{clock, Profile, World, DAY};

use crate::learn::progressive::Progressive;
use crate::learn::schedule::Schedule;
use crate::sim::config::{CellType, Config, Policy, Scope, Source};
use crate::sim::series::{cells as f, Series};

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
    row: (f64, f64, f64, f64),
    /// Warm-up: first interval, next interval to run, and the simulator's history.
    warm_from: i64,
    warm_next: i64,
    sim_hist: History,
    /// What the world panes show, when asked for ([`CellsSim::record_inside`]).
    inside: Option<Box<InsideGrids>>,
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
                asleep: vec![false; n],
                forecast: vec![0.0; n],
                wild: 0,
            })
            .collect();
        let series = Series::new(cfg.horizon_min(), lanes.len(), f::FIELDS);
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
            row: earth(cfg.cells.cell_type),
            warm_from: -warm,
            warm_next: -warm,
            sim_hist: History::new(if needs_sim { n } else { 0 }),
            inside: None,
        }
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
            // The first day only fills the lags.
            if i < self.warm_from + DAY as i64 {
                continue;
            }
            for lane in self
                .lanes
                .iter_mut()
                .filter(|l| l.cfg.policy == Policy::Model)
            {
                let simulated = lane.cfg.source == Source::Simulator;
                let (h, ys) = if simulated {
                    (&self.sim_hist, &sim_loads)
                } else {
                    (&self.hist, &loads)
                };
                for (cell, &y) in ys.iter().enumerate().take(n) {
                    let k = self.world.cluster[cell];
                    let m = lane.schedule.model.model_of(cell, k);
                    let mut ex = features(h, cell, k, i, i, lane.cfg.scope == Scope::Global, m);
                    ex.y = y;
                    lane.schedule.warmup(i as f64 * INTERVAL, &ex);
                }
            }
        }
        if t >= 0.0 && self.warm_next == 0 {
            for lane in &mut self.lanes {
                lane.schedule.start(0.0);
            }
            self.warm_next = 1;
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

    /// Simulates interval `next`: every lane forecasts it, sleeps cells, is scored against the
    /// always-on network and the oracle, and queues the interval's loads as its labels.
    fn step(&mut self) {
        let i = self.next;
        let t = i as f64 * INTERVAL;
        let n = self.hist.n;
        let mut loads = std::mem::take(&mut self.loads);
        self.world.loads(i, false, &mut loads);
        let cells = &self.world.cfg.cells;
        let mut at = Interval {
            threshold: cells.threshold,
            coverage: cells.coverage,
            wake_frac: (cells.wake / INTERVAL).clamp(0.0, 1.0),
            margin: cells.margin,
            ..Interval::default()
        };

        // Reference policies, the same for every lane: always on, and the oracle.
        let awake = vec![false; n];
        at.always = self.outcome(&loads, &awake, &awake, at.wake_frac, at.coverage);
        let oracle_sleep: Vec<bool> = loads.iter().map(|&l| l < at.threshold).collect();
        // The oracle is judged without wake-up penalties it could foresee: it wakes in time.
        at.oracle = self.outcome(&loads, &oracle_sleep, &awake, 0.0, at.coverage);

        for l in 0..self.lanes.len() {
            let before = self.lane_costs(l);
            let mut p = std::mem::take(&mut self.lanes[l].progressive);
            p.step(
                &mut LaneStep {
                    sim: self,
                    l,
                    i,
                    at,
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
            for l in 0..self.lanes.len() {
                let before = self.lane_costs(l);
                let mut p = std::mem::take(&mut self.lanes[l].progressive);
                let i = self.next;
                p.deliver(
                    &mut LaneStep {
                        sim: self,
                        l,
                        i,
                        at,
                    },
                    end,
                );
                self.lanes[l].progressive = p;
                self.count_costs(l, end - INTERVAL, before);
            }
        }
    }

    /// Power (W), unserved load (capacity-cell units) and clusters in violation for one interval.
    fn outcome(
        &self,
        loads: &[f64],
        sleep: &[bool],
        waking: &[bool],
        wake_frac: f64,
        coverage: f64,
    ) -> (f64, f64, u32) {
        let macro_row = earth(CellType::Macro);
        let (mut power, carried) = self.carried(loads, sleep, waking, wake_frac);
        let mut unserved = 0.0;
        let mut violations = 0;
        for &c in &carried {
            let served = c.min(coverage);
            power += power_awake(
                macro_row,
                if coverage > 0.0 {
                    served / coverage
                } else {
                    0.0
                },
            );
            if c - served > 1e-12 {
                unserved += c - served;
                violations += 1;
            }
        }
        (power, unserved, violations)
    }

    /// The capacity cells' power (W), and the load each cluster's coverage cell is asked to carry.
    fn carried(
        &self,
        loads: &[f64],
        sleep: &[bool],
        waking: &[bool],
        wake_frac: f64,
    ) -> (f64, [f64; 4]) {
        let row = self.row;
        let mut power = 0.0;
        let mut carried = [0.0f64; 4];
        for (cell, &load) in loads.iter().enumerate() {
            let k = self.world.cluster[cell];
            if sleep[cell] {
                power += row.3;
                carried[k] += load;
            } else if waking[cell] {
                // Asleep during the wake-up, then awake: its traffic meanwhile goes to coverage.
                power += power_awake(row, load);
                carried[k] += load * wake_frac + (load - 1.0).max(0.0) * (1.0 - wake_frac);
            } else {
                power += power_awake(row, load);
                carried[k] += (load - 1.0).max(0.0);
            }
        }
        (power, carried)
    }
}
