//! The inputs of the page's study panels, kept in the link like every other setting:
//! `#tab=answer&answer.seeds=3&answer.kwh=0.3`, `#sweep.values=1h,1d`, `#whatif.knob=wake`,
//! `#seeds=10` (the spread across seeds of the main view). One table ([`PANEL_KEYS`]) says each
//! input's key, default and limits; the page sets its inputs' limits from it and the link keeps only
//! what differs from the defaults. A value that does not fit is refused with a message naming the
//! key and what it accepts, and the input keeps its value.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::sim::config::{Config, Scenario};
use crate::sim::presets::{preset, PRESETS};
use crate::study::{answer, spread, sweep, trace, whatif};

/// What values a panel input takes.
#[derive(Clone, Copy, Debug)]
pub enum Accepts {
    /// A preset of the scenario.
    Preset {
        scenario: Scenario,
    },
    /// A whole number from `min` to `max`.
    Count {
        min: u32,
        max: u32,
    },
    /// A slider step from 0 to `max`, or empty: the configuration's own.
    Step {
        max: u32,
    },
    /// A number from `min` to `max`.
    Number {
        min: f64,
        max: f64,
        step: f64,
    },
    /// One of these words.
    Choice {
        of: &'static [&'static str],
    },
    /// Comma-separated sweep points (`1h,1d,frozen`), at most 40.
    Points,
    /// Comma-separated numbers, at most [`whatif::MAX_VALUES`].
    Numbers,
    /// `key=value` settings separated by `&` or new lines, at most 1000 characters.
    Settings,
    /// A trace map's rows (`online,4h,1d`) or columns (`continual,1h,1d,7d,frozen`).
    TraceRows,
    TraceCols,
    /// A trace's coverage groups (`cellA,cellB (0.8); cellC`, `all`, or empty: no money).
    TraceGroups,
    /// A trace's network settings (`price_kwh=0.3&coverage=0.8`, the cells knobs of its money).
    TraceSets,
}

/// One panel input.
#[derive(Clone, Copy, Debug)]
pub struct PanelKey {
    pub key: &'static str,
    pub default: &'static str,
    pub accepts: Accepts,
}

/// A panel input as the page sets up its control: `kind` (`preset`, `count`, `step`, `number`,
/// `choice`, `text`), the limits where it has them, the scenario of a preset.
#[derive(Serialize)]
pub struct Control {
    pub key: &'static str,
    pub kind: &'static str,
    pub min: f64,
    pub max: f64,
    pub step: f64,
    pub scenario: &'static str,
}

impl PanelKey {
    /// How the page sets up this input's control.
    pub fn control(&self) -> Control {
        let (kind, min, max, step, scenario) = match self.accepts {
            Accepts::Preset { scenario } => ("preset", 0.0, 0.0, 0.0, scenario.name()),
            Accepts::Count { min, max } => ("count", min as f64, max as f64, 1.0, ""),
            Accepts::Step { max } => ("step", 0.0, max as f64, 1.0, ""),
            Accepts::Number { min, max, step } => ("number", min, max, step, ""),
            Accepts::Choice { .. } => ("choice", 0.0, 0.0, 0.0, ""),
            Accepts::Points
            | Accepts::Numbers
            | Accepts::Settings
            | Accepts::TraceRows
            | Accepts::TraceCols
            | Accepts::TraceGroups
            | Accepts::TraceSets => ("text", 0.0, 0.0, 0.0, ""),
        };
        Control {
            key: self.key,
            kind,
            min,
            max,
            step,
            scenario,
        }
    }
}

/// How many seeds the main view's spread offers.
pub const SPREAD_CHOICES: [&str; 4] = ["1", "5", "10", "20"];

const fn count(min: u32, max: u32) -> Accepts {
    Accepts::Count { min, max }
}

/// Every panel input, with its default and limits.
pub const PANEL_KEYS: &[PanelKey] = &[
    PanelKey {
        key: "seeds",
        default: "1",
        accepts: Accepts::Choice {
            of: &SPREAD_CHOICES,
        },
    },
    PanelKey {
        key: "answer.ads",
        default: answer::DEFAULT_ADS,
        accepts: Accepts::Preset {
            scenario: Scenario::Ads,
        },
    },
    PanelKey {
        key: "answer.cells",
        default: answer::DEFAULT_CELLS,
        accepts: Accepts::Preset {
            scenario: Scenario::Cells,
        },
    },
    PanelKey {
        key: "answer.seed",
        default: "1",
        accepts: count(0, u32::MAX),
    },
    PanelKey {
        key: "answer.seeds",
        default: "10",
        accepts: count(1, answer::MAX_SEEDS),
    },
    PanelKey {
        key: "answer.kwh",
        default: "0.2",
        accepts: Accepts::Number {
            min: 0.0,
            max: 2.0,
            step: 0.01,
        },
    },
    PanelKey {
        key: "answer.call",
        default: "25",
        accepts: Accepts::Number {
            min: 0.0,
            max: 1000.0,
            step: 1.0,
        },
    },
    PanelKey {
        key: "answer.sets",
        default: "",
        accepts: Accepts::Settings,
    },
    PanelKey {
        key: "answer.sensitivity",
        default: "0",
        accepts: Accepts::Choice { of: &["0", "1"] },
    },
    PanelKey {
        key: "answer.view",
        default: "map",
        accepts: Accepts::Choice {
            of: &["map", "refresh", "every"],
        },
    },
    PanelKey {
        key: "sweep.ads",
        default: "ads-drift",
        accepts: Accepts::Preset {
            scenario: Scenario::Ads,
        },
    },
    PanelKey {
        key: "sweep.cells",
        default: "cells-holiday",
        accepts: Accepts::Preset {
            scenario: Scenario::Cells,
        },
    },
    PanelKey {
        key: "sweep.values",
        default: sweep::DEFAULT_VALUES,
        accepts: Accepts::Points,
    },
    PanelKey {
        key: "sweep.seeds",
        default: "3",
        accepts: count(1, sweep::MAX_SEEDS),
    },
    PanelKey {
        key: "whatif.preset",
        default: "cells-what-if",
        accepts: Accepts::Preset {
            scenario: Scenario::Cells,
        },
    },
    PanelKey {
        key: "whatif.knob",
        default: whatif::DEFAULT_KNOB,
        accepts: Accepts::Choice {
            of: &whatif::Knob::NAMES,
        },
    },
    PanelKey {
        key: "whatif.values",
        default: whatif::DEFAULT_VALUES,
        accepts: Accepts::Numbers,
    },
    PanelKey {
        key: "whatif.seeds",
        default: "10",
        accepts: count(1, whatif::MAX_SEEDS),
    },
    PanelKey {
        key: "whatif.error",
        default: "",
        accepts: Accepts::Step {
            max: whatif::PAGE_ERRORS as u32 - 1,
        },
    },
    PanelKey {
        key: "whatif.bias",
        default: "0",
        accepts: Accepts::Choice {
            of: &whatif::PAGE_BIASES,
        },
    },
    PanelKey {
        key: "whatif.refit",
        default: "0",
        accepts: Accepts::Choice { of: &["0", "1"] },
    },
    PanelKey {
        key: "trace.refresh",
        default: trace::REFRESH,
        accepts: Accepts::TraceRows,
    },
    PanelKey {
        key: "trace.every",
        default: trace::EVERY,
        accepts: Accepts::TraceCols,
    },
    PanelKey {
        key: "trace.groups",
        default: "",
        accepts: Accepts::TraceGroups,
    },
    PanelKey {
        key: "trace.sets",
        default: "",
        accepts: Accepts::TraceSets,
    },
];

/// The panel input `key`, if it is one.
pub fn panel_key(key: &str) -> Option<&'static PanelKey> {
    PANEL_KEYS.iter().find(|k| k.key == key)
}

/// The panels' inputs that differ from their defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Panels {
    values: BTreeMap<&'static str, String>,
}

impl Panels {
    /// Sets input `key` to `value` (its canonical text), or says why not (the input keeps its value).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let k = panel_key(key).ok_or_else(|| format!("`{key}` is not a panel input"))?;
        let v = check(k, value.trim()).map_err(|why| format!("{}: {why}", k.key))?;
        if v == self.default_of(k) {
            self.values.remove(k.key);
        } else {
            self.values.insert(k.key, v);
        }
        // Values that are the (new) knob's examples are its default: not written in the link.
        if self.values.get("whatif.values").map(String::as_str) == Some(self.examples()) {
            self.values.remove("whatif.values");
        }
        Ok(())
    }

    /// The example values of the what-if's knob: the default of its values.
    fn examples(&self) -> &'static str {
        whatif::default_values(&self.get("whatif.knob"))
    }

    /// An input's default: its table's, but for the what-if's values, its knob's example values.
    fn default_of(&self, k: &PanelKey) -> String {
        match k.key {
            "whatif.values" => self.examples().to_string(),
            _ => k.default.to_string(),
        }
    }

    /// Why the what-if's values cannot be read by its knob on its preset (a value out of the knob's
    /// range, one given twice), as the evaluation will read them; `None` when they can. Each input
    /// alone is checked by [`Panels::set`]; this checks them together, for a link (values typed in
    /// the panel are kept as typed, and its run says what is wrong beside them).
    pub fn whatif_error(&self) -> Option<String> {
        let p = preset(&self.get("whatif.preset"))?;
        let (knob, values) = (self.get("whatif.knob"), self.get("whatif.values"));
        let why = whatif::Spec::new(p.config(), &knob, &values, 1).err()?;
        Some(format!(
            "whatif.values: {}",
            why.trim_start_matches("--values: ")
        ))
    }

    /// A link's what-if values its knob cannot read give way to the knob's example values, with
    /// the reason. (A knob given alone has its examples as values: their default.)
    pub fn settle_whatif(&mut self) -> Result<(), String> {
        let example = self.examples();
        match self.whatif_error() {
            None => Ok(()),
            Some(why) => {
                self.set("whatif.values", example)?;
                Err(format!("{why}; kept {example}"))
            }
        }
    }

    /// The value of input `key` (its default when not set; empty for an unknown key).
    pub fn get(&self, key: &str) -> String {
        match self.values.get(key) {
            Some(v) => v.clone(),
            None => panel_key(key).map_or(String::new(), |k| self.default_of(k)),
        }
    }

    /// Every input with its value, in the table's order.
    pub fn all(&self) -> Vec<(&'static str, String)> {
        PANEL_KEYS
            .iter()
            .map(|k| (k.key, self.get(k.key)))
            .collect()
    }

    /// The inputs that differ from their defaults, in the table's order (what a link carries).
    pub fn changed(&self) -> Vec<(&'static str, &str)> {
        (PANEL_KEYS.iter())
            .filter_map(|k| self.values.get(k.key).map(|v| (k.key, v.as_str())))
            .collect()
    }
}

/// The canonical text of `value` for input `k`, or what is wrong with it.
fn check(k: &PanelKey, value: &str) -> Result<String, String> {
    let shown: String = value.chars().take(40).collect();
    match k.accepts {
        Accepts::Preset { scenario } => match preset(value) {
            Some(p) if p.scenario == scenario => Ok(value.to_string()),
            _ => Err(format!(
                "`{shown}` is not a {} preset; expected one of {}",
                scenario.name(),
                (PRESETS.iter().filter(|p| p.scenario == scenario))
                    .map(|p| p.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        },
        Accepts::Count { min, max } => match value.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n.to_string()),
            _ => Err(format!(
                "`{shown}` is not a whole number from {min} to {max}"
            )),
        },
        Accepts::Step { .. } if value.is_empty() => Ok(String::new()),
        Accepts::Step { max } => match value.parse::<u32>() {
            Ok(n) if n <= max => Ok(n.to_string()),
            _ => Err(format!("`{shown}` is not a step from 0 to {max}")),
        },
        Accepts::Number { min, max, .. } => match value.parse::<f64>() {
            Ok(x) if x.is_finite() && (min..=max).contains(&x) => {
                Ok(crate::base::units::fmt_exact(x))
            }
            _ => Err(format!("`{shown}` is not a number from {min} to {max}")),
        },
        Accepts::Choice { of } if of.contains(&value) => Ok(value.to_string()),
        Accepts::Choice { of } => Err(format!("`{shown}` is not one of {}", of.join(", "))),
        Accepts::Points => {
            let points: Vec<&str> = value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            if points.is_empty() || points.len() > 40 {
                return Err("from 1 to 40 comma-separated durations (1h, 1d, frozen)".into());
            }
            for p in &points {
                sweep::Point::parse(p)?;
            }
            Ok(points.join(","))
        }
        Accepts::Numbers => {
            let values: Vec<&str> = value
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect();
            if values.is_empty() || values.len() > whatif::MAX_VALUES {
                return Err(format!(
                    "from 1 to {} comma-separated numbers",
                    whatif::MAX_VALUES
                ));
            }
            // Numbers, or durations for the wake time (`0.5h`): read by the knob, together with the
            // knob (`Panels::whatif_error`).
            for v in &values {
                let minutes = crate::base::units::TimeUnit::Minute;
                if crate::base::units::parse_duration(v, minutes).is_none() {
                    return Err(format!(
                        "`{}` is not a number",
                        v.chars().take(40).collect::<String>()
                    ));
                }
            }
            Ok(values.join(","))
        }
        Accepts::TraceRows | Accepts::TraceCols => {
            let items: Vec<&str> = (value.split(',').map(str::trim))
                .filter(|v| !v.is_empty())
                .collect();
            let list = items.join(",");
            if matches!(k.accepts, Accepts::TraceRows) {
                trace::parse_refresh(&list)?;
            } else {
                trace::parse_every(&list)?;
            }
            Ok(list)
        }
        Accepts::TraceGroups => {
            if value.chars().count() > 4000 {
                return Err("at most 4000 characters of coverage groups (a larger inventory: rtml answer --trace --coverage FILE)".into());
            }
            trace::groups::parse(value)?;
            Ok(value.to_string())
        }
        Accepts::TraceSets => {
            if value.chars().count() > 1000 {
                return Err("at most 1000 characters of key=value settings".into());
            }
            trace::money::config(value)?;
            Ok(value.to_string())
        }
        Accepts::Settings => {
            if value.chars().count() > 1000 {
                return Err("at most 1000 characters of key=value settings".into());
            }
            let mut cfg = Config::default();
            for (key, v) in crate::sim::settings::pairs(value)? {
                cfg.set(key, v).map_err(|e| e.to_string())?;
            }
            Ok(value.to_string())
        }
    }
}

/// The number of seeds of the main view's spread (the `seeds` input).
pub fn spread_seeds(p: &Panels) -> u32 {
    p.get("seeds").parse().unwrap_or(1).min(spread::MAX_SEEDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_accepted_as_it_is() {
        for k in PANEL_KEYS {
            assert_eq!(check(k, k.default).as_deref(), Ok(k.default), "{}", k.key);
        }
    }

    #[test]
    fn the_defaults_are_the_studies_own() {
        let p = Panels::default();
        assert_eq!(p.get("answer.seeds"), answer::DEFAULT_SEEDS.to_string());
        let c = Config::for_scenario(Scenario::Cells).cells;
        assert_eq!(
            p.get("answer.kwh"),
            crate::base::units::fmt_num(c.price_kwh)
        );
        assert_eq!(
            p.get("answer.call"),
            crate::base::units::fmt_num(c.complaint_cost)
        );
    }

    #[test]
    fn values_are_checked_and_written_canonically() {
        let mut p = Panels::default();
        p.set("answer.seeds", " 3 ").unwrap();
        p.set("sweep.values", "1h, 1d,").unwrap();
        p.set("answer.kwh", "0.30").unwrap();
        assert_eq!(
            p.changed(),
            vec![
                ("answer.seeds", "3"),
                ("answer.kwh", "0.3"),
                ("sweep.values", "1h,1d")
            ]
        );
        let e = p.set("answer.seeds", "999").unwrap_err();
        assert!(
            e.starts_with("answer.seeds: `999` is not a whole number from 1 to"),
            "{e}"
        );
        assert_eq!(
            p.get("answer.seeds"),
            "3",
            "a refused value keeps the last one"
        );
        assert!(p
            .set("answer.ads", "cells-sleep")
            .unwrap_err()
            .contains("not a ads preset"));
        assert!(p.set("answer.sets", "days=zz").is_err());
        assert!(p.set("answer.sets", "days=3&warmup=2").is_ok());
        assert!(p.set("whatif.values", "0.1,x").is_err());
        assert!(p.set("nope", "1").is_err());
        // Back to a default: the link no longer carries it.
        p.set("answer.seeds", &answer::DEFAULT_SEEDS.to_string())
            .unwrap();
        assert!(!p.changed().iter().any(|c| c.0 == "answer.seeds"));
    }
}
