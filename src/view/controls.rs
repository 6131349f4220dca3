//! What the page's controls show, derived from the knob table: which lane knobs apply to a lane (an
//! online lane has no batch refresh, a continual one no retraining interval), which are advanced
//! (learner hyper-parameters, hash bits), and how the world knobs are grouped. Pure data, tested here
//! and in `tests/controls.rs` (changing a knob that does not apply changes no number).

use crate::learn::linreg::RegKind;
use crate::sim::config::{LaneConfig, Mode, Policy, Scenario, Update};
use crate::sim::knobs::{KNOBS, LANE_KNOBS};

/// Whether lane knob `key` changes anything for a lane configured as `lane` in `scenario`.
pub fn lane_knob_applies(key: &str, lane: &LaneConfig, scenario: Scenario) -> bool {
    let Some(k) = LANE_KNOBS.iter().find(|k| k.key == key) else {
        return false;
    };
    if k.scenario.is_some_and(|s| s != scenario) {
        return false;
    }
    if key == "policy" {
        return true;
    }
    // The ads rule shows a random ad on the lane's share of exploration too.
    if lane.policy == Policy::Rule && scenario == Scenario::Ads {
        return key == "explore";
    }
    if lane.policy != Policy::Model {
        return false;
    }
    let retrains = matches!(lane.update, Update::Periodic | Update::Triggered);
    match key {
        "refresh" => lane.mode == Mode::Batch,
        "every" => lane.update == Update::Periodic,
        "retrain" | "deploy" => retrains,
        "window" => retrains && !lane.stateful,
        // A frozen model learns nothing after the warm-up: when labels arrive does not matter.
        "label_delay" | "join" => lane.update != Update::Frozen,
        "forgetting" => lane.reg.kind == RegKind::Rls,
        "step" => lane.reg.kind == RegKind::Nlms,
        _ => true,
    }
}

/// The lane knobs folded under "advanced": the learners' hyper-parameters and the model size.
pub fn lane_knob_advanced(key: &str) -> bool {
    matches!(
        key,
        "alpha" | "beta" | "l1" | "l2" | "bits" | "forgetting" | "step"
    )
}

/// A group of world knobs on the page.
pub struct Group {
    pub key: &'static str,
    /// The title for each scenario (ads, cells).
    pub title: (&'static str, &'static str),
}

/// The groups, in page order.
pub const GROUPS: [Group; 5] = [
    Group {
        key: "run",
        title: ("Run", "Run"),
    },
    Group {
        key: "traffic",
        title: ("Traffic", "Traffic"),
    },
    Group {
        key: "tastes",
        title: ("Tastes and drift", "Drift"),
    },
    Group {
        key: "network",
        title: ("Clicks", "Network and costs"),
    },
    Group {
        key: "events",
        title: ("Events", "Events"),
    },
];

/// World knob `key`'s group and whether it is folded (less used); `None` for the scenario switch and
/// for knobs not placed yet (the page shows those folded in an "other" group).
pub fn world_group(key: &str) -> Option<(&'static str, bool)> {
    let g = match key {
        "seed" | "days" => ("run", false),
        "warmup" => ("run", true),
        "volume" | "load" | "growth" => ("traffic", false),
        "daily" | "weekly" | "cells" | "load_noise" => ("traffic", true),
        "intent" | "walk" | "weekend" | "new_users" | "drift" | "sim_error" => ("tastes", false),
        "affinity" | "segments" | "categories" | "catalogue" | "base_ctr" => ("tastes", true),
        "click_delay" | "threshold" | "wake" | "headroom" | "tune" => ("network", false),
        "coverage" | "margin" | "cell_type" | "chains" | "wake_limit" | "price_kwh"
        | "complaint_cost" | "complaint_rate" | "users" | "network_cells" | "sim_bias" | "log" => {
            ("network", true)
        }
        "shift" | "shift_day" | "launches" | "campaign_days" | "building" | "building_load"
        | "holiday" | "holiday_drop" | "stadium" | "stadium_load" => ("events", false),
        _ => return None,
    };
    Some(g)
}

/// Every world knob of `scenario` has a group (but the scenario switch).
pub fn ungrouped(scenario: Scenario) -> Vec<&'static str> {
    KNOBS
        .iter()
        .filter(|k| k.scenario.is_none_or(|s| s == scenario) && k.key != "scenario")
        .filter(|k| world_group(k.key).is_none())
        .map(|k| k.key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::preset;

    #[test]
    fn every_world_knob_has_a_group_that_exists() {
        for s in [Scenario::Ads, Scenario::Cells] {
            assert!(ungrouped(s).is_empty(), "{:?}", ungrouped(s));
        }
        for k in KNOBS {
            if let Some((g, _)) = world_group(k.key) {
                assert!(GROUPS.iter().any(|x| x.key == g), "{g}");
            }
        }
    }

    #[test]
    fn a_lane_shows_what_its_mode_update_and_policy_use() {
        let cfg = preset("ads-batch-vs-online").unwrap().config();
        let shown = |l: &LaneConfig| -> Vec<&str> {
            LANE_KNOBS
                .iter()
                .filter(|k| lane_knob_applies(k.key, l, Scenario::Ads))
                .map(|k| k.key)
                .collect()
        };
        // A: batch, periodic (stateful by default).
        let a = shown(&cfg.lanes[0]);
        assert!(a.contains(&"refresh") && a.contains(&"every") && !a.contains(&"window"));
        // C: online, continual.
        let c = shown(&cfg.lanes[2]);
        for k in ["refresh", "every", "window", "retrain", "deploy"] {
            assert!(!c.contains(&k), "{k}");
        }
        assert!(c.contains(&"join") && c.contains(&"alpha"));
        let mut oracle = cfg.lanes[0].clone();
        oracle.policy = Policy::Oracle;
        assert_eq!(shown(&oracle), vec!["policy"]);
        assert!(!lane_knob_applies("learner", &cfg.lanes[0], Scenario::Ads));
        assert!(!lane_knob_applies(
            "no-such-knob",
            &cfg.lanes[0],
            Scenario::Ads
        ));
        assert!(lane_knob_advanced("bits") && !lane_knob_advanced("every"));
    }
}
