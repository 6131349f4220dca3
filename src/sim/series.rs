//! Per-lane time series, bucketed to a bounded number of points whatever the horizon, and the metrics
//! derived from them (windowed per bucket, cumulative, or over the whole run).

use serde::Serialize;

use crate::base::units::{MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK};
use crate::sim::config::Scenario;

pub use crate::domain::MAX_BUCKETS;

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
    /// The cost per click of every shown ad times its true click probability: the revenue expected,
    /// without the noise of the sampled clicks (what the answer counts).
    pub const EXPECTED_REVENUE: usize = 9;
    pub const FIELDS: usize = 10;
}

/// Accumulator fields of a cells lane, summed per bucket.
pub mod cells {
    pub const ENERGY_KWH: usize = 0;
    pub const ALWAYS_ON_KWH: usize = 1;
    pub const ORACLE_KWH: usize = 2;
    pub const DEGRADED_GB: usize = 3;
    pub const CONGESTED_MIN: usize = 4;
    pub const ABS_ERROR: usize = 5;
    pub const FORECASTS: usize = 6;
    pub const UPDATES: usize = 7;
    pub const RETRAINS: usize = 8;
    pub const OFFERED_LOAD: usize = 9;
    pub const CONGESTED_USER_MIN: usize = 10;
    pub const COMPLAINTS: usize = 11;
    /// Money: the energy bill plus the complaint calls' cost.
    pub const COST: usize = 12;
    pub const ALWAYS_ON_COST: usize = 13;
    pub const RULE_COST: usize = 14;
    pub const ORACLE_COST: usize = 15;
    /// Booster-intervals asleep.
    pub const ASLEEP: usize = 16;
    /// The lane's sleep level, summed over intervals.
    pub const LEVEL: usize = 17;
    /// Intervals simulated.
    pub const INTERVALS: usize = 18;
    /// The operator's network over these cells (`network_cells / cells`), summed over intervals.
    pub const SCALE: usize = 19;
    /// Intervals in which the lane slept on an expectation at a level ([`LEVEL`]).
    pub const LEVELLED: usize = 20;
    pub const FIELDS: usize = 21;
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
        let (bucket_min, buckets) = buckets_for(horizon_min);
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

/// The bucket width (minutes) and the number of buckets of a run over `horizon_min` (shared with the
/// world panes' grids, `sim::inside`).
pub(crate) fn buckets_for(horizon_min: f64) -> (f64, usize) {
    let bucket_min = bucket_minutes(horizon_min);
    let buckets = ((horizon_min / bucket_min).ceil() as usize).clamp(1, MAX_BUCKETS);
    (bucket_min, buckets)
}

/// The bucket of time `t` among `buckets` of `bucket_min` minutes, clamped (shared with the world
/// panes' grids, `sim::inside`).
#[inline]
pub(crate) fn bucket_of(t: f64, bucket_min: f64, buckets: usize) -> usize {
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

pub use crate::base::metrics::Better;
use crate::base::metrics::{self as m, ratio, Info};

/// How the simulator computes a metric from a lane's sums (over one bucket, or over the run); what
/// the metric is ([`Info`]: key, label, unit, direction, help) is defined once in
/// [`crate::base::metrics`], shared with the replay.
pub struct Metric {
    pub info: &'static Info,
    pub scenario: Scenario,
    /// Value from the sums; `hours` is the time they cover.
    pub value: fn(&[f64], f64) -> f64,
}

impl std::ops::Deref for Metric {
    type Target = Info;
    fn deref(&self) -> &Info {
        self.info
    }
}

use ads as a;
use cells as c;

/// Every metric, in display order.
pub static METRICS: &[Metric] = &[
    Metric {
        info: &m::EXPECTED_CTR,
        scenario: Scenario::Ads,
        value: |s, _| 100.0 * ratio(s[a::EXPECTED_CLICKS], s[a::IMPRESSIONS]),
    },
    Metric {
        info: &m::CTR,
        scenario: Scenario::Ads,
        value: |s, _| 100.0 * ratio(s[a::CLICKS], s[a::IMPRESSIONS]),
    },
    Metric {
        info: &m::REGRET_PCT,
        scenario: Scenario::Ads,
        value: |s, _| {
            100.0
                * ratio(
                    s[a::ORACLE_CLICKS] - s[a::EXPECTED_CLICKS],
                    s[a::ORACLE_CLICKS],
                )
        },
    },
    Metric {
        info: &m::REGRET,
        scenario: Scenario::Ads,
        value: |s, _| s[a::ORACLE_CLICKS] - s[a::EXPECTED_CLICKS],
    },
    Metric {
        info: &m::CLICKS,
        scenario: Scenario::Ads,
        value: |s, _| s[a::CLICKS],
    },
    Metric {
        info: &m::EXPECTED_CLICKS,
        scenario: Scenario::Ads,
        value: |s, _| s[a::EXPECTED_CLICKS],
    },
    Metric {
        info: &m::REVENUE,
        scenario: Scenario::Ads,
        value: |s, _| s[a::REVENUE],
    },
    Metric {
        info: &m::LOG_LOSS,
        scenario: Scenario::Ads,
        value: |s, _| ratio(s[a::LOG_LOSS], s[a::IMPRESSIONS]),
    },
    Metric {
        info: &m::NE,
        scenario: Scenario::Ads,
        value: |s, _| m::normalised_entropy(s[a::LOG_LOSS], s[a::IMPRESSIONS], s[a::CLICKS]),
    },
    Metric {
        info: &m::CALIBRATION,
        scenario: Scenario::Ads,
        value: |s, _| m::calibration(s[a::P_SUM], s[a::CLICKS]),
    },
    Metric {
        info: &m::IMPRESSIONS,
        scenario: Scenario::Ads,
        value: |s, _| s[a::IMPRESSIONS],
    },
    Metric {
        info: &m::TRAFFIC,
        scenario: Scenario::Ads,
        value: |s, h| ratio(s[a::IMPRESSIONS], h),
    },
    Metric {
        info: &m::TRAINING_UPDATES,
        scenario: Scenario::Ads,
        value: |s, _| s[a::UPDATES],
    },
    Metric {
        info: &m::RETRAINS,
        scenario: Scenario::Ads,
        value: |s, _| s[a::RETRAINS],
    },
    Metric {
        info: &m::ENERGY_SAVED_PCT,
        scenario: Scenario::Cells,
        value: |s, _| m::energy_saved_pct(s[c::ALWAYS_ON_KWH], s[c::ENERGY_KWH]),
    },
    Metric {
        info: &m::SAVED_DAY,
        scenario: Scenario::Cells,
        value: |s, h| per_day(s[c::ALWAYS_ON_COST] - s[c::COST], h),
    },
    Metric {
        info: &m::NETWORK_SAVED_YEAR,
        scenario: Scenario::Cells,
        value: |s, h| {
            per_day(s[c::ALWAYS_ON_COST] - s[c::COST], h)
                * ratio(s[c::SCALE], s[c::INTERVALS])
                * 365.0
        },
    },
    Metric {
        info: &m::OVER_RULE_DAY,
        scenario: Scenario::Cells,
        value: |s, h| per_day(s[c::RULE_COST] - s[c::COST], h),
    },
    Metric {
        info: &m::COST_DAY,
        scenario: Scenario::Cells,
        value: |s, h| per_day(s[c::COST], h),
    },
    Metric {
        info: &m::COMPLAINTS,
        scenario: Scenario::Cells,
        value: |s, _| s[c::COMPLAINTS],
    },
    Metric {
        info: &m::DEGRADED_GB,
        scenario: Scenario::Cells,
        value: |s, _| s[c::DEGRADED_GB],
    },
    Metric {
        info: &m::CONGESTED_MINUTES,
        scenario: Scenario::Cells,
        value: |s, _| s[c::CONGESTED_MIN],
    },
    Metric {
        info: &m::ORACLE_SAVINGS_PCT,
        scenario: Scenario::Cells,
        value: |s, _| m::oracle_savings_pct(s[c::ALWAYS_ON_COST], s[c::COST], s[c::ORACLE_COST]),
    },
    Metric {
        info: &m::SLEEP_LEVEL,
        scenario: Scenario::Cells,
        value: |s, _| ratio(s[c::LEVEL], s[c::LEVELLED]),
    },
    Metric {
        info: &m::ASLEEP_PCT,
        scenario: Scenario::Cells,
        value: |s, _| 100.0 * ratio(s[c::ASLEEP], s[c::FORECASTS]),
    },
    Metric {
        info: &m::MAE,
        scenario: Scenario::Cells,
        value: |s, _| ratio(s[c::ABS_ERROR], s[c::FORECASTS]),
    },
    Metric {
        info: &m::ENERGY_KWH,
        scenario: Scenario::Cells,
        value: |s, _| s[c::ENERGY_KWH],
    },
    Metric {
        info: &m::LOAD,
        scenario: Scenario::Cells,
        value: |s, h| ratio(s[c::OFFERED_LOAD] * 0.25, h),
    },
    Metric {
        info: &m::TRAINING_UPDATES,
        scenario: Scenario::Cells,
        value: |s, _| s[c::UPDATES],
    },
    Metric {
        info: &m::RETRAINS,
        scenario: Scenario::Cells,
        value: |s, _| s[c::RETRAINS],
    },
];

/// Money per day of a sum over `hours`.
fn per_day(money: f64, hours: f64) -> f64 {
    ratio(money * 24.0, hours)
}

/// The metrics of a scenario.
pub fn metrics(scenario: Scenario) -> impl Iterator<Item = &'static Metric> {
    METRICS.iter().filter(move |m| m.scenario == scenario)
}

/// A metric by key in a scenario.
pub fn metric(scenario: Scenario, key: &str) -> Option<&'static Metric> {
    metrics(scenario).find(|m| m.key == key)
}

/// A metric by key in a scenario, or the error that names the scenario's metrics.
pub fn metric_or_list(scenario: Scenario, key: &str) -> Result<&'static Metric, String> {
    metric(scenario, key).ok_or_else(|| {
        let keys: Vec<&str> = metrics(scenario).map(|m| m.key).collect();
        let key = crate::base::echo::clip(key);
        let name = scenario.name();
        format!(
            "no metric `{key}` for the {name} scenario; choose one of: {}",
            keys.join(", ")
        )
    })
}
