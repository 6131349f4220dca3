//! `rtml presets` and `rtml knobs`: what the playground offers, from the preset and knob tables.

use rtml::sim::config::{Config, MAX_LANES};
use rtml::sim::knobs::{KNOBS, LANE_KNOBS};
use rtml::sim::presets::PRESETS;

/// Every preset: name, title, caption.
pub fn presets() -> Result<(), String> {
    for p in PRESETS {
        outln!("{}\n  {}\n  {}\n", p.name, p.title, p.caption);
    }
    Ok(())
}

/// Every knob: key, default (lane knobs as lane A's), valid values, then its help.
pub fn knobs() -> Result<(), String> {
    let d = Config::default();
    let row = |key: &str, default: String, valid: String, help: &str| {
        outln!("{key:<14} {default:<10} {valid}\n{:<25} {help}", "");
    };
    for k in KNOBS {
        row(
            k.key,
            k.kind.format(&(k.get)(&d)),
            k.kind.expected(),
            k.help,
        );
    }
    row(
        "lanes",
        d.lanes.len().to_string(),
        format!("a whole number from 1 to {MAX_LANES}"),
        "How many lanes (strategies) run side by side; new lanes copy the last one.",
    );
    let l = &d.lanes[0];
    for k in LANE_KNOBS {
        let key = format!("a.{}", k.key);
        row(&key, k.kind.format(&(k.get)(l)), k.kind.expected(), k.help);
    }
    outln!("\nLane knobs are per lane: a.every, b.every, ... d.every.");
    Ok(())
}
