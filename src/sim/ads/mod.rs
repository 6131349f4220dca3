//! The ad-ranking world and its lanes.
//!
//! Requests arrive as a Poisson process (daily and weekly profile x volume). Each comes from a user
//! segment (or a new user whose segment is unknown to the models), with a session intent (a category).
//! The true click probability of an ad is
//! `sigmoid(b0 + affinity[segment][category] + intent x [category = intent] + quality[ad] + hour[hour][category])`,
//! with weekend tastes, a sudden shift, a random walk and campaign launches as drift. Every random draw
//! that defines the world comes from the world's streams, and the click of a shown ad is decided by the
//! request's own uniform number: the same ad on the same request is clicked in every lane.

pub mod export;
mod lane;
mod serve;
mod step;
mod warm;
mod world;

pub use lane::{Example, Lane};
pub use serve::{default_threads, Batch};
pub use warm::WarmCache;
pub use world::*;

use crate::base::units::MINUTES_PER_DAY;
use crate::sim::config::Config;
use crate::sim::inside::{self, busiest, Rows, TOP_SEGMENTS};
use crate::sim::series::{ads as f, Series};

use lane::*;
use serve::*;

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
    /// For each lane, the lane that learns the model it serves from after the warm-up (itself,
    /// unless lanes learn one model from a shared log: [`Lane::model_key`]).
    trainer: Vec<usize>,
    /// The lane whose shown ads every learning lane learns from ([`crate::sim::config::Log::Shared`]:
    /// the first lane that keeps learning), or None (each learns from its own).
    logger: Option<usize>,
    /// Request buffers, kept from one step to the next.
    batches: Vec<Batch>,
    threads: usize,
    /// The start of the warm-up (minutes) and what the warm-up's world depends on: every setting but
    /// the lanes (see [`WarmCache`]).
    t0: f64,
    world_key: String,
}

impl AdsSim {
    /// Builds the world and lanes and runs the warm-up.
    pub fn new(cfg: &Config) -> Self {
        let t0 = -cfg.warmup * MINUTES_PER_DAY;
        let world = World::new(cfg, t0);
        let hashes = Hashes::new(world.s, world.k);
        let lanes: Vec<Lane> = cfg.lanes.iter().map(Lane::new).collect();
        let logger = cfg.logger();
        let series = Series::new(cfg.horizon_min(), lanes.len(), f::FIELDS);
        let mut sim = AdsSim {
            world,
            hashes,
            lanes,
            series,
            now: t0,
            horizon: cfg.horizon_min(),
            started: false,
            logger,
            leader: Vec::new(),
            trainer: Vec::new(),
            batches: Vec::new(),
            threads: default_threads(),
            t0,
            world_key: warm::world_key(cfg),
        };
        sim.leader = sim.leaders();
        sim.trainer = sim.trainers();
        sim
    }

    /// Starts recording what the world panes show ([`crate::sim::inside`]): the busiest segments'
    /// requests, best ads and intents, and each lane's ads.
    pub fn record_inside(&mut self) {
        if self.world.inside.is_some() {
            return;
        }
        let shown = busiest(&self.world.seg_weights, TOP_SEGMENTS);
        let (s, k) = (self.world.s, self.world.k);
        let rows = |fields| Some(Box::new(Rows::new(self.horizon, s, &shown, fields)));
        self.world.inside = rows(inside::ads::INTENTS + k);
        for lane in &mut self.lanes {
            lane.inside = rows(inside::ads::LANE_FIELDS);
        }
    }

    /// The world panes' recording: the world's rows and each lane's (None unless asked for).
    pub fn inside(&self) -> Option<(&Rows, Vec<&Rows>)> {
        let world = self.world.inside.as_deref()?;
        let lanes = self
            .lanes
            .iter()
            .filter_map(|l| l.inside.as_deref())
            .collect();
        Some((world, lanes))
    }

    /// The world's recording and each lane's, to adopt them from runs elsewhere.
    pub fn inside_mut(&mut self) -> Option<(&mut Rows, Vec<Option<&mut Rows>>)> {
        let world = self.world.inside.as_deref_mut()?;
        let lanes = self
            .lanes
            .iter_mut()
            .map(|l| l.inside.as_deref_mut())
            .collect();
        Some((world, lanes))
    }

    /// Each shown segment's share of the traffic.
    pub fn segment_shares(&self, segments: &[usize]) -> Vec<f64> {
        let w = &self.world.seg_weights;
        segments
            .iter()
            .map(|&s| w[s] / self.world.seg_total)
            .collect()
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
        let key = warm::learner_key;
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

    /// On a shared log, batch lanes with the same learner and schedule learn the same model: the
    /// first of them (never the logging lane, which serves first on its own) learns it for all.
    fn trainers(&self) -> Vec<usize> {
        let keys: Vec<Option<_>> = (self.lanes.iter().enumerate())
            .map(|(i, l)| {
                l.model_key()
                    .filter(|_| self.logger.is_some_and(|g| g != i))
            })
            .collect();
        crate::sim::trainers(&keys)
    }

    /// Retrain times (minutes) of lane `l`: those of the model it serves from.
    pub fn marks(&self, l: usize) -> &[f64] {
        self.lanes[self.trainer.get(l).copied().unwrap_or(l)].marks()
    }

    /// The warm-up up to time `t` (minutes, negative before the horizon): a uniformly random ad on
    /// every request, labels learned at once by every lane. At `t >= 0` the warm-up ends.
    pub fn warm_until(&mut self, t: f64) {
        if self.started {
            return;
        }
        self.warm_stream(t);
        if t >= 0.0 {
            self.end_warmup();
        }
    }

    /// The warm-up's requests before `t` (at most 0), learned by the leaders.
    fn warm_stream(&mut self, t: f64) {
        let leader = &self.leader;
        let leaders = self
            .lanes
            .iter_mut()
            .zip(self.series.per_lane())
            .enumerate()
            .filter(|(i, (lane, _))| lane.learns() && leader[*i] == *i)
            .map(|(_, item)| vec![item])
            .collect();
        let h = &self.hashes;
        stream(
            &mut self.world,
            &mut self.batches,
            (t.min(0.0), true),
            (leaders, None),
            self.threads,
            |group, batch, _| {
                for (lane, _) in group.iter_mut() {
                    lane.warm(h, batch)
                }
            },
        );
        self.now = self.now.max(t.min(0.0));
    }

    /// Ends the warm-up (every request before 0 learned by the leaders): the other lanes adopt their
    /// leader's result, the schedules start, batch tables are computed.
    fn end_warmup(&mut self) {
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
                lane.refresh(&self.world.cat, &self.hashes, 0.0, None);
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
        let lanes = self.lanes.iter_mut().zip(self.series.per_lane());
        // Lanes grouped by the lane that learns their model (the first of each group).
        let mut groups: Vec<Group> = Vec::new();
        let mut at = vec![usize::MAX; self.trainer.len()];
        for (i, item) in lanes.enumerate() {
            let t = self.trainer[i];
            if at[t] == usize::MAX {
                at[t] = groups.len();
                groups.push(Vec::new());
            }
            groups[at[t]].push(item);
        }
        let logger = self.logger.map(|l| at[l]);
        let h = &self.hashes;
        stream(
            &mut self.world,
            &mut self.batches,
            (until, false),
            (groups, logger),
            self.threads,
            |group, batch, log| step::serve_group(group, h, batch, log),
        );
        self.now = self.now.max(until);
        if self.done() {
            let end = self.horizon;
            for (i, lane) in self.lanes.iter_mut().enumerate() {
                // A lane served from another's model has no labels and no retrains of its own.
                if self.trainer[i] == i {
                    lane.finish(end);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::Rng;

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
