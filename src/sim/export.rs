//! `rtml run --export FILE`: the world's observable stream, in a format `rtml replay` reads with no
//! other option than its format: a per-cell load trace (cells, `--format load-csv`) or a Vowpal
//! Wabbit click log (ads, the default format). Lanes play no part: the stream is the world's.

use crate::sim::config::{Config, Scenario};
use std::io::Write;

/// Writes the observable stream of `cfg`'s world to `out`.
pub fn write(cfg: &Config, out: &mut dyn Write) -> std::io::Result<()> {
    match cfg.scenario {
        Scenario::Ads => crate::sim::ads::export::write(cfg, out),
        Scenario::Cells => crate::sim::cells::export::write(cfg, out),
    }
}

/// The `rtml replay` format of the stream `write` gives for `scenario`.
pub fn replay_format(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::Ads => "vw",
        Scenario::Cells => "load-csv",
    }
}

/// The coverage groups of a cells world's exported trace (`rtml answer --trace --groups`); None for
/// an ads world.
pub fn coverage_groups(cfg: &Config) -> Option<String> {
    match cfg.scenario {
        Scenario::Ads => None,
        Scenario::Cells => Some(crate::sim::cells::export::groups(cfg)),
    }
}
