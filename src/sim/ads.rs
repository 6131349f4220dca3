//! The ad-ranking world and its lanes.
//!
//! Requests arrive as a Poisson process (daily and weekly profile x volume). Each comes from a user
//! segment (or a new user whose segment is unknown to the models), with a session intent (a category).
//! The true click probability of an ad is
//! `sigmoid(b0 + affinity[segment][category] + intent x [category = intent] + quality[ad] + hour[hour][category])`,
//! with weekend tastes, a sudden shift, a random walk and campaign launches as drift. Every random draw
//! that defines the world comes from the world's streams, and the click of a shown ad is decided by the
//! request's own uniform number: the same ad on the same request is clicked in every lane.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, VecDeque};

use crate::base::rng::{sigmoid, stream, Rng};
use crate::learn::detect::PageHinkley;
use crate::learn::ftrl::Labelled;
use crate::learn::ftrl::{hash_feature, Ftrl};
use crate::learn::schedule::Schedule;
use crate::sim::config::{AdsConfig, Config, LaneConfig, Mode, Policy, Update};
use crate::sim::series::{ads as f, LaneSums, Series};

/// Most ads running at once (launches pause beyond it).
pub const MAX_ACTIVE_ADS: usize = 128;
/// Features per example: bias, segment x category, intent x category, hour x category,
/// weekend x category, ad.
const NF: usize = 6;

/// Feature namespaces.
mod ns {
    pub const BIAS: u32 = 0;
    pub const SEG_CAT: u32 = 1;
    pub const INTENT_CAT: u32 = 2;
    pub const HOUR_CAT: u32 = 3;
    pub const WEEKEND_CAT: u32 = 4;
    pub const AD: u32 = 5;
}

/// One ad of the catalogue.
#[derive(Clone, Debug)]
pub struct Ad {
    pub id: u32,
    pub category: usize,
    pub quality: f64,
    pub cpc: f64,
    pub end: f64,
    hash: u32,
}

/// One ad request with every draw that defines it (shared by all lanes).
#[derive(Clone, Debug)]
pub struct Request {
    /// Minutes from the start of the horizon (negative during the warm-up).
    pub t: f64,
    pub hour: usize,
    pub weekend: bool,
    pub segment: usize,
    /// False for a new user: the models see segment "unknown".
    pub known: bool,
    pub intent: usize,
    u_click: f64,
    u_explore: f64,
    u_pick: f64,
    click_delay: f64,
    /// The slot whose click probability the world computed, and that probability: the oracle's
    /// choice (the first slot with the highest true logit) or, in the warm-up (where nothing else is
    /// needed), the uniformly random ad every lane shows.
    top: usize,
    p_top: f64,
}

impl Request {
    /// True click probability of the ad in `slot`, given this request's true logits.
    fn p_true(&self, truth: &[f64], slot: usize) -> f64 {
        if slot == self.top {
            self.p_top
        } else {
            sigmoid(truth[slot])
        }
    }

    /// The warm-up's slot: a uniformly random one of `n` running ads.
    fn picked(&self, n: usize) -> usize {
        ((self.u_pick * n as f64) as usize).min(n - 1)
    }
}

/// Hour of day and weekend flag of a time in minutes (t = 0 is a Monday, 00:00).
pub fn clock(t: f64) -> (usize, bool) {
    let (day, hour) = day_hour(t);
    (hour, weekend_day(day))
}

/// Day number and hour of day of a time in minutes; both never decrease as `t` grows.
fn day_hour(t: f64) -> (f64, usize) {
    let day = (t / 1440.0).floor();
    (day, (((t - day * 1440.0) / 60.0) as usize).min(23))
}

fn weekend_day(day: f64) -> bool {
    (day as i64).rem_euclid(7) >= 5
}

/// The stretch of one clock hour in which the current arrivals fall, with what the thinning and the
/// requests need from the clock, computed once per hour instead of once per arrival.
///
/// `clock` is the same for every `t` in `[lo, hi]`: its day and hour never decrease with `t` and are
/// equal at both ends. Over that stretch the arrival rate runs between its values at the ends (the daily
/// cosine's turning points fall on whole hours), so a candidate drawn below `accept_below` is accepted
/// and one at or above `reject_from` rejected without evaluating the rate: the margins (1e-9 relative)
/// are far above rounding, so every decision is the one the rate itself gives (Devroye's squeeze).
#[derive(Clone, Copy, Debug)]
struct Hour {
    lo: f64,
    hi: f64,
    hour: usize,
    weekend: bool,
    accept_below: f64,
    reject_from: f64,
}

/// What the lanes see of the world besides the requests: the running ads and the user segments.
/// A [`Batch`] carries a copy, so that lanes can serve it while the world draws the next one.
#[derive(Clone, Debug, Default)]
pub struct Catalogue {
    /// Changes whenever the running ads do (lanes cache what depends on them).
    pub version: u64,
    /// Ids (indices into `World::ads`) of the running ads in launch order; a slot is a position here.
    pub active: Vec<usize>,
    /// Their category, hash and price, by slot.
    pub live: Vec<LiveAd>,
    /// Ads launched so far (every id is below it).
    pub launched: usize,
    /// User segments (a new user's segment token is this number).
    pub segments: usize,
}

/// What a request's truth and the lanes need of one running ad, kept contiguous by slot.
#[derive(Clone, Copy, Debug)]
pub struct LiveAd {
    pub category: usize,
    pub hash: u32,
    pub cpc: f64,
    quality: f64,
}

/// The ads world: everything every lane sees.
pub struct World {
    c: AdsConfig,
    s: usize,
    k: usize,
    b0: f64,
    aff: Vec<f64>,
    weekend_delta: Vec<f64>,
    hour_eff: Vec<f64>,
    seg_weights: Vec<f64>,
    /// Their sum (in order, as `Rng::weighted` adds them).
    seg_total: f64,
    /// Cumulative intent weights per segment (weekday, weekend).
    intent_cdf: [Vec<f64>; 2],
    pub ads: Vec<Ad>,
    /// Indices into `ads` of the running ones, in launch order.
    pub active: Vec<usize>,
    /// What the lanes see of the running ads (rebuilt from `active` when it changes).
    pub cat: Catalogue,
    /// The clock hour of the latest arrival.
    block: Hour,
    traffic: Rng,
    drift: Rng,
    rate_max: f64,
    next_arrival: f64,
    next_hour: f64,
    next_launch: f64,
    /// Earliest end of a running campaign.
    next_end: f64,
    shift_at: f64,
    /// An accepted arrival whose request is not drawn yet (see [`World::peek`]).
    held: Option<f64>,
    /// Drift events (minutes, label) for the timeline.
    pub events: Vec<(f64, String)>,
}

impl World {
    /// Builds the world of `cfg` from its seed; the clock starts at `t0` (start of the warm-up).
    pub fn new(cfg: &Config, t0: f64) -> Self {
        let c = cfg.ads.clone();
        let (s, k) = (c.segments as usize, c.categories as usize);
        let mut rng = Rng::new(cfg.seed as u64, stream::ADS_WORLD);
        let aff: Vec<f64> = (0..s * k).map(|_| c.affinity * rng.normal()).collect();
        let weekend_delta: Vec<f64> = (0..s * k).map(|_| c.weekend * rng.normal()).collect();
        let phase: Vec<f64> = (0..k).map(|_| rng.uniform() * 24.0).collect();
        let hour_eff = (0..24 * k)
            .map(|i| {
                0.3 * libm::sin(2.0 * std::f64::consts::PI * ((i / k) as f64 - phase[i % k]) / 24.0)
            })
            .collect();
        let seg_weights: Vec<f64> = (0..s).map(|_| libm::exp(0.5 * rng.normal())).collect();
        let b0 = libm::log(c.base_ctr / (1.0 - c.base_ctr));
        let mut drift = Rng::new(cfg.seed as u64, stream::ADS_DRIFT);
        let mut world = World {
            s,
            k,
            b0,
            aff,
            weekend_delta,
            hour_eff,
            seg_total: seg_weights.iter().sum(),
            seg_weights,
            intent_cdf: [Vec::new(), Vec::new()],
            ads: Vec::new(),
            active: Vec::new(),
            cat: Catalogue::default(),
            block: Hour {
                lo: f64::INFINITY,
                hi: f64::NEG_INFINITY,
                hour: 0,
                weekend: false,
                accept_below: 0.0,
                reject_from: 0.0,
            },
            traffic: Rng::new(cfg.seed as u64, stream::ADS_TRAFFIC),
            rate_max: 0.0,
            next_arrival: t0,
            next_hour: (t0 / 60.0).floor() * 60.0 + 60.0,
            next_launch: f64::INFINITY,
            next_end: f64::NEG_INFINITY,
            shift_at: match c.shift_day {
                Some(d) if c.shift > 0.0 => d * 1440.0,
                _ => f64::INFINITY,
            },
            held: None,
            events: Vec::new(),
            drift: Rng::new(0, 0),
            c,
        };
        for _ in 0..world.c.catalogue {
            let end = if world.c.launches > 0.0 {
                t0 + drift.exp1() * world.c.campaign_days * 1440.0
            } else {
                f64::INFINITY
            };
            world.launch(&mut rng, end, 0.0);
        }
        if world.c.launches > 0.0 {
            world.next_launch = t0 + drift.exp1() * 1440.0 / world.c.launches;
        }
        world.drift = drift;
        world.sync_live();
        world.refresh_intents();
        // Thinning bound of the arrival rate.
        world.rate_max = world.c.volume * (1.0 + world.c.daily) / world.mean_profile();
        world.next_arrival = t0 + world.interarrival();
        if world.shift_at.is_finite() {
            world.events.push((
                world.shift_at,
                format!("shift {:.0}%", world.c.shift * 100.0),
            ));
        }
        world
    }

    fn launch(&mut self, rng: &mut Rng, end: f64, quality_mean: f64) {
        let id = self.ads.len() as u32;
        let category = rng.below(self.k);
        let quality = quality_mean + 0.35 * rng.normal();
        let cpc = libm::exp(0.3 * rng.normal());
        self.ads.push(Ad {
            id,
            category,
            quality,
            cpc,
            end,
            hash: hash_feature(ns::AD, id),
        });
        self.active.push(self.ads.len() - 1);
    }

    fn mean_profile(&self) -> f64 {
        (5.0 + 2.0 * (1.0 - self.c.weekly)) / 7.0
    }

    /// Request rate (per minute) at time t.
    fn rate(&self, t: f64) -> f64 {
        let h = t / 60.0;
        let daily = 1.0 + self.c.daily * libm::cos(2.0 * std::f64::consts::PI * (h - 20.0) / 24.0);
        let (_, weekend) = clock(t);
        let weekly = if weekend { 1.0 - self.c.weekly } else { 1.0 };
        self.c.volume / 60.0 * daily * weekly / self.mean_profile()
    }

    /// The clock hour of `t` (see [`Hour`]), recomputed when `t` leaves the current one.
    fn hour_of(&mut self, t: f64) -> Hour {
        if t >= self.block.lo && t <= self.block.hi {
            return self.block;
        }
        let (day, hour) = day_hour(t);
        let mut hi = (((t / 60.0).floor() + 1.0) * 60.0 - 1e-3).max(t);
        if day_hour(hi) != (day, hour) {
            hi = t;
        }
        let (a, b) = (self.rate(t), self.rate(hi));
        self.block = Hour {
            lo: t,
            hi,
            hour,
            weekend: weekend_day(day),
            accept_below: a.min(b) * (1.0 - 1e-9),
            reject_from: a.max(b) * (1.0 + 1e-9),
        };
        self.block
    }

    /// Thinning (Lewis and Shedler 1979): a candidate arrival at `t` is kept when `x` (uniform on the
    /// bounding rate) falls below the rate at `t`.
    fn accepts(&mut self, t: f64, x: f64) -> bool {
        let h = self.hour_of(t);
        if x < h.accept_below {
            true
        } else if x >= h.reject_from {
            false
        } else {
            x < self.rate(t)
        }
    }

    /// Rebuilds the catalogue from `active` (after it changed).
    fn sync_live(&mut self) {
        let cat = &mut self.cat;
        cat.version += 1;
        cat.active.clone_from(&self.active);
        cat.launched = self.ads.len();
        cat.segments = self.s;
        cat.live.clear();
        cat.live.extend(self.active.iter().map(|&i| {
            let ad = &self.ads[i];
            LiveAd {
                category: ad.category,
                hash: ad.hash,
                cpc: ad.cpc,
                quality: ad.quality,
            }
        }));
    }

    fn interarrival(&mut self) -> f64 {
        if self.rate_max > 0.0 {
            self.traffic.exp1() * 60.0 / self.rate_max
        } else {
            f64::INFINITY
        }
    }

    fn refresh_intents(&mut self) {
        let (s, k) = (self.s, self.k);
        for w in 0..2 {
            let mut cdf = Vec::with_capacity(s * k);
            for seg in 0..s {
                let mut acc = 0.0;
                for cat in 0..k {
                    let a = self.aff[seg * k + cat]
                        + if w == 1 {
                            self.weekend_delta[seg * k + cat]
                        } else {
                            0.0
                        };
                    acc += libm::exp(a.clamp(-30.0, 30.0));
                    cdf.push(acc);
                }
            }
            self.intent_cdf[w] = cdf;
        }
    }

    /// Applies the drift due up to time t.
    fn advance(&mut self, t: f64) {
        let mut changed = false;
        while self.next_hour <= t {
            if self.c.walk > 0.0 {
                let sd = self.c.walk / libm::sqrt(24.0);
                for a in self.aff.iter_mut() {
                    *a += sd * self.drift.normal();
                }
                changed = true;
            }
            self.next_hour += 60.0;
        }
        if t >= self.shift_at {
            let m = self.c.shift;
            let keep = libm::sqrt(1.0 - m * m);
            for a in self.aff.iter_mut() {
                *a = keep * *a + m * self.c.affinity * self.drift.normal();
            }
            self.shift_at = f64::INFINITY;
            changed = true;
        }
        let mut catalogue_changed = self.next_end == f64::NEG_INFINITY;
        // Keep in step with `catalogue_due`: the running ads change only in the branches below.
        while self.next_launch <= t {
            catalogue_changed = true;
            let at = self.next_launch;
            self.active.retain(|&i| self.ads[i].end > at);
            if self.active.len() < MAX_ACTIVE_ADS {
                let mut rng = std::mem::replace(&mut self.drift, Rng::new(0, 0));
                let end = at + rng.exp1() * self.c.campaign_days * 1440.0;
                self.launch(&mut rng, end, 0.2);
                self.drift = rng;
            }
            self.next_launch += self.drift.exp1() * 1440.0 / self.c.launches;
        }
        // Campaigns end, but the catalogue never empties.
        if t >= self.next_end
            && self.active.len() > 2
            && self.active.iter().any(|&i| self.ads[i].end <= t)
        {
            let mut ended: Vec<usize> = self
                .active
                .iter()
                .copied()
                .filter(|&i| self.ads[i].end <= t)
                .collect();
            while self.active.len() - ended.len() < 2 {
                ended.pop();
            }
            self.active.retain(|i| !ended.contains(i));
            catalogue_changed = true;
        }
        if catalogue_changed {
            self.sync_live();
            self.next_end = self
                .active
                .iter()
                .map(|&i| self.ads[i].end)
                .fold(f64::INFINITY, f64::min);
        }
        if changed {
            self.refresh_intents();
        }
    }

    /// Whether drawing a request at `t` may change the running ads (launches or ends due): the
    /// requests before it must be served under the catalogue they saw. Never false when it does.
    fn catalogue_due(&self, t: f64) -> bool {
        self.next_end == f64::NEG_INFINITY
            || self.next_launch <= t
            || (t >= self.next_end
                && self.active.len() > 2
                && self.active.iter().any(|&i| self.ads[i].end <= t))
    }

    /// The time of the next request if it comes before `until`; [`World::draw`] then draws it.
    pub fn peek(&mut self, until: f64) -> Option<f64> {
        while self.held.is_none() {
            let t = self.next_arrival;
            if t >= until {
                return None;
            }
            self.next_arrival = t + self.interarrival();
            let x = self.traffic.uniform() * self.rate_max / 60.0;
            if self.accepts(t, x) {
                self.held = Some(t);
            }
        }
        self.held.filter(|&t| t < until)
    }

    /// Draws the request at the time [`World::peek`] returned, after the drift due by then, and
    /// appends its true logits (one per running ad, in slot order) to `truth`. In the warm-up (`warm`)
    /// only the logit of the ad every lane shows is computed, and nothing is appended.
    pub fn draw(&mut self, truth: &mut Vec<f64>, warm: bool) -> Request {
        let t = self
            .held
            .take()
            .expect("World::draw follows a successful peek");
        self.advance(t);
        let Hour { hour, weekend, .. } = self.hour_of(t);
        let segment = self
            .traffic
            .weighted_with_total(&self.seg_weights, self.seg_total);
        let known = self.traffic.uniform() >= self.c.new_users;
        let k = self.k;
        let cdf = &self.intent_cdf[weekend as usize][segment * k..(segment + 1) * k];
        let x = self.traffic.uniform() * cdf[k - 1];
        let intent = cdf.iter().position(|&c| x < c).unwrap_or(k - 1);
        let mut req = Request {
            t,
            hour,
            weekend,
            segment,
            known,
            intent,
            u_click: self.traffic.uniform(),
            u_explore: self.traffic.uniform(),
            u_pick: self.traffic.uniform(),
            click_delay: self.traffic.exp1() * self.c.click_delay,
            top: 0,
            p_top: 0.0,
        };
        let aff = &self.aff[segment * k..(segment + 1) * k];
        let hour_eff = &self.hour_eff[hour * k..(hour + 1) * k];
        let wd = &self.weekend_delta[segment * k..(segment + 1) * k];
        let logit = |ad: &LiveAd| {
            let cat = ad.category;
            let mut z = self.b0 + aff[cat] + ad.quality + hour_eff[cat];
            if weekend {
                z += wd[cat];
            }
            if cat == intent {
                z += self.c.intent;
            }
            z
        };
        let live = &self.cat.live;
        let top = if warm {
            let slot = req.picked(live.len());
            (slot, logit(&live[slot]))
        } else {
            let mut best = (0, f64::NAN);
            for (slot, ad) in live.iter().enumerate() {
                let z = logit(ad);
                // The first slot of the highest logit (a NaN first logit keeps slot 0).
                if slot == 0 || z > best.1 {
                    best = (slot, z);
                }
                truth.push(z);
            }
            best
        };
        req.top = top.0;
        req.p_top = sigmoid(top.1);
        req
    }
}

/// Raw feature hashes, precomputed for every (namespace, value) the world can produce.
struct Hashes {
    k: usize,
    bias: u32,
    seg_cat: Vec<u32>,
    intent_cat: Vec<u32>,
    hour_cat: Vec<u32>,
    weekend_cat: Vec<u32>,
}

impl Hashes {
    fn new(s: usize, k: usize) -> Self {
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
    fn logged(&self, r: &Request, seg_token: usize, ad: &LiveAd, online: bool) -> Example {
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
    fn features(
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
    f: [u32; NF],
    nf: u8,
    y: f64,
}

impl Labelled for Example {
    fn learn_into(&self, m: &mut Ftrl) {
        m.learn_binary(&self.f[..self.nf as usize], self.y);
    }
}

/// A label on its way to the learner.
struct Pending {
    t: f64,
    seq: u64,
    ex: Example,
    loss: f64,
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

/// One lane of the ads experiment (aligned so that lanes on different threads share no cache line).
#[repr(align(128))]
pub struct Lane {
    cfg: LaneConfig,
    schedule: Schedule<Example, Ftrl>,
    /// Clicks joined in time (out of order).
    clicks: BinaryHeap<Pending>,
    /// Non-clicks, emitted when the join window closes (in order).
    negatives: VecDeque<Pending>,
    seq: u64,
    /// Batch scores: `table[seg_token * cols + col]`, column of each ad id in `col_of`.
    table: Vec<f64>,
    col_of: Vec<u32>,
    cols: usize,
    prior: Vec<f64>,
    /// Each segment's best slot under `table` and its predicted probability (None until needed),
    /// for catalogue `best_version`.
    best_of: Vec<Option<(usize, f64)>>,
    best_version: u64,
    /// Baseline's running CTR estimate.
    seen: (f64, f64),
    scratch: Vec<f64>,
    /// The online model's logit of every running ad for the current request.
    zs: Vec<f64>,
}

impl Lane {
    fn new(cfg: &LaneConfig) -> Self {
        let model = Ftrl::new(cfg.ftrl, cfg.bits);
        Lane {
            schedule: Schedule::new(
                model,
                crate::sim::plan(cfg, None),
                PageHinkley::new(0.01, 40.0, 500),
            ),
            cfg: cfg.clone(),
            clicks: BinaryHeap::new(),
            negatives: VecDeque::new(),
            seq: 0,
            table: Vec::new(),
            col_of: Vec::new(),
            cols: 0,
            prior: Vec::new(),
            best_of: Vec::new(),
            best_version: 0,
            seen: (0.0, 0.0),
            scratch: Vec::new(),
            zs: Vec::new(),
        }
    }

    /// Retrain times (minutes) of this lane.
    pub fn marks(&self) -> &[f64] {
        &self.schedule.marks
    }

    /// Rough relative cost of serving a request, to spread lanes over threads.
    #[cfg(not(target_arch = "wasm32"))]
    fn cost(&self) -> u32 {
        match (self.cfg.policy, self.cfg.update) {
            (Policy::Model, Update::Frozen) => 2,
            (Policy::Model, _) => 4,
            _ => 1,
        }
    }

    fn learns(&self) -> bool {
        self.cfg.policy == Policy::Model
    }

    fn online(&self) -> bool {
        self.cfg.mode == Mode::Online
    }

    /// Recomputes the batch table from the serving model, with features as of time t (no intent).
    fn refresh(&mut self, cat: &Catalogue, h: &Hashes, t: f64) {
        let (hour, weekend) = clock(t);
        let w = self.schedule.serving();
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
        let mask = (w.len() - 1) as u32;
        for seg in 0..s1 {
            let mut sum = 0.0;
            for ad in &cat.live {
                let ex = h.features(seg, None, hour, weekend, ad.category, ad.hash);
                let z: f64 = ex.f[..ex.nf as usize]
                    .iter()
                    .map(|&j| w[(j & mask) as usize])
                    .sum();
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
    fn choose(&mut self, cat: &Catalogue, h: &Hashes, r: &Request) -> (usize, f64) {
        let n = cat.active.len();
        let seg_token = if r.known { r.segment } else { cat.segments };
        let pick = ((r.u_pick * n as f64) as usize).min(n - 1);
        match self.cfg.policy {
            Policy::Oracle => return (r.top, r.p_top),
            Policy::Baseline => {
                let p = (self.seen.0 + 2.0) / (self.seen.1 + 100.0);
                return (pick, p);
            }
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
            let row = seg_token * self.cols;
            let score = |i: usize| -> f64 {
                match self.col_of.get(i) {
                    Some(&c) if c != u32::MAX => self.table[row + c as usize],
                    _ => self.prior[seg_token],
                }
            };
            // A segment's best ad changes only when the table is refreshed or the catalogue changes.
            if self.best_version != cat.version {
                self.best_version = cat.version;
                self.best_of.clear();
            }
            self.best_of.resize(self.prior.len(), None);
            if explore {
                return (pick, sigmoid(score(cat.active[pick])));
            }
            *self.best_of[seg_token].get_or_insert_with(|| {
                let mut best = (0, f64::NEG_INFINITY);
                for (slot, &i) in cat.active.iter().enumerate() {
                    let z = score(i);
                    if z > best.1 {
                        best = (slot, z);
                    }
                }
                (best.0, sigmoid(score(cat.active[best.0])))
            })
        }
    }

    /// Delivers the labels that have arrived by time t to the update schedule.
    fn deliver(&mut self, t: f64) {
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
            self.schedule.label(p.t, &p.ex, p.loss);
        }
        self.schedule.tick(t);
    }

    /// The warm-up on a batch: a uniformly random ad on every request, its label learned at once.
    fn warm(&mut self, h: &Hashes, batch: &Batch) {
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

    /// Serves a batch of requests: labels due and retrains first, then the choice, its outcome in
    /// the lane's sums, and its label on the way to the learner.
    fn serve(&mut self, h: &Hashes, batch: &Batch, sums: &mut LaneSums) {
        let cat = &batch.cat;
        for (r, truth) in batch.iter() {
            if self.learns() {
                let before = (self.schedule.retrains, self.schedule.updates);
                self.deliver(r.t);
                if !self.online() && self.schedule.refresh_due(r.t) {
                    self.refresh(cat, h, r.t);
                }
                let row = sums.row_mut(r.t);
                row[f::RETRAINS] += (self.schedule.retrains - before.0) as f64;
                row[f::UPDATES] += (self.schedule.updates - before.1) as f64;
            }
            let (slot, p_hat) = self.choose(cat, h, r);
            let ad = &cat.live[slot];
            let p_true = r.p_true(truth, slot);
            let clicked = r.u_click < p_true;
            let loss = log_loss(p_hat, clicked);
            let row = sums.row_mut(r.t);
            row[f::IMPRESSIONS] += 1.0;
            row[f::EXPECTED_CLICKS] += p_true;
            row[f::ORACLE_CLICKS] += r.p_top;
            row[f::LOG_LOSS] += loss;
            row[f::P_SUM] += p_hat;
            if clicked {
                row[f::CLICKS] += 1.0;
                row[f::REVENUE] += ad.cpc;
            }
            match self.cfg.policy {
                Policy::Baseline => {
                    self.seen.0 += clicked as u8 as f64;
                    self.seen.1 += 1.0;
                }
                Policy::Oracle => {}
                Policy::Model if self.cfg.update == Update::Frozen => {}
                Policy::Model => {
                    let seg_token = if r.known { r.segment } else { cat.segments };
                    let mut ex = h.logged(r, seg_token, ad, self.online());
                    let joined = clicked && r.click_delay <= self.cfg.join;
                    ex.y = joined as u8 as f64;
                    let loss = if joined == clicked {
                        loss
                    } else {
                        log_loss(p_hat, joined)
                    };
                    self.seq += 1;
                    let delay = self.cfg.label_delay;
                    if joined {
                        self.clicks.push(Pending {
                            t: r.t + r.click_delay + delay,
                            seq: self.seq,
                            ex,
                            loss,
                        });
                    } else {
                        self.negatives.push_back(Pending {
                            t: r.t + self.cfg.join + delay,
                            seq: self.seq,
                            ex,
                            loss,
                        });
                    }
                }
            }
        }
    }
}

/// The first index of the largest value, NaNs ignored (0 if there is none): the same slot as a scan
/// that keeps the first strictly greater value, found with four independent running maxima instead of
/// one long chain of dependent comparisons.
fn first_max(zs: &[f64]) -> usize {
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

fn log_loss(p: f64, y: bool) -> f64 {
    let p = p.clamp(1e-12, 1.0 - 1e-12);
    -libm::log(if y { p } else { 1.0 - p })
}

/// Requests drawn ahead, all under one catalogue (the running ads when the batch was drawn, copied), with
/// their true logits: every lane serves the same batch, one after the other or in parallel.
///
/// Aligned to 128 bytes, like [`Lane`], so that the thread drawing one batch and the threads serving
/// the other never write to a cache line the others read (false sharing).
#[derive(Default)]
#[repr(align(128))]
pub struct Batch {
    reqs: Vec<Request>,
    /// `truth[i * n..(i + 1) * n]` are the true logits of request i (`n` running ads in `cat`).
    truth: Vec<f64>,
    cat: Catalogue,
}

impl Batch {
    /// Most requests per batch, and most true logits (requests x running ads): bounds memory (a batch
    /// also ends where the catalogue changes).
    const MAX: usize = 2048;
    const MAX_TRUTH: usize = 1 << 16;

    /// Each request with its true logits (none in the warm-up).
    fn iter(&self) -> impl Iterator<Item = (&Request, &[f64])> {
        let n = self.cat.live.len();
        self.reqs
            .iter()
            .enumerate()
            .map(move |(i, r)| (r, self.truth.get(i * n..(i + 1) * n).unwrap_or(&[])))
    }

    /// Draws the requests before `until` into the batch, stopping early where the catalogue is about to
    /// change (the requests after that see other ads). False if there was none. `warm`: see
    /// [`World::draw`].
    fn fill(&mut self, world: &mut World, until: f64, warm: bool) -> bool {
        self.reqs.clear();
        self.truth.clear();
        while let Some(t) = world.peek(until) {
            let full = self.reqs.len() >= Self::MAX
                || self.truth.len() + world.cat.live.len() > Self::MAX_TRUTH;
            if !self.reqs.is_empty() && (full || world.catalogue_due(t)) {
                break;
            }
            self.reqs.push(world.draw(&mut self.truth, warm));
            if self.reqs.len() == 1 && self.cat.version != world.cat.version {
                self.cat.clone_from(&world.cat);
            }
            debug_assert_eq!(
                self.cat.version, world.cat.version,
                "catalogue changed in a batch"
            );
        }
        !self.reqs.is_empty()
    }
}

/// How many threads serve an ads run's lanes: the machine's cores natively, one in wasm.
pub fn default_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
    #[cfg(target_arch = "wasm32")]
    {
        1
    }
}

/// Draws the requests before `until` batch by batch and has `work` serve every batch on every one of
/// `lanes`, in request order within each lane. Lanes share nothing but the batches, so the numbers are
/// the same however the work is spread: with `threads > 1` (natively) the lanes are split over up to
/// `threads` worker threads, each going through the batches at its own pace, while this thread draws
/// the batches ahead of them (up to `batches.len()` in flight).
fn stream<F>(
    world: &mut World,
    batches: &mut Vec<Batch>,
    (until, warm): (f64, bool),
    lanes: Vec<(&mut Lane, LaneSums)>,
    threads: usize,
    work: F,
) where
    F: Fn(&mut Lane, &mut LaneSums, &Batch) + Sync,
{
    if batches.is_empty() {
        batches.push(Batch::default());
    }
    #[cfg(not(target_arch = "wasm32"))]
    if threads > 1 && !lanes.is_empty() {
        use std::collections::VecDeque;
        use std::sync::{mpsc, Arc};
        const IN_FLIGHT: usize = 8;
        // Learning lanes cost the most: deal the lanes out, costliest first, to the least loaded thread.
        let n = threads.min(lanes.len());
        let mut groups: Vec<(u32, Vec<(&mut Lane, LaneSums)>)> =
            (0..n).map(|_| (0, Vec::new())).collect();
        let mut lanes = lanes;
        lanes.sort_by_key(|(lane, _)| std::cmp::Reverse(lane.cost()));
        for item in lanes {
            let group = groups.iter_mut().min_by_key(|g| g.0).expect("n >= 1");
            group.0 += item.0.cost();
            group.1.push(item);
        }
        batches.resize_with(IN_FLIGHT, Batch::default);
        let mut free: Vec<Arc<Batch>> = batches.drain(..).map(Arc::new).collect();
        let mut queued: VecDeque<Arc<Batch>> = VecDeque::new();
        let work = &work;
        std::thread::scope(|scope| {
            let (done_tx, done_rx) = mpsc::channel::<()>();
            let mut senders = Vec::new();
            for (_, group) in groups {
                let (tx, rx) = mpsc::channel::<Arc<Batch>>();
                senders.push(tx);
                let done = done_tx.clone();
                scope.spawn(move || {
                    let mut group = group;
                    for batch in rx {
                        for (lane, sums) in group.iter_mut() {
                            work(lane, sums, &batch);
                        }
                        drop(batch);
                        let _ = done.send(());
                    }
                });
            }
            // Only the workers hold senders now: if they all ended, waiting for one fails.
            drop(done_tx);
            loop {
                // A batch no worker holds any more (the oldest in flight is freed first).
                let mut batch = loop {
                    if let Some(b) = free.pop() {
                        break b;
                    }
                    if Arc::get_mut(queued.front_mut().expect("batches in flight")).is_some() {
                        break queued.pop_front().expect("checked");
                    }
                    done_rx.recv().expect("workers alive");
                };
                if !Arc::get_mut(&mut batch)
                    .expect("free batch")
                    .fill(world, until, warm)
                {
                    free.push(batch);
                    break;
                }
                for tx in &senders {
                    tx.send(Arc::clone(&batch)).expect("workers alive");
                }
                queued.push_back(batch);
            }
            // Closing the channels ends the workers; the scope waits for them.
            drop(senders);
        });
        batches.extend(
            free.into_iter()
                .chain(queued)
                .map(|b| Arc::try_unwrap(b).unwrap_or_else(|_| unreachable!("workers are done"))),
        );
        return;
    }
    let _ = threads;
    let mut lanes = lanes;
    let batch = &mut batches[0];
    while batch.fill(world, until, warm) {
        for (lane, sums) in lanes.iter_mut() {
            work(lane, sums, batch);
        }
    }
}

/// An ads experiment in progress.
pub struct AdsSim {
    world: World,
    hashes: Hashes,
    pub lanes: Vec<Lane>,
    pub series: Series,
    now: f64,
    horizon: f64,
    started: bool,
    /// For each lane, the lane whose warm-up it adopts (itself if it runs its own).
    leader: Vec<usize>,
    /// Request buffers, kept from one step to the next.
    batches: Vec<Batch>,
    threads: usize,
}

impl AdsSim {
    /// Builds the world and lanes and runs the warm-up.
    pub fn new(cfg: &Config) -> Self {
        let t0 = -cfg.warmup * 1440.0;
        let world = World::new(cfg, t0);
        let hashes = Hashes::new(world.s, world.k);
        let lanes: Vec<Lane> = cfg.lanes.iter().map(Lane::new).collect();
        let series = Series::new(cfg.horizon_min(), lanes.len(), f::FIELDS);
        let mut sim = AdsSim {
            world,
            hashes,
            lanes,
            series,
            now: t0,
            horizon: cfg.horizon_min(),
            started: false,
            leader: Vec::new(),
            batches: Vec::new(),
            threads: default_threads(),
        };
        sim.leader = sim.leaders();
        sim
    }

    /// Serves lanes on up to `n` threads (at least 1; natively only). Results are the same for any `n`.
    pub fn set_threads(&mut self, n: usize) {
        self.threads = n.max(1);
    }

    /// True until the warm-up is over.
    pub fn warming(&self) -> bool {
        !self.started
    }

    /// Lanes with the same features and learner learn the same warm-up model: one of them (the
    /// "leader") runs the warm-up and the others adopt its result.
    fn leaders(&self) -> Vec<usize> {
        let key = |l: &Lane| (l.online(), l.cfg.bits, format!("{:?}", l.cfg.ftrl));
        let mut leader: Vec<usize> = (0..self.lanes.len()).collect();
        for (i, lane) in self.lanes.iter().enumerate() {
            if !lane.learns() {
                continue;
            }
            let group: Vec<usize> = (0..self.lanes.len())
                .filter(|&j| self.lanes[j].learns() && key(&self.lanes[j]) == key(lane))
                .collect();
            leader[i] = group
                .iter()
                .copied()
                .find(|&j| self.lanes[j].schedule.keeps_warmup())
                .unwrap_or(group[0]);
        }
        leader
    }

    /// The warm-up up to time `t` (minutes, negative before the horizon): a uniformly random ad on
    /// every request, labels learned at once by every lane. At `t >= 0` the warm-up ends.
    pub fn warm_until(&mut self, t: f64) {
        if self.started {
            return;
        }
        let leader = &self.leader;
        let leaders = self
            .lanes
            .iter_mut()
            .zip(self.series.per_lane())
            .enumerate()
            .filter(|(i, (lane, _))| lane.learns() && leader[*i] == *i)
            .map(|(_, item)| item)
            .collect();
        let h = &self.hashes;
        stream(
            &mut self.world,
            &mut self.batches,
            (t.min(0.0), true),
            leaders,
            self.threads,
            |lane, _, batch| lane.warm(h, batch),
        );
        self.now = self.now.max(t.min(0.0));
        if t < 0.0 {
            return;
        }
        for i in 0..self.lanes.len() {
            let leader = self.leader[i];
            if self.lanes[i].learns() && leader != i {
                let from = self.lanes[leader].schedule.clone();
                self.lanes[i].schedule.adopt_warmup(&from);
            }
        }
        for lane in &mut self.lanes {
            lane.schedule.start(0.0);
            if !lane.online() && lane.learns() && lane.schedule.refresh_due(0.0) {
                lane.refresh(&self.world.cat, &self.hashes, 0.0);
            }
        }
        self.now = 0.0;
        self.started = true;
    }

    /// Simulated minutes from the start of the horizon (negative during the warm-up).
    pub fn now(&self) -> f64 {
        self.now
    }

    /// True when the horizon is done.
    pub fn done(&self) -> bool {
        self.now >= self.horizon
    }

    /// Drift events for the timeline.
    pub fn events(&self) -> &[(f64, String)] {
        &self.world.events
    }

    /// Runs every request before `until` (minutes), capped at the horizon (the warm-up first).
    pub fn run_until(&mut self, until: f64) {
        self.warm_until(0.0);
        let until = until.min(self.horizon);
        let lanes = self.lanes.iter_mut().zip(self.series.per_lane()).collect();
        let h = &self.hashes;
        stream(
            &mut self.world,
            &mut self.batches,
            (until, false),
            lanes,
            self.threads,
            |lane, sums, batch| lane.serve(h, batch, sums),
        );
        self.now = self.now.max(until);
        if self.done() {
            let end = self.horizon;
            for lane in &mut self.lanes {
                lane.deliver(end);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scan `first_max` replaces.
    fn first_strictly_greater(zs: &[f64]) -> usize {
        let mut best = (0, f64::NEG_INFINITY);
        for (i, &z) in zs.iter().enumerate() {
            if z > best.1 {
                best = (i, z);
            }
        }
        best.0
    }

    #[test]
    fn first_max_is_the_scan_it_replaces() {
        let mut rng = Rng::new(5, 99);
        let values = [
            0.5,
            -1.0,
            2.0,
            f64::NAN,
            f64::NEG_INFINITY,
            f64::INFINITY,
            0.0,
            -0.0,
        ];
        for case in 0..20_000 {
            let n = case % 40;
            let zs: Vec<f64> = (0..n)
                .map(|_| {
                    if rng.uniform() < 0.5 {
                        values[rng.below(values.len())]
                    } else {
                        rng.normal()
                    }
                })
                .collect();
            assert_eq!(first_max(&zs), first_strictly_greater(&zs), "{zs:?}");
        }
    }
}
