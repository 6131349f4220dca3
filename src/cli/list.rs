//! `rtml presets` and `rtml knobs`: what the playground offers, from the preset and knob tables.

use rtml::sim::config::{Config, KNOBS, LANE_KNOBS};
use rtml::sim::presets::PRESETS;

/// Every preset: name, title, caption.
pub fn presets() -> Result<(), String> {
    for p in PRESETS {
        outln!("{}\n  {}\n  {}\n", p.name, p.title, p.caption);
    }
    Ok(())
}

/// Every knob with its default (lane knobs as lane A's), then its help.
pub fn knobs() -> Result<(), String> {
    let d = Config::default();
    for k in KNOBS {
        outln!(
            "{:<14} {:<10} {}",
            k.key,
            k.kind.format(&(k.get)(&d)),
            k.help
        );
    }
    let l = &d.lanes[0];
    for k in LANE_KNOBS {
        outln!(
            "a.{:<12} {:<10} {}",
            k.key,
            k.kind.format(&(k.get)(l)),
            k.help
        );
    }
    Ok(())
}
