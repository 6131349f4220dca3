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
mod look;

use crate::domain::load::D_LOCAL;
pub use crate::domain::power::earth;
use crate::domain::power::power_awake;
pub(crate) mod probe;

use forecast::{features, History};
pub use forecast::{Example, Forecaster};
pub use look::Look;

use crate::base::units::{HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR};
use std::collections::VecDeque;

use crate::base::rng::{stream, Rng};
use crate::learn::detect::PageHinkley;
use crate::learn::schedule::Schedule;
use crate::sim::config::{CellType, Config, LaneConfig, Mode, Policy, Scope, Source, Update};
use crate::sim::series::{cells as f, Series};

/// Minutes per decision interval.
pub const INTERVAL: f64 = 15.0;
/// Intervals per day.
const DAY: usize = 96;
/// Intervals of observed history kept per cell (covers a week-long batch refresh plus a day of lags).
const HISTORY: usize = 1024;
/// Gigabytes carried by one fully loaded capacity cell in one interval (100 Mbit/s for 15 minutes).
pub const GB_PER_CELL_INTERVAL: f64 = crate::domain::power::gb_per_cell(900.0);
/// Cluster names, in order.
pub const CLUSTERS: [&str; 4] = ["office", "residential", "nightlife", "transit"];
/// Features of a global model: the load features ([`crate::domain::load`]), then one indicator per
/// cluster.
const D_GLOBAL: usize = D_LOCAL + 4;

/// A daily load profile: a floor plus Gaussian bumps (centre hour, width hours, height), for weekdays
/// and for weekends.
#[derive(Clone, Debug)]
struct Profile {
    weekday: (f64, Vec<(f64, f64, f64)>),
    weekend: (f64, Vec<(f64, f64, f64)>),
}

impl Profile {
    fn template(cluster: usize) -> Self {
        match cluster {
            0 => Profile {
                weekday: (0.08, vec![(10.5, 2.2, 0.9), (15.0, 2.2, 0.8)]),
                weekend: (0.06, vec![(13.0, 3.0, 0.2)]),
            },
            1 => Profile {
                weekday: (0.15, vec![(7.5, 1.5, 0.35), (21.0, 2.5, 0.85)]),
                weekend: (0.2, vec![(12.5, 3.5, 0.55), (21.0, 3.0, 0.8)]),
            },
            2 => Profile {
                weekday: (0.05, vec![(23.0, 2.0, 0.7)]),
                weekend: (0.08, vec![(0.5, 2.5, 0.95)]),
            },
            _ => Profile {
                weekday: (0.1, vec![(8.0, 1.3, 0.9), (18.0, 1.5, 0.85)]),
                weekend: (0.1, vec![(14.0, 4.0, 0.4)]),
            },
        }
    }

    /// The simulator's version: every parameter off by `err` (relative; centres by err x 3 hours).
    fn perturbed(&self, err: f64, rng: &mut Rng) -> Self {
        let mut p = |(floor, bumps): &(f64, Vec<(f64, f64, f64)>)| {
            let floor = (floor * (1.0 + err * rng.normal())).max(0.0);
            let bumps = bumps
                .iter()
                .map(|&(c, w, a)| {
                    (
                        c + err * 3.0 * rng.normal(),
                        (w * (1.0 + 0.5 * err * rng.normal())).max(0.3),
                        (a * (1.0 + err * rng.normal())).max(0.0),
                    )
                })
                .collect();
            (floor, bumps)
        };
        let weekday = p(&self.weekday);
        let weekend = p(&self.weekend);
        Profile { weekday, weekend }
    }

    fn at(&self, hour: f64, weekend: bool) -> f64 {
        let (floor, bumps) = if weekend {
            &self.weekend
        } else {
            &self.weekday
        };
        floor
            + bumps
                .iter()
                .map(|&(c, w, a)| {
                    let d = (hour - c).rem_euclid(HOURS_PER_DAY);
                    let d = d.min(HOURS_PER_DAY - d);
                    a * libm::exp(-0.5 * d * d / (w * w))
                })
                .sum::<f64>()
    }
}

/// Hour of day (fractional, at the middle of the interval) and weekend flag of interval `i`
/// (interval 0 starts Monday 00:00; negative intervals are the warm-up).
fn clock(i: i64) -> (f64, bool) {
    let day = i.div_euclid(DAY as i64);
    let hour = (i.rem_euclid(DAY as i64) as f64 + 0.5) * INTERVAL / MINUTES_PER_HOUR;
    (hour, day.rem_euclid(7) >= 5)
}

/// A load generator: real network or simulator.
#[derive(Clone, Debug)]
struct Generator {
    profiles: Vec<Profile>,
    noise: Rng,
    eps: Vec<f64>,
}

/// The network every lane sees.
pub struct World {
    cfg: Config,
    cluster: Vec<usize>,
    base: Vec<f64>,
    real: Generator,
    sim: Option<Generator>,
    /// Slow change of the real network's cells.
    drift: drift::Drift,
    /// Drift events (minutes, label) for the timeline.
    pub events: Vec<(f64, String)>,
}

impl World {
    fn new(cfg: &Config, needs_sim: bool) -> Self {
        let c = &cfg.cells;
        let n = c.cells as usize;
        let mut rng = Rng::new(cfg.seed as u64, stream::CELLS_WORLD);
        let cluster: Vec<usize> = (0..n).map(|i| i % 4).collect();
        let base: Vec<f64> = (0..n)
            .map(|_| c.load * (0.7 + 0.6 * rng.uniform()))
            .collect();
        let mut vary = |p: Profile| p.perturbed(0.1, &mut rng);
        let profiles: Vec<Profile> = (0..4).map(|k| vary(Profile::template(k))).collect();
        let sim = needs_sim.then(|| {
            let mut srng = Rng::new(cfg.seed as u64, stream::CELLS_SIMULATOR);
            let sp = profiles
                .iter()
                .map(|p| p.perturbed(c.sim_error, &mut srng))
                .collect();
            Generator {
                profiles: sp,
                noise: Rng::new(cfg.seed as u64 ^ 0x5EED, stream::CELLS_SIMULATOR),
                eps: vec![0.0; n],
            }
        });
        let real = Generator {
            profiles,
            noise: Rng::new(cfg.seed as u64, stream::CELLS_NOISE),
            eps: vec![0.0; n],
        };
        let mut events = Vec::new();
        if let Some(d) = c.building_day {
            events.push((d * MINUTES_PER_DAY, "new building".to_string()));
        }
        if let Some(d) = c.holiday_day {
            events.push((d * MINUTES_PER_DAY, "holiday".to_string()));
            events.push(((d + 7.0) * MINUTES_PER_DAY, "holiday ends".to_string()));
        }
        if let Some(d) = c.stadium_day {
            events.push((
                d * MINUTES_PER_DAY + 19.0 * MINUTES_PER_HOUR,
                "stadium event".to_string(),
            ));
        }
        let first = -(cfg.warmup.ceil() as i64);
        let drift = drift::Drift::new(cfg.seed as u64, c.drift, &cluster, first);
        World {
            cfg: cfg.clone(),
            drift,
            cluster,
            base,
            real,
            sim,
            events,
        }
    }

    /// Loads of every cell in interval `i`, from the real network or the simulator.
    fn loads(&mut self, i: i64, simulator: bool, out: &mut Vec<f64>) {
        let c = &self.cfg.cells;
        let g = if simulator {
            self.sim
                .as_mut()
                .expect("simulator built when a lane needs it")
        } else {
            &mut self.real
        };
        let (hour, weekend) = clock(i);
        let t_days = i as f64 * INTERVAL / MINUTES_PER_DAY;
        let trend = libm::pow(1.0 + c.growth / 100.0, t_days.max(0.0) / 30.0);
        let sigma = c.load_noise;
        out.clear();
        for cell in 0..self.base.len() {
            let k = self.cluster[cell];
            let e = &mut g.eps[cell];
            *e = 0.5 * *e + 0.866 * sigma * g.noise.normal();
            let mut shape = g.profiles[k].at(hour, weekend);
            let mut level = 1.0;
            if !simulator {
                let moved;
                (level, moved) = self.drift.at(cell, t_days);
                if moved > 0.0 {
                    let to = g.profiles[self.drift.to(cell)].at(hour, weekend);
                    shape += moved * (to - shape);
                }
            }
            let mut load =
                self.base[cell] * level * shape * trend * libm::exp(*e - 0.5 * sigma * sigma);
            if !simulator {
                let day = t_days;
                if let Some(d) = c.holiday_day {
                    if k == 0 && day >= d && day < d + 7.0 {
                        load *= 1.0 - c.holiday_drop;
                    }
                }
                if let Some(d) = c.building_day {
                    if cell == 1 && day >= d {
                        load += c.building_load
                            * (0.4 + 0.6 * g.profiles[k].at(hour, weekend).min(1.0));
                    }
                }
                if let Some(d) = c.stadium_day {
                    let h = (day - d) * HOURS_PER_DAY;
                    if k == 3 && (19.0..22.0).contains(&h) {
                        load += c.stadium_load;
                    }
                }
            }
            out.push(load.max(0.0));
        }
    }
}

/// One lane of the cells experiment.
pub struct Lane {
    cfg: LaneConfig,
    schedule: Schedule<Example, Forecaster>,
    /// Labelled examples waiting for their label delay: (arrival minute, example, loss).
    queue: VecDeque<(f64, Example, f64)>,
    /// Batch forecasts: `batch[(i - batch_from) * cells + cell]`.
    batch: Vec<f64>,
    batch_from: i64,
    asleep: Vec<bool>,
    forecast: Vec<f64>,
    /// Forecasts that were not finite or absurd (beyond +-10 capacities): the model diverged.
    pub wild: u64,
}

impl Lane {
    /// Retrain times (minutes) of this lane.
    pub fn marks(&self) -> &[f64] {
        &self.schedule.marks
    }
}

/// Fixed parameters of the drift detector on the absolute forecast error.
fn detector() -> PageHinkley {
    PageHinkley::new(0.01, 3.0, 96)
}

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
    /// What the world panes show, when asked for ([`CellsSim::look_inside`]).
    look: Option<Box<Look>>,
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
                queue: VecDeque::new(),
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
            look: None,
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
        let (threshold, coverage) = (
            self.world.cfg.cells.threshold,
            self.world.cfg.cells.coverage,
        );
        let wake_frac = (self.world.cfg.cells.wake / INTERVAL).clamp(0.0, 1.0);
        let margin = self.world.cfg.cells.margin;

        // Reference policies, the same for every lane: always on, and the oracle.
        let awake = vec![false; n];
        let always = self.outcome(&loads, &awake, &awake, wake_frac, coverage);
        let oracle_sleep: Vec<bool> = loads.iter().map(|&l| l < threshold).collect();
        // The oracle is judged without wake-up penalties it could foresee: it wakes in time.
        let oracle = self.outcome(&loads, &oracle_sleep, &awake, 0.0, coverage);

        for l in 0..self.lanes.len() {
            let before = self.lane_costs(l);
            self.deliver(l, t);
            self.forecast(l, i, &loads);
            let lane = &mut self.lanes[l];
            let sleep: Vec<bool> = match lane.cfg.policy {
                Policy::Baseline => vec![false; n],
                // The oracle knows the load: no margin.
                Policy::Oracle => loads.iter().map(|&l| l < threshold).collect(),
                Policy::Model => (lane.forecast.iter())
                    .map(|&f| f.is_finite() && f < threshold - margin)
                    .collect(),
            };
            let waking: Vec<bool> = (0..n).map(|c| lane.asleep[c] && !sleep[c]).collect();
            lane.asleep.copy_from_slice(&sleep);
            let out = self.outcome(&loads, &sleep, &waking, wake_frac, coverage);
            self.look_lane(l, t, &loads, (&sleep, &waking), wake_frac, coverage);
            self.score(l, t, &loads, out, always, oracle);
            self.queue_labels(l, i, &loads);
            self.count_costs(l, t, before);
        }
        self.look_world(t, &loads);
        self.hist.put(i, &loads);
        self.loads = loads;
        self.next += 1;
        if self.done() {
            // Labels and retrains due by the end of the last interval.
            let end = self.next as f64 * INTERVAL;
            for l in 0..self.lanes.len() {
                let before = self.lane_costs(l);
                self.deliver(l, end);
                self.count_costs(l, end - INTERVAL, before);
            }
        }
    }

    /// Lane `l`'s forecasts of interval `i`: the oracle knows the loads, the baseline repeats the
    /// last interval, a model forecasts online or reads its batch table (refreshed when due).
    fn forecast(&mut self, l: usize, i: i64, loads: &[f64]) {
        let n = self.hist.n;
        let t = i as f64 * INTERVAL;
        let lane = &mut self.lanes[l];
        let global = lane.cfg.scope == Scope::Global;
        match lane.cfg.policy {
            Policy::Oracle => lane.forecast.copy_from_slice(loads),
            Policy::Baseline => {
                for cell in 0..n {
                    lane.forecast[cell] = self.hist.get(i - 1, cell);
                }
            }
            Policy::Model if lane.cfg.mode == Mode::Batch => {
                if lane.schedule.refresh_due(t) {
                    // Forecasts of the whole period, from the inputs known now.
                    let period = (lane.schedule.plan().refresh / INTERVAL) as i64;
                    lane.batch_from = i;
                    lane.batch.clear();
                    let model = lane.schedule.serving();
                    for j in i..i + period {
                        for cell in 0..n {
                            let k = self.world.cluster[cell];
                            let m = model.model_of(cell, k);
                            let ex = features(&self.hist, cell, k, j, i, global, m);
                            lane.batch.push(model.predict(&ex));
                        }
                    }
                }
                let off = (i - lane.batch_from) as usize * n;
                lane.forecast.copy_from_slice(&lane.batch[off..off + n]);
            }
            Policy::Model => {
                let model = lane.schedule.serving();
                for cell in 0..n {
                    let k = self.world.cluster[cell];
                    let m = model.model_of(cell, k);
                    let ex = features(&self.hist, cell, k, i, i, global, m);
                    lane.forecast[cell] = model.predict(&ex);
                }
            }
        }
        // Only a model can diverge (the oracle and the baseline forecast loads themselves); a
        // forecast is absurd beyond 10 times a cell's capacity or its last load, whichever is larger.
        if lane.cfg.policy == Policy::Model {
            lane.wild += (lane.forecast.iter().enumerate())
                .filter(|&(cell, f)| {
                    !f.is_finite() || f.abs() > 10.0 * self.hist.get(i - 1, cell).max(1.0)
                })
                .count() as u64;
        }
    }

    /// Adds lane `l`'s outcome of the interval at `t` to the series, with the references'.
    fn score(
        &mut self,
        l: usize,
        t: f64,
        loads: &[f64],
        out: (f64, f64, u32),
        always: (f64, f64, u32),
        oracle: (f64, f64, u32),
    ) {
        let kwh = |w: f64| w * INTERVAL / MINUTES_PER_HOUR / 1000.0;
        let abs_err: f64 = (self.lanes[l].forecast.iter())
            .zip(loads)
            .map(|(f, y)| if f.is_finite() { (f - y).abs() } else { *y })
            .sum();
        let s = &mut self.series;
        s.add(l, t, f::ENERGY_KWH, kwh(out.0));
        s.add(l, t, f::ALWAYS_ON_KWH, kwh(always.0));
        s.add(l, t, f::ORACLE_KWH, kwh(oracle.0));
        s.add(l, t, f::UNSERVED_GB, out.1 * GB_PER_CELL_INTERVAL);
        s.add(l, t, f::VIOLATION_MIN, out.2 as f64 * INTERVAL);
        s.add(l, t, f::ABS_ERROR, abs_err);
        s.add(l, t, f::FORECASTS, loads.len() as f64);
        s.add(l, t, f::OFFERED_LOAD, loads.iter().sum());
    }

    /// Interval `i`'s loads become lane `l`'s labels at its end, plus the label delay.
    fn queue_labels(&mut self, l: usize, i: i64, loads: &[f64]) {
        let lane = &mut self.lanes[l];
        if lane.cfg.policy != Policy::Model || lane.cfg.update == Update::Frozen {
            return;
        }
        let global = lane.cfg.scope == Scope::Global;
        let arrive = (i + 1) as f64 * INTERVAL + lane.cfg.label_delay;
        let model = lane.schedule.serving();
        for (cell, &y) in loads.iter().enumerate() {
            let k = self.world.cluster[cell];
            let m = lane.schedule.model.model_of(cell, k);
            let mut ex = features(&self.hist, cell, k, i, i, global, m);
            ex.y = y;
            let loss = (model.predict(&ex) - ex.y).abs();
            lane.queue.push_back((arrive, ex, loss));
        }
    }

    /// Lane `l`'s retrains and example-updates so far.
    fn lane_costs(&self, l: usize) -> (u64, u64) {
        let s = &self.lanes[l].schedule;
        (s.retrains, s.updates)
    }

    /// Adds lane `l`'s retrains and updates since `before` to the series at `t`.
    fn count_costs(&mut self, l: usize, t: f64, before: (u64, u64)) {
        let now = self.lane_costs(l);
        self.series
            .add(l, t, f::RETRAINS, (now.0 - before.0) as f64);
        self.series.add(l, t, f::UPDATES, (now.1 - before.1) as f64);
    }

    fn deliver(&mut self, l: usize, t: f64) {
        let lane = &mut self.lanes[l];
        while lane.queue.front().map(|q| q.0 <= t).unwrap_or(false) {
            let (at, ex, loss) = lane.queue.pop_front().expect("checked");
            lane.schedule.label(at, &ex, loss);
        }
        lane.schedule.tick(t);
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
