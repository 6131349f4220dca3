//! Lanes run apart and assembled: every lane sees the same world (common random numbers) and no lane
//! draws from a world stream, so a run of some of the lanes gives those lanes exactly the sums, marks
//! and events of a run of all of them. The page runs an ads experiment's lanes in Web Workers this way
//! (each builds the world again) and assembles the parts with [`Experiment::adopt`];
//! `tests/parallel.rs` checks that the assembled digest is the full run's.
//!
//! For the same reason a finished lane's outcome depends only on its world and its own settings, not on
//! the other lanes nor on its place among them: [`LaneResults`] keeps finished lanes, so that after a
//! change of one lane's knobs the page re-runs that lane only.
//!
//! [`Experiment::adopt`]: crate::sim::experiment::Experiment::adopt

use crate::base::units::HOURS_PER_DAY;
use crate::sim::config::{Config, LaneConfig, Mode, Policy, Update};
use crate::sim::inside::Grid;

/// The outcome of a run of some lanes of a configuration, at some point of the run.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Part {
    /// Which lanes of the full configuration these are.
    pub lanes: Vec<usize>,
    /// Simulated minutes from the start of the horizon (negative during the warm-up).
    pub clock: f64,
    pub done: bool,
    /// Each lane's bucketed sums (`Series::lanes[l]`).
    pub sums: Vec<Vec<f64>>,
    /// Each lane's retrain times, minutes.
    pub marks: Vec<Vec<f64>>,
    /// The world's drift events so far (minutes, label).
    pub events: Vec<(f64, String)>,
    /// What the world panes show ([`crate::sim::inside`]), when the run recorded it: the world's grid
    /// and each lane's (empty otherwise).
    pub inside: Vec<Grid>,
}

/// The configuration of a run of lanes `lanes` only (out-of-range indices are skipped; at least the
/// first lane is kept, so the result stays valid).
pub fn subset(cfg: &Config, lanes: &[usize]) -> Config {
    let mut out = cfg.clone();
    out.lanes = lanes
        .iter()
        .filter_map(|&l| cfg.lanes.get(l).cloned())
        .collect();
    if out.lanes.is_empty() {
        out.lanes = cfg.lanes.iter().take(1).cloned().collect();
    }
    out
}

/// A rough relative cost of one lane (online learners rank every ad with their model; continual ones
/// learn every label once; a retrain from scratch learns its window and the warm-up's examples again
/// every time; a batch table is cheap).
fn weight(cfg: &Config, l: &LaneConfig) -> f64 {
    if l.policy != Policy::Model {
        return 0.3;
    }
    let serve = if l.mode == Mode::Online { 2.0 } else { 0.6 };
    let learn = match l.update {
        Update::Frozen => 0.2,
        Update::Periodic if !l.stateful => {
            let hours = l.window.min(cfg.days * HOURS_PER_DAY) + cfg.warmup * HOURS_PER_DAY;
            (hours / l.every.max(1.0)).max(1.0)
        }
        _ => 1.0,
    };
    serve + learn
}

/// Lanes grouped into at most `workers` parts of about equal cost, each part in lane order. Each part
/// also pays for building the world and the warm-up, so fewer, fuller parts can be faster than one
/// lane per worker on a machine with few cores.
pub fn split(cfg: &Config, workers: usize) -> Vec<Vec<usize>> {
    // Lanes learning from a shared log need the logging lane in their run: one part.
    if cfg.logger().is_some() {
        return vec![(0..cfg.lanes.len()).collect()];
    }
    // At most four lanes: a greedy deal of the costliest lane first to the least loaded part, without
    // the standard library's sorts (each instantiation adds kilobytes to the page's wasm).
    let n = cfg.lanes.len();
    let workers = workers.clamp(1, n.max(1));
    let weight: Vec<f64> = cfg.lanes.iter().map(|l| weight(cfg, l)).collect();
    let mut load = vec![0.0; workers];
    let mut owner = vec![0; n];
    let mut left: Vec<usize> = (0..n).collect();
    while !left.is_empty() {
        let mut pick = 0;
        for (i, &l) in left.iter().enumerate() {
            if weight[l] > weight[left[pick]] {
                pick = i;
            }
        }
        let l = left.remove(pick);
        let mut to = 0;
        for (p, &x) in load.iter().enumerate() {
            if x < load[to] {
                to = p;
            }
        }
        load[to] += weight[l];
        owner[l] = to;
    }
    // Parts in the order of their first lane, each in lane order.
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut part_of = vec![usize::MAX; workers];
    for (l, &p) in owner.iter().enumerate() {
        if part_of[p] == usize::MAX {
            part_of[p] = out.len();
            out.push(Vec::new());
        }
        out[part_of[p]].push(l);
    }
    out
}

/// Everything a world depends on: the configuration without its lanes, written out (`{:?}` writes
/// every number exactly, `-0` included), and the logging lane's settings when the lanes learn from
/// a shared log (every lane's outcome then depends on them).
pub fn world_key(cfg: &Config) -> String {
    let logger = cfg.logger().map(|l| cfg.lanes[l].clone());
    let mut c = cfg.clone();
    c.lanes.clear();
    format!("{c:?}{logger:?}")
}

/// Finished lanes, each kept under its world and its own settings (the most recent first).
pub struct LaneResults {
    kept: Vec<(String, Part)>,
    cap: usize,
}

impl LaneResults {
    /// Keeps at most `cap` lanes.
    pub fn new(cap: usize) -> Self {
        LaneResults {
            kept: Vec::new(),
            cap,
        }
    }

    fn key(world: &str, lane: &LaneConfig) -> String {
        format!("{world}|{lane:?}")
    }

    /// The kept outcomes of lanes of `cfg`: one finished [`Part`] per lane found, numbered as in `cfg`.
    pub fn find(&self, cfg: &Config) -> Vec<Part> {
        let world = world_key(cfg);
        cfg.lanes
            .iter()
            .enumerate()
            .filter_map(|(l, lane)| {
                let key = Self::key(&world, lane);
                let (_, p) = self.kept.iter().find(|(k, _)| *k == key)?;
                Some(Part {
                    lanes: vec![l],
                    ..p.clone()
                })
            })
            .collect()
    }

    /// Keeps every finished lane of `parts` (runs of lanes of `cfg`).
    pub fn keep(&mut self, cfg: &Config, parts: &[Part]) {
        let world = world_key(cfg);
        for p in parts.iter().filter(|p| p.done) {
            for (i, &l) in p.lanes.iter().enumerate() {
                let (Some(lane), Some(sums), Some(marks)) =
                    (cfg.lanes.get(l), p.sums.get(i), p.marks.get(i))
                else {
                    continue;
                };
                let key = Self::key(&world, lane);
                self.kept.retain(|(k, _)| *k != key);
                // The world panes come along: the world's grid and this lane's.
                let inside = match (p.inside.first(), p.inside.get(i + 1)) {
                    (Some(w), Some(g)) if p.inside.len() == p.lanes.len() + 1 => {
                        vec![w.clone(), g.clone()]
                    }
                    _ => Vec::new(),
                };
                let one = Part {
                    lanes: vec![l],
                    clock: p.clock,
                    done: true,
                    sums: vec![sums.clone()],
                    marks: vec![marks.clone()],
                    events: Vec::new(),
                    inside,
                };
                self.kept.insert(0, (key, one));
            }
        }
        self.kept.truncate(self.cap);
    }
}

/// How to run the lanes of `cfg` not in `known` (kept outcomes, see [`LaneResults::find`]) on
/// `workers` workers: [`split`] of those lanes, as lane indices of `cfg` (empty when every lane is
/// known).
pub fn split_rest(cfg: &Config, known: &[Part], workers: usize) -> Vec<Vec<usize>> {
    let todo: Vec<usize> = (0..cfg.lanes.len())
        .filter(|l| !known.iter().any(|p| p.lanes.contains(l)))
        .collect();
    if todo.is_empty() {
        return Vec::new();
    }
    if cfg.logger().is_some() {
        // The logging lane runs with them (and kept lanes run again: one run, as `split`).
        return split(cfg, workers);
    }
    split(&subset(cfg, &todo), workers)
        .into_iter()
        .map(|part| part.into_iter().map(|i| todo[i]).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::preset;

    #[test]
    fn split_covers_every_lane_once_in_at_most_the_workers_asked() {
        for name in ["ads-batch-vs-online", "ads-drift", "cells-sleep"] {
            let cfg = preset(name).unwrap().config();
            for w in 1..=5 {
                let parts = split(&cfg, w);
                assert!(parts.len() <= w.max(1));
                let mut all: Vec<usize> = parts.concat();
                all.sort_unstable();
                assert_eq!(all, (0..cfg.lanes.len()).collect::<Vec<_>>(), "{name} {w}");
            }
        }
    }

    #[test]
    fn a_subset_keeps_the_world_and_only_the_lanes_asked() {
        let cfg = preset("ads-drift").unwrap().config();
        let sub = subset(&cfg, &[2, 9]);
        assert_eq!(sub.lanes.len(), 1);
        assert_eq!(sub.lanes[0], cfg.lanes[2]);
        assert_eq!(sub.seed, cfg.seed);
        assert_eq!(subset(&cfg, &[]).lanes.len(), 1);
        assert!(sub.validate().is_ok());
    }
}
