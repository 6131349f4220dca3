//! Presets: named configurations with a caption saying what to look for. Every caption's claim is
//! checked over ten seeds by `tests/lessons.rs`.

use crate::sim::config::{Config, ConfigError, Scenario};

/// A named starting point.
pub struct Preset {
    pub name: &'static str,
    pub title: &'static str,
    pub scenario: Scenario,
    /// What to look for (each claim is tested).
    pub caption: &'static str,
    /// Settings on top of the scenario's defaults, as `key=value`.
    pub settings: &'static [(&'static str, &'static str)],
    /// The metric the chart opens on.
    pub metric: &'static str,
}

/// Every preset, in menu order.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "ads-batch-vs-online",
        title: "Ads: batch vs online prediction",
        scenario: Scenario::Ads,
        caption: "Batch scores, computed once a day per user segment, cannot see what the user is browsing now. Online prediction can, and shows better ads from the first hour: compare lane A with B. Tastes drift slowly here, as in every real ad system, so continual learning (C) adds a little on top of a daily retrain: its click predictions are a little better (lower normalised entropy), its CTR about the same. Set Gradual drift to 0 for a world that never changes: the null lesson, where a fresher model has nothing new to learn.",
        settings: &[("lanes", "3"), ("a.mode", "batch"), ("a.refresh", "1d"), ("a.update", "periodic"), ("a.every", "1d"),
            ("b.mode", "online"), ("b.update", "periodic"), ("b.every", "1d"), ("c.mode", "online"), ("c.update", "continual")],
        metric: "expected_ctr",
    },
    Preset {
        name: "ads-drift",
        title: "Ads: a sudden shift in tastes",
        scenario: Scenario::Ads,
        caption: "On day 7 most tastes change at once. The frozen model (A) never recovers and loses the most clicks; the daily retrain (B) catches up after its next retrains; the continual learner (C) starts adapting from the first hour, so on average it loses fewer clicks than B on the day of the shift (in most runs, not all: how fast it recovers varies from hours to days).",
        settings: &[("shift", "0.9"), ("shift_day", "7"), ("warmup", "7"), ("lanes", "3"), ("a.update", "frozen"), ("b.update", "periodic"), ("b.every", "1d"), ("c.update", "continual")],
        metric: "regret_pct",
    },
    Preset {
        name: "ads-new-campaigns",
        title: "Ads: new campaigns every few hours",
        scenario: Scenario::Ads,
        caption: "Eight campaigns launch every day and each runs about four days. A model retrained weekly (A) learns new ads too late; daily retraining (B) does better; continual learning (C) learns each new ad within hours and loses the fewest clicks.",
        settings: &[("launches", "8"), ("campaign_days", "4"), ("lanes", "3"), ("a.update", "periodic"), ("a.every", "7d"), ("a.retrain", "stateful"),
            ("b.update", "periodic"), ("b.every", "1d"), ("b.retrain", "stateful"), ("c.update", "continual")],
        metric: "regret_pct",
    },
    Preset {
        name: "ads-label-delay",
        title: "Ads: late clicks and the join window",
        scenario: Scenario::Ads,
        caption: "Clicks come about an hour after the impression. A 10-minute join window (A) logs most clicks as non-clicks, so the model under-predicts CTR badly (calibration far below 1). A one-day window (B) learns each click at once but its non-clicks only a day later, so it over-predicts and shows worse ads. A window of a few hours (C) stays close to calibrated and shows better ads than B.",
        settings: &[("click_delay", "1h"), ("lanes", "3"), ("a.join", "10m"), ("b.join", "1d"), ("c.join", "3h")],
        metric: "calibration",
    },
    Preset {
        name: "cells-sleep",
        title: "Cells: sleeping idle cells",
        scenario: Scenario::Cells,
        caption: "Putting cells to sleep when their forecast load is low saves energy: a fifth to a quarter of the network's energy here (operators' traces give 23-53%). An online forecaster that learns continually (B) sleeps a cell only when its forecast is below the threshold by a safety margin, so it saves less than an oracle that knows the next load (C): about nine tenths of the oracle's savings. The price of sleeping is traffic the coverage layer cannot carry: B leaves some unserved, but far less than the oracle, which sleeps every cell it can and overloads the coverage layer (about a tenth of the oracle's unserved traffic on average). Always-on (A) saves nothing.",
        settings: &[("lanes", "3"), ("a.policy", "baseline"), ("c.policy", "oracle")],
        metric: "energy_saved_pct",
    },
    Preset {
        name: "cells-sim-gap",
        title: "Cells: trained on a simulator",
        scenario: Scenario::Cells,
        caption: "In a network that does not drift, daily sleep plans from a forecaster trained on a simulator whose profiles are 80% off (A) are worse than plans from one trained on live data (C). Letting the simulator-trained model keep learning from live data, with a learner that forgets the simulator within days (B), closes part of the gap.",
        settings: &[("sim_error", "0.8"), ("drift", "0"), ("lanes", "3"), ("a.mode", "batch"), ("a.source", "simulator"), ("a.update", "frozen"), ("b.mode", "batch"), ("b.source", "simulator"), ("b.update", "continual"), ("b.forgetting", "0.98"), ("c.mode", "batch"), ("c.source", "live"), ("c.update", "continual")],
        metric: "mae",
    },
    Preset {
        name: "cells-holiday",
        title: "Cells: a holiday week",
        scenario: Scenario::Cells,
        caption: "During the holiday week (days 7 to 14) the office cluster empties. A forecaster frozen before it (A) still sleeps the empty cells, because its forecasts use the latest load: continual learning (B) barely improves on it. Fresh inputs matter more than a fresh model here: forecasts computed once a day (C) leave much more traffic unserved.",
        settings: &[("holiday", "7"), ("holiday_drop", "0.8"), ("days", "21"), ("lanes", "3"), ("a.update", "frozen"), ("b.update", "continual"), ("c.mode", "batch"), ("c.refresh", "1d"), ("c.update", "continual")],
        metric: "unserved",
    },
    Preset {
        name: "cells-what-if",
        title: "Cells: choosing a setting on a simulator that is off",
        scenario: Scenario::Cells,
        caption: "Which sleep threshold saves the most money? It cannot be tried on the live network, only on a simulator whose daily load profiles are 50% off (cells sleep when their last measured load is below the threshold). With a perfect simulator, the simulator's pick is the truly best threshold. With this one, trusting it costs money: averaged over 10 seeds, each deciding on its own simulator, more than with a simulator 10% off. Refitting the simulator's profiles on a week of live load before deciding more than halves that average loss, at the price of a week on the old pick. The what-if panel (tab=whatif) shows both curves and lets the simulator drift.",
        settings: &[("sim_error", "0.5"), ("drift", "0"), ("days", "28"), ("lanes", "2"), ("a.policy", "oracle")],
        metric: "energy_saved_pct",
    },
];

/// A preset by name.
pub fn preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

impl Preset {
    /// The preset's configuration with the given seed.
    pub fn config(&self) -> Config {
        let mut c = Config::for_scenario(self.scenario);
        // Presets spell out how their lanes differ from an online, continual lane.
        c.lanes = vec![crate::sim::config::LaneConfig::default(); 2];
        for (k, v) in self.settings {
            c.set(k, v)
                .unwrap_or_else(|e| panic!("preset {}: {e}", self.name));
        }
        c
    }

    /// The preset's configuration with `key=value` overrides.
    pub fn config_with(&self, overrides: &[(String, String)]) -> Result<Config, ConfigError> {
        let mut c = self.config();
        for (k, v) in overrides {
            c.set(k, v)?;
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid() {
        for p in PRESETS {
            let c = p.config();
            c.validate().unwrap();
            assert_eq!(c.scenario, p.scenario);
            assert!(
                crate::sim::series::metric(p.scenario, p.metric).is_some(),
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn durations_in_presets_keep_their_meaning() {
        let c = preset("ads-label-delay").unwrap().config();
        assert_eq!(c.ads.click_delay, 60.0);
        let joins: Vec<f64> = c.lanes.iter().map(|l| l.join).collect();
        assert_eq!(joins, [10.0, 1440.0, 180.0]);
    }
}
