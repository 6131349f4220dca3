//! The one schedule engine: when a lane's model learns, retrains and deploys, and when its batch
//! predictions are recomputed. Every lane runs on it: the simulator's ad and cell lanes (time in
//! minutes) and the replay of a user's file (time in examples for a click log, in hours for a load
//! trace). A newcomer changing "stateless retrain" changes it here, once.
//!
//! The update schedules (Huyen 2022, "Real-time machine learning: challenges and solutions"):
//! - *frozen*: trained on the warm-up only;
//! - *periodic* every `every`: *stateless* (retrain from scratch on the examples of the last
//!   `window`) or *stateful* (continue from the current weights on the examples since the last
//!   retrain), each new model deployed `deploy` later;
//! - *continual*: every labelled example is learned as it arrives and serves at once;
//! - *triggered*: a Page-Hinkley detector on the serving model's loss starts a retrain, at most once
//!   per `cooldown`.
//!
//! A [`Schedule`] owns the trainer model, the examples a retrain may use (a [`Store`]) and what is
//! deployed. The caller feeds it labelled examples in the order their labels arrive and asks it
//! what serves now. An [`Every`] clock is the periodic part alone; a batch refresh
//! ([`Every::catch_up`]) runs once however many were missed.
//!
//! Several periodic retrains due at once (a gap in the data: no example arrives between them) run
//! only as far as their models can still serve: without a deploy delay, the last due one alone (a
//! stateless retrain learns its window, a stateful one what arrived since the last retrain: the
//! model each skipped retrain would have made is replaced before it serves a prediction); with a
//! delay, the last [`MAX_PENDING`]` + 1` (the one deployed by now and those still waiting). The
//! skipped ones are counted in [`Schedule::skipped`], not in [`Schedule::retrains`], so a gap of any
//! length costs O(1). (With a deploy delay over [`MAX_PENDING`] periods, deploys were already being
//! dropped; there the models served may differ from running every retrain.)

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::learn::detect::PageHinkley;

/// Most examples a simulated lane keeps for retraining; the oldest are dropped beyond it.
pub const MAX_BUFFER: usize = 400_000;
/// Most deploys waiting at once; the oldest waiting is dropped beyond it.
pub const MAX_PENDING: usize = 16;
/// Most retrain times remembered per lane for the timeline (counts are kept regardless).
pub const MAX_MARKS: usize = 2000;

/// How a lane's model is updated after the warm-up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Update {
    /// Trained on the warm-up only.
    Frozen,
    /// Retrained every `every`.
    Periodic,
    /// Updated after every labelled event.
    Continual,
    /// Retrained when a Page-Hinkley detector fires on the loss.
    Triggered,
}

/// A lane's schedule, on any time axis (the caller's unit for every duration).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    pub update: Update,
    /// Periodic or triggered retrains continue from the current weights (else from scratch).
    pub stateful: bool,
    /// Retrain interval (periodic).
    pub every: f64,
    /// A stateless retrain learns the examples of the last `window` (infinite: all kept).
    pub window: f64,
    /// Most examples kept for a stateless retrain; the oldest are dropped beyond it.
    pub keep: usize,
    /// A stateless retrain learns the warm-up's examples too, whatever its window. For a log whose
    /// labels depend on what the model chose (ads: only the ad shown gets a label), the warm-up,
    /// logged under a uniformly random policy, is the only part that covers every choice: a model
    /// retrained from scratch on its own greedy log alone never learns the ads it stopped showing,
    /// so it stops showing good ones (a degenerate feedback loop; on the stationary ads world a
    /// daily stateless retrain with a 7-day window lost 3.7 times the clicks of a frozen model once
    /// the warm-up left its window).
    pub keep_warmup: bool,
    /// Delay between a retrain and the deploy of its model.
    pub deploy: f64,
    /// Least time between two triggered retrains.
    pub cooldown: f64,
    /// Batch predictions are recomputed every `refresh` from the start (infinite: online lanes).
    pub refresh: f64,
}

impl Plan {
    /// Whether the lane retrains (periodically or when triggered) and so serves a deployed copy.
    pub fn retrains(&self) -> bool {
        matches!(self.update, Update::Periodic | Update::Triggered)
    }

    /// Whether labelled examples are kept for a stateless retrain (the warm-up's included).
    pub fn keeps_examples(&self) -> bool {
        self.retrains() && !self.stateful
    }
}

/// A periodic clock on any time axis: due at `first`, `first + every`, ...
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Every {
    every: f64,
    next: f64,
}

/// Due times a catch-up steps through one by one (the same times as popping each); beyond them the
/// rest of a gap is counted by multiplication, so a gap of any length costs O(1).
const STEPPED: u64 = 64;

/// The least time after `t` (the clock's period may be below the precision of a huge `t`).
fn after(t: f64) -> f64 {
    let u = t + t.abs() * f64::EPSILON;
    if u > t {
        u
    } else {
        t + f64::MIN_POSITIVE
    }
}

impl Every {
    /// First due at `first`, then every `every` (`every` must be positive).
    pub fn new(first: f64, every: f64) -> Self {
        Every { every, next: first }
    }

    /// Never due.
    pub fn never() -> Self {
        Every {
            every: f64::INFINITY,
            next: f64::INFINITY,
        }
    }

    /// The next due time.
    pub fn next(&self) -> f64 {
        self.next
    }

    /// Moves on by one period (at least to the next representable time).
    fn step(&mut self) {
        let at = self.next;
        self.next += self.every;
        if self.next <= at {
            self.next = after(at);
        }
    }

    /// Whether a due time is at most `t` (an infinite one never is).
    fn due(&self, t: f64) -> bool {
        self.next <= t && self.next.is_finite()
    }

    /// The earliest due time not after `t`, if any, and the clock moves on by one period: call it
    /// in a loop to run every occurrence (retrains).
    pub fn pop(&mut self, t: f64) -> Option<f64> {
        self.due(t).then(|| {
            let at = self.next;
            self.step();
            at
        })
    }

    /// Skips all but the last `keep` due times not after `t` (`keep` at least 1) and returns how many
    /// it skipped; [`Every::pop`] then gives the ones kept. Up to [`STEPPED`] due times are stepped
    /// one by one, the rest of a longer gap is counted by multiplication: O(1) whatever the gap.
    pub fn skip(&mut self, t: f64, keep: u64) -> u64 {
        let keep = keep.max(1);
        let mut probe = *self;
        let mut due = 0u64;
        while probe.due(t) && due < STEPPED + keep {
            probe.step();
            due += 1;
        }
        if due <= keep {
            return 0;
        }
        if !probe.due(t) {
            for _ in 0..due - keep {
                self.step();
            }
            return due - keep;
        }
        // A long gap: the last due time by multiplication, then back `keep - 1` periods.
        let mut periods = ((t - probe.next) / self.every).floor().max(0.0);
        if periods > 0.0 && probe.next + periods * self.every > t {
            periods -= 1.0;
        }
        // Rounding at huge times may overshoot `t`: the last due time is at most `t`.
        let last = (probe.next + periods * self.every).min(t);
        let back = (keep - 1) as f64 * self.every;
        self.next = (last - back).max(probe.next);
        due.saturating_add(periods as u64).saturating_add(1) - keep
    }

    /// Whether the clock is due at `t`; every occurrence up to `t` is consumed at once (a batch
    /// refresh is needed once, however many were missed).
    pub fn catch_up(&mut self, t: f64) -> bool {
        self.skip(t, 1);
        self.pop(t).is_some()
    }
}

/// A learner the schedule can drive: River's `predict_one` / `learn_one` pair ([`Learn::predict`],
/// [`Learn::learn`]), with what a schedule needs to retrain and deploy it. The loop that calls the two
/// in progressive validation's order is [`crate::learn::progressive`].
pub trait Learn<E>: Clone {
    /// What serving needs (for FTRL only the weights).
    type Snapshot: Clone;
    /// What a prediction is (FTRL: the logit; a regression: the value).
    type Output;
    /// The prediction of `serving` (a snapshot of this learner, or its live view) for `ex`.
    fn predict(serving: &Self::Snapshot, ex: &E) -> Self::Output;
    /// One online update.
    fn learn(&mut self, ex: &E);
    /// Back to the untrained state.
    fn reset(&mut self);
    /// The live model's serving view.
    fn live(&self) -> &Self::Snapshot;
    /// Copies the serving view into `dst`, reusing its allocation.
    fn snapshot_into(&self, dst: &mut Self::Snapshot);
    /// Brings `dst`, the snapshot deployed last (written by [`Learn::snapshot_into`] or this), up to
    /// date. A learner that knows what changed since copies only that; by default, everything.
    fn update_snapshot(&mut self, dst: &mut Self::Snapshot) {
        self.snapshot_into(dst);
    }
}

/// Examples kept (with their time) for a stateless retrain, oldest first.
pub trait Store<E>: Clone + Default {
    /// Appends an example labelled at time `t`.
    fn push(&mut self, t: f64, ex: &E);
    /// Examples kept.
    fn len(&self) -> usize;
    /// Whether nothing is kept.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Time of the oldest example.
    fn oldest(&self) -> Option<f64>;
    /// Drops the oldest example.
    fn pop_oldest(&mut self);
    /// Calls `f` on every example, oldest first.
    fn for_each(&mut self, f: impl FnMut(&E));
}

impl<E: Clone> Store<E> for VecDeque<(f64, E)> {
    fn push(&mut self, t: f64, ex: &E) {
        self.push_back((t, ex.clone()));
    }
    fn len(&self) -> usize {
        VecDeque::len(self)
    }
    fn oldest(&self) -> Option<f64> {
        self.front().map(|e| e.0)
    }
    fn pop_oldest(&mut self) {
        self.pop_front();
    }
    fn for_each(&mut self, mut f: impl FnMut(&E)) {
        self.iter().for_each(|e| f(&e.1));
    }
}

/// Runs one lane's update schedule.
#[derive(Clone, Debug)]
pub struct Schedule<E, M: Learn<E>, S: Store<E> = VecDeque<(f64, E)>> {
    /// The trainer: what a retrain learns on, and what serves between retrains of a continual or
    /// frozen lane.
    pub model: M,
    plan: Plan,
    kept: S,
    /// Warm-up examples a stateless retrain always learns ([`Plan::keep_warmup`]).
    warm: S,
    serving: Option<M::Snapshot>,
    pending: VecDeque<(f64, M::Snapshot)>,
    spare: Vec<M::Snapshot>,
    clock: Every,
    refresh: Every,
    last_retrain: f64,
    /// Stateful lanes: examples learned by the trainer since the last retrain (its cost, counted
    /// when the retrain runs).
    unsent: u64,
    /// Stateless lanes: whether the kept examples changed since the last retrain. A retrain on the
    /// same examples from scratch gives the same model bit for bit, so it is skipped (and still
    /// counted): a lane retraining more often than its data changes does no wasted work.
    changed: bool,
    detector: PageHinkley,
    /// Example-updates done after the warm-up (the cost of freshness).
    pub updates: u64,
    /// Retrains run after the warm-up (each trained a model).
    pub retrains: u64,
    /// Periodic retrains that fell due in a gap and were skipped: a later one, due before any new
    /// example, replaced their model before it could serve.
    pub skipped: u64,
    /// Times of retrains, at most [`MAX_MARKS`].
    pub marks: Vec<f64>,
    _example: std::marker::PhantomData<fn(&E)>,
}

impl<E, M: Learn<E>, S: Store<E>> Schedule<E, M, S> {
    /// A schedule for `model`; `detector` fires triggered retrains.
    pub fn new(model: M, plan: Plan, detector: PageHinkley) -> Self {
        Schedule {
            model,
            plan,
            kept: S::default(),
            warm: S::default(),
            serving: None,
            pending: VecDeque::new(),
            spare: Vec::new(),
            clock: Every::never(),
            refresh: Every::never(),
            last_retrain: 0.0,
            unsent: 0,
            changed: true,
            detector,
            updates: 0,
            retrains: 0,
            skipped: 0,
            marks: Vec::new(),
            _example: std::marker::PhantomData,
        }
    }

    /// When the next periodic retrain is due (infinite: none).
    pub fn next_retrain(&self) -> f64 {
        self.clock.next()
    }

    /// The plan it runs.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    fn keep(&mut self, t: f64, ex: &E) {
        self.changed = true;
        if self.kept.len() >= self.plan.keep {
            self.kept.pop_oldest();
        }
        if self.plan.keep > 0 {
            self.kept.push(t, ex);
        }
    }

    /// A warm-up example: the trainer learns it, and keeps it for a later stateless retrain.
    pub fn warmup(&mut self, t: f64, ex: &E) {
        self.model.learn(ex);
        self.changed = true;
        self.warmup_keep(t, ex);
    }

    /// A warm-up example another model learns for this lane (see [`Schedule::adopt`]): only kept
    /// for a later stateless retrain.
    pub fn warmup_keep(&mut self, t: f64, ex: &E) {
        if !self.keeps_warmup() {
            return;
        }
        if self.plan.keep_warmup {
            if self.warm.len() < self.plan.keep {
                self.warm.push(t, ex);
            }
        } else {
            self.keep(t, ex);
        }
    }

    /// Whether the warm-up examples are kept for a later stateless retrain.
    pub fn keeps_warmup(&self) -> bool {
        self.plan.keeps_examples()
    }

    /// Takes a warm-up model trained elsewhere (by a lane with the same learner and features).
    pub fn adopt(&mut self, model: M) {
        self.model = model;
        self.changed = true;
    }

    /// Takes the warm-up result of another lane with the same learner and features: its model, and
    /// its kept examples if this lane keeps them too (the same as running the warm-up again).
    pub fn adopt_warmup(&mut self, from: &Self) {
        self.model = from.model.clone();
        self.changed = true;
        if self.keeps_warmup() {
            self.kept = from.kept.clone();
            self.warm = from.warm.clone();
        }
    }

    /// Ends the warm-up at time `t0`: what was learned is deployed, the schedule starts.
    pub fn start(&mut self, t0: f64) {
        if self.plan.retrains() {
            let mut snap = self.model.live().clone();
            self.model.snapshot_into(&mut snap);
            self.serving = Some(snap);
            if self.plan.update == Update::Periodic {
                self.clock = Every::new(t0 + self.plan.every, self.plan.every);
            }
        }
        if self.plan.refresh.is_finite() {
            self.refresh = Every::new(t0, self.plan.refresh);
        }
        self.last_retrain = t0;
    }

    /// Whether batch predictions are due for a refresh at `t` (at the start, then every
    /// `refresh`; once however many were missed).
    pub fn refresh_due(&mut self, t: f64) -> bool {
        self.refresh.catch_up(t)
    }

    /// When the last retrain ran (the start if none did).
    pub fn last_retrain(&self) -> f64 {
        self.last_retrain
    }

    /// Runs the retrains and deploys due up to time `t` (inclusive); of several due at once, those
    /// whose model could no longer serve are skipped (see the module's documentation).
    pub fn tick(&mut self, t: f64) {
        let keep = if self.plan.deploy > 0.0 {
            MAX_PENDING as u64 + 1
        } else {
            1
        };
        self.skipped = self.skipped.saturating_add(self.clock.skip(t, keep));
        while let Some(at) = self.clock.pop(t) {
            self.deploy_due(at);
            self.retrain(at);
        }
        self.deploy_due(t);
    }

    fn deploy_due(&mut self, t: f64) {
        while self.pending.front().is_some_and(|p| p.0 <= t) {
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
        let learned = if self.plan.stateful {
            std::mem::take(&mut self.unsent)
        } else {
            let from = at - self.plan.window;
            while self.kept.oldest().is_some_and(|t| t < from) {
                self.kept.pop_oldest();
                self.changed = true;
            }
            if std::mem::take(&mut self.changed) {
                self.model.reset();
                let model = &mut self.model;
                self.warm.for_each(|ex| model.learn(ex));
                self.kept.for_each(|ex| model.learn(ex));
            }
            (self.warm.len() + self.kept.len()) as u64
        };
        self.updates += learned;
        if self.plan.stateful && learned == 0 && self.pending.is_empty() {
            // Nothing new was learned: the deployed model is already this one.
            return;
        }
        self.deploy_new(at);
    }

    fn deploy_new(&mut self, at: f64) {
        if self.plan.deploy <= 0.0 {
            match self.serving.as_mut() {
                Some(s) => self.model.update_snapshot(s),
                None => self.serving = Some(self.model.live().clone()),
            }
            return;
        }
        let mut snap = self
            .spare
            .pop()
            .unwrap_or_else(|| self.model.live().clone());
        self.model.snapshot_into(&mut snap);
        if self.pending.len() >= MAX_PENDING {
            self.pending.pop_front();
        }
        self.pending.push_back((at + self.plan.deploy, snap));
    }

    /// A labelled example arrives at time `t` (after the warm-up), with the loss the serving model
    /// had on it (for the drift detector). Retrains due before it run first.
    pub fn label(&mut self, t: f64, ex: &E, loss: f64) {
        self.tick(t);
        match self.plan.update {
            Update::Frozen => {}
            Update::Continual => {
                self.model.learn(ex);
                self.updates += 1;
            }
            Update::Periodic | Update::Triggered => {
                if self.plan.stateful {
                    // Learned now, counted and deployed when the retrain runs (the same model as
                    // learning the examples then, in the same order).
                    self.model.learn(ex);
                    self.unsent += 1;
                } else {
                    self.keep(t, ex);
                }
                if self.plan.update == Update::Triggered
                    && self.detector.update(loss)
                    && t - self.last_retrain >= self.plan.cooldown
                {
                    self.deploy_due(t);
                    self.retrain(t);
                    self.detector.reset();
                }
            }
        }
    }

    /// A continual lane's example learned outside the schedule (a fused predict-and-learn hot
    /// loop): counts its update.
    pub fn count_update(&mut self) {
        self.updates += 1;
    }

    /// What serves predictions now: the deployed copy of a retraining lane, else the live model.
    pub fn serving(&self) -> &M::Snapshot {
        self.serving.as_ref().unwrap_or_else(|| self.model.live())
    }

    /// The prediction of what serves now for `ex` ([`Learn::predict`] of [`Schedule::serving`]).
    #[inline]
    pub fn predict(&self, ex: &E) -> M::Output {
        M::predict(self.serving(), ex)
    }
}

#[cfg(test)]
mod tests;
