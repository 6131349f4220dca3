//! The experiment configuration and its one table of knobs.
//!
//! [`Config`] is plain serde data (JSON export/import, `--json`). Every knob the page, the URL hash and
//! the command line can set is a row of [`KNOBS`] or [`LANE_KNOBS`]: key, label, one-sentence help,
//! unit, valid range and default, with a getter and a setter. The URL hash, `--set key=value`, the page's
//! controls and their tooltips are all generated from these rows, so they cannot disagree. An invalid
//! value is refused with an error naming the field and its valid range, never a panic.

use serde::{Deserialize, Serialize};

use crate::learn::ftrl::FtrlParams;
use crate::learn::linreg::{RegKind, RegParams};

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

/// EARTH power-model row of the capacity cells (Auer et al. 2011, Table 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellType {
    Macro,
    Rrh,
    Micro,
    Pico,
}

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
    pub walk: f64,
    pub weekend: f64,
    pub click_delay: f64,
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
            walk: 0.0,
            weekend: 0.0,
            click_delay: 10.0,
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
    pub threshold: f64,
    pub wake: f64,
    pub coverage: f64,
    pub cell_type: CellType,
    pub building_day: Option<f64>,
    pub building_load: f64,
    pub holiday_day: Option<f64>,
    pub holiday_drop: f64,
    pub stadium_day: Option<f64>,
    pub stadium_load: f64,
    pub sim_error: f64,
}

impl Default for CellsConfig {
    fn default() -> Self {
        CellsConfig {
            cells: 12,
            load: 0.5,
            load_noise: 0.3,
            growth: 0.0,
            threshold: 0.25,
            wake: 2.0,
            coverage: 0.5,
            cell_type: CellType::Macro,
            building_day: None,
            building_load: 0.3,
            holiday_day: None,
            holiday_drop: 0.6,
            stadium_day: None,
            stadium_load: 1.5,
            sim_error: 0.0,
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
            warmup: 7.0,
            ads: AdsConfig::default(),
            cells: CellsConfig::default(),
            lanes,
        }
    }

    /// Checks every knob against its range, and the lane count.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.lanes.is_empty() || self.lanes.len() > MAX_LANES {
            return Err(ConfigError::new(
                "lanes",
                format!("{}", self.lanes.len()),
                "1 to 4 lanes".into(),
            ));
        }
        for k in KNOBS {
            k.kind.check(k.key, &(k.get)(self))?;
        }
        for (i, lane) in self.lanes.iter().enumerate() {
            for k in LANE_KNOBS {
                let key = format!("{}.{}", LANE_NAMES[i].to_ascii_lowercase(), k.key);
                k.kind.check(&key, &(k.get)(lane))?;
            }
        }
        Ok(())
    }

    /// Sets one knob from text, e.g. `("volume", "800")`, `("b.every", "30m")`, `("holiday", "off")`,
    /// `("lanes", "3")`. Validates the value; on error the configuration is unchanged.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), ConfigError> {
        let key = key.trim();
        let value = value.trim();
        if key == "lanes" {
            let n: usize = value
                .parse()
                .ok()
                .filter(|n| (1..=MAX_LANES).contains(n))
                .ok_or_else(|| {
                    ConfigError::new("lanes", value, "a whole number from 1 to 4".into())
                })?;
            let template = self.lanes.last().cloned().unwrap_or_default();
            self.lanes.resize(n, template);
            return Ok(());
        }
        if let Some((lane, sub)) = key.split_once('.') {
            let i = LANE_NAMES
                .iter()
                .position(|n| n.eq_ignore_ascii_case(lane))
                .ok_or_else(|| {
                    ConfigError::new(key, value, "a lane letter a to d before the dot".into())
                })?;
            let k = LANE_KNOBS
                .iter()
                .find(|k| k.key == sub)
                .ok_or_else(|| unknown(key, value))?;
            let v = k.kind.parse(key, value)?;
            if i >= self.lanes.len() {
                let template = self.lanes.last().cloned().unwrap_or_default();
                self.lanes.resize(i + 1, template);
            }
            (k.set)(&mut self.lanes[i], v);
            return Ok(());
        }
        let k = KNOBS
            .iter()
            .find(|k| k.key == key)
            .ok_or_else(|| unknown(key, value))?;
        let v = k.kind.parse(key, value)?;
        (k.set)(self, v);
        Ok(())
    }

    /// Every knob as `(key, value)` text, in table order; lane knobs as `a.mode` etc.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for k in KNOBS {
            out.push((k.key.to_string(), k.kind.format(&(k.get)(self))));
        }
        out.push(("lanes".into(), self.lanes.len().to_string()));
        for (i, lane) in self.lanes.iter().enumerate() {
            for k in LANE_KNOBS {
                out.push((
                    format!("{}.{}", LANE_NAMES[i].to_ascii_lowercase(), k.key),
                    k.kind.format(&(k.get)(lane)),
                ));
            }
        }
        out
    }

    /// Horizon in minutes.
    pub fn horizon_min(&self) -> f64 {
        self.days * 1440.0
    }
}

fn unknown(key: &str, value: &str) -> ConfigError {
    ConfigError::new(key, value, "a known setting (see `rtml knobs`)".into())
}

/// A refused setting: which field, what was given, what is valid.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub field: String,
    pub value: String,
    pub expected: String,
}

impl ConfigError {
    fn new(field: &str, value: impl Into<String>, expected: String) -> Self {
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

/// A knob's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Num(f64),
    Choice(&'static str),
    /// An event switched off.
    Off,
}

/// What values a knob takes.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A number in `[min, max]`; `int` for whole numbers.
    Num {
        min: f64,
        max: f64,
        step: f64,
        int: bool,
    },
    /// A duration in hours in `[min, max]`; text may say `30m`, `2h`, `7d`.
    Hours { min: f64, max: f64 },
    /// One of a few words.
    Choice(&'static [&'static str]),
    /// A day of the horizon, or `off`.
    Day { max: f64 },
}

impl Kind {
    fn expected(&self) -> String {
        match *self {
            Kind::Num {
                min,
                max,
                int: true,
                ..
            } => format!("a whole number from {min} to {max}"),
            Kind::Num { min, max, .. } => format!("a number from {min} to {max}"),
            Kind::Hours { min, max } => format!(
                "a duration from {} to {} (e.g. 30m, 2h, 7d)",
                fmt_hours(min),
                fmt_hours(max)
            ),
            Kind::Choice(c) => format!("one of {}", c.join(", ")),
            Kind::Day { max } => format!("a day from 0 to {max}, or off"),
        }
    }

    /// Parses text into a valid value.
    pub fn parse(&self, key: &str, text: &str) -> Result<Value, ConfigError> {
        let err = || ConfigError::new(key, text, self.expected());
        let v = match *self {
            Kind::Num { .. } => Value::Num(text.parse::<f64>().map_err(|_| err())?),
            Kind::Hours { .. } => Value::Num(parse_hours(text).ok_or_else(err)?),
            Kind::Choice(c) => Value::Choice(
                c.iter()
                    .find(|w| w.eq_ignore_ascii_case(text))
                    .copied()
                    .ok_or_else(err)?,
            ),
            Kind::Day { .. } => {
                if text.eq_ignore_ascii_case("off") || text.eq_ignore_ascii_case("none") {
                    Value::Off
                } else {
                    Value::Num(text.parse::<f64>().map_err(|_| err())?)
                }
            }
        };
        self.check(key, &v)?;
        Ok(v)
    }

    /// Checks a value against the range.
    pub fn check(&self, key: &str, v: &Value) -> Result<(), ConfigError> {
        let ok = match (*self, v) {
            (Kind::Num { min, max, int, .. }, Value::Num(x)) => {
                x.is_finite() && *x >= min && *x <= max && (!int || x.fract() == 0.0)
            }
            (Kind::Hours { min, max }, Value::Num(x)) => {
                x.is_finite() && *x >= min - 1e-9 && *x <= max + 1e-9
            }
            (Kind::Choice(c), Value::Choice(w)) => c.contains(w),
            (Kind::Day { max }, Value::Num(x)) => x.is_finite() && *x >= 0.0 && *x <= max,
            (Kind::Day { .. }, Value::Off) => true,
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            Err(ConfigError::new(key, self.format(v), self.expected()))
        }
    }

    /// Canonical text of a value.
    pub fn format(&self, v: &Value) -> String {
        match (self, v) {
            (Kind::Hours { .. }, Value::Num(h)) => fmt_hours(*h),
            (_, Value::Num(x)) => fmt_num(*x),
            (_, Value::Choice(w)) => w.to_string(),
            (_, Value::Off) => "off".into(),
        }
    }
}

/// Shortest readable form of a number (no trailing zeros).
pub fn fmt_num(x: f64) -> String {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_string()
    }
}

/// `90m`, `2h`, `7d`...: a duration in hours as readable text.
pub fn fmt_hours(h: f64) -> String {
    let m = h * 60.0;
    if h >= 24.0 && (h / 24.0).fract().abs() < 1e-9 {
        format!("{}d", fmt_num(h / 24.0))
    } else if h >= 1.0 && h.fract().abs() < 1e-9 {
        format!("{}h", fmt_num(h))
    } else if (m - m.round()).abs() < 1e-6 {
        format!("{}m", fmt_num(m.round()))
    } else {
        format!("{}h", fmt_num(h))
    }
}

/// Parses `30m`, `1.5h`, `7d`, `2w`, or a bare number of hours.
pub fn parse_hours(text: &str) -> Option<f64> {
    let t = text.trim();
    let (num, scale) = match t.char_indices().last()? {
        (i, 'm') => (&t[..i], 1.0 / 60.0),
        (i, 'h') => (&t[..i], 1.0),
        (i, 'd') => (&t[..i], 24.0),
        (i, 'w') => (&t[..i], 168.0),
        _ => (t, 1.0),
    };
    let x: f64 = num.trim().parse().ok()?;
    let h = x * scale;
    h.is_finite().then_some(h)
}

/// One row of the knob table.
pub struct Knob {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub unit: &'static str,
    /// `None`: both scenarios.
    pub scenario: Option<Scenario>,
    pub kind: Kind,
    pub get: fn(&Config) -> Value,
    pub set: fn(&mut Config, Value),
}

/// One row of the lane knob table (keys are prefixed with the lane letter: `a.mode`).
pub struct LaneKnob {
    pub key: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub unit: &'static str,
    pub scenario: Option<Scenario>,
    pub kind: Kind,
    pub get: fn(&LaneConfig) -> Value,
    pub set: fn(&mut LaneConfig, Value),
}

fn num(v: Value) -> f64 {
    match v {
        Value::Num(x) => x,
        _ => f64::NAN,
    }
}

fn day(v: Value) -> Option<f64> {
    match v {
        Value::Num(x) => Some(x),
        _ => None,
    }
}

fn day_value(d: Option<f64>) -> Value {
    d.map(Value::Num).unwrap_or(Value::Off)
}

fn word(v: &Value) -> &'static str {
    match v {
        Value::Choice(w) => w,
        _ => "",
    }
}

const fn n(min: f64, max: f64, step: f64) -> Kind {
    Kind::Num {
        min,
        max,
        step,
        int: false,
    }
}

const fn i(min: f64, max: f64) -> Kind {
    Kind::Num {
        min,
        max,
        step: 1.0,
        int: true,
    }
}

const ADS: Option<Scenario> = Some(Scenario::Ads);
const CELLS: Option<Scenario> = Some(Scenario::Cells);

/// Every world knob.
pub static KNOBS: &[Knob] = &[
    Knob { key: "scenario", label: "Scenario", help: "Which world is simulated: ad ranking, or a cellular network that puts idle cells to sleep.", unit: "", scenario: None, kind: Kind::Choice(&["ads", "cells"]),
        get: |c| Value::Choice(match c.scenario { Scenario::Ads => "ads", Scenario::Cells => "cells" }),
        set: |c, v| c.scenario = if word(&v) == "cells" { Scenario::Cells } else { Scenario::Ads } },
    Knob { key: "seed", label: "Seed", help: "One number drives every random draw: the same seed and settings give the same run, bit for bit.", unit: "", scenario: None, kind: i(0.0, 4294967295.0),
        get: |c| Value::Num(c.seed as f64), set: |c, v| c.seed = num(v) as u32 },
    Knob { key: "days", label: "Horizon", help: "How many simulated days are evaluated after the warm-up.", unit: "days", scenario: None, kind: n(1.0, 365.0, 1.0),
        get: |c| Value::Num(c.days), set: |c, v| c.days = num(v) },
    Knob { key: "warmup", label: "Warm-up", help: "Days of history every model is first trained on, before the evaluated horizon starts.", unit: "days", scenario: None, kind: n(1.0, 28.0, 1.0),
        get: |c| Value::Num(c.warmup), set: |c, v| c.warmup = num(v) },
    // Ads world.
    Knob { key: "volume", label: "Traffic", help: "Mean ad requests per hour; the daily and weekly profile modulates it.", unit: "req/h", scenario: ADS, kind: n(0.0, 20000.0, 50.0),
        get: |c| Value::Num(c.ads.volume), set: |c, v| c.ads.volume = num(v) },
    Knob { key: "daily", label: "Daily swing", help: "How strongly traffic rises in the evening and falls at night (0 = flat).", unit: "", scenario: ADS, kind: n(0.0, 0.95, 0.05),
        get: |c| Value::Num(c.ads.daily), set: |c, v| c.ads.daily = num(v) },
    Knob { key: "weekly", label: "Weekend dip", help: "Share of traffic lost on Saturdays and Sundays.", unit: "", scenario: ADS, kind: n(0.0, 0.95, 0.05),
        get: |c| Value::Num(c.ads.weekly), set: |c, v| c.ads.weekly = num(v) },
    Knob { key: "segments", label: "User segments", help: "Groups of users who share tastes for ad categories.", unit: "", scenario: ADS, kind: i(1.0, 64.0),
        get: |c| Value::Num(c.ads.segments as f64), set: |c, v| c.ads.segments = num(v) as u32 },
    Knob { key: "categories", label: "Ad categories", help: "Kinds of ads; tastes and session intents are per category.", unit: "", scenario: ADS, kind: i(2.0, 32.0),
        get: |c| Value::Num(c.ads.categories as f64), set: |c, v| c.ads.categories = num(v) as u32 },
    Knob { key: "catalogue", label: "Ads at start", help: "How many ads are running when the simulation starts.", unit: "", scenario: ADS, kind: i(2.0, 100.0),
        get: |c| Value::Num(c.ads.catalogue as f64), set: |c, v| c.ads.catalogue = num(v) as u32 },
    Knob { key: "affinity", label: "Taste spread", help: "How much segments differ in their taste for categories (logit standard deviation).", unit: "logit", scenario: ADS, kind: n(0.0, 3.0, 0.1),
        get: |c| Value::Num(c.ads.affinity), set: |c, v| c.ads.affinity = num(v) },
    Knob { key: "intent", label: "Session intent", help: "Click boost when an ad matches what the user is browsing right now: a fresh signal only online prediction sees.", unit: "logit", scenario: ADS, kind: n(0.0, 4.0, 0.1),
        get: |c| Value::Num(c.ads.intent), set: |c, v| c.ads.intent = num(v) },
    Knob { key: "new_users", label: "New users", help: "Share of requests from users with no history: the model does not know their segment.", unit: "", scenario: ADS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.ads.new_users), set: |c, v| c.ads.new_users = num(v) },
    Knob { key: "base_ctr", label: "Base CTR", help: "Click-through rate of an average ad shown to an average user.", unit: "", scenario: ADS, kind: n(0.001, 0.3, 0.005),
        get: |c| Value::Num(c.ads.base_ctr), set: |c, v| c.ads.base_ctr = num(v) },
    Knob { key: "launches", label: "Campaign launches", help: "New ads per day; each starts unknown to the model (cold start) and ends after a while.", unit: "/day", scenario: ADS, kind: n(0.0, 50.0, 1.0),
        get: |c| Value::Num(c.ads.launches), set: |c, v| c.ads.launches = num(v) },
    Knob { key: "campaign_days", label: "Campaign length", help: "Mean lifetime of a campaign when launches are on.", unit: "days", scenario: ADS, kind: n(0.5, 365.0, 0.5),
        get: |c| Value::Num(c.ads.campaign_days), set: |c, v| c.ads.campaign_days = num(v) },
    Knob { key: "shift", label: "Sudden shift", help: "Share of every segment's tastes replaced at once on the shift day (a holiday sale, a news event).", unit: "", scenario: ADS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.ads.shift), set: |c, v| c.ads.shift = num(v) },
    Knob { key: "shift_day", label: "Shift day", help: "Day of the horizon when the sudden shift happens.", unit: "day", scenario: ADS, kind: Kind::Day { max: 365.0 },
        get: |c| day_value(c.ads.shift_day), set: |c, v| c.ads.shift_day = day(v) },
    Knob { key: "walk", label: "Gradual drift", help: "Tastes wander as a random walk at this speed (logit per square-root day).", unit: "", scenario: ADS, kind: n(0.0, 2.0, 0.05),
        get: |c| Value::Num(c.ads.walk), set: |c, v| c.ads.walk = num(v) },
    Knob { key: "weekend", label: "Weekend tastes", help: "How much tastes differ on weekends from weekdays: a recurring pattern.", unit: "logit", scenario: ADS, kind: n(0.0, 3.0, 0.1),
        get: |c| Value::Num(c.ads.weekend), set: |c, v| c.ads.weekend = num(v) },
    Knob { key: "click_delay", label: "Click delay", help: "Mean time between an impression and its click.", unit: "min", scenario: ADS, kind: n(0.0, 1440.0, 1.0),
        get: |c| Value::Num(c.ads.click_delay), set: |c, v| c.ads.click_delay = num(v) },
    // Cells world.
    Knob { key: "cells", label: "Capacity cells", help: "Cells that may sleep, spread over office, residential, nightlife and transit clusters.", unit: "", scenario: CELLS, kind: i(4.0, 64.0),
        get: |c| Value::Num(c.cells.cells as f64), set: |c, v| c.cells.cells = num(v) as u32 },
    Knob { key: "load", label: "Load level", help: "Typical peak load of a capacity cell, as a share of its capacity.", unit: "", scenario: CELLS, kind: n(0.05, 1.5, 0.05),
        get: |c| Value::Num(c.cells.load), set: |c, v| c.cells.load = num(v) },
    Knob { key: "load_noise", label: "Load noise", help: "Random variation of the load around its daily profile.", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.cells.load_noise), set: |c, v| c.cells.load_noise = num(v) },
    Knob { key: "growth", label: "Traffic growth", help: "Slow change of all loads, per 30 days.", unit: "%/month", scenario: CELLS, kind: n(-50.0, 100.0, 1.0),
        get: |c| Value::Num(c.cells.growth), set: |c, v| c.cells.growth = num(v) },
    Knob { key: "threshold", label: "Sleep threshold", help: "A cell sleeps for the next 15 minutes when its forecast load is below this share of capacity.", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.01),
        get: |c| Value::Num(c.cells.threshold), set: |c, v| c.cells.threshold = num(v) },
    Knob { key: "wake", label: "Wake-up time", help: "Minutes a sleeping cell needs before it carries traffic again.", unit: "min", scenario: CELLS, kind: n(0.0, 15.0, 0.5),
        get: |c| Value::Num(c.cells.wake), set: |c, v| c.cells.wake = num(v) },
    Knob { key: "coverage", label: "Coverage capacity", help: "Spare capacity of each cluster's coverage cell, which carries the traffic of sleeping cells (in capacity-cell units).", unit: "", scenario: CELLS, kind: n(0.0, 10.0, 0.1),
        get: |c| Value::Num(c.cells.coverage), set: |c, v| c.cells.coverage = num(v) },
    Knob { key: "cell_type", label: "Cell type", help: "Power-model row of the capacity cells (EARTH, Auer et al. 2011).", unit: "", scenario: CELLS, kind: Kind::Choice(&["macro", "rrh", "micro", "pico"]),
        get: |c| Value::Choice(match c.cells.cell_type { CellType::Macro => "macro", CellType::Rrh => "rrh", CellType::Micro => "micro", CellType::Pico => "pico" }),
        set: |c, v| c.cells.cell_type = match word(&v) { "rrh" => CellType::Rrh, "micro" => CellType::Micro, "pico" => CellType::Pico, _ => CellType::Macro } },
    Knob { key: "building", label: "New building", help: "Day a new building opens next to one cell: its load rises for good.", unit: "day", scenario: CELLS, kind: Kind::Day { max: 365.0 },
        get: |c| day_value(c.cells.building_day), set: |c, v| c.cells.building_day = day(v) },
    Knob { key: "building_load", label: "Building load", help: "Load the new building adds to its cell, as a share of capacity.", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.cells.building_load), set: |c, v| c.cells.building_load = num(v) },
    Knob { key: "holiday", label: "Holiday", help: "Day a week-long holiday starts: the office cluster empties.", unit: "day", scenario: CELLS, kind: Kind::Day { max: 365.0 },
        get: |c| day_value(c.cells.holiday_day), set: |c, v| c.cells.holiday_day = day(v) },
    Knob { key: "holiday_drop", label: "Holiday drop", help: "Share of the office cluster's load that goes away during the holiday.", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.cells.holiday_drop), set: |c, v| c.cells.holiday_drop = num(v) },
    Knob { key: "stadium", label: "Stadium event", help: "Day of an evening event that floods the transit cluster for three hours.", unit: "day", scenario: CELLS, kind: Kind::Day { max: 365.0 },
        get: |c| day_value(c.cells.stadium_day), set: |c, v| c.cells.stadium_day = day(v) },
    Knob { key: "stadium_load", label: "Event surge", help: "Extra load of the event on each transit cell, as a share of capacity.", unit: "", scenario: CELLS, kind: n(0.0, 3.0, 0.1),
        get: |c| Value::Num(c.cells.stadium_load), set: |c, v| c.cells.stadium_load = num(v) },
    Knob { key: "sim_error", label: "Simulator error", help: "How far the simulator's daily profiles are from the real network's (0 = a perfect simulator).", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.cells.sim_error), set: |c, v| c.cells.sim_error = num(v) },
];

fn policy_word(p: Policy) -> &'static str {
    match p {
        Policy::Model => "model",
        Policy::Oracle => "oracle",
        Policy::Baseline => "baseline",
    }
}

fn update_word(u: Update) -> &'static str {
    match u {
        Update::Frozen => "frozen",
        Update::Periodic => "periodic",
        Update::Continual => "continual",
        Update::Triggered => "triggered",
    }
}

/// Every lane knob.
pub static LANE_KNOBS: &[LaneKnob] = &[
    LaneKnob { key: "policy", label: "Policy", help: "A learned model, or a reference: the oracle knows the truth, the baseline does not learn (random ad / cells always on).", unit: "", scenario: None, kind: Kind::Choice(&["model", "oracle", "baseline"]),
        get: |l| Value::Choice(policy_word(l.policy)),
        set: |l, v| l.policy = match word(&v) { "oracle" => Policy::Oracle, "baseline" => Policy::Baseline, _ => Policy::Model } },
    LaneKnob { key: "mode", label: "Prediction", help: "Batch: scores precomputed every refresh period, no fresh features. Online: scored when the request comes, with fresh features.", unit: "", scenario: None, kind: Kind::Choice(&["batch", "online"]),
        get: |l| Value::Choice(if l.mode == Mode::Batch { "batch" } else { "online" }),
        set: |l, v| l.mode = if word(&v) == "batch" { Mode::Batch } else { Mode::Online } },
    LaneKnob { key: "refresh", label: "Batch refresh", help: "How often batch predictions are recomputed.", unit: "", scenario: None, kind: Kind::Hours { min: 0.25, max: 168.0 },
        get: |l| Value::Num(l.refresh), set: |l, v| l.refresh = num(v) },
    LaneKnob { key: "update", label: "Model updates", help: "Frozen after the warm-up, retrained periodically, updated after every labelled event, or retrained when a drift detector fires.", unit: "", scenario: None, kind: Kind::Choice(&["frozen", "periodic", "continual", "triggered"]),
        get: |l| Value::Choice(update_word(l.update)),
        set: |l, v| l.update = match word(&v) { "frozen" => Update::Frozen, "periodic" => Update::Periodic, "triggered" => Update::Triggered, _ => Update::Continual } },
    LaneKnob { key: "every", label: "Retrain every", help: "Interval between periodic retrains.", unit: "", scenario: None, kind: Kind::Hours { min: 1.0 / 60.0, max: 720.0 },
        get: |l| Value::Num(l.every), set: |l, v| l.every = num(v) },
    LaneKnob { key: "retrain", label: "Retraining", help: "Stateless: a new model from scratch on the last window of data. Stateful: continue from the current weights on the new data only.", unit: "", scenario: None, kind: Kind::Choice(&["stateless", "stateful"]),
        get: |l| Value::Choice(if l.stateful { "stateful" } else { "stateless" }),
        set: |l, v| l.stateful = word(&v) == "stateful" },
    LaneKnob { key: "window", label: "Training window", help: "How much recent data a stateless retrain learns from.", unit: "", scenario: None, kind: Kind::Hours { min: 1.0, max: 720.0 },
        get: |l| Value::Num(l.window), set: |l, v| l.window = num(v) },
    LaneKnob { key: "deploy", label: "Deploy delay", help: "Time from the start of a retrain until the new model serves.", unit: "", scenario: None, kind: Kind::Hours { min: 0.0, max: 48.0 },
        get: |l| Value::Num(l.deploy), set: |l, v| l.deploy = num(v) },
    LaneKnob { key: "label_delay", label: "Label delay", help: "Extra minutes before a logged outcome reaches the learner (pipeline latency).", unit: "min", scenario: None, kind: n(0.0, 10080.0, 5.0),
        get: |l| Value::Num(l.label_delay), set: |l, v| l.label_delay = num(v) },
    LaneKnob { key: "join", label: "Join window", help: "Minutes the log waits for a click; a later click is logged as a non-click.", unit: "min", scenario: ADS, kind: n(1.0, 10080.0, 5.0),
        get: |l| Value::Num(l.join), set: |l, v| l.join = num(v) },
    LaneKnob { key: "explore", label: "Exploration", help: "Share of requests that show a random ad, so the model also learns about ads it would not pick.", unit: "", scenario: ADS, kind: n(0.0, 0.5, 0.01),
        get: |l| Value::Num(l.explore), set: |l, v| l.explore = num(v) },
    LaneKnob { key: "alpha", label: "FTRL alpha", help: "FTRL-Proximal learning-rate scale.", unit: "", scenario: ADS, kind: n(1e-4, 10.0, 0.01),
        get: |l| Value::Num(l.ftrl.alpha), set: |l, v| l.ftrl.alpha = num(v) },
    LaneKnob { key: "beta", label: "FTRL beta", help: "FTRL-Proximal learning-rate offset.", unit: "", scenario: ADS, kind: n(0.0, 10.0, 0.1),
        get: |l| Value::Num(l.ftrl.beta), set: |l, v| l.ftrl.beta = num(v) },
    LaneKnob { key: "l1", label: "FTRL L1", help: "L1 regularisation: rare features stay exactly zero.", unit: "", scenario: ADS, kind: n(0.0, 100.0, 0.1),
        get: |l| Value::Num(l.ftrl.l1), set: |l, v| l.ftrl.l1 = num(v) },
    LaneKnob { key: "l2", label: "FTRL L2", help: "L2 regularisation of the weights.", unit: "", scenario: ADS, kind: n(0.0, 100.0, 0.1),
        get: |l| Value::Num(l.ftrl.l2), set: |l, v| l.ftrl.l2 = num(v) },
    LaneKnob { key: "bits", label: "Hash bits", help: "The model has 2^bits hashed weights.", unit: "", scenario: ADS, kind: i(8.0, 22.0),
        get: |l| Value::Num(l.bits as f64), set: |l, v| l.bits = num(v) as u32 },
    LaneKnob { key: "learner", label: "Learner", help: "Recursive least squares with forgetting, or normalised LMS with error clipping.", unit: "", scenario: CELLS, kind: Kind::Choice(&["rls", "nlms"]),
        get: |l| Value::Choice(if l.reg.kind == RegKind::Rls { "rls" } else { "nlms" }),
        set: |l, v| l.reg.kind = if word(&v) == "nlms" { RegKind::Nlms } else { RegKind::Rls } },
    LaneKnob { key: "forgetting", label: "Forgetting", help: "RLS forgetting factor: 1 remembers everything, lower values follow recent data.", unit: "", scenario: CELLS, kind: n(0.9, 1.0, 0.001),
        get: |l| Value::Num(l.reg.forgetting), set: |l, v| l.reg.forgetting = num(v) },
    LaneKnob { key: "step", label: "NLMS step", help: "Normalised LMS step size.", unit: "", scenario: CELLS, kind: n(0.001, 1.9, 0.01),
        get: |l| Value::Num(l.reg.step), set: |l, v| l.reg.step = num(v) },
    LaneKnob { key: "scope", label: "Model per", help: "One forecaster for the whole network, one per cluster, or one per cell.", unit: "", scenario: CELLS, kind: Kind::Choice(&["global", "cluster", "cell"]),
        get: |l| Value::Choice(match l.scope { Scope::Global => "global", Scope::Cluster => "cluster", Scope::Cell => "cell" }),
        set: |l, v| l.scope = match word(&v) { "global" => Scope::Global, "cell" => Scope::Cell, _ => Scope::Cluster } },
    LaneKnob { key: "source", label: "Trained on", help: "Warm-up data from the live network, or from a simulator whose profiles are off by the simulator error.", unit: "", scenario: CELLS, kind: Kind::Choice(&["live", "simulator"]),
        get: |l| Value::Choice(if l.source == Source::Live { "live" } else { "simulator" }),
        set: |l, v| l.source = if word(&v) == "simulator" { Source::Simulator } else { Source::Live } },
];

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
    fn durations_read_and_write() {
        assert_eq!(parse_hours("30m"), Some(0.5));
        assert_eq!(parse_hours("7d"), Some(168.0));
        assert_eq!(parse_hours("2"), Some(2.0));
        assert_eq!(parse_hours("x"), None);
        assert_eq!(fmt_hours(0.5), "30m");
        assert_eq!(fmt_hours(168.0), "7d");
        assert_eq!(fmt_hours(5.0), "5h");
        assert_eq!(fmt_hours(1.0 / 60.0), "1m");
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
