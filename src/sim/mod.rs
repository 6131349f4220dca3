//! The simulator: the knob table and configuration, the two worlds (ad ranking, cells that sleep) and
//! their lanes, the bucketed series and metric table, experiments, presets, the freshness sweep and
//! the what-if evaluation.

pub mod ads;
pub mod cells;
pub mod config;
pub mod cost;
pub mod experiment;
pub mod export;
pub mod inside;
pub mod knobs;
pub mod parallel;
pub mod presets;
pub mod series;
pub mod settings;

use crate::base::units::MINUTES_PER_HOUR;
use crate::learn::schedule::{Plan, MAX_BUFFER};
use config::{LaneConfig, Mode};

/// For each lane, the first lane whose model key equals its own (itself if none comes before it, or
/// if it has no key: it learns its own model). Lanes with one key learn one model, and that first
/// lane trains it.
pub(crate) fn trainers<K: PartialEq>(keys: &[Option<K>]) -> Vec<usize> {
    (0..keys.len())
        .map(|l| match &keys[l] {
            Some(key) => (0..l).find(|&j| keys[j].as_ref() == Some(key)).unwrap_or(l),
            None => l,
        })
        .collect()
}

/// A simulated lane's schedule, in minutes (the simulator's clock). Batch predictions are
/// refreshed every `refresh` hours; `refresh_step` rounds the period to a whole number of the
/// world's steps (at least one).
pub fn plan(lane: &LaneConfig, refresh_step: Option<f64>) -> Plan {
    let refresh = lane.refresh * MINUTES_PER_HOUR;
    Plan {
        update: lane.update,
        stateful: lane.stateful,
        every: (lane.every * MINUTES_PER_HOUR).max(1.0),
        window: lane.window * MINUTES_PER_HOUR,
        keep: MAX_BUFFER,
        keep_warmup: false,
        deploy: lane.deploy * MINUTES_PER_HOUR,
        // At most one triggered retrain an hour, however noisy the loss.
        cooldown: MINUTES_PER_HOUR,
        refresh: match (lane.mode, refresh_step) {
            (Mode::Online, _) => f64::INFINITY,
            (Mode::Batch, None) => refresh,
            (Mode::Batch, Some(step)) => (refresh / step).round().max(1.0) * step,
        },
    }
}
