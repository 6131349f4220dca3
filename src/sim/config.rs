//! The experiment configuration and the words of its enums (how text settings reach it:
//! [`crate::sim::settings`]).
//!
//! [`Config`] is plain serde data (JSON export/import, `--json`). Every knob the page, the URL hash and
//! the command line can set is a row of [`crate::sim::knobs::KNOBS`] or `LANE_KNOBS` (in `knobs.rs`): key, label, one-sentence help,
//! unit, valid range and default, with a getter and a setter. The URL hash, `--set key=value`, the page's
//! controls and their tooltips are all generated from these rows, so they cannot disagree. An invalid
//! value is refused with an error naming the field and its valid range, never a panic.

use serde::{Deserialize, Serialize};

use crate::base::units::MINUTES_PER_DAY;
pub use crate::domain::power::CellType;
use crate::learn::ftrl::FtrlParams;
use crate::learn::linreg::RegParams;

/// A word of an enum that no variant spells.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownWord {
    /// The words that are valid.
    pub expected: &'static [&'static str],
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "expected one of {}", self.expected.join(", "))
    }
}

impl std::error::Error for UnknownWord {}

/// One vocabulary for an enum: the words the knob table, the URL, the command line and the JSON (serde's
/// lowercase names, checked by a test) all use. Gives `NAMES`, `ALL`, `name()`, `FromStr` and `Display`.
macro_rules! words {
    ($t:ident { $($v:ident => $w:literal),+ $(,)? }) => {
        impl $t {
            /// Every word, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($w),+];
            /// Every value, in the order of `NAMES`.
            pub const ALL: &'static [$t] = &[$($t::$v),+];
            /// This value's word.
            pub const fn name(self) -> &'static str {
                match self {
                    $($t::$v => $w),+
                }
            }
        }

        impl std::str::FromStr for $t {
            type Err = UnknownWord;
            /// The value a word names (exactly as written by `name`).
            fn from_str(s: &str) -> Result<Self, UnknownWord> {
                match s {
                    $($w => Ok($t::$v),)+
                    _ => Err(UnknownWord { expected: Self::NAMES }),
                }
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

/// Which world is simulated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    /// Ad ranking: requests, clicks, revenue.
    Ads,
    /// A cellular network that puts idle cells to sleep.
    Cells,
}

/// Where a lane's predictions come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Scores precomputed every `refresh` hours from features as of then.
    Batch,
    /// Scored when the request (or interval) comes, with fresh features.
    Online,
}

pub use crate::learn::schedule::Update;

/// What a lane is: a learning strategy or a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Policy {
    /// A learned model (the lane's mode, update schedule and learner apply).
    Model,
    /// Knows the truth: the true click probabilities, or the next interval's load.
    Oracle,
    /// No learning: a random ad, or every cell always on.
    Baseline,
    /// A rule without a model: cells sleep on the last measured load (with the interlock); ads rank
    /// by each ad's observed click-through rate so far.
    Rule,
}

/// Per-model scope of the load forecaster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One model for the whole network (with cluster indicators).
    Global,
    /// One model per cluster.
    Cluster,
    /// One model per cell.
    Cell,
}

/// Where the warm-up training data comes from (cells).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The real network's own history.
    Live,
    /// A simulator whose profiles are off by `sim_error`.
    Simulator,
}

/// What an ads world's learning lanes learn from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Log {
    /// Each learning lane learns from the ads it shows itself: its own feedback loop, as a system
    /// deployed alone.
    #[default]
    Own,
    /// Every learning lane learns from the log of the first lane that keeps learning (the
    /// production system): candidate models and prediction tables trained on one log, as He et al.
    /// 2014 measured data freshness (Facebook, "Practical Lessons from Predicting Clicks on Ads",
    /// ADKDD 2014, section 3.2 "Data freshness": a model trained on one day of the production log
    /// and tested on the following days, every experiment on logged data). The lanes then differ
    /// only in how fresh their predictions and models are, not in what they happened to show and
    /// so learn. An assumption of this project: the log is the freshest lane's (the paper's is
    /// Facebook's production system's; which model served it is not said).
    Shared,
}

words!(Scenario { Ads => "ads", Cells => "cells" });
words!(Log { Own => "own", Shared => "shared" });

impl Scenario {
    /// The metric a scenario shows when neither a preset nor the reader chose one: the one default
    /// of the page's URL state and of `rtml run` (its chart and the seeds' pairwise counts).
    pub fn default_metric(self) -> &'static str {
        match self {
            Scenario::Ads => "expected_ctr",
            Scenario::Cells => "energy_saved_pct",
        }
    }
}
words!(Mode { Batch => "batch", Online => "online" });
words!(Update { Frozen => "frozen", Periodic => "periodic", Continual => "continual", Triggered => "triggered" });
words!(Policy { Model => "model", Oracle => "oracle", Baseline => "baseline", Rule => "rule" });
words!(Scope { Global => "global", Cluster => "cluster", Cell => "cell" });
words!(Source { Live => "live", Simulator => "simulator" });
words!(CellType { Macro => "macro", Rrh => "rrh", Micro => "micro", Pico => "pico" });

/// The ad-ranking world.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdsConfig {
    pub volume: f64,
    pub daily: f64,
    pub weekly: f64,
    pub segments: u32,
    pub categories: u32,
    pub catalogue: u32,
    pub affinity: f64,
    pub intent: f64,
    pub new_users: f64,
    pub base_ctr: f64,
    pub launches: f64,
    pub campaign_days: f64,
    pub shift: f64,
    pub shift_day: Option<f64>,
    /// Gradual drift of tastes, logit per square-root day (see `ads::world::walk_step`). The
    /// default, 0.2 with four weeks of warm-up, makes a weekly retrain lose about 1% normalised
    /// entropy against a daily one (He et al. 2014 report about 1% at Facebook) and a continual
    /// learner beat a daily one by a small margin on every seed (Monolith, Liu et al. 2022); 0 is a
    /// world whose tastes never change.
    pub walk: f64,
    pub weekend: f64,
    pub click_delay: f64,
    /// What the learning lanes learn from ([`Log`]).
    pub log: Log,
}

impl Default for AdsConfig {
    fn default() -> Self {
        AdsConfig {
            volume: 1000.0,
            daily: 0.5,
            weekly: 0.2,
            segments: 12,
            categories: 8,
            catalogue: 24,
            affinity: 0.6,
            intent: 1.2,
            new_users: 0.1,
            base_ctr: 0.006,
            launches: 0.0,
            campaign_days: 14.0,
            shift: 0.0,
            shift_day: None,
            walk: 0.2,
            weekend: 0.0,
            click_delay: 10.0,
            log: Log::Own,
        }
    }
}

/// The cellular network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CellsConfig {
    pub cells: u32,
    pub load: f64,
    pub load_noise: f64,
    pub growth: f64,
    /// Strength of every cell's slow change (growth, seasons, users moving); 0: stationary.
    pub drift: f64,
    /// A booster sleeps for the next interval when the load a lane expects is below this share of
    /// its capacity (and the interlock allows it); a tuned lane picks its own level instead.
    pub threshold: f64,
    /// Safety margin of a forecasting lane: it sleeps a cell only when the forecast is below
    /// `threshold - margin` (it hedges against its own errors). Untuned lanes only.
    pub margin: f64,
    /// Minutes a sleeping booster needs to wake; its traffic meanwhile goes to the coverage cell.
    pub wake: f64,
    /// Spare capacity of each cluster's coverage cell, in fully loaded boosters.
    pub coverage: f64,
    /// The interlock: a booster may sleep only while its coverage cell's expected load plus the
    /// traffic it would take stays below this share of the coverage cell's capacity.
    pub headroom: f64,
    /// A coverage cell whose measured load passes this share of its capacity wakes its boosters.
    pub wake_limit: f64,
    /// EARTH row of a capacity booster.
    pub cell_type: CellType,
    /// Transceiver chains per cell (EARTH: a 3-sector macro site has 6, two per sector).
    pub chains: f64,
    pub building_day: Option<f64>,
    pub building_load: f64,
    pub holiday_day: Option<f64>,
    pub holiday_drop: f64,
    pub stadium_day: Option<f64>,
    pub stadium_load: f64,
    /// The simulator's error: noise on its daily profiles.
    pub sim_error: f64,
    /// The simulator's bias: its profiles scaled by `1 + sim_bias` (negative: optimistic, it
    /// predicts less load than there is).
    pub sim_bias: f64,
    /// Price of the energy the network draws, money per kWh.
    pub price_kwh: f64,
    /// Active users per fully loaded booster's traffic (who a congested coverage cell slows down).
    pub users: f64,
    /// Complaint calls per congested user-hour.
    pub complaint_rate: f64,
    /// Money per complaint call: handling plus expected churn.
    pub complaint_cost: f64,
    /// Sleeping lanes (the rule, forecasters) pick their sleep level on their own warm-up history.
    pub tune: bool,
    /// Cells of the operator's whole network, to scale money per day to a network per year.
    pub network_cells: f64,
}

impl Default for CellsConfig {
    fn default() -> Self {
        CellsConfig {
            cells: 12,
            load: 0.25,
            load_noise: 0.3,
            growth: 0.0,
            drift: 1.0,
            threshold: 0.3,
            margin: 0.12,
            wake: 2.0,
            coverage: 0.5,
            headroom: 0.8,
            wake_limit: 0.9,
            cell_type: CellType::Macro,
            chains: 2.0,
            building_day: None,
            building_load: 0.3,
            holiday_day: None,
            holiday_drop: 0.6,
            stadium_day: None,
            stadium_load: 1.5,
            sim_error: 0.0,
            sim_bias: 0.0,
            price_kwh: 0.20,
            users: 50.0,
            complaint_rate: 0.004,
            complaint_cost: 25.0,
            tune: true,
            network_cells: 10_000.0,
        }
    }
}

/// One strategy ("lane").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LaneConfig {
    pub policy: Policy,
    pub mode: Mode,
    /// Batch refresh period, hours.
    pub refresh: f64,
    pub update: Update,
    /// Retraining interval, hours.
    pub every: f64,
    pub stateful: bool,
    /// Stateless retraining window, hours.
    pub window: f64,
    /// Deploy delay, hours.
    pub deploy: f64,
    /// Extra label pipeline delay, minutes.
    pub label_delay: f64,
    /// Join window, minutes: later clicks are logged as non-clicks.
    pub join: f64,
    pub explore: f64,
    pub ftrl: FtrlParams,
    pub bits: u32,
    pub reg: RegParams,
    pub scope: Scope,
    pub source: Source,
}

impl Default for LaneConfig {
    fn default() -> Self {
        LaneConfig {
            policy: Policy::Model,
            mode: Mode::Online,
            refresh: 24.0,
            update: Update::Continual,
            every: 24.0,
            stateful: true,
            window: 168.0,
            deploy: 0.0,
            label_delay: 0.0,
            join: 60.0,
            explore: 0.0,
            ftrl: FtrlParams::default(),
            bits: 14,
            reg: RegParams::default(),
            scope: Scope::Cluster,
            source: Source::Live,
        }
    }
}

/// A whole experiment: one world, one seed, up to four lanes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub scenario: Scenario,
    pub seed: u32,
    /// Evaluated horizon, days.
    pub days: f64,
    /// Warm-up history before the horizon, days.
    pub warmup: f64,
    pub ads: AdsConfig,
    pub cells: CellsConfig,
    pub lanes: Vec<LaneConfig>,
}

/// Most lanes one chart shows.
pub const MAX_LANES: usize = 4;
/// Lane letters, in order.
pub const LANE_NAMES: [&str; MAX_LANES] = ["A", "B", "C", "D"];

impl Default for Config {
    fn default() -> Self {
        Config::for_scenario(Scenario::Ads)
    }
}

impl Config {
    /// The lane whose shown ads every learning lane learns from ([`Log::Shared`] in an ads world):
    /// the first lane whose model keeps learning after the warm-up. None: each lane learns from its
    /// own log (then a lane's outcome depends on its world and its own settings only).
    pub fn logger(&self) -> Option<usize> {
        if self.scenario != Scenario::Ads || self.ads.log != Log::Shared {
            return None;
        }
        (self.lanes.iter()).position(|l| l.policy == Policy::Model && l.update != Update::Frozen)
    }

    /// The default configuration of a scenario: a batch, daily-retrained lane against an online,
    /// continual one.
    pub fn for_scenario(scenario: Scenario) -> Self {
        let lanes = match scenario {
            Scenario::Ads => vec![
                LaneConfig {
                    mode: Mode::Batch,
                    update: Update::Periodic,
                    ..Default::default()
                },
                LaneConfig::default(),
            ],
            Scenario::Cells => vec![
                LaneConfig {
                    update: Update::Frozen,
                    ..Default::default()
                },
                LaneConfig::default(),
            ],
        };
        Config {
            scenario,
            seed: 1,
            days: 14.0,
            // Four weeks of history give an ads model that has learned what the data can teach, so
            // that what a fresher model gains is freshness (see `AdsConfig::walk`).
            warmup: match scenario {
                Scenario::Ads => 28.0,
                Scenario::Cells => 7.0,
            },
            ads: AdsConfig::default(),
            cells: CellsConfig::default(),
            lanes,
        }
    }

    /// An ads world whose traffic brings fewer than one request in the horizon: no ad is shown and
    /// every figure stays empty, which the reader is told (the page above the chart, `rtml run` on
    /// standard error).
    pub fn traffic_warning(&self) -> Option<String> {
        let (volume, days) = (self.ads.volume, self.days);
        (self.scenario == Scenario::Ads && volume * days * 24.0 < 1.0).then(|| format!(
            "Traffic is {} requests per hour: fewer than one ad request is expected in {} day(s), so no ad is shown and every figure stays empty. Raise Traffic (volume).",
            crate::base::units::fmt_num(volume), crate::base::units::fmt_num(days)
        ))
    }

    /// Horizon in minutes.
    pub fn horizon_min(&self) -> f64 {
        self.days * MINUTES_PER_DAY
    }
}

/// A refused setting: which field, what was given, what is valid.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub field: String,
    pub value: String,
    pub expected: String,
}

impl ConfigError {
    pub(crate) fn new(field: &str, value: impl Into<String>, expected: String) -> Self {
        let mut value: String = value.into();
        if value.chars().count() > 40 {
            value = value.chars().take(40).collect::<String>() + "...";
        }
        let field = if field.trim().is_empty() {
            "(empty key)".to_string()
        } else {
            field.to_string()
        };
        ConfigError {
            field,
            value,
            expected,
        }
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: `{}` is not valid; expected {}",
            self.field, self.value, self.expected
        )
    }
}

impl std::error::Error for ConfigError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_round_trip_through_pairs() {
        for s in [Scenario::Ads, Scenario::Cells] {
            let c = Config::for_scenario(s);
            c.validate().unwrap();
            let mut d = Config::default();
            for (k, v) in c.pairs() {
                d.set(&k, &v).unwrap_or_else(|e| panic!("{e}"));
            }
            assert_eq!(c, d);
        }
    }

    #[test]
    fn enum_words_are_serde_names() {
        fn check<T>(all: &[T])
        where
            T: Serialize
                + std::str::FromStr
                + std::fmt::Display
                + PartialEq
                + std::fmt::Debug
                + Copy,
        {
            for v in all {
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{v}\""));
                assert_eq!(v.to_string().parse::<T>().ok(), Some(*v));
            }
        }
        check(Scenario::ALL);
        check(Mode::ALL);
        check(Update::ALL);
        check(Policy::ALL);
        check(Scope::ALL);
        check(Source::ALL);
        check(CellType::ALL);
        assert_eq!(
            "ADS".parse::<Scenario>().unwrap_err().to_string(),
            "expected one of ads, cells"
        );
    }

    #[test]
    fn bad_values_name_the_field_and_the_range() {
        let mut c = Config::default();
        let e = c.set("volume", "-3").unwrap_err();
        assert_eq!(e.field, "volume");
        assert!(e.to_string().contains("0 to 20000"), "{e}");
        for (k, v) in [
            ("volume", "NaN"),
            ("volume", "inf"),
            ("b.every", "0m"),
            ("a.mode", "sideways"),
            ("e.mode", "batch"),
            ("nope", "1"),
            ("lanes", "9"),
            ("segments", "2.5"),
        ] {
            assert!(c.set(k, v).is_err(), "{k}={v} accepted");
        }
        assert_eq!(
            c,
            Config::default(),
            "a refused value must not change the configuration"
        );
        assert!(c.set("c.mode", "batch").is_ok());
        assert_eq!(c.lanes.len(), 3);
        assert!(c.set("holiday", "off").is_ok());
    }

    #[test]
    fn json_with_out_of_range_values_is_refused_by_validate() {
        let mut c = Config::default();
        c.ads.volume = f64::NAN;
        assert_eq!(c.validate().unwrap_err().field, "volume");
        let mut c = Config::default();
        c.lanes[1].ftrl.alpha = -1.0;
        assert_eq!(c.validate().unwrap_err().field, "b.alpha");
    }
}
