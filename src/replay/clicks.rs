//! Click logs in Vowpal Wabbit text format, replayed through FTRL-Proximal lanes (McMahan et al. 2013).

use std::borrow::Cow;
use std::collections::VecDeque;

use super::buckets::{Auc, Buckets, EXAMPLE_LADDER};
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use super::vw::Parsed;
pub(crate) use super::vw::{parse_line, Example};
use super::{LaneSpec, ReplayOptions, MAX_LANES};
use crate::base::metrics::{log_loss, LOG_LOSS_CLAMP};
use crate::base::rng::sigmoid;
use crate::learn::detect::PageHinkley;
use crate::learn::ftrl::Ftrl as Model;
use crate::learn::ftrl::{Feature, FtrlParams, Labelled};
use crate::learn::progressive::{Deliver, Evaluated, Label, Labels, Progressive};
use crate::learn::schedule::{self, Learn, Plan, Schedule, Update};

/// Examples kept for retraining or waiting for their label: bucket indices and values in two flat
/// rings (no allocation per example).
#[derive(Clone, Debug, Default)]
struct Store {
    idx: VecDeque<u32>,
    val: VecDeque<f64>,
    /// (number of features, label, weight, time) per example, oldest first.
    heads: VecDeque<(u32, f64, f64, f64)>,
    scratch: Example,
}

impl Store {
    fn pop_into(&mut self, ex: &mut Example) -> bool {
        let Some((n, y, w, _)) = self.heads.pop_front() else {
            return false;
        };
        ex.x.clear();
        for _ in 0..n {
            if let (Some(index), Some(value)) = (self.idx.pop_front(), self.val.pop_front()) {
                ex.x.push(Feature { index, value });
            }
        }
        ex.y = y;
        ex.w = w;
        true
    }
}

/// The label-delay queue: a label arrives once `delay` later examples were predicted.
impl Labels<Example> for Store {
    fn push(&mut self, at: f64, ex: Cow<'_, Example>, _: f64) {
        schedule::Store::push(self, at, &ex);
    }

    fn pop_due(&mut self, t: f64, mut learn: impl FnMut(f64, &Example, f64)) {
        let mut s = std::mem::take(&mut self.scratch);
        while let Some(&(_, _, _, at)) = self.heads.front().filter(|h| h.3 <= t) {
            self.pop_into(&mut s);
            learn(at, &s, 0.0);
        }
        self.scratch = s;
    }
}

impl schedule::Store<Example> for Store {
    fn push(&mut self, t: f64, ex: &Example) {
        self.idx.extend(ex.x.iter().map(|f| f.index));
        self.val.extend(ex.x.iter().map(|f| f.value));
        self.heads.push_back((ex.x.len() as u32, ex.y, ex.w, t));
    }

    fn len(&self) -> usize {
        self.heads.len()
    }

    fn oldest(&self) -> Option<f64> {
        self.heads.front().map(|h| h.3)
    }

    fn pop_oldest(&mut self) {
        if let Some((n, _, _, _)) = self.heads.pop_front() {
            self.idx.drain(..n as usize);
            self.val.drain(..n as usize);
        }
    }

    fn for_each(&mut self, mut f: impl FnMut(&Example)) {
        let mut off = 0;
        let scratch = &mut self.scratch;
        for &(n, y, w, _) in &self.heads {
            let n = n as usize;
            scratch.x.clear();
            scratch.x.extend(
                self.idx
                    .range(off..off + n)
                    .zip(self.val.range(off..off + n))
                    .map(|(&index, &value)| Feature { index, value }),
            );
            scratch.y = y;
            scratch.w = w;
            f(scratch);
            off += n;
        }
    }
}

/// Algorithm 1 with an importance weight `w`: the gradient is scaled by `w`, done exactly through the
/// label (`g = (p - y') x` with `y' = p - w (p - y)` equals `w (p - y) x`). Returns the logit and the
/// probability predicted first.
#[inline]
fn learn(m: &mut Model, ex: &Example) -> (f64, f64) {
    if ex.w == 1.0 {
        m.learn_scored(&ex.x, ex.y)
    } else {
        let z = m.logit(&ex.x);
        let p = sigmoid(z);
        if ex.w > 0.0 {
            m.learn(&ex.x, p - ex.w * (p - ex.y));
        }
        (z, p)
    }
}

impl Labelled for Example {
    fn learn_into(&self, m: &mut Model) {
        learn(m, self);
    }
    #[inline]
    fn logit(&self, w: &[f64]) -> f64 {
        self.x.iter().map(|f| w[f.index as usize] * f.value).sum()
    }
}

/// FTRL for a click lane: the features learned since the deployed snapshot was last brought up to
/// date are remembered, so that a stateful lane's deploy copies only those weights instead of all
/// `2^bits` of them (a retrain every few thousand examples would otherwise copy the whole array each
/// time).
#[derive(Clone, Debug)]
pub(crate) struct Tracked {
    m: Model,
    /// Buckets changed since the last update, once each (`marked` is a bit set over the buckets).
    changed: Vec<u32>,
    marked: Vec<u64>,
    /// Everything may have changed (a reset, a new model): the next update copies it all.
    all: bool,
}

impl From<Model> for Tracked {
    fn from(m: Model) -> Self {
        let words = m.size().div_ceil(64);
        Tracked {
            m,
            changed: Vec::new(),
            marked: vec![0; words],
            all: true,
        }
    }
}

impl Learn<Example> for Tracked {
    type Snapshot = Vec<f64>;
    type Output = f64;
    #[inline]
    fn predict(w: &Vec<f64>, ex: &Example) -> f64 {
        ex.logit(w)
    }
    fn learn(&mut self, ex: &Example) {
        learn(&mut self.m, ex);
        if !self.all {
            for f in &ex.x {
                let i = f.index as usize;
                let (word, bit) = (i / 64, 1u64 << (i % 64));
                if self.marked[word] & bit == 0 {
                    self.marked[word] |= bit;
                    self.changed.push(f.index);
                }
            }
        }
    }
    fn reset(&mut self) {
        self.m.reset();
        self.all = true;
    }
    fn live(&self) -> &Vec<f64> {
        Learn::<Example>::live(&self.m)
    }
    fn snapshot_into(&self, dst: &mut Vec<f64>) {
        Learn::<Example>::snapshot_into(&self.m, dst);
    }
    fn update_snapshot(&mut self, dst: &mut Vec<f64>) {
        if self.all || dst.len() != self.m.size() {
            Learn::<Example>::snapshot_into(&self.m, dst);
        } else {
            let w = self.m.weights();
            for &i in &self.changed {
                dst[i as usize] = w[i as usize];
            }
        }
        for &i in &self.changed {
            self.marked[i as usize / 64] = 0;
        }
        self.changed.clear();
        self.all = false;
    }
}

/// Accumulators of a click lane per bucket.
pub(crate) mod f {
    pub const WEIGHT: usize = 0;
    pub const LOG_LOSS: usize = 1;
    pub const CLICKS: usize = 2;
    pub const P_SUM: usize = 3;
    pub const UPDATES: usize = 4;
    pub const RETRAINS: usize = 5;
    pub const COUNT: usize = 6;
    pub const FIELDS: usize = 7;
}

/// One lane's model, schedule and outcomes.
pub(crate) struct Lane {
    pub spec: LaneSpec,
    schedule: Schedule<Example, Tracked, Store>,
    pub totals: [f64; f::FIELDS],
    pub auc: Auc,
    pub series: Buckets,
}

/// A click lane's schedule: time counts examples after the warm-up.
fn plan(spec: LaneSpec) -> Plan {
    let (update, stateful, every, keep) = match spec {
        LaneSpec::Frozen => (Update::Frozen, false, f64::INFINITY, 0),
        LaneSpec::Continual => (Update::Continual, false, f64::INFINITY, 0),
        LaneSpec::Stateful { every } => (Update::Periodic, true, every, 0),
        LaneSpec::Stateless { every, window } => (Update::Periodic, false, every, window as usize),
    };
    Plan {
        update,
        stateful,
        every: every.max(1.0),
        window: f64::INFINITY,
        keep,
        keep_warmup: false,
        deploy: 0.0,
        cooldown: f64::INFINITY,
        refresh: f64::INFINITY,
    }
}

impl Lane {
    fn new(spec: LaneSpec, warm: Model) -> Self {
        Lane {
            spec,
            schedule: Schedule::new(
                Tracked::from(warm),
                plan(spec),
                PageHinkley::new(0.0, f64::INFINITY, 1),
            ),
            totals: [0.0; f::FIELDS],
            auc: Auc::new(),
            series: Buckets::new(EXAMPLE_LADDER, f::FIELDS),
        }
    }

    fn count(&mut self, t: f64, field: usize, v: f64) {
        self.totals[field] += v;
        self.series.at(t)[field] += v;
    }

    /// Runs `f` on the schedule and counts the updates and retrains it did at example `t`.
    fn counted(&mut self, t: f64, f: impl FnOnce(&mut Schedule<Example, Tracked, Store>)) {
        let before = (self.schedule.retrains, self.schedule.updates);
        f(&mut self.schedule);
        let retrains = self.schedule.retrains - before.0;
        let updates = self.schedule.updates - before.1;
        if retrains > 0 {
            self.count(t, f::RETRAINS, retrains as f64);
        }
        if updates > 0 {
            self.count(t, f::UPDATES, updates as f64);
        }
    }

    /// A label arrives (after the warm-up) while example `t` is replayed.
    fn label(&mut self, ex: &Example, t: f64) {
        self.counted(t, |s| s.label(t, ex, 0.0));
    }
}

/// The click-log replay: parser state, warm-up model, lanes and the label-delay queue.
pub(crate) struct Clicks {
    mask: u32,
    params: FtrlParams,
    bits: u32,
    warmup: u64,
    delay: usize,
    /// Examples read (warm-up included).
    pub examples: u64,
    /// The warm-up model, made at the first example (a session that waits on the file's length
    /// replaces this engine before then), taken by the lanes when the warm-up ends.
    warm: Option<Model>,
    pub lanes: Vec<Lane>,
    /// Labels waiting for their delay, and the loop.
    progressive: Progressive<Store>,
    ex: Example,
}

impl Clicks {
    pub fn new(opts: &ReplayOptions, lanes: &[LaneSpec], warmup: f64) -> Self {
        let bits = opts.bits.clamp(1, 24);
        let mut c = Clicks {
            mask: ((1u64 << bits) - 1) as u32,
            params: opts.ftrl,
            bits,
            warmup: warmup as u64,
            delay: opts.label_delay as usize,
            examples: 0,
            warm: None,
            lanes: lanes
                .iter()
                .map(|&s| Lane::new(s, Model::new(opts.ftrl, 1)))
                .collect(),
            progressive: Progressive::default(),
            ex: Example::default(),
        };
        if c.warmup == 0 {
            c.start();
        }
        c
    }

    /// Ends the warm-up: every lane starts from the model trained on it.
    fn start(&mut self) {
        let warm = self
            .warm
            .take()
            .unwrap_or_else(|| Model::new(self.params, self.bits));
        // The last lane takes the warm model itself, the others a copy.
        if let Some((last, rest)) = self.lanes.split_last_mut() {
            for lane in rest {
                lane.schedule.adopt(Tracked::from(warm.clone()));
                lane.schedule.start(0.0);
            }
            last.schedule.adopt(Tracked::from(warm));
            last.schedule.start(0.0);
        }
    }

    /// Feature buckets - 1 (what [`parse_line`] needs).
    pub fn mask(&self) -> u32 {
        self.mask
    }

    /// Parses and replays one line.
    pub fn line(&mut self, line: &[u8]) -> Result<(), String> {
        let mut ex = std::mem::take(&mut self.ex);
        let r = parse_line(line, self.mask, &mut ex);
        if let Ok(true) = r {
            self.example(&ex);
        }
        self.ex = ex;
        r.map(|_| ())
    }

    /// Asks for the FTRL slots the next example will touch while this one is replayed (see
    /// [`Model::prefetch`]): those of the warm-up model, or of the lanes that learn it as it comes.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn prefetch(&self, next: &Example) {
        match &self.warm {
            Some(warm) => warm.prefetch(&next.x),
            None if self.delay == 0 => {
                for lane in &self.lanes {
                    if lane.spec == LaneSpec::Continual {
                        lane.schedule.model.m.prefetch(&next.x);
                    }
                }
            }
            None => {}
        }
    }

    /// Replays one parsed example.
    pub(crate) fn example(&mut self, ex: &Example) {
        let i = self.examples;
        self.examples += 1;
        if i < self.warmup {
            let (params, bits) = (self.params, self.bits);
            learn(
                self.warm.get_or_insert_with(|| Model::new(params, bits)),
                ex,
            );
            let t = i as f64 - self.warmup as f64;
            for lane in &mut self.lanes {
                lane.schedule.warmup_keep(t, ex);
            }
            if i + 1 == self.warmup {
                self.start();
            }
            return;
        }
        let t = (i - self.warmup) as f64;
        let mut step = Examples {
            lanes: &mut self.lanes,
            delay: self.delay,
            t,
        };
        self.progressive.test_then_train(&mut step, t, ex);
        // The example's interval ends: the labels that have arrived by the next example are
        // learned, and retrains due by then run (the next step's first half, its time known).
        self.progressive.deliver(&mut step, t + 1.0);
    }
}

/// Every lane at example `t` of a click log: what the one loop ([`crate::learn::progressive`]) asks
/// of the replay. A label is learned (and counted) at the example whose step learns it.
struct Examples<'a> {
    lanes: &'a mut [Lane],
    /// Label delay, in examples.
    delay: usize,
    t: f64,
}

impl Examples<'_> {
    /// A continual lane without a label delay predicts and learns in one pass over the features.
    fn fused(&self, lane: &Lane) -> bool {
        self.delay == 0 && lane.spec == LaneSpec::Continual
    }
}

impl Deliver for Examples<'_> {
    type Example = Example;

    fn learn(&mut self, _: f64, ex: &Example, _: f64) {
        let t = self.t;
        for i in 0..self.lanes.len() {
            if !self.fused(&self.lanes[i]) {
                self.lanes[i].label(ex, t);
            }
        }
    }

    fn ready(&mut self, next: f64) {
        let t = self.t;
        for lane in self.lanes.iter_mut() {
            lane.counted(t, |s| s.tick(next));
        }
    }
}

impl Evaluated for Examples<'_> {
    type Input = Example;
    /// Every lane's logit and probability.
    type Prediction = [(f64, f64); MAX_LANES];

    fn predict(&mut self, t: f64, ex: &Example) -> [(f64, f64); MAX_LANES] {
        debug_assert!(
            self.lanes.len() <= MAX_LANES,
            "--lanes allows at most MAX_LANES"
        );
        let mut zp = [(0.0, 0.0); MAX_LANES];
        for (i, out) in zp.iter_mut().enumerate().take(self.lanes.len()) {
            let fused = self.fused(&self.lanes[i]);
            let lane = &mut self.lanes[i];
            *out = if fused {
                // The hot loop: predict and learn in one pass over the features.
                let zp = learn(&mut lane.schedule.model.m, ex);
                lane.schedule.count_update();
                lane.count(t, f::UPDATES, 1.0);
                zp
            } else {
                let z = lane.schedule.predict(ex);
                (z, sigmoid(z))
            };
        }
        zp
    }

    fn score<'x>(
        &mut self,
        t: f64,
        ex: &'x Example,
        zp: [(f64, f64); MAX_LANES],
    ) -> Label<'x, Example> {
        for (lane, &(z, p)) in self.lanes.iter_mut().zip(&zp) {
            // Labels are 0 or 1: one logarithm.
            let loss = log_loss(p, ex.y > 0.5);
            let p = p.clamp(LOG_LOSS_CLAMP, 1.0 - LOG_LOSS_CLAMP);
            lane.auc.add(z, ex.y, ex.w);
            let row = [
                (f::WEIGHT, ex.w),
                (f::LOG_LOSS, ex.w * loss),
                (f::CLICKS, ex.w * ex.y),
                (f::P_SUM, ex.w * p),
                (f::COUNT, 1.0),
            ];
            let b = lane.series.at(t);
            for &(k, v) in &row {
                b[k] += v;
            }
            for &(k, v) in &row {
                lane.totals[k] += v;
            }
        }
        if self.delay == 0 {
            Label::Now(Cow::Borrowed(ex), 0.0)
        } else {
            // Learned after example `t + delay` is predicted, before the one after it.
            Label::Later(t + self.delay as f64 + 0.5, Cow::Borrowed(ex), 0.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn importance_weights_scale_the_gradient_exactly() {
        // Weight 2 doubles the gradient of Algorithm 1 (as Vowpal Wabbit's `--ftrl` does).
        let ex = Example {
            y: 1.0,
            w: 2.0,
            x: vec![Feature {
                index: 3,
                value: 1.0,
            }],
        };
        let mut m = Model::new(
            FtrlParams {
                alpha: 0.1,
                beta: 1.0,
                l1: 0.0,
                l2: 0.0,
            },
            4,
        );
        let (z, p) = learn(&mut m, &ex);
        assert_eq!((z, p), (0.0, 0.5));
        // g = 2 * (0.5 - 1) = -1, n = 1, sigma = (1 - 0) / 0.1 = 10, z = -1, w = 1 / ((1 + 1) / 0.1) = 0.05.
        assert!((m.weight(3) - 0.05).abs() < 1e-12, "{}", m.weight(3));
        let mut zero = Model::new(FtrlParams::default(), 4);
        learn(&mut zero, &Example { w: 0.0, ..ex });
        assert!((0..16).all(|i| zero.weight(i) == 0.0));
    }
}
