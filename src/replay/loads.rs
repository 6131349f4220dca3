//! Per-cell load traces (CSV) replayed through per-cell online regressions (RLS or NLMS), scored by
//! forecast error and by what the sleep policy would have cost on the trace under the EARTH power
//! model (Auer et al. 2011), through the one network model ([`Network::standalone`]: a trace has no
//! coverage layer, so each cell stands alone; the freshness map's money, given coverage groups, runs
//! the full model: [`crate::study::trace`]).

use std::collections::{BTreeMap, VecDeque};

use super::buckets::{Buckets, HOUR_LADDER};
use super::time;
use super::MAX_LANES;
use super::{LaneSpec, ReplayOptions};
use crate::domain::load::{load_features, D_LOCAL};
use crate::domain::network::Network;
use crate::domain::power::earth;
use crate::learn::detect::PageHinkley;
use crate::learn::linreg::{RegParams, Regressor};
use crate::learn::progressive::{Deliver, Evaluated, Fifo, Label, Progressive};
use crate::learn::schedule::{Learn, Plan, Schedule, Update};

/// Features: bias, three daily harmonics (sin, cos), weekend, last load, load a day ago.
const D: usize = D_LOCAL;
/// Most cells a trace may hold (memory is per cell).
pub const MAX_CELLS: usize = 10_000;
/// Most examples a stateless lane keeps per cell for retraining.
const MAX_CELL_BUFFER: usize = 20_000;
/// Most rows of the last day kept per cell for the day-ago lag (finer traces fall back to the last load).
const MAX_RECENT: usize = 4096;
/// Distinct time steps counted per cell to find the most common one.
const STEP_SLOTS: usize = 16;
/// Largest load accepted (after `--scale`). Larger values are refused with their line rather than
/// clipped: a load of 1e31 times a cell's capacity is a corrupt field, not a measurement, and clipping
/// would keep it silently; refusing names the line, and `--skip-bad` drops it. The bound keeps every
/// sum finite (a squared error is at most (2e30)^2 = 4e60, far from overflow over any file), where
/// 1e200 made the RMSE infinite and the report's metrics null.
pub const MAX_LOAD: f64 = 1e30;
/// Gaps of at least this many missing intervals are named in a notice (a time typo, e.g. 1e12).
const GAP_NOTICE: f64 = 1000.0;
/// Gigabytes carried by a fully loaded cell in an hour (100 Mbit/s, as in the simulator).
const GB_PER_CELL_HOUR: f64 = crate::domain::power::gb_per_cell(3600.0);

/// Accumulators of a load lane per bucket.
pub(crate) mod f {
    pub const FORECASTS: usize = 0;
    pub const ABS_ERROR: usize = 1;
    pub const SQ_ERROR: usize = 2;
    pub const ENERGY_KWH: usize = 3;
    pub const ALWAYS_ON_KWH: usize = 4;
    pub const ORACLE_KWH: usize = 5;
    pub const UNSERVED_GB: usize = 6;
    pub const ASLEEP: usize = 7;
    pub const UPDATES: usize = 8;
    pub const RETRAINS: usize = 9;
    pub const FIELDS: usize = 10;
}

#[derive(Clone, Copy, Debug)]
struct Example {
    x: [f64; D],
    y: f64,
}

impl Learn<Example> for Regressor {
    type Snapshot = Regressor;
    type Output = f64;
    fn predict(serving: &Regressor, ex: &Example) -> f64 {
        serving.predict(&ex.x)
    }
    fn learn(&mut self, ex: &Example) {
        Regressor::learn(self, &ex.x, ex.y);
    }
    fn reset(&mut self) {
        Regressor::reset(self)
    }
    fn live(&self) -> &Regressor {
        self
    }
    fn snapshot_into(&self, dst: &mut Regressor) {
        dst.clone_from(self);
    }
}

/// One lane of one cell: its schedule, on the cell's hours since its first row.
type CellLane = Schedule<Example, Regressor>;

/// A load lane's schedule in hours; retrains start at the end of the warm-up.
fn plan(spec: LaneSpec) -> Plan {
    let (update, stateful, every, window) = match spec {
        LaneSpec::Frozen => (Update::Frozen, false, f64::INFINITY, 0.0),
        LaneSpec::Continual => (Update::Continual, false, f64::INFINITY, 0.0),
        LaneSpec::Stateful { every } => (Update::Periodic, true, every, 0.0),
        LaneSpec::Stateless { every, window } => (Update::Periodic, false, every, window),
    };
    Plan {
        update,
        stateful,
        every,
        window,
        keep: MAX_CELL_BUFFER,
        keep_warmup: false,
        deploy: 0.0,
        cooldown: f64::INFINITY,
        refresh: f64::INFINITY,
    }
}

fn cell_lane(spec: LaneSpec, model: Regressor) -> CellLane {
    Schedule::new(model, plan(spec), PageHinkley::new(0.0, f64::INFINITY, 1))
}

/// Everything kept per cell: constant size.
#[derive(Clone, Debug)]
struct Cell {
    t0: f64,
    last_t: f64,
    last_v: f64,
    rows: u64,
    /// (step in milliseconds, count): the most common step is the cell's interval.
    steps: Vec<(i64, u32)>,
    /// (time, value) of roughly the last day, for the day-ago lag.
    recent: VecDeque<(f64, f64)>,
    warm: Option<Regressor>,
    lanes: Vec<CellLane>,
    /// Labels on their way (arrival time in hours), and the loop.
    progressive: Progressive<Fifo<Example>>,
    /// The batch table of the trace study's stale inputs ([`trace`]).
    inputs: trace::Inputs,
    /// Every scored value and forecast, when the trace study keeps them ([`trace::Recorded`]).
    recorded: trace::Recorded,
}

impl Cell {
    fn step_hours(&self) -> f64 {
        let mut best = (0i64, 0u32);
        for &(s, c) in &self.steps {
            if c > best.1 || (c == best.1 && s < best.0) {
                best = (s, c);
            }
        }
        best.0 as f64 / 3.6e6
    }

    fn count_step(&mut self, gap_h: f64) {
        let ms = (gap_h * 3.6e6).round() as i64;
        if let Some(e) = self.steps.iter_mut().find(|e| e.0 == ms) {
            e.1 = e.1.saturating_add(1);
        } else if self.steps.len() < STEP_SLOTS {
            self.steps.push((ms, 1));
        } else if let Some(e) = self.steps.iter_mut().min_by_key(|e| e.1) {
            // Space-saving: the rarest step gives its slot to the new one.
            *e = (ms, e.1.saturating_add(1));
        }
    }

    fn day_ago(&self, t: f64) -> Option<f64> {
        let want = t - 24.0;
        let i = self.recent.partition_point(|e| e.0 < want - 1.0 / 3600.0);
        self.recent
            .get(i)
            .filter(|e| (e.0 - want).abs() <= 1.0 / 3600.0)
            .map(|e| e.1)
    }
}

/// What a lane did, summed over cells.
pub(crate) struct LaneOut {
    pub spec: LaneSpec,
    pub totals: [f64; f::FIELDS],
    pub series: Buckets,
    /// Forecast errors per block of time (the trace study's; empty otherwise).
    pub blocks: trace::Blocks,
}

/// The longest gap of a trace (between two rows of a cell).
#[derive(Clone, Debug, Default)]
pub(crate) struct Gap {
    pub hours: f64,
    /// The cell's step (hours) when the gap ended.
    pub step: f64,
    pub cell: String,
    /// The line that ended it.
    pub line: u64,
}

/// The load-trace replay.
pub(crate) struct Loads {
    delim: u8,
    time_col: String,
    cell_col: String,
    value_col: String,
    cols: Option<Cols>,
    dates: Option<bool>,
    scale: f64,
    threshold: f64,
    power: crate::domain::power::Row,
    reg: RegParams,
    warmup: f64,
    delay: f64,
    index: BTreeMap<Vec<u8>, usize>,
    cells: Vec<Cell>,
    pub lanes: Vec<LaneOut>,
    fields: Vec<(usize, usize)>,
    /// Values read (warm-up included).
    pub values: u64,
    pub missing_values: u64,
    pub missing_intervals: u64,
    pub above_one: u64,
    pub max_value: f64,
    /// The line being read.
    line: u64,
    /// The longest gap of at least [`GAP_NOTICE`] intervals, if any.
    pub longest_gap: Option<Gap>,
    /// The trace study's settings ([`trace`]) and the rule's errors per block.
    study: trace::Study,
    rule: trace::Blocks,
    /// The first and last time read (hours).
    pub span: (f64, f64),
}

/// Features for a forecast of time `t` (hours) from the last load and the load a day before: the
/// simulator's load features ([`load_features`]).
fn features(t: f64, dates: bool, last: f64, day_ago: f64) -> [f64; D] {
    let (hour, weekend) = time::clock(t, dates);
    load_features(hour, weekend, last, day_ago)
}

impl Loads {
    pub fn new(opts: &ReplayOptions, lanes: &[LaneSpec], warmup: f64, delim: u8) -> Self {
        Loads {
            delim,
            time_col: opts.time_col.clone(),
            cell_col: opts.cell_col.clone(),
            value_col: opts.value_col.clone(),
            cols: None,
            dates: None,
            scale: opts.scale,
            threshold: opts.threshold,
            power: earth(opts.cell_type),
            reg: opts.reg,
            warmup,
            delay: opts.label_delay as f64,
            index: BTreeMap::new(),
            cells: Vec::new(),
            lanes: lanes
                .iter()
                .map(|&spec| LaneOut {
                    spec,
                    totals: [0.0; f::FIELDS],
                    series: Buckets::new(HOUR_LADDER, f::FIELDS),
                    blocks: trace::Blocks::default(),
                })
                .collect(),
            fields: Vec::new(),
            values: 0,
            missing_values: 0,
            missing_intervals: 0,
            above_one: 0,
            max_value: 0.0,
            line: 0,
            longest_gap: None,
            study: trace::Study {
                refresh: opts.refresh,
                block: opts.block,
                origin: None,
                record: opts.record,
                kept: 0,
                overflow: false,
            },
            rule: trace::Blocks::default(),
            span: (f64::INFINITY, f64::NEG_INFINITY),
        }
    }

    /// True once the header was read.
    pub fn has_header(&self) -> bool {
        self.cols.is_some()
    }

    /// Number of cells seen.
    pub fn cells(&self) -> usize {
        self.cells.len()
    }

    /// Periodic retrains skipped in gaps, over every cell and lane (see [`crate::learn::schedule`]).
    pub fn skipped_retrains(&self) -> u64 {
        let lanes = self.cells.iter().flat_map(|c| c.lanes.iter());
        lanes.fold(0u64, |a, l| a.saturating_add(l.skipped))
    }

    /// One value of cell `c` at time `t` (hours): the cell's history moves on, then (after the
    /// cell's warm-up) every lane forecasts it, is scored, and learns it when its label is due.
    fn value(&mut self, c: usize, t: f64, v: f64, dates: bool) {
        self.span = (self.span.0.min(t), self.span.1.max(t));
        let prev = self.cells[c].last_v;
        let Some((ex, step)) = self.observe(c, t, v, dates) else {
            return;
        };
        let h = t - self.cells[c].t0;
        if h < self.warmup {
            self.warm(c, h, &ex);
            return;
        }
        self.start_cell(c);
        let stale = self.trace_before(c, t, v, prev, dates);
        let block = self.block_of(t);
        let keep = self.record_of(c).is_some();
        let cell = &mut self.cells[c];
        let mut step = Step {
            lanes: &mut self.lanes,
            cell_lanes: &mut cell.lanes,
            t,
            t0: cell.t0,
            h,
            x: h - self.warmup,
            hours: step,
            warmup: self.warmup,
            net: Network::standalone(self.power, self.threshold, step * 60.0),
            delay: self.delay,
            stale: stale.map(|x| (x, &mut cell.inputs)),
            block,
            record: keep.then_some((&mut cell.recorded, prev)),
        };
        // Labels due by `t` (within rounding) are learned before the forecast.
        cell.progressive.step(&mut step, t + 1e-9, &(ex, v));
    }

    /// The cell's history takes value `v` at `t`: the example to forecast (features from before
    /// `t`) and the cell's step in hours; none for the cell's first value.
    fn observe(&mut self, c: usize, t: f64, v: f64, dates: bool) -> Option<(Example, f64)> {
        let cell = &mut self.cells[c];
        cell.rows += 1;
        if cell.rows == 1 {
            cell.last_t = t;
            cell.last_v = v;
            cell.recent.push_back((t, v));
            return None;
        }
        let gap = t - cell.last_t;
        cell.count_step(gap);
        let step = match cell.step_hours() {
            s if s > 0.0 => s,
            _ => gap,
        };
        if gap > 1.5 * step {
            let missing = ((gap / step).round() as u64).saturating_sub(1);
            self.missing_intervals = self.missing_intervals.saturating_add(missing);
        }
        let day_ago = cell.day_ago(t).unwrap_or(cell.last_v);
        let ex = Example {
            x: features(t, dates, cell.last_v, day_ago),
            y: v,
        };
        cell.last_t = t;
        cell.last_v = v;
        cell.recent.push_back((t, v));
        while cell.recent.len() > MAX_RECENT
            || cell.recent.front().is_some_and(|e| e.0 < t - 24.0 - step)
        {
            cell.recent.pop_front();
        }
        Some((ex, step))
    }

    /// A warm-up value of cell `c`: the cell's warm-up model learns it; stateless lanes keep it.
    fn warm(&mut self, c: usize, h: f64, ex: &Example) {
        let cell = &mut self.cells[c];
        if let Some(w) = cell.warm.as_mut() {
            w.learn(&ex.x, ex.y);
        }
        if cell.lanes.is_empty() {
            cell.lanes = (self.lanes.iter())
                .map(|lane| cell_lane(lane.spec, Regressor::new(self.reg, 0)))
                .collect();
        }
        for cl in &mut cell.lanes {
            cl.warmup_keep(h, ex);
        }
    }

    /// The warm-up ends for cell `c` (once): every lane starts from the model trained on it.
    fn start_cell(&mut self, c: usize) {
        let cell = &mut self.cells[c];
        let Some(warm) = cell.warm.take() else {
            return;
        };
        if cell.lanes.is_empty() {
            cell.lanes = (self.lanes.iter())
                .map(|lane| cell_lane(lane.spec, Regressor::new(self.reg, 0)))
                .collect();
        }
        for cl in &mut cell.lanes {
            cl.adopt(warm.clone());
            cl.start(self.warmup);
        }
    }
}

/// One value of a cell, for every lane: what the one loop ([`crate::learn::progressive`]) asks of
/// the replay of a load trace.
struct Step<'a> {
    lanes: &'a mut [LaneOut],
    cell_lanes: &'a mut [CellLane],
    /// The value's time and the cell's first (hours): a label's arrival `at` is cell hour `at - t0`.
    t: f64,
    t0: f64,
    /// Cell hour of the value, and lane time (`h` after the warm-up).
    h: f64,
    x: f64,
    /// The cell's step (hours).
    hours: f64,
    warmup: f64,
    /// The cell on its own, at the sleep threshold ([`Network::standalone`]).
    net: Network,
    delay: f64,
    /// The trace study's stale inputs and the cell's batch table, if the map's row is a batch.
    stale: Option<([f64; D], &'a mut trace::Inputs)>,
    /// The trace study's block of this value.
    block: Option<i64>,
    /// The trace study's record of the cell, and the last measured load (the rule's expectation).
    record: Option<(&'a mut trace::Recorded, f64)>,
}

impl Deliver for Step<'_> {
    type Example = Example;

    /// Every lane learns a label that arrived at `at` (absolute hours), after its retrains due by
    /// then.
    fn learn(&mut self, at: f64, ex: &Example, _: f64) {
        let h = (at - self.t0).min(self.h);
        for (lane, cl) in self.lanes.iter_mut().zip(self.cell_lanes.iter_mut()) {
            retrain_until(lane, cl, h, self.warmup);
            counted(lane, cl, self.x, |cl| cl.label(h, ex, 0.0));
        }
    }

    fn ready(&mut self, _: f64) {
        for (lane, cl) in self.lanes.iter_mut().zip(self.cell_lanes.iter_mut()) {
            retrain_until(lane, cl, self.h, self.warmup);
        }
    }
}

impl Evaluated for Step<'_> {
    /// The value's example and the value.
    type Input = (Example, f64);
    /// Every lane's forecast.
    type Prediction = [f64; MAX_LANES];

    fn predict(&mut self, _: f64, (ex, _): &(Example, f64)) -> [f64; MAX_LANES] {
        let mut fc = [0.0; MAX_LANES];
        debug_assert!(
            self.cell_lanes.len() <= MAX_LANES,
            "--lanes allows at most MAX_LANES"
        );
        let n = self.cell_lanes.len();
        if let Some((x, inputs)) = self.stale.as_mut() {
            trace::batch(inputs, self.cell_lanes, x, &mut fc[..n]);
        } else {
            for (f, cl) in fc.iter_mut().zip(self.cell_lanes.iter()) {
                *f = cl.predict(ex);
            }
        }
        // A diverged forecast scores as the largest load (an error of 1e30 stays visible, not an
        // infinite sum turned null); no sane forecast comes near it.
        for f in &mut fc[..n] {
            *f = f.clamp(-MAX_LOAD, MAX_LOAD);
        }
        fc
    }

    /// Every lane's error and what its sleep policy would have cost; the value is the label, learned
    /// now without a delay, else at the end of its interval plus the delay.
    fn score<'x>(
        &mut self,
        _: f64,
        &(ex, v): &'x (Example, f64),
        fc: [f64; MAX_LANES],
    ) -> Label<'x, Example> {
        let hours = self.hours;
        let net = &self.net;
        // The power model caps the load at 1 (a notice says so): the cell carries what it can.
        let load = [v.min(1.0)];
        let sleeps = |expected: f64| {
            let mut s = [false];
            net.decide(&[expected], net.capacity, 0.0, &mut s);
            s
        };
        let always = net.kwh(&net.cluster(&load, &[false], &[false]));
        let oracle = net.kwh(&net.cluster(&load, &sleeps(v), &[false]));
        for (lane, &fc) in self.lanes.iter_mut().zip(&fc) {
            let asleep = sleeps(fc);
            let o = net.cluster(&load, &asleep, &[false]);
            let err = if fc.is_finite() { fc - v } else { v };
            let row = [
                (f::FORECASTS, 1.0),
                (f::ABS_ERROR, err.abs()),
                (f::SQ_ERROR, err * err),
                (f::ENERGY_KWH, net.kwh(&o)),
                (f::ALWAYS_ON_KWH, always),
                (f::ORACLE_KWH, oracle),
                (f::UNSERVED_GB, o.degraded * hours * GB_PER_CELL_HOUR),
                (f::ASLEEP, asleep[0] as u8 as f64),
            ];
            let b = lane.series.at(self.x);
            for &(k, val) in &row {
                b[k] += val;
            }
            for &(k, val) in &row {
                lane.totals[k] += val;
            }
            trace::add_block(lane, self.block, err.abs());
        }
        if let Some((rec, prev)) = self.record.take() {
            rec.push(self.t, v, prev, &fc[..self.lanes.len()]);
        }
        if self.delay == 0.0 {
            Label::now(ex, 0.0)
        } else if self.lanes.iter().any(|l| l.spec != LaneSpec::Frozen) {
            // The interval's value is known at its end, plus the delay.
            Label::later(self.t + (self.delay + 1.0) * hours, ex, 0.0)
        } else {
            Label::None
        }
    }
}

/// Runs the retrains of one cell's lane due by cell hour `h`, counted at the time of the last: of
/// several due at once (a gap in the trace) only the last runs, whatever the gap (see
/// [`crate::learn::schedule`]); the skipped ones are counted by the schedule.
fn retrain_until(lane: &mut LaneOut, cl: &mut CellLane, h: f64, warmup: f64) {
    if cl.next_retrain() <= h {
        let before = (cl.retrains, cl.updates);
        cl.tick(h);
        add_counts(lane, cl, cl.last_retrain() - warmup, before);
    }
}

/// Runs `f` on one cell's lane and counts the updates and retrains it did at lane time `x`.
fn counted(lane: &mut LaneOut, cl: &mut CellLane, x: f64, f: impl FnOnce(&mut CellLane)) {
    let before = (cl.retrains, cl.updates);
    f(cl);
    add_counts(lane, cl, x, before);
}

/// Counts the retrains and updates one cell's lane did since `before` at lane time `x`.
fn add_counts(lane: &mut LaneOut, cl: &CellLane, x: f64, before: (u64, u64)) {
    let (retrains, updates) = (cl.retrains - before.0, cl.updates - before.1);
    if retrains > 0 || updates > 0 {
        let b = lane.series.at(x);
        b[f::RETRAINS] += retrains as f64;
        b[f::UPDATES] += updates as f64;
        lane.totals[f::RETRAINS] += retrains as f64;
        lane.totals[f::UPDATES] += updates as f64;
    }
}

mod csv;
#[cfg(test)]
mod tests;
pub mod trace;

use csv::Cols;
pub(crate) use csv::LineError;
#[cfg(test)]
use csv::{field, split};
