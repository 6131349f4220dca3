//! The cells lanes' forecasters (one, one per cluster, or one per cell), their features, and the
//! observed history they read.

use super::{clock, DAY, D_GLOBAL, D_LOCAL, HISTORY, INTERVAL};
use crate::base::units::MINUTES_PER_HOUR;
use crate::domain::load::load_features;
use crate::learn::linreg::Regressor;
use crate::learn::schedule::Learn;
use crate::sim::config::{LaneConfig, Scope};

/// Observed loads of every cell, the last [`HISTORY`] intervals.
#[derive(Clone, Debug)]
pub(super) struct History {
    pub(super) n: usize,
    ring: Vec<f64>,
}

impl History {
    pub(super) fn new(n: usize) -> Self {
        History {
            n,
            ring: vec![0.0; n * HISTORY],
        }
    }
    pub(super) fn put(&mut self, i: i64, loads: &[f64]) {
        let r = i.rem_euclid(HISTORY as i64) as usize;
        self.ring[r * self.n..(r + 1) * self.n].copy_from_slice(loads);
    }
    pub(super) fn get(&self, i: i64, cell: usize) -> f64 {
        let r = i.rem_euclid(HISTORY as i64) as usize;
        self.ring[r * self.n + cell]
    }
}

/// One training example of a forecaster.
#[derive(Clone, Debug)]
pub struct Example {
    model: u16,
    x: [f64; D_GLOBAL],
    pub(super) y: f64,
}

/// A lane's forecasters: one, one per cluster, or one per cell.
#[derive(Clone, Debug)]
pub struct Forecaster {
    scope: Scope,
    models: Vec<Regressor>,
}

impl Forecaster {
    /// The lane's learner, with its forgetting factor counted per hour of one cell's load (as when
    /// replaying an hourly trace), not per example: a model of `m` cells at 15-minute intervals
    /// learns `4 m` examples an hour and forgets by `lambda^(1 / 4 m)` each.
    ///
    /// Counted per example, the default 0.999 remembered 1000 examples: 3.5 days for a cluster's
    /// model, less than a day for a global one. A memory shorter than the week made every model
    /// a fit of its last few days (mostly weekdays, or mostly a weekend), so a snapshot deployed
    /// at midnight served the next day with the fit of the days before: on the stationary world a
    /// daily retrain was 1.4% worse than the frozen model (whose snapshot, taken on a Monday,
    /// happened to hold a weekend and weekdays), in 10 seeds of 10; a weekly retrain, always on
    /// Monday, was not. With this memory (and weekend harmonics, see [`load_features`]), over 30
    /// seeds of 60 days: stateful daily retrain 0.996 of frozen's MAE (better in 27), stateless
    /// on a 7-day window 0.9995 (better in 14: a 7-day model and the frozen 6-day one are alike).
    pub(super) fn new(lane: &LaneConfig, cells: usize) -> Self {
        let (n, d) = match lane.scope {
            Scope::Global => (1, D_GLOBAL),
            Scope::Cluster => (4, D_LOCAL),
            Scope::Cell => (cells, D_LOCAL),
        };
        let per_hour = MINUTES_PER_HOUR / INTERVAL * (cells as f64 / n as f64).max(1.0);
        let mut reg = lane.reg;
        reg.forgetting = libm::pow(reg.forgetting, 1.0 / per_hour);
        Forecaster {
            scope: lane.scope,
            models: vec![Regressor::new(reg, d); n],
        }
    }

    pub(super) fn model_of(&self, cell: usize, cluster: usize) -> usize {
        match self.scope {
            Scope::Global => 0,
            Scope::Cluster => cluster,
            Scope::Cell => cell,
        }
    }

    pub(super) fn predict(&self, ex: &Example) -> f64 {
        let m = &self.models[ex.model as usize];
        m.predict(&ex.x[..m.weights().len()])
    }
}

impl Learn<Example> for Forecaster {
    type Snapshot = Forecaster;
    type Output = f64;
    fn predict(serving: &Forecaster, ex: &Example) -> f64 {
        serving.predict(ex)
    }
    fn learn(&mut self, ex: &Example) {
        let m = &mut self.models[ex.model as usize];
        let d = m.weights().len();
        m.learn(&ex.x[..d], ex.y);
    }
    fn reset(&mut self) {
        self.models.iter_mut().for_each(Regressor::reset);
    }
    fn live(&self) -> &Forecaster {
        self
    }
    fn snapshot_into(&self, dst: &mut Forecaster) {
        dst.clone_from(self);
    }
}

/// Features for forecasting cell `cell` in interval `i` with observations known up to interval `known`
/// (exclusive): the last load known, and the load a day before `i` if known (else the latest known).
pub(super) fn features(
    hist: &History,
    cell: usize,
    cluster: usize,
    i: i64,
    known: i64,
    global: bool,
    model: usize,
) -> Example {
    let (hour, weekend) = clock(i);
    let mut x = [0.0; D_GLOBAL];
    x[..D_LOCAL].copy_from_slice(&load_features(
        hour,
        weekend,
        hist.get(known - 1, cell),
        hist.get((i - DAY as i64).min(known - 1), cell),
    ));
    if global {
        x[D_LOCAL + cluster] = 1.0;
    }
    Example {
        model: model as u16,
        x,
        y: 0.0,
    }
}

/// Batch forecasts of intervals `i .. i + period` of every cell (`out[(j - i) * cells + cell]`),
/// made at `i` by `model` from the observations known then: what a batch lane serves until its next
/// refresh, and what its tuning scores (`cluster[cell]`: each cell's cluster).
pub(super) fn batch_forecasts(
    hist: &History,
    cluster: &[usize],
    model: &Forecaster,
    (i, period): (i64, i64),
    global: bool,
    out: &mut Vec<f64>,
) {
    out.clear();
    for j in i..i + period {
        for (cell, &k) in cluster.iter().enumerate().take(hist.n) {
            let ex = features(hist, cell, k, j, i, global, model.model_of(cell, k));
            out.push(model.predict(&ex));
        }
    }
}
