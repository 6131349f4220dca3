//! One lane of the cells experiment, and its step through an interval in progressive validation's
//! order ([`crate::learn::progressive`]): labels that have arrived are learned and retrains due run,
//! every cell's load is forecast, the cells to sleep chosen and the outcome scored, and the
//! interval's loads leave as the lane's labels.

use super::forecast::{batch_forecasts, features, Example, Forecaster};
use super::references::Refs;
use super::{CellsSim, GB_PER_CELL_INTERVAL, INTERVAL};
use crate::domain::network::{Sleeper, Step};
use crate::learn::detect::PageHinkley;
use crate::learn::progressive::{Deliver, Evaluated, Fifo, Label, Progressive};
use crate::learn::schedule::Schedule;
use crate::sim::config::{LaneConfig, Mode, Policy, Scope, Update};
use crate::sim::series::cells as f;

/// An interval's labels of one lane: every cell's example with the serving model's error on it.
pub(super) type Labels = Vec<(Example, f64)>;

/// One lane of the cells experiment.
pub struct Lane {
    pub(super) cfg: LaneConfig,
    pub(super) schedule: Schedule<Example, Forecaster>,
    /// Labels on their way to the learner (an interval's at a time), and the loop.
    pub(super) progressive: Progressive<Fifo<Labels>>,
    /// Batch forecasts: `batch[(i - batch_from) * cells + cell]`.
    pub(super) batch: Vec<f64>,
    pub(super) batch_from: i64,
    /// Which boosters sleep, and the coverage cells' last measured loads.
    pub(super) state: Sleeper,
    pub(super) forecast: Vec<f64>,
    /// Below this expected load a booster may sleep (tuned, or the threshold less the margin).
    pub(super) level: f64,
    /// Forecasts that were not finite or absurd (beyond +-10 capacities): the model diverged.
    pub wild: u64,
}

impl Lane {
    /// Retrain times (minutes) of this lane.
    pub fn marks(&self) -> &[f64] {
        &self.schedule.marks
    }

    /// Lanes with the same key learn the same model: a model lane's settings but those of how its
    /// predictions are served (online or batch, the refresh period, exploration), unless a drift
    /// detector retrains it (it reads the lane's own errors). None: a lane that learns nothing.
    pub(super) fn model_key(&self) -> Option<LaneConfig> {
        let learns = self.cfg.policy == Policy::Model && self.cfg.update != Update::Triggered;
        learns.then(|| LaneConfig {
            mode: Mode::Online,
            refresh: 0.0,
            explore: 0.0,
            ..self.cfg.clone()
        })
    }
}

/// Fixed parameters of the drift detector on the absolute forecast error.
pub(super) fn detector() -> PageHinkley {
    PageHinkley::new(0.01, 3.0, 96)
}

/// Lane `l` of a cells experiment through interval `i`.
pub(super) struct LaneStep<'a> {
    pub(super) sim: &'a mut CellsSim,
    pub(super) l: usize,
    pub(super) i: i64,
    /// The references' outcomes of the interval.
    pub(super) refs: &'a Refs,
}

impl Deliver for LaneStep<'_> {
    type Example = Labels;

    fn learn(&mut self, at: f64, labels: &Labels, _: f64) {
        let schedule = &mut self.sim.lanes[self.l].schedule;
        for (ex, loss) in labels {
            schedule.label(at, ex, *loss);
        }
    }

    fn ready(&mut self, t: f64) {
        // A lane served from another's model has no retrains of its own.
        if self.sim.trainer[self.l] == self.l {
            self.sim.lanes[self.l].schedule.tick(t);
        }
    }
}

impl Evaluated for LaneStep<'_> {
    type Input = [f64];
    type Prediction = ();

    /// Every cell's forecast, in the lane's `forecast`.
    fn predict(&mut self, _: f64, loads: &[f64]) {
        self.sim.forecast(self.l, self.i, loads);
    }

    /// The cells to sleep, the interval's outcome against the references, and the labels.
    fn score<'x>(&mut self, t: f64, loads: &'x [f64], _: ()) -> Label<'x, Labels> {
        let (sim, l) = (&mut *self.sim, self.l);
        let n = loads.len();
        let lane = &mut sim.lanes[l];
        let mut sleep = vec![false; n];
        match lane.cfg.policy {
            Policy::Baseline => {}
            Policy::Oracle => {
                if let Some(s) = sim.refs.plan.as_ref().and_then(|p| p.get(self.i as usize)) {
                    sleep.copy_from_slice(s);
                }
            }
            // The rule's forecast is the last measured load, a model's its forecast.
            Policy::Rule | Policy::Model => sim.net.decide_all(
                &sim.members,
                &lane.forecast,
                lane.level,
                &lane.state.cover,
                &mut sleep,
            ),
        }
        let waking: Vec<bool> = (0..n).map(|c| lane.state.asleep[c] && !sleep[c]).collect();
        let out = sim.net.step(&sim.members, &mut lane.state, &sleep, loads);
        sim.inside_lane(l, t, loads, (&sleep, &waking), &out.congested);
        sim.score(l, t, loads, &out, self.refs);
        sim.labels(l, self.i, loads)
    }
}

impl CellsSim {
    /// Lane `l`'s forecasts of interval `i`: the oracle knows the loads, the baseline and the rule
    /// repeat the last interval, a model forecasts online or reads its batch table (refreshed when due).
    pub(super) fn forecast(&mut self, l: usize, i: i64, loads: &[f64]) {
        let n = self.hist.n;
        let t = i as f64 * INTERVAL;
        // The model it serves from: its own, or its trainer's (an earlier lane, stepped already
        // through this interval).
        let (before, after) = self.lanes.split_at_mut(l);
        let lane = &mut after[0];
        let trainer = (before.get(self.trainer[l])).map(|t| &t.schedule);
        let global = lane.cfg.scope == Scope::Global;
        match lane.cfg.policy {
            Policy::Oracle => lane.forecast.copy_from_slice(loads),
            Policy::Baseline | Policy::Rule => {
                for cell in 0..n {
                    lane.forecast[cell] = self.hist.get(i - 1, cell);
                }
            }
            Policy::Model if lane.cfg.mode == Mode::Batch => {
                if lane.schedule.refresh_due(t) {
                    // Forecasts of the whole period, from the inputs known now.
                    let period = (lane.schedule.plan().refresh / INTERVAL) as i64;
                    lane.batch_from = i;
                    let serving = trainer.unwrap_or(&lane.schedule).serving();
                    let cluster = &self.world.cluster;
                    batch_forecasts(
                        &self.hist,
                        cluster,
                        serving,
                        (i, period),
                        global,
                        &mut lane.batch,
                    );
                }
                let off = (i - lane.batch_from) as usize * n;
                lane.forecast.copy_from_slice(&lane.batch[off..off + n]);
            }
            Policy::Model => {
                let schedule = trainer.unwrap_or(&lane.schedule);
                for cell in 0..n {
                    let k = self.world.cluster[cell];
                    let m = schedule.serving().model_of(cell, k);
                    let ex = features(&self.hist, cell, k, i, i, global, m);
                    lane.forecast[cell] = schedule.predict(&ex);
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
    pub(super) fn score(&mut self, l: usize, t: f64, loads: &[f64], out: &Step, refs: &Refs) {
        let abs_err: f64 = (self.lanes[l].forecast.iter())
            .zip(loads)
            .map(|(f, y)| if f.is_finite() { (f - y).abs() } else { *y })
            .sum();
        let c = &self.world.cfg.cells;
        let scale = c.network_cells / c.cells.max(1) as f64;
        let net = &self.net;
        let o = &out.outcome;
        // What decides: the level of a lane that sleeps on an expectation, none for the others.
        let level = match self.lanes[l].cfg.policy {
            Policy::Rule | Policy::Model => Some(self.lanes[l].level),
            _ => None,
        };
        let s = &mut self.series;
        s.add(l, t, f::ENERGY_KWH, net.kwh(o));
        s.add(l, t, f::DEGRADED_GB, o.degraded * GB_PER_CELL_INTERVAL);
        s.add(l, t, f::CONGESTED_MIN, o.congested_min);
        s.add(l, t, f::CONGESTED_USER_MIN, o.congested_user_min);
        s.add(l, t, f::COMPLAINTS, net.complaints(o));
        s.add(l, t, f::COST, net.cost(o));
        s.add(l, t, f::ASLEEP, out.asleep as f64);
        s.add(l, t, f::LEVEL, level.unwrap_or(0.0));
        s.add(l, t, f::LEVELLED, level.is_some() as u8 as f64);
        s.add(l, t, f::INTERVALS, 1.0);
        s.add(l, t, f::SCALE, scale);
        s.add(l, t, f::ALWAYS_ON_KWH, net.kwh(&refs.always.outcome));
        s.add(l, t, f::ALWAYS_ON_COST, net.cost(&refs.always.outcome));
        s.add(l, t, f::RULE_COST, net.cost(&refs.rule.outcome));
        let (okwh, ocost) = refs.oracle.as_ref().map_or((f64::NAN, f64::NAN), |r| {
            (net.kwh(&r.outcome), net.cost(&r.outcome))
        });
        s.add(l, t, f::ORACLE_KWH, okwh);
        s.add(l, t, f::ORACLE_COST, ocost);
        s.add(l, t, f::ABS_ERROR, abs_err);
        s.add(l, t, f::FORECASTS, loads.len() as f64);
        s.add(l, t, f::OFFERED_LOAD, loads.iter().sum());
    }

    /// Interval `i`'s loads become lane `l`'s labels at its end, plus the label delay, each with the
    /// serving model's error on it (for the drift detector).
    fn labels(&self, l: usize, i: i64, loads: &[f64]) -> Label<'static, Labels> {
        let lane = &self.lanes[l];
        let frozen = lane.cfg.update == Update::Frozen;
        if lane.cfg.policy != Policy::Model || frozen || self.trainer[l] != l {
            return Label::None;
        }
        let global = lane.cfg.scope == Scope::Global;
        let arrive = (i + 1) as f64 * INTERVAL + lane.cfg.label_delay;
        let mut labels = Vec::with_capacity(loads.len());
        for (cell, &y) in loads.iter().enumerate() {
            let k = self.world.cluster[cell];
            let m = lane.schedule.model.model_of(cell, k);
            let mut ex = features(&self.hist, cell, k, i, i, global, m);
            ex.y = y;
            let loss = (lane.schedule.predict(&ex) - ex.y).abs();
            labels.push((ex, loss));
        }
        Label::later(arrive, labels, 0.0)
    }

    /// Lane `l`'s retrains and example-updates so far (those of the model it serves from).
    pub(super) fn lane_costs(&self, l: usize) -> (u64, u64) {
        let s = &self.lanes[self.trainer[l]].schedule;
        (s.retrains, s.updates)
    }

    /// Adds lane `l`'s retrains and updates since `before` to the series at `t` (a lane served
    /// from another's model: its trainer's, `before` being the trainer's too, taken before the
    /// interval: the trainer, an earlier lane, has stepped through it already).
    pub(super) fn count_costs(&mut self, l: usize, t: f64, before: (u64, u64)) {
        let now = self.lane_costs(l);
        self.series
            .add(l, t, f::RETRAINS, (now.0 - before.0) as f64);
        self.series.add(l, t, f::UPDATES, (now.1 - before.1) as f64);
    }
}
