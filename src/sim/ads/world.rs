//! The ads world: traffic, users and their session intents, the catalogue of ads and its
//! campaigns, the true click probabilities and their drift.

use crate::base::rng::{sigmoid, stream, Rng};
use crate::base::units::{HOURS_PER_DAY, MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::learn::ftrl::hash_feature;
use crate::sim::config::{AdsConfig, Config};
use crate::sim::inside::{self, vote, Rows};

/// Most ads running at once (launches pause beyond it).
pub const MAX_ACTIVE_ADS: usize = 128;
/// Features per example: bias, segment x category, intent x category, hour x category,
/// weekend x category, ad.
pub(super) const NF: usize = 6;

/// Feature namespaces.
pub(super) mod ns {
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
    pub(super) hash: u32,
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
    pub(super) u_click: f64,
    pub(super) u_explore: f64,
    pub(super) u_pick: f64,
    pub(super) click_delay: f64,
    /// The slot whose click probability the world computed, and that probability: the oracle's
    /// choice (the first slot with the highest true logit) or, in the warm-up (where nothing else is
    /// needed), the uniformly random ad every lane shows.
    pub(super) top: usize,
    pub(super) p_top: f64,
}

impl Request {
    /// The warm-up's slot: a uniformly random one of `n` running ads.
    pub(super) fn picked(&self, n: usize) -> usize {
        ((self.u_pick * n as f64) as usize).min(n - 1)
    }
}

/// One hour of the gradual drift of tastes: each affinity becomes `keep * a + sd * z` (z standard
/// normal). The step's standard deviation is `walk` per square-root day (`walk / sqrt(24)` per hour),
/// and `keep` pulls every affinity back just enough that their spread stays `affinity` (an
/// Ornstein-Uhlenbeck walk): tastes change, the world neither grows nor loses contrast over time, so a
/// long run's CTR stays where a short one's is. When a step is as wide as the spread, tastes are
/// redrawn every hour.
pub(super) fn walk_step(walk: f64, affinity: f64) -> (f64, f64) {
    let sd = (walk / libm::sqrt(HOURS_PER_DAY)).min(affinity);
    let keep = if affinity > 0.0 {
        libm::sqrt(1.0 - (sd / affinity) * (sd / affinity))
    } else {
        0.0
    };
    (keep, sd)
}

/// Hour of day and weekend flag of a time in minutes (t = 0 is a Monday, 00:00).
pub fn clock(t: f64) -> (usize, bool) {
    let (day, hour) = day_hour(t);
    (hour, weekend_day(day))
}

/// Day number and hour of day of a time in minutes; both never decrease as `t` grows.
pub(super) fn day_hour(t: f64) -> (f64, usize) {
    let day = (t / MINUTES_PER_DAY).floor();
    (
        day,
        (((t - day * MINUTES_PER_DAY) / MINUTES_PER_HOUR) as usize).min(23),
    )
}

pub(super) fn weekend_day(day: f64) -> bool {
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
pub(super) struct Hour {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) hour: usize,
    pub(super) weekend: bool,
    pub(super) accept_below: f64,
    pub(super) reject_from: f64,
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
    pub(super) quality: f64,
}

/// The ads world: everything every lane sees (cloned whole by the warm-up cache, [`super::WarmCache`]).
#[derive(Clone)]
pub struct World {
    pub(super) c: AdsConfig,
    pub(super) s: usize,
    pub(super) k: usize,
    pub(super) b0: f64,
    pub(super) aff: Vec<f64>,
    pub(super) weekend_delta: Vec<f64>,
    pub(super) hour_eff: Vec<f64>,
    pub(super) seg_weights: Vec<f64>,
    /// Their sum (in order, as `Rng::weighted` adds them).
    pub(super) seg_total: f64,
    /// Cumulative intent weights per segment (weekday, weekend).
    pub(super) intent_cdf: [Vec<f64>; 2],
    pub ads: Vec<Ad>,
    /// Indices into `ads` of the running ones, in launch order.
    pub active: Vec<usize>,
    /// What the lanes see of the running ads (rebuilt from `active` when it changes).
    pub cat: Catalogue,
    /// The clock hour of the latest arrival.
    pub(super) block: Hour,
    pub(super) traffic: Rng,
    pub(super) drift: Rng,
    pub(super) rate_max: f64,
    pub(super) next_arrival: f64,
    pub(super) next_hour: f64,
    pub(super) next_launch: f64,
    /// Earliest end of a running campaign.
    pub(super) next_end: f64,
    pub(super) shift_at: f64,
    /// An accepted arrival whose request is not drawn yet (see [`World::peek`]).
    pub(super) held: Option<f64>,
    /// Drift events (minutes, label) for the timeline.
    pub events: Vec<(f64, String)>,
    /// What the world panes show of the busiest segments, when asked for ([`super::AdsSim::record_inside`]).
    pub inside: Option<Box<Rows>>,
}

impl World {
    /// Builds the world of `cfg` from its seed; the clock starts at `t0` (start of the warm-up).
    pub fn new(cfg: &Config, t0: f64) -> Self {
        let c = cfg.ads.clone();
        let (s, k) = (c.segments as usize, c.categories as usize);
        let mut rng = Rng::new(cfg.seed as u64, stream::ADS_WORLD);
        let aff: Vec<f64> = (0..s * k).map(|_| c.affinity * rng.normal()).collect();
        let weekend_delta: Vec<f64> = (0..s * k).map(|_| c.weekend * rng.normal()).collect();
        let phase: Vec<f64> = (0..k).map(|_| rng.uniform() * HOURS_PER_DAY).collect();
        let hour_eff = (0..24 * k)
            .map(|i| {
                0.3 * libm::sin(
                    2.0 * std::f64::consts::PI * ((i / k) as f64 - phase[i % k]) / HOURS_PER_DAY,
                )
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
            next_hour: (t0 / MINUTES_PER_HOUR).floor() * MINUTES_PER_HOUR + MINUTES_PER_HOUR,
            next_launch: f64::INFINITY,
            next_end: f64::NEG_INFINITY,
            shift_at: match c.shift_day {
                Some(d) if c.shift > 0.0 => d * MINUTES_PER_DAY,
                _ => f64::INFINITY,
            },
            held: None,
            events: Vec::new(),
            inside: None,
            drift: Rng::new(0, 0),
            c,
        };
        for _ in 0..world.c.catalogue {
            let end = if world.c.launches > 0.0 {
                t0 + drift.exp1() * world.c.campaign_days * MINUTES_PER_DAY
            } else {
                f64::INFINITY
            };
            world.launch(&mut rng, end, 0.0);
        }
        if world.c.launches > 0.0 {
            world.next_launch = t0 + drift.exp1() * MINUTES_PER_DAY / world.c.launches;
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

    pub(super) fn launch(&mut self, rng: &mut Rng, end: f64, quality_mean: f64) {
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

    pub(super) fn mean_profile(&self) -> f64 {
        (5.0 + 2.0 * (1.0 - self.c.weekly)) / 7.0
    }

    /// Request rate (per minute) at time t.
    pub(super) fn rate(&self, t: f64) -> f64 {
        let h = t / MINUTES_PER_HOUR;
        let daily =
            1.0 + self.c.daily * libm::cos(2.0 * std::f64::consts::PI * (h - 20.0) / HOURS_PER_DAY);
        let (_, weekend) = clock(t);
        let weekly = if weekend { 1.0 - self.c.weekly } else { 1.0 };
        self.c.volume / MINUTES_PER_HOUR * daily * weekly / self.mean_profile()
    }

    /// The clock hour of `t` (see [`Hour`]), recomputed when `t` leaves the current one.
    pub(super) fn hour_of(&mut self, t: f64) -> Hour {
        if t >= self.block.lo && t <= self.block.hi {
            return self.block;
        }
        let (day, hour) = day_hour(t);
        let mut hi = (((t / MINUTES_PER_HOUR).floor() + 1.0) * MINUTES_PER_HOUR - 1e-3).max(t);
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
    pub(super) fn accepts(&mut self, t: f64, x: f64) -> bool {
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
    pub(super) fn sync_live(&mut self) {
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

    pub(super) fn interarrival(&mut self) -> f64 {
        if self.rate_max > 0.0 {
            self.traffic.exp1() * MINUTES_PER_HOUR / self.rate_max
        } else {
            f64::INFINITY
        }
    }

    pub(super) fn refresh_intents(&mut self) {
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
    pub(super) fn advance(&mut self, t: f64) {
        let mut changed = false;
        while self.next_hour <= t {
            if self.c.walk > 0.0 {
                let (keep, sd) = walk_step(self.c.walk, self.c.affinity);
                for a in self.aff.iter_mut() {
                    *a = keep * *a + sd * self.drift.normal();
                }
                changed = true;
            }
            self.next_hour += MINUTES_PER_HOUR;
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
                let end = at + rng.exp1() * self.c.campaign_days * MINUTES_PER_DAY;
                self.launch(&mut rng, end, 0.2);
                self.drift = rng;
            }
            self.next_launch += self.drift.exp1() * MINUTES_PER_DAY / self.c.launches;
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
    pub(super) fn catalogue_due(&self, t: f64) -> bool {
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
            let x = self.traffic.uniform() * self.rate_max / MINUTES_PER_HOUR;
            if self.accepts(t, x) {
                self.held = Some(t);
            }
        }
        self.held.filter(|&t| t < until)
    }

    /// Draws the request at the time [`World::peek`] returned, after the drift due by then, and
    /// appends its true logits (one per running ad, in slot order) to `truth`. In the warm-up (`warm`)
    /// only the logit of the ad every lane shows is computed, nothing is appended, and the click delay
    /// is not computed (NaN).
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
            // A warm-up label is learned at once: its delay is drawn (the stream stays the same) but
            // not computed (the logarithm of `Rng::exp1` was a tenth of the warm-up).
            click_delay: {
                let u = self.traffic.uniform();
                if warm {
                    f64::NAN
                } else {
                    -libm::log(1.0 - u) * self.c.click_delay
                }
            },
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
        if !warm {
            self.inside_at(&req);
        }
        req
    }

    /// Adds a request to the world panes' recording: its segment's requests, the best ad's vote, its
    /// session intent.
    fn inside_at(&mut self, r: &Request) {
        let Some(row) = self.inside.as_mut().and_then(|l| l.at(r.t, r.segment)) else {
            return;
        };
        let id = self.cat.active[r.top] as f32;
        let category = self.cat.live[r.top].category as f32;
        row[inside::ads::REQUESTS] += 1.0;
        vote(row, inside::ads::BEST_AD, id, category);
        if let Some(n) = row.get_mut(inside::ads::INTENTS + r.intent) {
            *n += 1.0;
        }
    }
}
