//! What the freshness map of a load trace (`rtml answer --trace`, [`crate::study::trace`]) asks of
//! the load replay beyond its report: forecasts from **stale inputs** (a batch table refreshed every
//! `refresh` hours, as the simulator's batch lanes: at each refresh, the forecasts of the whole
//! period from the loads known then and the model serving then), the forecast error of every lane
//! **per block of time** (a week: the map's paired unit, since a trace has one history and no
//! seeds), and the error of the operators' rule without a model (the forecast is the last measured
//! load). Nothing here changes a plain replay: with `refresh` 0 and no blocks, no field is read.

use super::{features, Cell, LaneOut, Loads, D};
use crate::learn::linreg::Regressor;

/// Most blocks kept per lane: past it, later blocks add to the last one (a trace of rows years
/// apart stays bounded; a block holds at least one row, so only a hostile file comes near).
pub const MAX_BLOCKS: usize = 100_000;

/// Sums per block of time, in block order: `(block, absolute error, forecasts)`.
#[derive(Clone, Debug, Default)]
pub struct Blocks(Vec<(i64, f64, f64)>);

impl Blocks {
    /// Adds one forecast's absolute error to block `b` (usually the last one: cells move on
    /// together).
    #[inline(never)]
    pub(crate) fn add(&mut self, b: i64, abs_err: f64) {
        let v = &mut self.0;
        let i = match v.last() {
            Some(l) if l.0 == b => v.len() - 1,
            _ => match v.binary_search_by_key(&b, |e| e.0) {
                Ok(i) => i,
                Err(_) if v.len() >= MAX_BLOCKS => v.len() - 1,
                Err(i) => {
                    v.insert(i, (b, 0.0, 0.0));
                    i
                }
            },
        };
        v[i].1 += abs_err;
        v[i].2 += 1.0;
    }
}

/// A cell's batch table: the refresh period it serves, the last load known at its refresh, and each
/// lane's model as it served then.
#[derive(Clone, Debug, Default)]
pub(super) struct Inputs {
    period: Option<i64>,
    last: f64,
    models: Vec<Regressor>,
    /// The table was just refreshed: the models are taken at the next forecast (after the labels
    /// due by then are learned).
    fresh: bool,
}

/// What the trace study set: the batch period (hours, 0 online) and the block length (hours, 0
/// none).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Study {
    pub refresh: f64,
    pub block: f64,
    /// The first time of the file (blocks count from it).
    pub origin: Option<f64>,
    /// Keep every scored value and forecast per cell ([`Recorded`], for the network's money).
    pub record: bool,
    /// Values kept so far, over every cell.
    pub kept: usize,
    /// More than [`MAX_RECORDED`] values were scored: the record stopped.
    pub overflow: bool,
}

/// Most scored values kept for the network's money, over every cell (a value keeps its time, the
/// value, the rule's expectation and one forecast per lane: at most 48 bytes with 8 lanes).
pub const MAX_RECORDED: usize = 1_500_000;

/// Every scored value of one cell, for the network's money ([`crate::study::trace`]): its time
/// (hours), its value (a share of capacity, after `--scale`), the rule's expectation (the last
/// measured load) and each lane's forecast (`lanes` per value, one after the other).
#[derive(Clone, Debug, Default)]
pub struct Recorded {
    pub times: Vec<f64>,
    pub values: Vec<f32>,
    pub rule: Vec<f32>,
    pub forecasts: Vec<f32>,
}

impl Recorded {
    /// Keeps one scored value with the rule's expectation and the lanes' forecasts.
    pub(super) fn push(&mut self, t: f64, v: f64, rule: f64, fc: &[f64]) {
        self.times.push(t);
        self.values.push(v as f32);
        self.rule.push(rule as f32);
        self.forecasts.extend(fc.iter().map(|&f| f as f32));
    }
}

/// What the freshness map's money reads of a finished replay: every cell's name and record (in
/// the order cells first appeared), the first scored time (blocks count from it), and whether the
/// record overflowed [`MAX_RECORDED`].
#[derive(Clone, Debug, Default)]
pub struct Records {
    pub cells: Vec<(String, Recorded)>,
    pub origin: Option<f64>,
    pub overflow: bool,
}

/// The inputs of a forecast of time `t` for the lanes: fresh (`None`), or the features known at the
/// batch table's refresh.
pub(super) type Stale = Option<[f64; D]>;

impl Loads {
    /// Before cell `c` takes a value at `t` (after its warm-up): the rule's error (the last load
    /// against `v`), and the stale features if the map's row is a batch refresh.
    #[inline(never)]
    pub(super) fn trace_before(
        &mut self,
        c: usize,
        t: f64,
        v: f64,
        prev: f64,
        dates: bool,
    ) -> Stale {
        let origin = *self.study.origin.get_or_insert(t);
        if self.study.block > 0.0 {
            let b = ((t - origin) / self.study.block).floor() as i64;
            self.rule.add(b, (prev - v).abs());
        }
        let r = self.study.refresh;
        if r <= 0.0 {
            return None;
        }
        let cell: &mut Cell = &mut self.cells[c];
        let period = ((t - cell.t0) / r).floor() as i64;
        if cell.inputs.period != Some(period) {
            cell.inputs.period = Some(period);
            cell.inputs.last = prev;
            cell.inputs.fresh = true;
        }
        let tau = cell.t0 + period as f64 * r;
        // The load a day before `t` if it was known at the refresh, else the last load known then.
        let day_ago = (t - 24.0 < tau - 1e-9)
            .then(|| cell.day_ago(t))
            .flatten()
            .unwrap_or(cell.inputs.last);
        Some(features(t, dates, cell.inputs.last, day_ago))
    }

    /// The record of cell `c` if the study keeps one and the bound allows another value.
    pub(super) fn record_of(&mut self, c: usize) -> Option<&mut Recorded> {
        let st = &mut self.study;
        if !st.record || st.overflow {
            return None;
        }
        if st.kept >= MAX_RECORDED {
            st.overflow = true;
            return None;
        }
        st.kept += 1;
        Some(&mut self.cells[c].recorded)
    }

    /// Every cell's record (taken: the replay keeps none after).
    pub(crate) fn take_records(&mut self) -> Records {
        let mut cells = vec![(String::new(), Recorded::default()); self.cells.len()];
        for (k, &i) in &self.index {
            if let Some(c) = cells.get_mut(i) {
                *c = (
                    String::from_utf8_lossy(k).into_owned(),
                    std::mem::take(&mut self.cells[i].recorded),
                );
            }
        }
        Records {
            cells,
            origin: self.study.origin,
            overflow: self.study.overflow,
        }
    }

    /// The block a forecast of `t` falls in, if blocks are kept.
    pub(super) fn block_of(&self, t: f64) -> Option<i64> {
        let origin = self.study.origin?;
        (self.study.block > 0.0).then(|| ((t - origin) / self.study.block).floor() as i64)
    }

    /// What the trace study reads of a finished replay (errors in the file's units: times `scale`).
    pub(crate) fn trace_sums(&self, scale: f64) -> TraceSums {
        let list =
            |b: &Blocks| -> BlockSums { b.0.iter().map(|s| (s.0, s.1 * scale, s.2)).collect() };
        // The trace's interval: the shortest of its cells' steps.
        let step = (self.cells.iter().map(Cell::step_hours))
            .filter(|s| *s > 0.0)
            .fold(f64::INFINITY, f64::min);
        TraceSums {
            lanes: self
                .lanes
                .iter()
                .map(|l| (l.spec, list(&l.blocks)))
                .collect(),
            rule: list(&self.rule),
            cells: self.cells.len(),
            step_hours: if step.is_finite() { step } else { 0.0 },
            span_hours: if self.span.1 >= self.span.0 {
                self.span.1 - self.span.0
            } else {
                0.0
            },
            values: self.values,
            max_value: self.max_value * scale,
        }
    }
}

/// A lane's `(block, absolute error sum, forecasts)` in time order.
pub type BlockSums = Vec<(i64, f64, f64)>;

/// What the freshness map of a load trace reads of a finished replay ([`crate::replay::Session::trace`]).
#[derive(Clone, Debug, Default)]
pub struct TraceSums {
    /// Each lane and its `(block, absolute error sum, forecasts)` in time order, errors in the
    /// file's units.
    pub lanes: Vec<(crate::replay::LaneSpec, BlockSums)>,
    /// The same for the rule (the forecast is the last measured load).
    pub rule: Vec<(i64, f64, f64)>,
    pub cells: usize,
    /// The shortest of the cells' steps (hours).
    pub step_hours: f64,
    /// From the first time read to the last (hours).
    pub span_hours: f64,
    pub values: u64,
    /// The largest value read, in the file's units.
    pub max_value: f64,
}

/// Every lane's forecast from the cell's batch table (each lane's model taken now if the table
/// was just refreshed).
pub(super) fn batch(inputs: &mut Inputs, lanes: &[super::CellLane], x: &[f64; D], fc: &mut [f64]) {
    if inputs.fresh || inputs.models.len() != lanes.len() {
        inputs.models = lanes.iter().map(|cl| cl.serving().clone()).collect();
        inputs.fresh = false;
    }
    for (f, m) in fc.iter_mut().zip(&inputs.models) {
        *f = m.predict(x);
    }
}

/// Adds a lane's forecast error to its block.
pub(super) fn add_block(lane: &mut LaneOut, block: Option<i64>, abs_err: f64) {
    if let Some(b) = block {
        lane.blocks.add(b, abs_err);
    }
}
