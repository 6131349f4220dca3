//! The sensitivity strip (`rtml answer --sensitivity`, the strip under the page's maps): the headline
//! comparisons rerun under other reasonable settings, one variation at a time.
//!
//! The headline comparisons of each scenario: the ML system's value over no ML (`ml_value`), the ML
//! system over the rule (`ml_over_rule`), and "a day of stale predictions costs more than a day of
//! stale model" (`predictions_over_model`: the stale model's value minus the stale predictions'). A
//! comparison *held* under a variation when its 95% interval, not only its mean, keeps the sign it has
//! in the main answer. A variation runs only the lanes the comparisons need (the references, online
//! and 1-day batch predictions, continual and daily models), over the same seeds, and only in the
//! worlds it changes.

use serde::Serialize;

use super::stats::{Diff, Map};
use super::{Col, Row, Spec};
use crate::base::json::Num;
use crate::base::units::HOURS_PER_DAY;
use crate::sim::config::{Config, Scenario};

/// One variation: its name, the worlds it changes (None: both), how it changes a world's settings.
pub struct Variation {
    pub name: &'static str,
    pub scenario: Option<Scenario>,
    pub change: fn(&mut Config),
}

/// Every variation, one at a time, each relative to the answer's own settings.
pub const VARIATIONS: &[Variation] = &[
    Variation {
        name: "energy price ÷3",
        scenario: Some(Scenario::Cells),
        change: |c| c.cells.price_kwh /= 3.0,
    },
    Variation {
        name: "energy price ×3",
        scenario: Some(Scenario::Cells),
        change: |c| c.cells.price_kwh *= 3.0,
    },
    Variation {
        name: "complaint cost ÷3",
        scenario: Some(Scenario::Cells),
        change: |c| c.cells.complaint_cost /= 3.0,
    },
    Variation {
        name: "complaint cost ×3",
        scenario: Some(Scenario::Cells),
        change: |c| c.cells.complaint_cost *= 3.0,
    },
    Variation {
        name: "sleep headroom 0.6",
        scenario: Some(Scenario::Cells),
        change: |c| c.cells.headroom = 0.6,
    },
    Variation {
        name: "sleep headroom 0.95",
        scenario: Some(Scenario::Cells),
        change: |c| c.cells.headroom = 0.95,
    },
    Variation {
        name: "traffic volume ½",
        scenario: None,
        change: |c| {
            c.ads.volume *= 0.5;
            c.cells.load *= 0.5;
        },
    },
    Variation {
        name: "traffic volume ×2",
        scenario: None,
        change: |c| {
            c.ads.volume *= 2.0;
            c.cells.load *= 2.0;
        },
    },
    Variation {
        name: "drift off",
        scenario: None,
        change: |c| {
            c.ads.walk = 0.0;
            c.cells.drift = 0.0;
        },
    },
    Variation {
        name: "drift doubled",
        scenario: None,
        change: |c| {
            c.ads.walk *= 2.0;
            c.cells.drift *= 2.0;
        },
    },
];

/// The headline comparisons, in order: their JSON name and the words of each sign.
pub const COMPARISONS: [&str; 3] = ["ml_value", "ml_over_rule", "predictions_over_model"];

/// One comparison under one variation (the JSON's `sensitivity` entries).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Held {
    pub variation: &'static str,
    /// `ads ml_value`, `cells predictions_over_model`, ...
    pub comparison: String,
    /// Its interval keeps the sign it has in the main answer.
    pub held: bool,
    pub mean: Num,
    pub lo: Num,
    pub hi: Num,
}

/// The rows and columns a variation runs (the comparisons' lanes only).
pub fn headline(mut spec: Spec) -> Spec {
    spec.rows = vec![Row::Online, Row::Batch(HOURS_PER_DAY)];
    spec.cols = vec![Col::Continual, Col::Every(HOURS_PER_DAY)];
    spec.sensitivity = false;
    spec
}

/// The specification of variation `v` of `spec` (its worlds changed, only those it changes; None if
/// it changes none or a changed setting falls out of its range).
pub fn variant(spec: &Spec, v: usize) -> Option<Spec> {
    let var = VARIATIONS.get(v)?;
    let worlds: Vec<_> = (spec.worlds.iter())
        .filter(|w| var.scenario.is_none_or(|s| s == w.base.scenario))
        .filter_map(|w| {
            let mut w = w.clone();
            (var.change)(&mut w.base);
            w.base.validate().ok().map(|_| w)
        })
        .collect();
    if worlds.is_empty() {
        return None;
    }
    Some(headline(Spec {
        worlds,
        ..spec.clone()
    }))
}

/// A map's headline comparisons, in the order of [`COMPARISONS`].
pub fn comparisons(m: &Map) -> Option<[Diff; 3]> {
    let stale_pred = m.at("1d", "continual")?;
    let stale_model = m.at("online", "1d")?;
    let (p, l) = (
        m.lane(stale_pred.0, stale_pred.1),
        m.lane(stale_model.0, stale_model.1),
    );
    Some([m.ml, m.ml_over_rule, m.diff(l, p)])
}

/// Each variation's comparisons against the main answer's signs: `main` the answer's maps, `varied`
/// each variation's index and maps.
pub fn held(main: &[Map], varied: &[(usize, Vec<Map>)]) -> Vec<Held> {
    let mut out = Vec::new();
    for (v, maps) in varied {
        for m in maps.iter().filter(|m| m.seeds > 0) {
            let Some(base) = (main.iter())
                .find(|x| x.scenario == m.scenario)
                .and_then(comparisons)
            else {
                continue;
            };
            let Some(now) = comparisons(m) else { continue };
            for ((name, b), d) in COMPARISONS.iter().zip(base).zip(now) {
                let up = b.mean >= 0.0;
                out.push(Held {
                    variation: VARIATIONS[*v].name,
                    comparison: format!("{} {name}", m.scenario.name()),
                    held: if up { d.positive() } else { d.negative() },
                    mean: Num(d.mean),
                    lo: Num(d.lo),
                    hi: Num(d.hi),
                });
            }
        }
    }
    out
}

/// The comparisons the main answer cannot measure (`ads ml_over_rule`, ...): none of them has a
/// sign to keep.
pub fn unmeasured(main: &[Map]) -> Vec<String> {
    let mut out = Vec::new();
    for m in main.iter().filter(|m| m.seeds > 0) {
        if let Some(c) = comparisons(m) {
            for (name, d) in COMPARISONS.iter().zip(c) {
                if !d.measurable {
                    out.push(format!("{} {name}", m.scenario.name()));
                }
            }
        }
    }
    out
}

/// The sentence of the strip: under which variations every headline comparison held, and which did
/// not under which; the comparisons the main answer cannot measure (`unmeasured`) are named apart.
pub fn words(held: &[Held], unmeasured: &[String]) -> String {
    if held.is_empty() {
        return String::new();
    }
    let apart: Vec<String> = unmeasured.iter().map(|c| c.replace('_', " ")).collect();
    let held: Vec<Held> = (held.iter())
        .filter(|h| !unmeasured.contains(&h.comparison))
        .cloned()
        .collect();
    let note = if apart.is_empty() {
        String::new()
    } else {
        format!(
            " (Not measurable in the main answer, so left out: {}.)",
            apart.join(", ")
        )
    };
    if held.is_empty() {
        return format!("Sensitivity: no headline comparison to vary.{note}");
    }
    let mut names: Vec<&str> = Vec::new();
    for h in &held {
        if !names.contains(&h.variation) {
            names.push(h.variation);
        }
    }
    let all: Vec<&str> = (names.iter().copied())
        .filter(|n| held.iter().filter(|h| h.variation == *n).all(|h| h.held))
        .collect();
    let not: Vec<String> = (held.iter())
        .filter(|h| !h.held)
        .map(|h| format!("{} under {}", h.comparison.replace('_', " "), h.variation))
        .collect();
    let said = if !not.is_empty() {
        format!(
            "Sensitivity: the headline held under {} of {} variations{}; it did not hold for {}.",
            all.len(),
            names.len(),
            if all.is_empty() {
                String::new()
            } else {
                format!(" ({})", all.join(", "))
            },
            not.join("; ")
        )
    } else {
        format!(
            "Sensitivity: every headline comparison kept its sign, interval and all, under all {} variations ({}).",
            names.len(),
            names.join(", ")
        )
    };
    said + &note
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(variation: &'static str, comparison: &str, held: bool) -> Held {
        Held {
            variation,
            comparison: comparison.into(),
            held,
            mean: Num(1.0),
            lo: Num(0.5),
            hi: Num(1.5),
        }
    }

    #[test]
    fn a_variation_changes_only_the_worlds_it_names() {
        let spec = Spec::with_presets(
            super::super::DEFAULT_ADS,
            super::super::DEFAULT_CELLS,
            Some(1),
            &[],
            2,
        )
        .unwrap();
        let price = VARIATIONS
            .iter()
            .position(|v| v.name == "energy price ×3")
            .unwrap();
        let v = variant(&spec, price).unwrap();
        assert_eq!(v.worlds.len(), 1);
        assert_eq!(v.worlds[0].base.scenario, Scenario::Cells);
        let p = spec.worlds[1].base.cells.price_kwh;
        assert!((v.worlds[0].base.cells.price_kwh - 3.0 * p).abs() < 1e-12);
        assert_eq!(v.rows.len(), 2);
        assert_eq!(v.cols.len(), 2);
        let drift = VARIATIONS
            .iter()
            .position(|v| v.name == "drift off")
            .unwrap();
        let d = variant(&spec, drift).unwrap();
        assert_eq!(d.worlds.len(), 2);
        assert_eq!(d.worlds[0].base.ads.walk, 0.0);
        assert_eq!(d.worlds[1].base.cells.drift, 0.0);
    }

    #[test]
    fn the_words_name_what_did_not_hold() {
        let all = [held("drift off", "ads ml_value", true)];
        assert!(words(&all, &[]).starts_with("Sensitivity: every headline comparison"));
        let some = [
            held("drift off", "ads ml_value", true),
            held("drift doubled", "ads ml_over_rule", false),
        ];
        let w = words(&some, &[]);
        assert!(
            w.contains("held under 1 of 2 variations (drift off)"),
            "{w}"
        );
        assert!(w.contains("ads ml over rule under drift doubled"), "{w}");
        let w = words(&some, &["ads ml_over_rule".into()]);
        assert!(
            w.starts_with("Sensitivity: every headline comparison"),
            "{w}"
        );
        assert!(w.ends_with("left out: ads ml over rule.)"), "{w}");
    }
}
