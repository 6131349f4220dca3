//! The warm-up, kept for the next run of the same world.
//!
//! What the warm-up leaves behind is decided by the world and by each learner, nothing else: every
//! request of the warm-up comes from the world's streams (no lane draws from them), every lane shows
//! the same uniformly random ad, and a learning lane learns every label at once, so its model depends
//! only on its features and learner ([`learner_key`]: online or batch features, hash bits, FTRL
//! parameters) -- not on its schedule, join window, label delay, exploration or policy after the
//! warm-up. The world's state at the end of the warm-up depends on every setting but the lanes
//! ([`world_key`]: the seed, the warm-up, the horizon and every world knob; a conservative key, since
//! some of these do not change the warm-up).
//!
//! A [`WarmCache`] keeps, per world, the world at the end of the warm-up and each learner's warm-up
//! result (its model and, for a lane that retrains from scratch, the warm-up's examples it keeps).
//! A run whose world and learners are all in the cache adopts them instead of warming up again, as a
//! lane already adopts the warm-up of another lane with the same learner in one run (`leaders`):
//! the state is the same, so every number is the same (`tests/warm.rs`). The page's lane workers keep
//! one, so a change of a lane's knobs re-runs only the horizon.

use crate::learn::ftrl::Ftrl;
use crate::learn::schedule::Schedule;
use crate::sim::config::Config;

use super::*;

/// Everything the warm-up's world depends on: the configuration without its lanes.
pub(super) fn world_key(cfg: &Config) -> String {
    crate::sim::parallel::world_key(cfg)
}

/// Everything a lane's warm-up model depends on besides the world.
pub(super) fn learner_key(l: &Lane) -> String {
    format!("{} {} {:?}", l.online(), l.cfg.bits, l.cfg.ftrl)
}

/// One learner's warm-up result.
struct Learned {
    key: String,
    /// Whether it kept the warm-up's examples (it then serves lanes that keep them and lanes that
    /// do not).
    keeps: bool,
    schedule: Schedule<Example, Ftrl>,
}

/// One world at the end of its warm-up, and the learners warmed up on it.
struct Entry {
    world_key: String,
    world: World,
    batches: Vec<Batch>,
    learned: Vec<Learned>,
}

/// Warm-ups kept for later runs of the same world (see the module's documentation): the most recent
/// `worlds` worlds, each with at most [`WarmCache::LEARNERS`] learners.
pub struct WarmCache {
    entries: Vec<Entry>,
    worlds: usize,
    /// Runs that adopted a kept warm-up, and runs that warmed up themselves.
    pub hits: u64,
    pub misses: u64,
}

impl WarmCache {
    /// Learners kept per world (lanes of one run have at most four).
    pub const LEARNERS: usize = 4;

    /// A cache of the warm-ups of the last `worlds` worlds (0 keeps nothing).
    pub fn new(worlds: usize) -> Self {
        WarmCache {
            entries: Vec::new(),
            worlds,
            hits: 0,
            misses: 0,
        }
    }

    /// The leaders of `sim` (lanes that warm up for themselves and their group).
    fn leaders(sim: &AdsSim) -> impl Iterator<Item = usize> + '_ {
        (0..sim.lanes.len()).filter(|&i| sim.lanes[i].learns() && sim.leader[i] == i)
    }

    /// Gives `sim` (not warmed up at all yet) the kept end of its warm-up, if every leader's learner
    /// is kept for its world; true if it did.
    fn adopt(&mut self, sim: &mut AdsSim) -> bool {
        let Some(e) = self
            .entries
            .iter()
            .position(|e| e.world_key == sim.world_key)
        else {
            return false;
        };
        let entry = &self.entries[e];
        let find = |lane: &Lane| {
            let key = learner_key(lane);
            let keeps = lane.schedule.keeps_warmup();
            entry
                .learned
                .iter()
                .position(|l| l.key == key && (l.keeps || !keeps))
        };
        let mut found = Vec::new();
        for i in Self::leaders(sim) {
            match find(&sim.lanes[i]) {
                Some(k) => found.push((i, k)),
                None => return false,
            }
        }
        // The world panes' recording is the run's own (the kept world holds none).
        let inside = sim.world.inside.take();
        sim.world.clone_from(&entry.world);
        sim.world.inside = inside;
        sim.batches.clone_from(&entry.batches);
        for (i, k) in found {
            sim.lanes[i]
                .schedule
                .adopt_warmup(&entry.learned[k].schedule);
        }
        sim.now = 0.0;
        // Most recently used first.
        let entry = self.entries.remove(e);
        self.entries.insert(0, entry);
        true
    }

    /// Keeps the end of `sim`'s warm-up (every request before 0 learned, the warm-up not ended).
    fn keep(&mut self, sim: &AdsSim) {
        if self.worlds == 0 {
            return;
        }
        let e = match self
            .entries
            .iter()
            .position(|e| e.world_key == sim.world_key)
        {
            Some(e) => self.entries.remove(e),
            None => Entry {
                world_key: sim.world_key.clone(),
                world: {
                    let mut w = sim.world.clone();
                    w.inside = None;
                    w
                },
                batches: sim.batches.clone(),
                learned: Vec::new(),
            },
        };
        let mut entry = e;
        for i in Self::leaders(sim) {
            let lane = &sim.lanes[i];
            let learned = Learned {
                key: learner_key(lane),
                keeps: lane.schedule.keeps_warmup(),
                schedule: lane.schedule.clone(),
            };
            match entry.learned.iter().position(|l| l.key == learned.key) {
                // A result that kept the examples serves every lane: never replaced by one that did not.
                Some(k) if entry.learned[k].keeps && !learned.keeps => {}
                Some(k) => entry.learned[k] = learned,
                None => entry.learned.insert(0, learned),
            }
        }
        entry.learned.truncate(Self::LEARNERS);
        self.entries.insert(0, entry);
        self.entries.truncate(self.worlds);
    }
}

impl AdsSim {
    /// Runs the warm-up, or adopts its end from `cache` when this world and these learners were
    /// warmed up before (the same state either way); a warm-up run here is kept in `cache`.
    pub fn warm_cached(&mut self, cache: &mut WarmCache) {
        if self.started {
            return;
        }
        // Only a warm-up not begun is replaced whole.
        if self.now == self.t0 && cache.adopt(self) {
            cache.hits += 1;
        } else {
            cache.misses += 1;
            self.warm_stream(0.0);
            cache.keep(self);
        }
        self.end_warmup();
    }
}
