//! The one metric vocabulary: every figure the simulator, the replay, the command line and the page
//! show, with its label, unit, direction and meaning, and the formulas the simulator and the replay
//! share. Each metric is defined here once; [`crate::sim::series::METRICS`] says how the simulator
//! computes it from its sums, the replay's report how it computes it from a file.

use serde::Serialize;

/// Which direction of a metric is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
    /// Neither (e.g. calibration, where 1 is best, or traffic).
    Neutral,
}

/// What a metric is, wherever it is shown. Its label is ASCII (a test checks): sentences lowercase
/// it with [`Info::label_lower`], which needs no Unicode case tables in the wasm.
#[derive(Debug, PartialEq, Eq)]
pub struct Info {
    pub key: &'static str,
    pub label: &'static str,
    /// Unit as shown after the label (empty for a plain number).
    pub unit: &'static str,
    pub better: Better,
    /// One sentence for the tooltip.
    pub help: &'static str,
}

impl Info {
    /// The label in lower case, for the middle of a sentence.
    pub fn label_lower(&self) -> String {
        self.label.to_ascii_lowercase()
    }
}

pub static EXPECTED_CTR: Info = Info {
    key: "expected_ctr",
    label: "Expected CTR",
    unit: "%",
    better: Better::Higher,
    help: "Average true click probability of the ads shown: the CTR without the luck of the draw.",
};
pub static CTR: Info = Info {
    key: "ctr",
    label: "CTR",
    unit: "%",
    better: Better::Higher,
    help: "Clicks per impression.",
};
pub static REGRET_PCT: Info = Info {
    key: "regret_pct",
    label: "Regret",
    unit: "% of oracle",
    better: Better::Lower,
    help: "Expected clicks lost against an oracle that knows every true click probability, as a share of the oracle's.",
};
pub static REGRET: Info = Info {
    key: "regret",
    label: "Regret",
    unit: "clicks",
    better: Better::Lower,
    help: "Expected clicks lost against the oracle (noise-free: computed from true probabilities).",
};
pub static CLICKS: Info = Info {
    key: "clicks",
    label: "Clicks",
    unit: "",
    better: Better::Higher,
    help: "Clicks on the ads shown (the same ad on the same request is clicked in every lane).",
};
pub static EXPECTED_CLICKS: Info = Info {
    key: "expected_clicks",
    label: "Expected clicks",
    unit: "",
    better: Better::Higher,
    help: "Sum of the true click probabilities of the ads shown.",
};
pub static REVENUE: Info = Info {
    key: "revenue",
    label: "Revenue",
    unit: crate::base::money::CURRENCY,
    better: Better::Higher,
    help: concat!(
        "Cost per click of every clicked ad, summed (cost per click about ",
        crate::base::money::currency!(),
        "1, in the same money as the cells scenario's prices)."
    ),
};
pub static LOG_LOSS: Info = Info {
    key: "log_loss",
    label: "Log loss",
    unit: "nats",
    better: Better::Lower,
    help: "Average log loss of the predicted click probability of each shown ad, scored before its label was learned.",
};
pub static NE: Info = Info {
    key: "ne",
    label: "Normalised entropy",
    unit: "",
    better: Better::Lower,
    help: "Log loss divided by the entropy of the observed CTR (He et al. 2014): below 1 beats predicting the average.",
};
pub static CALIBRATION: Info = Info {
    key: "calibration",
    label: "Calibration",
    unit: "",
    better: Better::Neutral,
    help: "Predicted clicks divided by observed clicks: 1 is calibrated, above 1 over-predicts.",
};
pub static IMPRESSIONS: Info = Info {
    key: "impressions",
    label: "Impressions",
    unit: "",
    better: Better::Neutral,
    help: "Ads shown (one per request).",
};
pub static TRAFFIC: Info = Info {
    key: "traffic",
    label: "Traffic",
    unit: "req/h",
    better: Better::Neutral,
    help: "Ad requests per hour.",
};
pub static TRAINING_UPDATES: Info = Info {
    key: "training_updates",
    label: "Training updates",
    unit: "",
    better: Better::Lower,
    help: "Example-updates spent on training after the warm-up: what freshness costs.",
};
pub static RETRAINS: Info = Info {
    key: "retrains",
    label: "Retrains",
    unit: "",
    better: Better::Lower,
    help: "Number of retrains after the warm-up.",
};
pub static ENERGY_SAVED_PCT: Info = Info {
    key: "energy_saved_pct",
    label: "Energy saved",
    unit: "%",
    better: Better::Higher,
    help: "Energy saved against keeping every cell always on.",
};
pub static UNSERVED: Info = Info {
    key: "unserved",
    label: "Unserved traffic",
    unit: "GB",
    better: Better::Lower,
    help:
        "Traffic that neither the awake cells nor the coverage layer could carry: a QoS violation.",
};
pub static VIOLATION_MINUTES: Info = Info {
    key: "violation_minutes",
    label: "Violation minutes",
    unit: "min",
    better: Better::Lower,
    help: "Minutes during which some cluster had unserved traffic, summed over clusters.",
};
pub static ORACLE_SAVINGS_PCT: Info = Info {
    key: "oracle_savings_pct",
    label: "Share of oracle savings",
    unit: "%",
    better: Better::Higher,
    help: "Money saved against always-on, as a share of what the oracle saves: the cheapest sleep schedule given the whole run's true loads.",
};
pub static DEGRADED_GB: Info = Info {
    key: "degraded_gb",
    label: "Degraded traffic",
    unit: "GB",
    better: Better::Lower,
    help: "Traffic beyond what the coverage cells could carry when they took sleeping cells' load: it is slowed down, not lost.",
};
pub static CONGESTED_MINUTES: Info = Info {
    key: "congested_minutes",
    label: "Congested minutes",
    unit: "min",
    better: Better::Lower,
    help: "Minutes a coverage cell was over its capacity, summed over clusters.",
};
pub static COMPLAINTS: Info = Info {
    key: "complaints",
    label: "Complaint calls",
    unit: "calls",
    better: Better::Lower,
    help: "Complaint calls from users slowed down on a congested coverage cell (knobs complaint_rate and users).",
};
pub static COST_DAY: Info = Info {
    key: "cost",
    label: "Cost",
    unit: crate::base::money::currency!("day"),
    better: Better::Lower,
    help:
        "What the cells cost the operator per day: the energy bill plus the complaint calls' cost.",
};
pub static SAVED_DAY: Info = Info {
    key: "saved_day",
    label: "Saved vs always-on",
    unit: crate::base::money::currency!("day"),
    better: Better::Higher,
    help: "Money saved per day against keeping every cell always on (energy saved less complaint calls).",
};
pub static OVER_RULE_DAY: Info = Info {
    key: "over_rule_day",
    label: "Saved vs the rule",
    unit: crate::base::money::currency!("day"),
    better: Better::Higher,
    help: "Money saved per day against the operators' rule without a model: sleep on the last measured load, with the interlock.",
};
pub static MAE: Info = Info {
    key: "mae",
    label: "Forecast error",
    unit: "load",
    better: Better::Lower,
    help: "Mean absolute error of the load forecasts, one step ahead (15 minutes in the simulator), as a share of a cell's capacity.",
};
pub static ENERGY_KWH: Info = Info {
    key: "energy_kwh",
    label: "Energy",
    unit: "kWh",
    better: Better::Lower,
    help: "Energy drawn by the capacity cells and the coverage layer (EARTH power model, per transceiver chain).",
};
pub static LOAD: Info = Info {
    key: "load",
    label: "Offered load",
    unit: "cells",
    better: Better::Neutral,
    help: "Traffic offered to the network on average, in fully loaded capacity cells.",
};
pub static AUC: Info = Info {
    key: "auc",
    label: "AUC",
    unit: "",
    better: Better::Higher,
    help: "Area under the ROC curve of the predicted click probabilities: the chance that a click is ranked above a non-click.",
};
pub static RMSE: Info = Info {
    key: "rmse",
    label: "Forecast RMSE",
    unit: "load",
    better: Better::Lower,
    help: "Root mean squared error of the load forecasts, as a share of a cell's capacity: large misses weigh more.",
};
pub static SLEEP_LEVEL: Info = Info {
    key: "sleep_level",
    label: "Sleep level",
    unit: "load",
    better: Better::Neutral,
    help: "Below this expected load a capacity cell may sleep: the level the lane tuned on its warm-up (or the threshold, less the margin for a forecaster, untuned); none for always-on and the oracle.",
};
pub static NETWORK_SAVED_YEAR: Info = Info {
    key: "network_saved_year",
    label: "Saved on the network",
    unit: crate::base::money::currency!("year"),
    better: Better::Higher,
    help: "Money saved against always-on, scaled from these cells to the operator's whole network (knob network_cells) and to a year.",
};
pub static ASLEEP_PCT: Info = Info {
    key: "asleep_pct",
    label: "Asleep",
    unit: "% of cell-intervals",
    better: Better::Neutral,
    help: "Share of cell-intervals the policy put to sleep.",
};

/// Every metric, the simulator's and the replay's.
pub static ALL: &[&Info] = &[
    &EXPECTED_CTR,
    &CTR,
    &REGRET_PCT,
    &REGRET,
    &CLICKS,
    &EXPECTED_CLICKS,
    &REVENUE,
    &LOG_LOSS,
    &NE,
    &CALIBRATION,
    &IMPRESSIONS,
    &TRAFFIC,
    &TRAINING_UPDATES,
    &RETRAINS,
    &ENERGY_SAVED_PCT,
    &UNSERVED,
    &VIOLATION_MINUTES,
    &ORACLE_SAVINGS_PCT,
    &DEGRADED_GB,
    &CONGESTED_MINUTES,
    &COMPLAINTS,
    &COST_DAY,
    &SAVED_DAY,
    &NETWORK_SAVED_YEAR,
    &SLEEP_LEVEL,
    &OVER_RULE_DAY,
    &MAE,
    &ENERGY_KWH,
    &LOAD,
    &AUC,
    &RMSE,
    &ASLEEP_PCT,
];

/// A metric by key.
pub fn info(key: &str) -> Option<&'static Info> {
    ALL.iter().copied().find(|m| m.key == key)
}

/// a / b, undefined (NaN) when there is nothing to divide by.
pub fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

/// Binary entropy in nats of a rate p (the denominator of normalised entropy, He et al. 2014).
pub fn entropy(p: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 {
        0.0
    } else {
        -(p * libm::log(p) + (1.0 - p) * libm::log(1.0 - p))
    }
}

/// Probabilities are clamped to `[LOG_LOSS_CLAMP, 1 - LOG_LOSS_CLAMP]` before their logarithm, as
/// scikit-learn's `log_loss` and River's `LogLoss` do: a confident wrong prediction costs at most
/// `-ln(1e-15)`, about 34.5 nats, instead of an infinite sum.
pub const LOG_LOSS_CLAMP: f64 = 1e-15;

/// Per-example log loss (nats) of predicting click probability `p` for label `y`: the one
/// definition the simulator's ads lanes and the replay's click lanes share.
#[inline]
pub fn log_loss(p: f64, y: bool) -> f64 {
    let p = p.clamp(LOG_LOSS_CLAMP, 1.0 - LOG_LOSS_CLAMP);
    -libm::log(if y { p } else { 1.0 - p })
}

/// Normalised entropy (He et al. 2014): the average log loss over `n` (weighted) examples with
/// `clicks` clicks, divided by the entropy of the observed click rate.
pub fn normalised_entropy(log_loss_sum: f64, n: f64, clicks: f64) -> f64 {
    ratio(ratio(log_loss_sum, n), entropy(ratio(clicks, n)))
}

/// Predicted clicks over observed clicks: 1 is calibrated.
pub fn calibration(p_sum: f64, clicks: f64) -> f64 {
    ratio(p_sum, clicks)
}

/// Energy saved against always on, in percent.
pub fn energy_saved_pct(always_on_kwh: f64, kwh: f64) -> f64 {
    100.0 * ratio(always_on_kwh - kwh, always_on_kwh)
}

/// Money saved against always on as a share of what the oracle saves, in percent.
pub fn oracle_savings_pct(always_on_cost: f64, cost: f64, oracle_cost: f64) -> f64 {
    100.0 * ratio(always_on_cost - cost, always_on_cost - oracle_cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_defined_once() {
        for (i, m) in ALL.iter().enumerate() {
            assert!(ALL[..i].iter().all(|o| o.key != m.key), "{} twice", m.key);
            assert_eq!(info(m.key), Some(*m));
        }
    }

    #[test]
    fn labels_are_ascii_so_their_lower_case_is_unicodes() {
        for m in ALL {
            assert!(m.label.is_ascii(), "{}: {:?}", m.key, m.label);
            assert_eq!(m.label_lower(), m.label.to_lowercase());
        }
    }
}
