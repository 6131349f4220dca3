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

/// What a metric is, wherever it is shown.
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
    better: Better::Neutral,
    help: "Energy saved as a share of what an oracle that knows the next load saves with the same threshold.",
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
    help: "Energy drawn by the capacity cells and the coverage layer (EARTH power model).",
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

/// What the cellular network costs its operator over some time, in money: the energy it drew at
/// `price_kwh` plus the traffic it could not carry at `price_gb` (a QoS penalty). The one formula the
/// answer map and the what-if evaluation use, so both speak the same money.
pub fn cells_cost(kwh: f64, unserved_gb: f64, price_kwh: f64, price_gb: f64) -> f64 {
    kwh * price_kwh + unserved_gb * price_gb
}

#[cfg(test)]
mod cost_tests {
    #[test]
    fn cells_cost_prices_energy_and_unserved_traffic() {
        assert_eq!(super::cells_cost(100.0, 3.0, 0.2, 2.0), 26.0);
        assert_eq!(super::cells_cost(100.0, 3.0, 0.0, 0.0), 0.0);
    }
}

/// Energy saved against always on, in percent.
pub fn energy_saved_pct(always_on_kwh: f64, kwh: f64) -> f64 {
    100.0 * ratio(always_on_kwh - kwh, always_on_kwh)
}

/// Energy saved as a share of what the oracle saves, in percent.
pub fn oracle_savings_pct(always_on_kwh: f64, kwh: f64, oracle_kwh: f64) -> f64 {
    100.0 * ratio(always_on_kwh - kwh, always_on_kwh - oracle_kwh)
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
}
