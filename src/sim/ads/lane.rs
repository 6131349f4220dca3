//! One ads lane: its features, batch table or online ranking, the join window and label delay,
//! and its schedule.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::base::metrics::log_loss;
use crate::base::rng::sigmoid;
use crate::learn::detect::PageHinkley;
use crate::learn::ftrl::Labelled;
use crate::learn::ftrl::{hash_feature, Ftrl};
use crate::learn::progressive::{Labels, Progressive};
use crate::learn::schedule::{Learn, Plan, Schedule};
use crate::sim::config::{LaneConfig, Mode, Policy, Update};
use crate::sim::inside::Rows;
use crate::sim::series::{ads as f, LaneSums};

use super::serve::Shown;
use super::step::{Finish, Serve};
use super::*;

/// Raw feature hashes, precomputed for every (namespace, value) the world can produce.
pub(super) struct Hashes {
    pub(super) k: usize,
    pub(super) bias: u32,
    pub(super) seg_cat: Vec<u32>,
    pub(super) intent_cat: Vec<u32>,
    pub(super) hour_cat: Vec<u32>,
    pub(super) weekend_cat: Vec<u32>,
}

impl Hashes {
    pub(super) fn new(s: usize, k: usize) -> Self {
        let table = |ns: u32, n: usize| (0..n as u32).map(|v| hash_feature(ns, v)).collect();
        Hashes {
            k,
            bias: hash_feature(ns::BIAS, 0),
            seg_cat: table(ns::SEG_CAT, (s + 1) * k),
            intent_cat: table(ns::INTENT_CAT, k * k),
            hour_cat: table(ns::HOUR_CAT, 24 * k),
            weekend_cat: table(ns::WEEKEND_CAT, 2 * k),
        }
    }

    /// The logged example of showing `ad` on request `r` (intent only in online models' features).
    pub(super) fn logged(
        &self,
        r: &Request,
        seg_token: usize,
        ad: &LiveAd,
        online: bool,
    ) -> Example {
        self.features(
            seg_token,
            online.then_some(r.intent),
            r.hour,
            r.weekend,
            ad.category,
            ad.hash,
        )
    }

    /// Features of showing an ad of category `cat`; `intent` is None for batch models.
    pub(super) fn features(
        &self,
        seg_token: usize,
        intent: Option<usize>,
        hour: usize,
        weekend: bool,
        cat: usize,
        ad: u32,
    ) -> Example {
        let k = self.k;
        let mut f = [0u32; NF];
        f[0] = self.bias;
        f[1] = self.seg_cat[seg_token * k + cat];
        f[2] = self.hour_cat[hour * k + cat];
        f[3] = self.weekend_cat[weekend as usize * k + cat];
        f[4] = ad;
        let nf = match intent {
            Some(i) => {
                f[5] = self.intent_cat[i * k + cat];
                6
            }
            None => 5,
        };
        Example {
            f,
            nf: nf as u8,
            y: 0.0,
        }
    }
}

/// A logged training example: hashed features and the label as the log saw it.
#[derive(Clone, Debug)]
pub struct Example {
    pub(super) f: [u32; NF],
    pub(super) nf: u8,
    pub(super) y: f64,
}

impl Labelled for Example {
    fn learn_into(&self, m: &mut Ftrl) {
        m.learn_binary(&self.f[..self.nf as usize], self.y);
    }
    #[inline]
    fn logit(&self, w: &[f64]) -> f64 {
        let mask = (w.len() - 1) as u32;
        self.f[..self.nf as usize]
            .iter()
            .map(|&j| w[(j & mask) as usize])
            .sum()
    }
}

/// A label on its way to the learner.
pub(super) struct Pending {
    pub(super) t: f64,
    pub(super) seq: u64,
    pub(super) ex: Example,
    pub(super) loss: f64,
}

impl PartialEq for Pending {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Pending {}
impl PartialOrd for Pending {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Pending {
    /// Reversed: the earliest label is the heap's top.
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}

/// An ads lane's labels on their way: clicks joined in time (out of order: each click has its own
/// delay), and non-clicks emitted when the join window closes (in order). The earlier of the two
/// arrives first; a click first on a tie.
#[derive(Default)]
pub(super) struct Joined {
    /// Clicks joined in time (out of order).
    clicks: BinaryHeap<Pending>,
    /// Non-clicks, emitted when the join window closes (in order).
    negatives: VecDeque<Pending>,
    seq: u64,
}

impl Labels<Example> for Joined {
    fn push(&mut self, t: f64, ex: Cow<'_, Example>, loss: f64) {
        self.seq += 1;
        let p = Pending {
            t,
            seq: self.seq,
            ex: ex.into_owned(),
            loss,
        };
        if p.ex.y > 0.5 {
            self.clicks.push(p);
        } else {
            self.negatives.push_back(p);
        }
    }

    fn pop_due(&mut self, t: f64, mut learn: impl FnMut(f64, &Example, f64)) {
        loop {
            let c = self.clicks.peek().map(|p| p.t).unwrap_or(f64::INFINITY);
            let n = self.negatives.front().map(|p| p.t).unwrap_or(f64::INFINITY);
            let next = if c <= n { c } else { n };
            if next > t {
                break;
            }
            let p = if c <= n {
                self.clicks.pop().expect("peeked")
            } else {
                self.negatives.pop_front().expect("peeked")
            };
            learn(p.t, &p.ex, p.loss);
        }
    }
}

/// Impressions of the lane's average CTR an ad's own record starts from (the rule's smoothing).
pub const RULE_PRIOR: f64 = 50.0;

/// One lane of the ads experiment (aligned so that lanes on different threads share no cache line).
#[repr(align(128))]
pub struct Lane {
    pub(super) cfg: LaneConfig,
    pub(super) schedule: Schedule<Example, Ftrl>,
    /// Labels in the join window and the label delay, and the loop.
    pub(super) progressive: Progressive<Joined>,
    /// Batch scores: `table[seg_token * cols + col]`, column of each ad id in `col_of`.
    pub(super) table: Vec<f64>,
    pub(super) col_of: Vec<u32>,
    pub(super) cols: usize,
    pub(super) prior: Vec<f64>,
    /// Each segment's best slot under `table`, its predicted probability and the log loss of that
    /// prediction on a non-click and a click (None until needed; a loss NaN until needed), for
    /// catalogue `best_version`.
    pub(super) best_of: Vec<Option<(usize, f64, [f64; 2])>>,
    pub(super) best_version: u64,
    /// The segment token whose best slot the last choice was (None: any other choice).
    pub(super) chose_best: Option<usize>,
    /// Baseline's running CTR estimate.
    pub(super) seen: (f64, f64),
    /// The rule's clicks and impressions per ad id (`Policy::Rule`).
    pub(super) counts: Vec<(f64, f64)>,
    pub(super) scratch: Vec<f64>,
    /// The online model's logit of every running ad for the current request.
    pub(super) zs: Vec<f64>,
    /// What the world panes show of the busiest segments, when asked for.
    pub(super) inside: Option<Box<Rows>>,
}

impl Lane {
    pub(super) fn new(cfg: &LaneConfig) -> Self {
        let model = Ftrl::new(cfg.ftrl, cfg.bits);
        Lane {
            schedule: Schedule::new(
                model,
                // Only the ad shown gets a label: the warm-up's uniformly random log is the only
                // one that covers every ad, and a stateless retrain keeps learning it.
                Plan {
                    keep_warmup: true,
                    ..crate::sim::plan(cfg, None)
                },
                PageHinkley::new(0.01, 40.0, 500),
            ),
            cfg: cfg.clone(),
            progressive: Progressive::default(),
            table: Vec::new(),
            col_of: Vec::new(),
            cols: 0,
            prior: Vec::new(),
            best_of: Vec::new(),
            best_version: 0,
            chose_best: None,
            seen: (0.0, 0.0),
            counts: Vec::new(),
            scratch: Vec::new(),
            zs: Vec::new(),
            inside: None,
        }
    }

    /// Retrain times (minutes) of this lane.
    pub fn marks(&self) -> &[f64] {
        &self.schedule.marks
    }

    /// Rough relative cost of serving a request, to spread lanes over threads.
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn cost(&self) -> u32 {
        match (self.cfg.policy, self.cfg.update) {
            (Policy::Model, crate::sim::config::Update::Frozen) => 2,
            (Policy::Model, _) => 4,
            _ => 1,
        }
    }

    pub(super) fn learns(&self) -> bool {
        self.cfg.policy == Policy::Model
    }

    pub(super) fn online(&self) -> bool {
        self.cfg.mode == Mode::Online
    }

    /// Lanes with the same key learn the same model when they learn from one shared log: batch
    /// lanes whose learner and schedule are the same (their batch refresh and exploration may
    /// differ), not retrained by a drift detector (it reads the lane's own loss). None: a lane that
    /// learns its own (an online lane, a rule, a triggered retrain).
    pub(super) fn model_key(&self) -> Option<LaneConfig> {
        let shares = self.learns() && !self.online() && self.cfg.update != Update::Triggered;
        shares.then(|| LaneConfig {
            refresh: 0.0,
            explore: 0.0,
            ..self.cfg.clone()
        })
    }

    /// Recomputes the batch table from the serving model (its own, or `from`'s: the lane that
    /// learns the model it serves from), with features as of time t (no intent).
    pub(super) fn refresh(
        &mut self,
        cat: &Catalogue,
        h: &Hashes,
        t: f64,
        from: Option<&Schedule<Example, Ftrl>>,
    ) {
        let (hour, weekend) = clock(t);
        let w = from.unwrap_or(&self.schedule).serving();
        let s1 = cat.segments + 1;
        self.cols = cat.active.len();
        self.best_of.clear();
        self.table.clear();
        self.prior.clear();
        self.col_of.clear();
        self.col_of.resize(cat.launched, u32::MAX);
        for (col, &i) in cat.active.iter().enumerate() {
            self.col_of[i] = col as u32;
        }
        for seg in 0..s1 {
            let mut sum = 0.0;
            for ad in &cat.live {
                let ex = h.features(seg, None, hour, weekend, ad.category, ad.hash);
                let z = <Ftrl as Learn<Example>>::predict(w, &ex);
                self.table.push(z);
                sum += z;
            }
            self.prior.push(if self.cols > 0 {
                sum / self.cols as f64
            } else {
                0.0
            });
        }
    }

    /// Picks the slot (index into `cat.active`) to show, and the lane's predicted click probability.
    pub(super) fn choose(&mut self, cat: &Catalogue, h: &Hashes, r: &Request) -> (usize, f64) {
        self.chose_best = None;
        let n = cat.active.len();
        let seg_token = if r.known { r.segment } else { cat.segments };
        let pick = ((r.u_pick * n as f64) as usize).min(n - 1);
        match self.cfg.policy {
            Policy::Oracle => return (r.top, r.p_top),
            Policy::Baseline => {
                let p = (self.seen.0 + 2.0) / (self.seen.1 + 100.0);
                return (pick, p);
            }
            Policy::Rule => return self.rule(cat, pick, r.u_explore < self.cfg.explore),
            Policy::Model => {}
        }
        let explore = r.u_explore < self.cfg.explore;
        if self.online() {
            let w = self.schedule.serving();
            let mask = (w.len() - 1) as u32;
            let k = h.k;
            self.scratch.clear();
            for cat in 0..k {
                let z = w[(h.bias & mask) as usize]
                    + w[(h.seg_cat[seg_token * k + cat] & mask) as usize]
                    + w[(h.intent_cat[r.intent * k + cat] & mask) as usize]
                    + w[(h.hour_cat[r.hour * k + cat] & mask) as usize]
                    + w[(h.weekend_cat[r.weekend as usize * k + cat] & mask) as usize];
                self.scratch.push(z);
            }
            let by_cat = &self.scratch;
            self.zs.resize(cat.live.len(), 0.0);
            for (z, ad) in self.zs.iter_mut().zip(&cat.live) {
                *z = by_cat[ad.category] + w[(ad.hash & mask) as usize];
            }
            let slot = if explore { pick } else { first_max(&self.zs) };
            (slot, sigmoid(self.zs[slot]))
        } else {
            let (col_of, table, prior) = (&self.col_of[..], &self.table[..], &self.prior[..]);
            let cols = self.cols;
            let score = |i: usize| table_logit((col_of, table, prior, cols), seg_token, i);
            // A segment's best ad changes only when the table is refreshed or the catalogue changes.
            if self.best_version != cat.version {
                self.best_version = cat.version;
                self.best_of.clear();
            }
            self.best_of.resize(self.prior.len(), None);
            if explore {
                return (pick, sigmoid(score(cat.active[pick])));
            }
            self.chose_best = Some(seg_token);
            let best = self.best_of[seg_token].get_or_insert_with(|| {
                let mut best = (0, f64::NEG_INFINITY);
                for (slot, &i) in cat.active.iter().enumerate() {
                    let z = score(i);
                    if z > best.1 {
                        best = (slot, z);
                    }
                }
                (best.0, sigmoid(score(cat.active[best.0])), [f64::NAN; 2])
            });
            (best.0, best.1)
        }
    }

    /// The log loss of the lane's last choice, predicted `p`, on click `y`: a batch lane's best slot
    /// for a segment has the same prediction until the next refresh, so its loss is kept.
    pub(super) fn loss(&mut self, p: f64, y: bool) -> f64 {
        let kept = (self.chose_best)
            .and_then(|seg| self.best_of.get_mut(seg)?.as_mut())
            .map(|b| &mut b.2[y as usize]);
        match kept {
            Some(l) => {
                if l.is_nan() {
                    *l = log_loss(p, y);
                }
                *l
            }
            None => log_loss(p, y),
        }
    }

    /// The lane's predicted click probability of `slot` on the request it has just chosen for
    /// (after [`Lane::choose`]: an online lane's logits of every running ad are still in `zs`).
    pub(super) fn predicted(&self, cat: &Catalogue, r: &Request, slot: usize) -> f64 {
        if self.online() {
            sigmoid(self.zs[slot])
        } else {
            let seg_token = if r.known { r.segment } else { cat.segments };
            let t = (
                &self.col_of[..],
                &self.table[..],
                &self.prior[..],
                self.cols,
            );
            sigmoid(table_logit(t, seg_token, cat.active[slot]))
        }
    }

    /// The rule without a model: the running ad with the highest observed click-through rate so
    /// far, each ad's clicks and impressions since the start of the horizon smoothed towards the
    /// lane's own average CTR by [`RULE_PRIOR`] impressions (a new ad starts at the average, so
    /// every ad gets shown until its own record says otherwise); ties go to the first.
    fn rule(&mut self, cat: &Catalogue, pick: usize, explore: bool) -> (usize, f64) {
        let avg = (self.seen.0 + 2.0) / (self.seen.1 + 100.0);
        self.counts.resize(cat.launched, (0.0, 0.0));
        let ctr = |(c, n): (f64, f64)| (c + RULE_PRIOR * avg) / (n + RULE_PRIOR);
        if explore {
            return (pick, ctr(self.counts[cat.active[pick]]));
        }
        let mut best = (0, f64::NEG_INFINITY);
        for (slot, &id) in cat.active.iter().enumerate() {
            let p = ctr(self.counts[id]);
            if p > best.1 {
                best = (slot, p);
            }
        }
        best
    }

    /// The warm-up on a batch: a uniformly random ad on every request, its label learned at once.
    pub(super) fn warm(&mut self, h: &Hashes, batch: &Batch) {
        let cat = &batch.cat;
        for (r, _) in batch.iter() {
            let slot = r.picked(cat.live.len());
            debug_assert_eq!(slot, r.top, "the world computed the shown ad's probability");
            let clicked = r.u_click < r.p_top;
            let seg_token = if r.known { r.segment } else { cat.segments };
            let mut ex = h.logged(r, seg_token, &cat.live[slot], self.online());
            ex.y = clicked as u8 as f64;
            self.schedule.warmup(r.t, &ex);
        }
    }

    /// Serves a batch of requests, each a step of the one loop ([`Serve`]): labels due and retrains
    /// first, then the choice, its outcome in the lane's sums, and its label on the way to the
    /// learner.
    ///
    /// `log`: given to the logging lane, which records the slot it shows on every request; the
    /// other lanes learn from the batch's log when it has one ([`crate::sim::config::Log`]).
    pub(super) fn serve(
        &mut self,
        h: &Hashes,
        batch: &Batch,
        sums: &mut LaneSums,
        log: Option<&mut Vec<Shown>>,
    ) {
        let mut p = std::mem::take(&mut self.progressive);
        let learns = self.learns();
        let mut step = Serve {
            lane: self,
            h,
            cat: &batch.cat,
            sums,
            log,
            model: None,
        };
        for (i, (r, truth)) in batch.iter().enumerate() {
            let x = (r, truth, batch.log.get(i).map(|&(s, c)| (s as usize, c)));
            let before = (step.lane.schedule.retrains, step.lane.schedule.updates);
            p.step(&mut step, x.0.t, &x);
            if learns {
                let s = &step.lane.schedule;
                let row = step.sums.row_mut(x.0.t);
                row[f::RETRAINS] += (s.retrains - before.0) as f64;
                row[f::UPDATES] += (s.updates - before.1) as f64;
            }
        }
        self.progressive = p;
    }

    /// The end of the horizon: labels that have arrived by `end` are learned, and retrains due by
    /// then run (every lane, as the loop's first half: [`Progressive::deliver`]).
    pub(super) fn finish(&mut self, end: f64) {
        let mut p = std::mem::take(&mut self.progressive);
        p.deliver(&mut Finish(&mut self.schedule), end);
        self.progressive = p;
    }
}

/// A batch lane's table logit of ad id `i` for a segment token (the segment's prior for an ad the
/// table has not scored yet), from the lane's `(col_of, table, prior, cols)`.
fn table_logit(
    (col_of, table, prior, cols): (&[u32], &[f64], &[f64], usize),
    seg_token: usize,
    i: usize,
) -> f64 {
    match col_of.get(i) {
        Some(&c) if c != u32::MAX => table[seg_token * cols + c as usize],
        _ => prior[seg_token],
    }
}

/// The first index of the largest value, NaNs ignored (0 if there is none): the same slot as a scan
/// that keeps the first strictly greater value, found with four independent running maxima instead of
/// one long chain of dependent comparisons.
pub(super) fn first_max(zs: &[f64]) -> usize {
    let mut m = [f64::NEG_INFINITY; 4];
    let mut chunks = zs.chunks_exact(4);
    for c in &mut chunks {
        for j in 0..4 {
            if c[j] > m[j] {
                m[j] = c[j];
            }
        }
    }
    for &z in chunks.remainder() {
        if z > m[0] {
            m[0] = z;
        }
    }
    let top = m
        .into_iter()
        .fold(f64::NEG_INFINITY, |a, b| if b > a { b } else { a });
    if top == f64::NEG_INFINITY {
        return 0;
    }
    zs.iter().position(|&z| z == top).unwrap_or(0)
}
