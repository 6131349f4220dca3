//! Model-update schedules shared by both scenarios: frozen, periodic (stateless or stateful,
//! with a deploy delay), continual, and drift-triggered retraining.
//!
//! An [`Updater`] owns the trainer model, the examples it may retrain on, and what is deployed. The
//! caller feeds it labelled examples in the order their labels arrive and asks it what serves now.

use std::collections::VecDeque;

use crate::learn::detect::PageHinkley;
use crate::sim::config::{LaneConfig, Update};

/// Most examples a lane keeps for retraining; the oldest are dropped beyond it (bounds memory).
pub const MAX_BUFFER: usize = 400_000;
/// Most deploys waiting at once; the oldest waiting is dropped beyond it.
pub const MAX_PENDING: usize = 16;
/// Most retrain times remembered per lane for the timeline (counts are kept in the series regardless).
pub const MAX_MARKS: usize = 2000;

/// A learner the schedules can drive.
pub trait Learn: Clone {
    /// One labelled example.
    type Example: Clone;
    /// What serving needs (for FTRL only the weights).
    type Snapshot: Clone;
    /// One online update.
    fn learn(&mut self, ex: &Self::Example);
    /// Back to the untrained state.
    fn reset(&mut self);
    /// The live model's serving view.
    fn live(&self) -> &Self::Snapshot;
    /// Copies the serving view into `dst`, reusing its allocation.
    fn snapshot_into(&self, dst: &mut Self::Snapshot);
}

/// Runs one lane's update schedule.
#[derive(Clone, Debug)]
pub struct Updater<M: Learn> {
    pub model: M,
    update: Update,
    stateful: bool,
    every: f64,
    window: f64,
    deploy: f64,
    /// Examples (with their arrival time) a retrain may use.
    buf: VecDeque<(f64, M::Example)>,
    serving: Option<M::Snapshot>,
    pending: VecDeque<(f64, M::Snapshot)>,
    spare: Vec<M::Snapshot>,
    next_retrain: f64,
    last_retrain: f64,
    dirty: bool,
    detector: PageHinkley,
    /// Example-updates done after the warm-up (the cost of freshness).
    pub updates: u64,
    /// Retrains after the warm-up.
    pub retrains: u64,
    /// Times of retrains (minutes), at most [`MAX_MARKS`].
    pub marks: Vec<f64>,
}

impl<M: Learn> Updater<M> {
    /// A schedule for `model` as the lane configures it. Times are in minutes.
    pub fn new(model: M, lane: &LaneConfig, detector: PageHinkley) -> Self {
        Updater {
            model,
            update: lane.update,
            stateful: lane.stateful,
            every: (lane.every * 60.0).max(1.0),
            window: lane.window * 60.0,
            deploy: lane.deploy * 60.0,
            buf: VecDeque::new(),
            serving: None,
            pending: VecDeque::new(),
            spare: Vec::new(),
            next_retrain: f64::INFINITY,
            last_retrain: 0.0,
            dirty: false,
            detector,
            updates: 0,
            retrains: 0,
            marks: Vec::new(),
        }
    }

    fn retrains_periodically(&self) -> bool {
        matches!(self.update, Update::Periodic | Update::Triggered)
    }

    fn push(&mut self, t: f64, ex: M::Example) {
        if self.buf.len() >= MAX_BUFFER {
            self.buf.pop_front();
        }
        self.buf.push_back((t, ex));
    }

    /// A warm-up example: every lane learns it, and keeps it for a later stateless retrain.
    pub fn warmup(&mut self, t: f64, ex: &M::Example) {
        self.model.learn(ex);
        if self.keeps_warmup() {
            self.push(t, ex.clone());
        }
    }

    /// Whether the warm-up examples are kept for a later stateless retrain.
    pub fn keeps_warmup(&self) -> bool {
        self.retrains_periodically() && !self.stateful
    }

    /// Takes the warm-up result of another lane with the same learner and features: its model, and its
    /// kept examples if this lane keeps them too (the same as running the warm-up again, for less).
    pub fn adopt_warmup(&mut self, from: &Updater<M>) {
        self.model = from.model.clone();
        if self.keeps_warmup() {
            self.buf = from.buf.clone();
        }
    }

    /// Ends the warm-up at time `t0`: what was learned is deployed, the schedule starts.
    pub fn start(&mut self, t0: f64) {
        if self.retrains_periodically() {
            let mut snap = self.model.live().clone();
            self.model.snapshot_into(&mut snap);
            self.serving = Some(snap);
            if self.update == Update::Periodic {
                self.next_retrain = t0 + self.every;
            }
        }
        self.last_retrain = t0;
    }

    /// Runs the retrains and deploys due up to time `t` (inclusive).
    pub fn tick(&mut self, t: f64) {
        while self.next_retrain <= t {
            let at = self.next_retrain;
            self.deploy_due(at);
            self.retrain(at);
            self.next_retrain += self.every;
        }
        self.deploy_due(t);
    }

    fn deploy_due(&mut self, t: f64) {
        while self.pending.front().map(|p| p.0 <= t).unwrap_or(false) {
            let (_, snap) = self.pending.pop_front().expect("checked");
            if let Some(old) = self.serving.replace(snap) {
                self.spare.push(old);
            }
        }
    }

    fn retrain(&mut self, at: f64) {
        self.retrains += 1;
        self.last_retrain = at;
        if self.marks.len() < MAX_MARKS {
            self.marks.push(at);
        }
        if self.stateful {
            for (_, ex) in self.buf.drain(..) {
                self.model.learn(&ex);
                self.updates += 1;
                self.dirty = true;
            }
        } else {
            let from = at - self.window;
            while self.buf.front().map(|e| e.0 < from).unwrap_or(false) {
                self.buf.pop_front();
            }
            self.model.reset();
            for (_, ex) in &self.buf {
                self.model.learn(ex);
            }
            self.updates += self.buf.len() as u64;
            self.dirty = true;
        }
        if !self.dirty && self.pending.is_empty() {
            // Nothing new was learned: the deployed model is already this one.
            return;
        }
        self.dirty = false;
        let mut snap = self
            .spare
            .pop()
            .unwrap_or_else(|| self.model.live().clone());
        self.model.snapshot_into(&mut snap);
        if self.deploy <= 0.0 {
            if let Some(old) = self.serving.replace(snap) {
                self.spare.push(old);
            }
        } else {
            if self.pending.len() >= MAX_PENDING {
                self.pending.pop_front();
            }
            self.pending.push_back((at + self.deploy, snap));
        }
    }

    /// A labelled example arrives at time `t` (after the warm-up), with the loss the serving model
    /// had on it (for the drift detector).
    pub fn label(&mut self, t: f64, ex: M::Example, loss: f64) {
        self.tick(t);
        match self.update {
            Update::Frozen => {}
            Update::Continual => {
                self.model.learn(&ex);
                self.updates += 1;
            }
            Update::Periodic => self.push(t, ex),
            Update::Triggered => {
                self.push(t, ex);
                // At most one retrain an hour, however noisy the loss.
                if self.detector.update(loss) && t - self.last_retrain >= 60.0 {
                    self.deploy_due(t);
                    self.retrain(t);
                    self.detector.reset();
                }
            }
        }
    }

    /// What serves predictions now.
    pub fn serving(&self) -> &M::Snapshot {
        self.serving.as_ref().unwrap_or_else(|| self.model.live())
    }
}
