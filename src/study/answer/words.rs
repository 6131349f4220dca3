//! The conclusion in words, generated from the map's numbers: what the ML system is worth in each
//! domain, what a day of staleness costs on each axis, which axis costs more, and in how many seeds
//! each difference held. A sentence states a difference only where its interval excludes zero;
//! otherwise it says "no measurable difference". Nothing here is written in advance of the numbers.

use super::stats::{Diff, Map};
use crate::base::units::fmt_figure;
use crate::sim::config::Scenario;

fn money(x: f64, unit: &str) -> String {
    crate::base::money::amount_in(x, 3, unit)
}

fn pct(x: f64) -> String {
    format!("{}%", fmt_figure(Some(100.0 * x), 2))
}

/// "in 4 of 5 seeds" (the seeds in which the difference had the sign stated).
fn seeds(held: u32, n: u32) -> String {
    format!("in {held} of {n} seed{}", if n == 1 { "" } else { "s" })
}

/// What one cell loses, in a clause: "lose 12 €/day, 30% of that value (in 5 of 5 seeds)" or "show no
/// measurable difference (12 €/day, 95% interval -3 to 27)".
fn loss(m: &Map, d: &Diff, plural: bool) -> String {
    let unit = &m.unit;
    let verb = if plural { "lose" } else { "loses" };
    if !d.measurable {
        return format!(
            "{} no measurable difference ({}, 95% interval {} to {})",
            if plural { "show" } else { "shows" },
            money(d.mean, unit),
            fmt_figure(Some(d.lo), 3),
            fmt_figure(Some(d.hi), 3)
        );
    }
    let share = if m.ml.measurable && m.ml.mean > 0.0 {
        format!(", {} of that value", pct(d.mean / m.ml.mean))
    } else {
        String::new()
    };
    if d.mean > 0.0 {
        format!(
            "{verb} {}{share} (less than the freshest corner {})",
            money(d.mean, unit),
            seeds(d.held, d.seeds)
        )
    } else {
        format!(
            "{} {} more than the freshest corner ({})",
            if plural { "gain" } else { "gains" },
            money(-d.mean, unit),
            seeds(d.seeds - d.held, d.seeds)
        )
    }
}

/// The sentences of one scenario.
fn scenario(m: &Map) -> String {
    let (name, earns, baseline) = match m.scenario {
        Scenario::Ads => ("Ads", "earns", "the baseline policy (a random ad)"),
        Scenario::Cells => ("Cells", "saves", "keeping every cell always on"),
    };
    let mut out = if m.seeds == 1 {
        format!(
            "{name} ({}, 1 seed; intervals over its {} days): ",
            m.preset,
            m.days()
        )
    } else {
        format!("{name} ({}, {} seeds): ", m.preset, m.seeds)
    };
    if m.ml.measurable && m.ml.mean > 0.0 {
        out.push_str(&format!(
            "the ML system {earns} {} over {baseline}, {}.",
            money(m.ml.mean, &m.unit),
            seeds(m.ml.held, m.ml.seeds)
        ));
    } else if m.ml.measurable {
        out.push_str(&format!(
            "at these prices the ML system costs {} more than {baseline} ({}), so no share of its value is given.",
            money(-m.ml.mean, &m.unit),
            seeds(m.ml.seeds - m.ml.held, m.ml.seeds)
        ));
    } else {
        out.push_str(&format!(
            "the ML system creates no measurable value over {baseline} ({}, 95% interval {} to {}), so no share of its value is given.",
            money(m.ml.mean, &m.unit),
            fmt_figure(Some(m.ml.lo), 3),
            fmt_figure(Some(m.ml.hi), 3)
        ));
    }
    let corner = m.lane(0, 0);
    let pred = m.at("1d", "continual").map(|(r, c)| m.lane(r, c));
    let model = m.at("online", "1d").map(|(r, c)| m.lane(r, c));
    if let Some(p) = pred {
        out.push_str(&format!(
            " Predictions up to a day old (batch refresh 1d, continual model) {}.",
            loss(m, &m.diff(corner, p), true)
        ));
    }
    if let Some(l) = model {
        out.push_str(&format!(
            " A model up to a day old (retrained daily, online predictions) {}.",
            loss(m, &m.diff(corner, l), false)
        ));
    }
    if let Some((r, c)) = m.at("online", "frozen") {
        out.push_str(&format!(
            " A model frozen after the warm-up (online predictions) {}.",
            loss(m, &m.diff(corner, m.lane(r, c)), false)
        ));
    }
    if let (Some(p), Some(l)) = (pred, model) {
        out.push(' ');
        out.push_str(&axes(m, m.diff(l, p)));
    }
    out
}

/// Which axis costs more at a day of staleness: `d` is the stale model's value minus the stale
/// predictions' value (positive: stale predictions cost more).
fn axes(m: &Map, d: Diff) -> String {
    if !d.measurable {
        return "Between a day of stale predictions and a day of stale model there is no measurable difference.".into();
    }
    if d.mean > 0.0 {
        format!(
            "So in {} fresh predictions matter more than a fresh model: a day of stale predictions costs {} more than a day of stale model ({}).",
            domain(m),
            money(d.mean, &m.unit),
            seeds(d.held, d.seeds)
        )
    } else {
        format!(
            "So in {} a fresh model matters more than fresh predictions: a day of stale model costs {} more than a day of stale predictions ({}).",
            domain(m),
            money(-d.mean, &m.unit),
            seeds(d.seeds - d.held, d.seeds)
        )
    }
}

fn domain(m: &Map) -> &'static str {
    match m.scenario {
        Scenario::Ads => "ads",
        Scenario::Cells => "cells",
    }
}

/// The whole conclusion: one paragraph per scenario with complete seeds, then the interval rule.
pub fn conclusion(maps: &[Map]) -> String {
    let done: Vec<&Map> = maps.iter().filter(|m| m.seeds > 0).collect();
    if done.is_empty() {
        return String::new();
    }
    let mut parts: Vec<String> = done.iter().map(|m| scenario(m)).collect();
    parts.push("Intervals are 95%; every lane of a seed saw the same world, and a difference whose interval includes zero is called no measurable difference.".into());
    parts.join("\n")
}
