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
        caption: "Capacity cells sleep when the load their lane expects is below a level the lane tuned on its own warm-up month, and only while their cluster's coverage cell can take their traffic; a coverage cell that fills up wakes them. Always-on (A) saves nothing. The operators' rule without a model (B) sleeps on the last measured load. An online forecaster that learns continually (C) saves a sixth to a quarter of the energy (operators' traces give 23-53%, switching whole base stations off), costs less than always-on, and saves between half a euro a day less and 1.5 euros a day more than the rule: on average 0.1 to 0.5 euros a day more, on top of the rule's 4 euros a day for these 12 cells (over a network of 10,000 cells, over a million euros a year either way). The oracle (D), the cheapest schedule given every load in advance, costs no more than any lane: no policy can save more.",
        settings: &[("lanes", "4"), ("a.policy", "baseline"), ("b.policy", "rule"), ("d.policy", "oracle")],
        metric: "saved_day",
    },
    Preset {
        name: "cells-sim-gap",
        title: "Cells: trained on a simulator",
        scenario: Scenario::Cells,
        caption: "In a network that does not drift, daily sleep plans from a forecaster trained on a simulator whose profiles are 80% off (A) err more than plans from one trained on live data (C). Letting the simulator-trained model keep learning from live data, with a learner that forgets the simulator within days (B), closes part of the gap: in the second week it errs less than A, though still more than C.",
        settings: &[("sim_error", "0.8"), ("drift", "0"), ("lanes", "3"), ("a.mode", "batch"), ("a.source", "simulator"), ("a.update", "frozen"), ("b.mode", "batch"), ("b.source", "simulator"), ("b.update", "continual"), ("b.forgetting", "0.98"), ("c.mode", "batch"), ("c.source", "live"), ("c.update", "continual")],
        metric: "mae",
    },
    Preset {
        name: "cells-holiday",
        title: "Cells: a holiday week",
        scenario: Scenario::Cells,
        caption: "During the holiday week (days 7 to 14) the office cluster empties. A forecaster frozen before it (A) still sleeps the empty cells, because its forecasts use the latest load: continual learning (B) barely improves on it. Fresh inputs matter more than a fresh model here: tuned on its own day-old forecasts, a forecaster whose forecasts are computed once a day (C) finds that sleeping does not pay, and saves less than half of B's money.",
        settings: &[("holiday", "7"), ("holiday_drop", "0.8"), ("days", "21"), ("lanes", "3"), ("a.update", "frozen"), ("b.update", "continual"), ("c.mode", "batch"), ("c.refresh", "1d"), ("c.update", "continual")],
        metric: "saved_day",
    },
    Preset {
        name: "cells-what-if",
        title: "Cells: choosing a setting on a simulator that is off",
        scenario: Scenario::Cells,
        caption: "Which sleep threshold saves the most money? It cannot be tried on the live network, only on a simulator whose daily profiles are 50% off. The operators plan the day ahead on it: a cell sleeps in the 15-minute slots where the simulator expects its load below the threshold and its coverage cell able to take its traffic; on the live network, a coverage cell past its wake limit wakes its cells. With a perfect simulator, the simulator's pick is the truly best threshold. Averaged over 10 seeds, each deciding on its own simulator, a simulator 50% off costs more than one 10% off, and over 30 seeds, refitting the simulator's profiles on a week of live load before deciding more than halves that average loss, at the price of a week on the old pick. A simulator that predicts peaks 30% low (optimistic, sim_bias=-0.3) pushes the plan over the cliff of complaint calls: averaged over 10 seeds, trusting it costs at least a fifth of the money a perfect simulator's best plan saves; one 30% high (pessimistic) costs less than half as much. The what-if panel (tab=whatif) shows both curves and lets the simulator drift.",
        settings: &[("sim_error", "0.5"), ("drift", "0"), ("days", "28"), ("lanes", "2"), ("a.policy", "oracle")],
        metric: "energy_saved_pct",
    },
    // Issue 15, "a lesson for every knob" (each preset sets the world knobs its lesson depends on).
    Preset {
        name: "ads-stateless-vs-stateful",
        title: "Ads: retrain from scratch or continue",
        scenario: Scenario::Ads,
        caption: "Tastes drift a little every hour. Retraining from scratch every day on the last week (A) does over ten times the training work of continuing from yesterday's weights on the new day only (B), and shows ads no better: the two lose clicks within 10% of each other. Spending about B's budget on a weekly retrain from scratch (C) instead leaves the model up to a week old: it loses more clicks than B.",
        settings: &[("walk", "0.2"), ("shift", "0"), ("launches", "0"), ("volume", "500"), ("warmup", "7"), ("lanes", "3"),
            ("a.mode", "online"), ("a.update", "periodic"), ("a.every", "1d"), ("a.retrain", "stateless"), ("a.window", "7d"),
            ("b.mode", "online"), ("b.update", "periodic"), ("b.every", "1d"), ("b.retrain", "stateful"),
            ("c.mode", "online"), ("c.update", "periodic"), ("c.every", "7d"), ("c.retrain", "stateless"), ("c.window", "7d")],
        metric: "regret_pct",
    },
    Preset {
        name: "ads-triggered",
        title: "Ads: retrain when a detector fires",
        scenario: Scenario::Ads,
        caption: "Lane B retrains whenever a drift detector sees its loss rise; A and C retrain on a clock, weekly and daily. On day 7 most tastes change at once. But a click is rare, so the loss is noisy: the detector also fires at least five times in the week before the shift, and retrains more often than the daily clock overall. On average over seeds it loses about as many clicks as the daily retrain (C); the weekly retrain (A) loses the most.",
        settings: &[("walk", "0"), ("shift", "0.9"), ("shift_day", "7"), ("launches", "0"), ("lanes", "3"),
            ("a.mode", "online"), ("a.update", "periodic"), ("a.every", "7d"), ("a.retrain", "stateful"),
            ("b.mode", "online"), ("b.update", "triggered"), ("b.retrain", "stateful"),
            ("c.mode", "online"), ("c.update", "periodic"), ("c.every", "1d"), ("c.retrain", "stateful")],
        metric: "regret_pct",
    },
    Preset {
        name: "ads-gradual",
        title: "Ads: tastes drift slowly",
        scenario: Scenario::Ads,
        caption: "The everyday case: no sudden shift, but tastes drift a little every hour. The frozen model (A) falls further and further behind continual learning (C): the gap between their shares of clicks lost is wider in days 10 to 14 than in the first three days, and A loses the most clicks of all lanes. A daily retrain (B) keeps up: of the clicks A loses beyond continual learning (C), B wins back over two thirds. Slow drift does not need a fast pipeline.",
        settings: &[("walk", "0.2"), ("shift", "0"), ("launches", "0"), ("warmup", "7"), ("lanes", "3"),
            ("a.mode", "online"), ("a.update", "frozen"),
            ("b.mode", "online"), ("b.update", "periodic"), ("b.every", "1d"), ("b.retrain", "stateful"),
            ("c.mode", "online"), ("c.update", "continual")],
        metric: "regret_pct",
    },
    Preset {
        name: "ads-explore",
        title: "Ads: explore a little",
        scenario: Scenario::Ads,
        caption: "Eight ads launch a day, each running about four days, and how good an ad is beyond its category shows only in its own clicks. A model that never explores (A) learns about an ad only by showing it, and it shows the ads it rates highest: a new ad it rates low stays unknown (the feedback loop). A random ad on 2% of requests (B) costs clicks on the first day, then pays: in days 28 to 42 A loses a larger share than B, and over the six weeks B loses fewer clicks (over a tenth fewer on average). A random ad on 20% of requests (C) loses the most. Clicks are common here (10% on an average ad).",
        settings: &[("base_ctr", "0.1"), ("launches", "8"), ("campaign_days", "4"), ("warmup", "7"), ("days", "42"), ("lanes", "3"),
            ("a.mode", "online"), ("a.update", "continual"), ("a.explore", "0"),
            ("b.mode", "online"), ("b.update", "continual"), ("b.explore", "0.02"),
            ("c.mode", "online"), ("c.update", "continual"), ("c.explore", "0.2")],
        metric: "regret_pct",
    },
    Preset {
        name: "cells-clusters",
        title: "Cells: one forecaster or many",
        scenario: Scenario::Cells,
        caption: "One forecaster for the whole network (A), one per cluster of similar cells (B), or one per cell (C), each learning from one day of history and then continually. A cell's model learns from a twelfth of the network's data, a cluster's from a quarter: on the first day the cell models err more than the cluster models, which in most runs err less than the single network model. By the second week the cell models have learned their own cells: they err less than the cluster models.",
        settings: &[("warmup", "1"), ("cells", "12"), ("drift", "1"), ("load", "0.5"), ("load_noise", "0.3"), ("threshold", "0.25"), ("margin", "0"), ("coverage", "0.5"), ("lanes", "3"),
            ("a.mode", "online"), ("a.update", "continual"), ("a.scope", "global"),
            ("b.mode", "online"), ("b.update", "continual"), ("b.scope", "cluster"),
            ("c.mode", "online"), ("c.update", "continual"), ("c.scope", "cell")],
        metric: "mae",
    },
    Preset {
        name: "cells-events",
        title: "Cells: a new building and a stadium evening",
        scenario: Scenario::Cells,
        caption: "On day 3 a new building next to one cell adds load for good; on the evening of day 10 a stadium event floods the transit cells for three hours. The building needs a fresh model: a forecaster frozen before it (A) errs over 10% more than one that keeps learning (C) from then on, though the two were alike before. The stadium needs fresh inputs: forecasts made once a day (B), even by a model that keeps learning, save less money that day than the online lanes, whose sleep plans see the surge coming in the last measured load; and the frozen model (A) saves as much that day as C.",
        settings: &[("cells", "12"), ("drift", "0"), ("building", "3"), ("building_load", "1"), ("stadium", "10"), ("stadium_load", "1.5"), ("holiday", "off"),
            ("load", "0.5"), ("load_noise", "0.3"), ("threshold", "0.25"), ("margin", "0"), ("coverage", "0.5"), ("lanes", "3"),
            ("a.mode", "online"), ("a.update", "frozen"),
            ("b.mode", "batch"), ("b.refresh", "1d"), ("b.update", "continual"),
            ("c.mode", "online"), ("c.update", "continual")],
        metric: "mae",
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
