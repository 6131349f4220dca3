//! How a map is cut into tasks (a world, a seed, a group of rows, or a variation's), the lanes and
//! configuration of each, and the estimated cost of them all.

use super::*;

impl Spec {
    /// Every task, seed by seed (the first seed of every world first, so a first map comes early);
    /// an ads world's first seed split into up to `parts` groups of rows, so that every worker
    /// helps draw the first map, and every other seed (and every cells seed: cheap) in one task, so
    /// that its world and warm-up are drawn once, not once per group.
    pub fn tasks(&self, parts: usize) -> Vec<Task> {
        let mut out = Vec::new();
        for seed in 0..self.seeds {
            for (w, world) in self.worlds.iter().enumerate() {
                let n = match world.base.scenario {
                    Scenario::Ads if seed == 0 => parts.clamp(1, self.rows_of(w).len().max(1)),
                    Scenario::Ads | Scenario::Cells => 1,
                };
                out.extend((0..n).map(|part| Task {
                    world: w,
                    seed,
                    part,
                    parts: n,
                    variation: None,
                }));
            }
        }
        if self.sensitivity {
            for v in 0..sensitivity::VARIATIONS.len() {
                if let Some(s) = sensitivity::variant(self, v) {
                    out.extend(s.tasks(parts).into_iter().map(|t| Task {
                        variation: Some(v as u8),
                        ..t
                    }));
                }
            }
        }
        out
    }

    /// The specification a task belongs to: this one, or one variation's.
    pub fn of_task(&self, t: &Task) -> Result<std::borrow::Cow<'_, Spec>, String> {
        match t.variation {
            None => Ok(std::borrow::Cow::Borrowed(self)),
            Some(v) => sensitivity::variant(self, v as usize)
                .map(std::borrow::Cow::Owned)
                .ok_or_else(|| format!("no variation {v}")),
        }
    }

    /// The lanes a task runs: its group of rows (consecutive rows, split as evenly as possible; the
    /// first group, which holds the costlier online row, never the larger), and the references in
    /// the first group.
    pub fn task_lanes(&self, t: &Task) -> Vec<usize> {
        if t.variation.is_some() {
            return (self.of_task(t).map(|s| s.task_lanes(&t.inner()))).unwrap_or_default();
        }
        let rows = self.rows_of(t.world).len();
        let parts = t.parts.clamp(1, rows.max(1));
        let bound = |p: usize| rows * p / parts;
        let (from, to) = (bound(t.part), bound(t.part + 1));
        let mut lanes: Vec<usize> = if t.part == 0 {
            (0..REFS.len()).collect()
        } else {
            vec![]
        };
        for r in from..to {
            lanes.extend((0..self.cols.len()).map(|c| self.lane_of(r, c)));
        }
        lanes
    }

    /// The lane a task runs before its own: the world's logging lane ([`Config::logger`], the
    /// freshest corner) when its lanes learn from a shared log and the task's group of rows does
    /// not hold it; every task then learns from the same log.
    pub(super) fn logger(&self, t: &Task) -> Option<usize> {
        let world = self.worlds.get(t.world)?;
        let all = Config {
            lanes: self.lanes(t.world),
            ..world.base.clone()
        };
        let l = all.logger()?;
        (!self.task_lanes(t).contains(&l)).then_some(l)
    }

    /// The configuration of a task: the world's seed, its lanes.
    pub fn task_config(&self, t: &Task) -> Result<Config, String> {
        if t.variation.is_some() {
            return self.of_task(t)?.task_config(&t.inner());
        }
        let world = self
            .worlds
            .get(t.world)
            .ok_or_else(|| format!("no world {}", t.world))?;
        if t.seed >= self.seeds || t.part >= t.parts.max(1) {
            return Err(format!("task out of range: {t:?}"));
        }
        let all = self.lanes(t.world);
        let mut c = world.base.clone();
        c.seed = world.base.seed.wrapping_add(t.seed);
        c.lanes = self.task_lanes(t).iter().map(|&i| all[i].clone()).collect();
        if let Some(l) = self.logger(t) {
            // The logging corner runs first (its sums are not the task's: `run_task` drops them).
            c.lanes.insert(0, all[l].clone());
        }
        Ok(c)
    }

    /// The estimated cost of the whole map cut into the tasks of `parts` workers (on one thread; the
    /// memory: the largest task's).
    pub fn cost(&self, parts: usize) -> crate::sim::cost::Cost {
        // (Variations' tasks are among `tasks`: `task_config` gives each its own configuration.)
        let mut total = crate::sim::cost::Cost::default();
        // The costliest task's parts, named by their knobs, stand for the whole map's.
        let mut top = crate::sim::cost::Cost::default();
        for t in self.tasks(parts) {
            if let Ok(mut c) = self.task_config(&t) {
                // The estimator knows at most four lanes: scale a four-lane estimate.
                let n = c.lanes.len();
                c.lanes.truncate(4);
                let k = n as f64 / c.lanes.len() as f64;
                let mut e = crate::sim::cost::estimate(&c);
                e.seconds *= k;
                e.bytes *= k;
                for p in &mut e.parts {
                    p.seconds *= k;
                    p.bytes *= k;
                }
                total.seconds += e.seconds;
                total.bytes = total.bytes.max(e.bytes);
                if e.seconds + e.bytes * 1e-8 > top.seconds + top.bytes * 1e-8 {
                    top = e;
                }
            }
        }
        let runs = total.seconds / top.seconds.max(1e-12);
        total.parts = (top.parts.into_iter())
            .map(|mut p| {
                p.seconds *= runs;
                p.what = format!("{}, in every one of the map's runs (--seeds)", p.what);
                p
            })
            .collect();
        total
    }
}
