//! The catalogue: everything the page builds its controls from (knobs, lane knobs, groups, metrics,
//! presets, colours, the panels' inputs), asked of Rust once at load.

use wasm_bindgen::prelude::*;

use super::to_js;
use crate::base::json::{map_of, object_of};
use crate::base::units::MINUTES_PER_DAY;
use crate::sim::config::{Scenario, LANE_NAMES};
use crate::sim::knobs::{Kind, KNOBS, LANE_KNOBS};
use crate::sim::presets::PRESETS;
use crate::sim::series::METRICS;
use crate::view::chart::{self, LANE_CSS};
use crate::view::controls;

/// Static metadata the page builds its controls from: knobs, lane knobs, metrics, presets, colours.
#[wasm_bindgen]
pub fn catalogue() -> JsValue {
    fn kind(k: &Kind) -> serde_json::Value {
        match *k {
            Kind::Num {
                min,
                max,
                step,
                int,
            } => {
                serde_json::json!({"type": "number", "min": min, "max": max, "step": step, "int": int})
            }
            Kind::Duration {
                unit,
                min,
                max,
                plain,
            } => {
                let stops = crate::base::units::readable_stops(unit, min, max);
                serde_json::json!({"type": "duration", "unit": unit, "min": min, "max": max, "plain": plain, "stops": stops})
            }
            Kind::Choice(c) => serde_json::json!({"type": "choice", "choices": c}),
            Kind::Day { max } => serde_json::json!({"type": "day", "max": max}),
        }
    }
    let scen = |s: Option<Scenario>| s.map_or("both", Scenario::name);
    let knobs: Vec<serde_json::Value> = KNOBS
        .iter()
        .map(|k| {
            let (group, folded) = controls::world_group(k.key).unwrap_or(("other", true));
            serde_json::json!({"key": k.key, "label": k.label, "help": k.help, "unit": k.unit, "scenario": scen(k.scenario), "kind": kind(&k.kind), "group": group, "folded": folded})
        })
        .collect();
    let groups: Vec<serde_json::Value> = controls::GROUPS
        .iter()
        .map(|g| serde_json::json!({"key": g.key, "ads": g.title.0, "cells": g.title.1}))
        .collect();
    let lane_knobs: Vec<serde_json::Value> = LANE_KNOBS
        .iter()
        .map(|k| serde_json::json!({"key": k.key, "label": k.label, "help": k.help, "unit": k.unit, "scenario": scen(k.scenario), "kind": kind(&k.kind), "advanced": controls::lane_knob_advanced(k.key)}))
        .collect();
    let metrics: Vec<serde_json::Value> = METRICS
        .iter()
        .map(|m| serde_json::json!({"key": m.key, "label": m.label, "unit": m.unit, "help": m.help, "scenario": scen(Some(m.scenario)), "better": m.better}))
        .collect();
    // Every metric's label, unit and help by key (the replay's table names its columns with it).
    let vocabulary = object_of(crate::base::metrics::ALL.iter().map(|m| {
        (
            m.key.to_string(),
            serde_json::json!({"label": m.label, "unit": m.unit, "help": m.help}),
        )
    }));
    let presets: Vec<serde_json::Value> = PRESETS
        .iter()
        .map(|p| serde_json::json!({"name": p.name, "title": p.title, "caption": p.caption, "scenario": scen(Some(p.scenario)), "metric": p.metric}))
        .collect();
    // Example values of each what-if knob (the page fills its input with them).
    let whatif_values = map_of(
        (crate::study::whatif::Knob::NAMES.iter())
            .map(|&k| (k, crate::study::whatif::default_values(k))),
    );
    to_js(
        &serde_json::json!({"vocabulary": vocabulary, "knobs": knobs, "groups": groups, "captionMax": crate::view::state::CAPTION_MAX, "laneKnobs": lane_knobs, "metrics": metrics, "presets": presets, "colors": LANE_CSS, "lanes": LANE_NAMES, "panels": chart::PANELS, "sweepValues": crate::study::sweep::DEFAULT_VALUES, "whatifValues": whatif_values, "panels": crate::view::panels::PANEL_KEYS.iter().map(|k| k.control()).collect::<Vec<_>>(), "answer": {"ads": crate::study::answer::DEFAULT_ADS, "cells": crate::study::answer::DEFAULT_CELLS, "seeds": crate::study::answer::DEFAULT_SEEDS}, "minutesPerDay": MINUTES_PER_DAY}),
    )
}
