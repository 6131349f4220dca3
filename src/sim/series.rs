//! Per-lane time series, bucketed to a bounded number of points whatever the horizon, and the metrics
//! derived from them (windowed per bucket, cumulative, or over the whole run).

use serde::Serialize;

use crate::base::units::{MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK};
use crate::sim::config::Scenario;

/// Most buckets a run keeps: memory does not grow with the horizon.
pub const MAX_BUCKETS: usize = 400;

/// Accumulator fields of an ads lane, summed per bucket.
pub mod ads {
    pub const IMPRESSIONS: usize = 0;
    pub const CLICKS: usize = 1;
    pub const EXPECTED_CLICKS: usize = 2;
    pub const ORACLE_CLICKS: usize = 3;
    pub const REVENUE: usize = 4;
    pub const LOG_LOSS: usize = 5;
    pub const P_SUM: usize = 6;
    pub const UPDATES: usize = 7;
    pub const RETRAINS: usize = 8;
    pub const FIELDS: usize = 9;
}

/// Accumulator fields of a cells lane, summed per bucket.
pub mod cells {
    pub const ENERGY_KWH: usize = 0;
    pub const ALWAYS_ON_KWH: usize = 1;
    pub const ORACLE_KWH: usize = 2;
    pub const UNSERVED_GB: usize = 3;
    pub const VIOLATION_MIN: usize = 4;
    pub const ABS_ERROR: usize = 5;
    pub const FORECASTS: usize = 6;
    pub const UPDATES: usize = 7;
    pub const RETRAINS: usize = 8;
    pub const OFFERED_LOAD: usize = 9;
    pub const FIELDS: usize = 10;
}

/// Sums per lane per bucket.
#[derive(Clone, Debug, Serialize)]
pub struct Series {
    /// Bucket width, minutes.
    pub bucket_min: f64,
    /// Number of buckets covering the horizon.
    pub buckets: usize,
    /// Accumulator fields per bucket.
    pub fields: usize,
    /// `lanes[l][b * fields + f]`.
    pub lanes: Vec<Vec<f64>>,
}

/// A bucket width (minutes) from a fixed ladder so that the horizon fits in [`MAX_BUCKETS`].
pub fn bucket_minutes(horizon_min: f64) -> f64 {
    const H: f64 = MINUTES_PER_HOUR;
    const D: f64 = MINUTES_PER_DAY;
    const W: f64 = MINUTES_PER_WEEK;
    const LADDER: [f64; 12] = [
        15.0,
        30.0,
        H,
        2.0 * H,
        3.0 * H,
        6.0 * H,
        12.0 * H,
        D,
        2.0 * D,
        3.0 * D,
        W,
        2.0 * W,
    ];
    LADDER
        .iter()
        .copied()
        .find(|w| horizon_min / w <= MAX_BUCKETS as f64)
        .unwrap_or(2.0 * W)
}

impl Series {
    /// Empty series for `lanes` lanes over the horizon.
    pub fn new(horizon_min: f64, lanes: usize, fields: usize) -> Self {
        let bucket_min = bucket_minutes(horizon_min);
        let buckets = ((horizon_min / bucket_min).ceil() as usize).clamp(1, MAX_BUCKETS);
        Series {
            bucket_min,
            buckets,
            fields,
            lanes: vec![vec![0.0; buckets * fields]; lanes],
        }
    }

    /// The bucket of time `t` (minutes from the start of the horizon), clamped.
    #[inline]
    pub fn bucket(&self, t: f64) -> usize {
        bucket_of(t, self.bucket_min, self.buckets)
    }

    /// Each lane's sums on their own, so that lanes can add to them independently (in parallel).
    pub fn per_lane(&mut self) -> Vec<LaneSums<'_>> {
        let (bucket_min, buckets, fields) = (self.bucket_min, self.buckets, self.fields);
        self.lanes
            .iter_mut()
            .map(|sums| LaneSums {
                sums,
                bucket_min,
                buckets,
                fields,
            })
            .collect()
    }

    /// Adds `v` to field `f` of lane `l` at time `t`.
    #[inline]
    pub fn add(&mut self, l: usize, t: f64, f: usize, v: f64) {
        self.row_mut(l, t)[f] += v;
    }

    /// The sums of lane `l` in the bucket of time `t`, to add to.
    #[inline]
    pub fn row_mut(&mut self, l: usize, t: f64) -> &mut [f64] {
        let b = self.bucket(t);
        &mut self.lanes[l][b * self.fields..(b + 1) * self.fields]
    }

    /// The sums of one bucket of one lane.
    pub fn row(&self, l: usize, b: usize) -> &[f64] {
        &self.lanes[l][b * self.fields..(b + 1) * self.fields]
    }

    /// Totals of lane `l` over buckets `0..upto`.
    pub fn totals(&self, l: usize, upto: usize) -> Vec<f64> {
        let mut t = vec![0.0; self.fields];
        for b in 0..upto.min(self.buckets) {
            for (acc, v) in t.iter_mut().zip(self.row(l, b)) {
                *acc += v;
            }
        }
        t
    }
}

#[inline]
fn bucket_of(t: f64, bucket_min: f64, buckets: usize) -> usize {
    ((t / bucket_min).max(0.0) as usize).min(buckets - 1)
}

/// One lane's sums of a [`Series`] (from [`Series::per_lane`]).
pub struct LaneSums<'a> {
    sums: &'a mut Vec<f64>,
    bucket_min: f64,
    buckets: usize,
    fields: usize,
}

impl LaneSums<'_> {
    /// The sums in the bucket of time `t`, to add to.
    #[inline]
    pub fn row_mut(&mut self, t: f64) -> &mut [f64] {
        let b = bucket_of(t, self.bucket_min, self.buckets);
        &mut self.sums[b * self.fields..(b + 1) * self.fields]
    }
}

/// Whether more of a metric is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
    /// Neither (e.g. calibration: 1 is best).
    Neutral,
}

/// A metric computed from a lane's sums (over one bucket, or over the run).
pub struct Metric {
    /// snake_case name used in JSON, CSV and the URL.
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub help: &'static str,
    pub scenario: Scenario,
    pub better: Better,
    /// Value from the sums; `hours` is the time they cover.
    pub value: fn(&[f64], f64) -> f64,
}

/// a / b, undefined (NaN) when there is nothing to divide by.
pub(crate) fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        f64::NAN
    }
}

/// Binary entropy in nats of a rate p (the denominator of normalised entropy, He et al. 2014).
pub(crate) fn entropy(p: f64) -> f64 {
    if p <= 0.0 || p >= 1.0 {
        0.0
    } else {
        -(p * libm::log(p) + (1.0 - p) * libm::log(1.0 - p))
    }
}

use ads as a;
use cells as c;

/// Every metric, in display order.
pub static METRICS: &[Metric] = &[
    Metric { key: "expected_ctr", label: "Expected CTR", unit: "%", scenario: Scenario::Ads, better: Better::Higher,
        help: "Average true click probability of the ads shown: the CTR without the luck of the draw.",
        value: |s, _| 100.0 * ratio(s[a::EXPECTED_CLICKS], s[a::IMPRESSIONS]) },
    Metric { key: "ctr", label: "CTR", unit: "%", scenario: Scenario::Ads, better: Better::Higher,
        help: "Clicks per impression.",
        value: |s, _| 100.0 * ratio(s[a::CLICKS], s[a::IMPRESSIONS]) },
    Metric { key: "regret_pct", label: "Regret", unit: "% of oracle", scenario: Scenario::Ads, better: Better::Lower,
        help: "Expected clicks lost against an oracle that knows every true click probability, as a share of the oracle's.",
        value: |s, _| 100.0 * ratio(s[a::ORACLE_CLICKS] - s[a::EXPECTED_CLICKS], s[a::ORACLE_CLICKS]) },
    Metric { key: "regret", label: "Regret", unit: "clicks", scenario: Scenario::Ads, better: Better::Lower,
        help: "Expected clicks lost against the oracle (noise-free: computed from true probabilities).",
        value: |s, _| s[a::ORACLE_CLICKS] - s[a::EXPECTED_CLICKS] },
    Metric { key: "clicks", label: "Clicks", unit: "", scenario: Scenario::Ads, better: Better::Higher,
        help: "Clicks on the ads shown (the same ad on the same request is clicked in every lane).",
        value: |s, _| s[a::CLICKS] },
    Metric { key: "expected_clicks", label: "Expected clicks", unit: "", scenario: Scenario::Ads, better: Better::Higher,
        help: "Sum of the true click probabilities of the ads shown.",
        value: |s, _| s[a::EXPECTED_CLICKS] },
    Metric { key: "revenue", label: "Revenue", unit: "$", scenario: Scenario::Ads, better: Better::Higher,
        help: "Cost-per-click of every clicked ad, summed.",
        value: |s, _| s[a::REVENUE] },
    Metric { key: "log_loss", label: "Log loss", unit: "nats", scenario: Scenario::Ads, better: Better::Lower,
        help: "Average log loss of the predicted click probability of each shown ad, scored before its label was learned.",
        value: |s, _| ratio(s[a::LOG_LOSS], s[a::IMPRESSIONS]) },
    Metric { key: "ne", label: "Normalised entropy", unit: "", scenario: Scenario::Ads, better: Better::Lower,
        help: "Log loss divided by the entropy of the observed CTR (He et al. 2014): below 1 beats predicting the average.",
        value: |s, _| ratio(ratio(s[a::LOG_LOSS], s[a::IMPRESSIONS]), entropy(ratio(s[a::CLICKS], s[a::IMPRESSIONS]))) },
    Metric { key: "calibration", label: "Calibration", unit: "", scenario: Scenario::Ads, better: Better::Neutral,
        help: "Predicted clicks divided by observed clicks: 1 is calibrated, above 1 over-predicts.",
        value: |s, _| ratio(s[a::P_SUM], s[a::CLICKS]) },
    Metric { key: "impressions", label: "Impressions", unit: "", scenario: Scenario::Ads, better: Better::Neutral,
        help: "Ads shown (one per request).",
        value: |s, _| s[a::IMPRESSIONS] },
    Metric { key: "traffic", label: "Traffic", unit: "req/h", scenario: Scenario::Ads, better: Better::Neutral,
        help: "Ad requests per hour.",
        value: |s, h| ratio(s[a::IMPRESSIONS], h) },
    Metric { key: "training_updates", label: "Training updates", unit: "", scenario: Scenario::Ads, better: Better::Lower,
        help: "Example-updates spent on training after the warm-up: what freshness costs.",
        value: |s, _| s[a::UPDATES] },
    Metric { key: "retrains", label: "Retrains", unit: "", scenario: Scenario::Ads, better: Better::Lower,
        help: "Number of retrains after the warm-up.",
        value: |s, _| s[a::RETRAINS] },
    Metric { key: "energy_saved_pct", label: "Energy saved", unit: "%", scenario: Scenario::Cells, better: Better::Higher,
        help: "Energy saved against keeping every cell always on.",
        value: |s, _| 100.0 * ratio(s[c::ALWAYS_ON_KWH] - s[c::ENERGY_KWH], s[c::ALWAYS_ON_KWH]) },
    Metric { key: "unserved", label: "Unserved traffic", unit: "GB", scenario: Scenario::Cells, better: Better::Lower,
        help: "Traffic that neither the awake cells nor the coverage layer could carry: a QoS violation.",
        value: |s, _| s[c::UNSERVED_GB] },
    Metric { key: "violation_minutes", label: "Violation minutes", unit: "min", scenario: Scenario::Cells, better: Better::Lower,
        help: "Minutes during which some cluster had unserved traffic, summed over clusters.",
        value: |s, _| s[c::VIOLATION_MIN] },
    Metric { key: "oracle_savings_pct", label: "Share of oracle savings", unit: "%", scenario: Scenario::Cells, better: Better::Neutral,
        help: "Energy saved as a share of what an oracle that knows the next load saves with the same threshold.",
        value: |s, _| 100.0 * ratio(s[c::ALWAYS_ON_KWH] - s[c::ENERGY_KWH], s[c::ALWAYS_ON_KWH] - s[c::ORACLE_KWH]) },
    Metric { key: "mae", label: "Forecast error", unit: "load", scenario: Scenario::Cells, better: Better::Lower,
        help: "Mean absolute error of the 15-minute load forecasts, as a share of a cell's capacity.",
        value: |s, _| ratio(s[c::ABS_ERROR], s[c::FORECASTS]) },
    Metric { key: "energy_kwh", label: "Energy", unit: "kWh", scenario: Scenario::Cells, better: Better::Lower,
        help: "Energy drawn by the capacity cells and the coverage layer (EARTH power model).",
        value: |s, _| s[c::ENERGY_KWH] },
    Metric { key: "load", label: "Offered load", unit: "cells", scenario: Scenario::Cells, better: Better::Neutral,
        help: "Traffic offered to the network on average, in fully loaded capacity cells.",
        value: |s, h| ratio(s[c::OFFERED_LOAD] * 0.25, h) },
    Metric { key: "training_updates", label: "Training updates", unit: "", scenario: Scenario::Cells, better: Better::Lower,
        help: "Example-updates spent on training after the warm-up: what freshness costs.",
        value: |s, _| s[c::UPDATES] },
    Metric { key: "retrains", label: "Retrains", unit: "", scenario: Scenario::Cells, better: Better::Lower,
        help: "Number of retrains after the warm-up.",
        value: |s, _| s[c::RETRAINS] },
];

/// The metrics of a scenario.
pub fn metrics(scenario: Scenario) -> impl Iterator<Item = &'static Metric> {
    METRICS.iter().filter(move |m| m.scenario == scenario)
}

/// A metric by key in a scenario.
pub fn metric(scenario: Scenario, key: &str) -> Option<&'static Metric> {
    metrics(scenario).find(|m| m.key == key)
}
