//! The simulator: the knob table and configuration, the two worlds (ad ranking, cells that sleep) and
//! their lanes, the bucketed series and metric table, experiments, presets and the freshness sweep.

pub mod ads;
pub mod cells;
pub mod config;
pub mod experiment;
pub mod knobs;
pub mod presets;
pub mod series;
pub mod sweep;
