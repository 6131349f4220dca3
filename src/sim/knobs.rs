//! The one table of knobs: every setting the page, the URL hash and the command line can change is a
//! row of [`KNOBS`] or [`LANE_KNOBS`] (key, label, one-sentence help, unit, [`Kind`] with its valid
//! range, getter and setter). [`Kind::Duration`] rows read the one duration grammar of
//! [`crate::base::units`] in their own unit.

use crate::base::money::currency;
use crate::base::units::{
    fmt_duration, fmt_exact, fmt_num, parse_duration, TimeUnit, HOURS_PER_WEEK, MINUTES_PER_DAY,
    MINUTES_PER_HOUR, MINUTES_PER_WEEK,
};
use crate::learn::linreg::RegKind;
use crate::sim::config::{
    CellType, Config, ConfigError, LaneConfig, Log, Mode, Policy, Scenario, Scope, Source, Update,
};

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
    /// A duration stored in `unit`, in `[min, max]` (in `unit`). Text follows the one grammar of
    /// [`parse_duration`] (`30m`, `2h`, `7d`; a plain number counts `unit`). `plain`: the canonical text
    /// is a plain number in `unit`, which the knob's label names (`Join window (min)`); otherwise it is
    /// [`fmt_duration`]'s (`30m`, `1d`).
    Duration {
        unit: TimeUnit,
        min: f64,
        max: f64,
        plain: bool,
    },
    /// One of a few words.
    Choice(&'static [&'static str]),
    /// A day of the horizon (a duration since its start, in days: `36h` is day 1.5), or `off`.
    Day { max: f64 },
}

impl Kind {
    /// The valid values, as the error messages and `rtml knobs` say them.
    pub fn expected(&self) -> String {
        match *self {
            Kind::Num {
                min,
                max,
                int: true,
                ..
            } => format!("a whole number from {min} to {max}"),
            Kind::Num { min, max, .. } => format!("a number from {min} to {max}"),
            Kind::Duration { unit, min, max, .. } => format!(
                "a duration from {} to {} (e.g. 30m, 2h, 7d; a plain number counts {})",
                fmt_duration(min, unit),
                fmt_duration(max, unit),
                unit.plural()
            ),
            Kind::Choice(c) => format!("one of {}", c.join(", ")),
            Kind::Day { max } => {
                format!("a day from 0 to {max} (or a time since the start such as 36h), or off")
            }
        }
    }

    /// Parses text into a valid value.
    pub fn parse(&self, key: &str, text: &str) -> Result<Value, ConfigError> {
        let err = || ConfigError::new(key, text, self.expected());
        let v = match *self {
            Kind::Num { .. } => Value::Num(text.parse::<f64>().map_err(|_| err())?),
            Kind::Duration { unit, .. } => Value::Num(parse_duration(text, unit).ok_or_else(err)?),
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
                    Value::Num(parse_duration(text, TimeUnit::Day).ok_or_else(err)?)
                }
            }
        };
        // A refused value is echoed as typed (`1e-9h`), not as the number it reads to (`0m`).
        self.check(key, &v).map_err(|_| err())?;
        Ok(v)
    }

    /// Checks a value against the range.
    pub fn check(&self, key: &str, v: &Value) -> Result<(), ConfigError> {
        let ok = match (*self, v) {
            (Kind::Num { min, max, int, .. }, Value::Num(x)) => {
                x.is_finite() && *x >= min && *x <= max && (!int || x.fract() == 0.0)
            }
            // A little slack for durations converted from another unit (`1m` in hours).
            (Kind::Duration { min, max, .. }, Value::Num(x)) => {
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

    /// Canonical text of a value: it reads back to exactly the same value (a link reproduces the
    /// run), in the shortest readable form that does.
    pub fn format(&self, v: &Value) -> String {
        match (self, v) {
            (Kind::Duration { unit, plain, .. }, Value::Num(x)) => {
                let text = if *plain {
                    fmt_num(*x)
                } else {
                    fmt_duration(*x, *unit)
                };
                if parse_duration(&text, *unit) == Some(*x) {
                    text
                } else if *plain {
                    fmt_exact(*x)
                } else {
                    format!("{}{}", fmt_exact(*x), unit.label())
                }
            }
            (_, Value::Num(x)) => fmt_exact(*x),
            (_, Value::Choice(w)) => w.to_string(),
            (_, Value::Off) => "off".into(),
        }
    }

    /// The unit of a duration knob (`None` for other knobs).
    pub fn time_unit(&self) -> Option<TimeUnit> {
        match *self {
            Kind::Duration { unit, .. } => Some(unit),
            Kind::Day { .. } => Some(TimeUnit::Day),
            _ => None,
        }
    }
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

/// The enum value a validated choice names (`default` cannot happen: the choice was checked).
fn pick<T: std::str::FromStr>(v: &Value, default: T) -> T {
    word(v).parse().unwrap_or(default)
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

/// A duration knob written as `30m`, `2h`, `7d`.
const fn hours(min: f64, max: f64) -> Kind {
    Kind::Duration {
        unit: TimeUnit::Hour,
        min,
        max,
        plain: false,
    }
}

/// A duration knob whose canonical text is a plain number in `unit` (its label names the unit).
const fn plain(unit: TimeUnit, min: f64, max: f64) -> Kind {
    Kind::Duration {
        unit,
        min,
        max,
        plain: true,
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
    Knob { key: "scenario", label: "Scenario", help: "Which world is simulated: ad ranking, or a cellular network that puts idle cells to sleep.", unit: "", scenario: None, kind: Kind::Choice(Scenario::NAMES),
        get: |c| Value::Choice(c.scenario.name()), set: |c, v| c.scenario = pick(&v, Scenario::Ads) },
    Knob { key: "seed", label: "Seed", help: "One number drives every random draw: the same seed and settings give the same run, bit for bit.", unit: "", scenario: None, kind: i(0.0, 4294967295.0),
        get: |c| Value::Num(c.seed as f64), set: |c, v| c.seed = num(v) as u32 },
    Knob { key: "days", label: "Horizon", help: "How many simulated days are evaluated after the warm-up.", unit: "days", scenario: None, kind: plain(TimeUnit::Day, 1.0, 365.0),
        get: |c| Value::Num(c.days), set: |c, v| c.days = num(v) },
    Knob { key: "warmup", label: "Warm-up", help: "Days of history every model is first trained on, before the evaluated horizon starts.", unit: "days", scenario: None, kind: plain(TimeUnit::Day, 1.0, 28.0),
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
    Knob { key: "campaign_days", label: "Campaign length", help: "Mean lifetime of a campaign when launches are on.", unit: "days", scenario: ADS, kind: plain(TimeUnit::Day, 0.5, 365.0),
        get: |c| Value::Num(c.ads.campaign_days), set: |c, v| c.ads.campaign_days = num(v) },
    Knob { key: "shift", label: "Sudden shift", help: "Share of every segment's tastes replaced at once on the shift day (a holiday sale, a news event).", unit: "", scenario: ADS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.ads.shift), set: |c, v| c.ads.shift = num(v) },
    Knob { key: "shift_day", label: "Shift day", help: "Day of the horizon when the sudden shift happens.", unit: "day", scenario: ADS, kind: Kind::Day { max: 365.0 },
        get: |c| day_value(c.ads.shift_day), set: |c, v| c.ads.shift_day = day(v) },
    Knob { key: "walk", label: "Gradual drift", help: "Tastes wander at this speed (logit per square-root day) while their spread stays the same, as in every real ad system: 0.2 (the default) makes a weekly retrain lose about 1% normalised entropy against a daily one. 0 is a world whose tastes never change (the null lesson).", unit: "", scenario: ADS, kind: n(0.0, 2.0, 0.05),
        get: |c| Value::Num(c.ads.walk), set: |c, v| c.ads.walk = num(v) },
    Knob { key: "weekend", label: "Weekend tastes", help: "How much tastes differ on weekends from weekdays: a recurring pattern.", unit: "logit", scenario: ADS, kind: n(0.0, 3.0, 0.1),
        get: |c| Value::Num(c.ads.weekend), set: |c, v| c.ads.weekend = num(v) },
    Knob { key: "click_delay", label: "Click delay", help: "Mean time between an impression and its click.", unit: "min", scenario: ADS, kind: plain(TimeUnit::Minute, 0.0, MINUTES_PER_DAY),
        get: |c| Value::Num(c.ads.click_delay), set: |c, v| c.ads.click_delay = num(v) },
    Knob { key: "log", label: "Training log", help: "Own: each learning lane learns from the ads it shows (its own feedback loop, as a system deployed alone). Shared: every learning lane learns from the ads the first lane that keeps learning shows, as candidate models trained on one production log (how He et al. 2014 measured freshness): lanes then differ only in how fresh their predictions and models are.", unit: "", scenario: ADS, kind: Kind::Choice(Log::NAMES),
        get: |c| Value::Choice(c.ads.log.name()), set: |c, v| c.ads.log = pick(&v, Log::Own) },
    // Cells world.
    Knob { key: "cells", label: "Capacity cells", help: "Cells that may sleep, spread over office, residential, nightlife and transit clusters.", unit: "", scenario: CELLS, kind: i(4.0, 64.0),
        get: |c| Value::Num(c.cells.cells as f64), set: |c, v| c.cells.cells = num(v) as u32 },
    Knob { key: "load", label: "Load level", help: "Typical peak load of a capacity cell, as a share of its capacity.", unit: "", scenario: CELLS, kind: n(0.05, 1.5, 0.05),
        get: |c| Value::Num(c.cells.load), set: |c, v| c.cells.load = num(v) },
    Knob { key: "load_noise", label: "Load noise", help: "Random variation of the load around its daily profile.", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.05),
        get: |c| Value::Num(c.cells.load_noise), set: |c, v| c.cells.load_noise = num(v) },
    Knob { key: "growth", label: "Traffic growth", help: "Slow change of all loads, per 30 days.", unit: "%/month", scenario: CELLS, kind: n(-50.0, 100.0, 1.0),
        get: |c| Value::Num(c.cells.growth), set: |c, v| c.cells.growth = num(v) },
    Knob { key: "drift", label: "Slow drift", help: "How fast each cell changes: its level grows or shrinks, swings with the seasons, and its users move (its daily profile slides toward another cluster's). 0 is a network that never changes; 1 (the default) is calibrated on a real LTE trace (a model frozen for a year forecasts about 1.3 to 1.45 times worse than one that keeps learning); a cell's level stays within a quarter and four times its base.", unit: "", scenario: CELLS, kind: n(0.0, 2.0, 0.1),
        get: |c| Value::Num(c.cells.drift), set: |c, v| c.cells.drift = num(v) },
    Knob { key: "threshold", label: "Sleep threshold", help: "A capacity cell sleeps for the next 15 minutes when the load its lane expects is below this share of capacity and the coverage interlock allows it (untuned lanes; a tuned lane picks its own level).", unit: "", scenario: CELLS, kind: n(0.0, 1.0, 0.01),
        get: |c| Value::Num(c.cells.threshold), set: |c, v| c.cells.threshold = num(v) },
    Knob { key: "margin", label: "Safety margin", help: "A forecasting lane sleeps a cell only when its forecast is below the threshold minus this margin: it hedges against its own forecast errors and saves less than the oracle, which knows the load and needs no margin. 0: sleep on the forecast alone.", unit: "", scenario: CELLS, kind: n(0.0, 0.5, 0.01),
        get: |c| Value::Num(c.cells.margin), set: |c, v| c.cells.margin = num(v) },
    Knob { key: "wake", label: "Wake-up time", help: "Minutes a sleeping cell needs before it carries traffic again.", unit: "min", scenario: CELLS, kind: plain(TimeUnit::Minute, 0.0, 15.0),
        get: |c| Value::Num(c.cells.wake), set: |c, v| c.cells.wake = num(v) },
    Knob { key: "coverage", label: "Coverage capacity", help: "Spare capacity of each cluster's coverage cell, which carries the traffic of sleeping capacity cells (in fully loaded capacity cells).", unit: "", scenario: CELLS, kind: n(0.0, 10.0, 0.1),
        get: |c| Value::Num(c.cells.coverage), set: |c, v| c.cells.coverage = num(v) },
    Knob { key: "cell_type", label: "Cell type", help: "Power-model row of the capacity cells, per transceiver chain (EARTH, Auer et al. 2011, Table 2): macro (130 W idle, 75 W asleep) for a capacity layer on another carrier of the same macro site, micro (56 W, 39 W) for small-cell boosters.", unit: "", scenario: CELLS, kind: Kind::Choice(CellType::NAMES),
        get: |c| Value::Choice(c.cells.cell_type.name()), set: |c, v| c.cells.cell_type = pick(&v, CellType::Macro) },
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
    Knob { key: "price_kwh", label: "Energy price", help: "What the operator pays per kWh (default 0.20: the EU average for non-household consumers in 2023, Eurostat nrg_pc_205, excluding VAT).", unit: currency!("kWh"), scenario: CELLS, kind: n(0.0, 2.0, 0.01),
        get: |c| Value::Num(c.cells.price_kwh), set: |c, v| c.cells.price_kwh = num(v) },
    Knob { key: "complaint_cost", label: "Complaint call cost", help: "What one complaint call costs the operator: handling (a live care call costs about 5-12, industry benchmarks) plus expected churn (an assumption: about one caller in twenty about network quality leaves, and replacing a subscriber costs about 250-600, the acquisition cost telecom benchmarks give). Default 25.", unit: currency!("call"), scenario: CELLS, kind: n(0.0, 1000.0, 1.0),
        get: |c| Value::Num(c.cells.complaint_cost), set: |c, v| c.cells.complaint_cost = num(v) },
    Knob { key: "complaint_rate", label: "Complaint rate", help: "Complaint calls per user-hour spent on a congested coverage cell. An assumption: about one congested hour in ten spoils a user's session, and about one unhappy customer in 26 complains (the widely quoted TARP/Lee Resources figure): 0.004.", unit: "calls/user-h", scenario: CELLS, kind: n(0.0, 1.0, 0.0005),
        get: |c| Value::Num(c.cells.complaint_rate), set: |c, v| c.cells.complaint_rate = num(v) },
    Knob { key: "users", label: "Users per cell", help: "Active users a fully loaded capacity cell's traffic stands for (an assumption: a busy LTE cell serves a few tens of active users at once); a congested coverage cell slows them all down.", unit: "users", scenario: CELLS, kind: n(1.0, 1000.0, 1.0),
        get: |c| Value::Num(c.cells.users), set: |c, v| c.cells.users = num(v) },
    Knob { key: "headroom", label: "Coverage headroom", help: "The interlock: a capacity cell may sleep only while its coverage cell's expected load plus the traffic it would take stays below this share of the coverage cell's spare capacity (vendor practice, not a 3GPP rule).", unit: "", scenario: CELLS, kind: n(0.1, 1.0, 0.05),
        get: |c| Value::Num(c.cells.headroom), set: |c, v| c.cells.headroom = num(v) },
    Knob { key: "wake_limit", label: "Wake limit", help: "A coverage cell whose measured load passes this share of its spare capacity wakes its cluster's capacity cells for the next interval (3GPP's cell activation request, TS 38.300 clause 15.4).", unit: "", scenario: CELLS, kind: n(0.1, 2.0, 0.05),
        get: |c| Value::Num(c.cells.wake_limit), set: |c, v| c.cells.wake_limit = num(v) },
    Knob { key: "chains", label: "Transceiver chains", help: "Transceiver chains per cell: EARTH's power figures are per chain, and a 3-sector macro site has 6 (two per sector, the default).", unit: "", scenario: CELLS, kind: i(1.0, 8.0),
        get: |c| Value::Num(c.cells.chains), set: |c, v| c.cells.chains = num(v) },
    Knob { key: "tune", label: "Tuned sleep level", help: "On: the rule and each forecasting lane pick their own sleep level on their warm-up history, as an operator tunes on last month (money-optimal over a grid, scored on forecasts made before each load was learned). Off: every lane sleeps below the threshold (minus the margin for a forecaster).", unit: "", scenario: CELLS, kind: Kind::Choice(&["on", "off"]),
        get: |c| Value::Choice(if c.cells.tune { "on" } else { "off" }), set: |c, v| c.cells.tune = word(&v) == "on" },
    Knob { key: "network_cells", label: "Network size", help: "Cells of the operator's whole network, to scale the money per day of these cells to a network per year.", unit: "cells", scenario: CELLS, kind: i(1.0, 1_000_000.0),
        get: |c| Value::Num(c.cells.network_cells), set: |c, v| c.cells.network_cells = num(v) },
    Knob { key: "sim_bias", label: "Simulator bias", help: "How much more (positive) or less (negative: an optimistic simulator) load the simulator predicts than the real network has: its profiles are scaled by 1 + this.", unit: "", scenario: CELLS, kind: n(-0.9, 2.0, 0.05),
        get: |c| Value::Num(c.cells.sim_bias), set: |c, v| c.cells.sim_bias = num(v) },
];

/// Every lane knob.
pub static LANE_KNOBS: &[LaneKnob] = &[
    LaneKnob { key: "policy", label: "Policy", help: "A learned model, or a reference: the oracle knows the truth (ads: the true click probabilities; cells: the cheapest sleep schedule given the whole run's true loads), the baseline does not learn (random ad / cells always on), the rule has no model (cells: sleep on the last measured load, with the interlock).", unit: "", scenario: None, kind: Kind::Choice(Policy::NAMES),
        get: |l| Value::Choice(l.policy.name()), set: |l, v| l.policy = pick(&v, Policy::Model) },
    LaneKnob { key: "mode", label: "Prediction", help: "Batch: scores precomputed every refresh period, no fresh features. Online: scored when the request comes, with fresh features.", unit: "", scenario: None, kind: Kind::Choice(Mode::NAMES),
        get: |l| Value::Choice(l.mode.name()), set: |l, v| l.mode = pick(&v, Mode::Online) },
    LaneKnob { key: "refresh", label: "Batch refresh", help: "How often batch predictions are recomputed.", unit: "", scenario: None, kind: hours(0.25, HOURS_PER_WEEK),
        get: |l| Value::Num(l.refresh), set: |l, v| l.refresh = num(v) },
    LaneKnob { key: "update", label: "Model updates", help: "Frozen after the warm-up, retrained periodically, updated after every labelled event, or retrained when a drift detector fires.", unit: "", scenario: None, kind: Kind::Choice(Update::NAMES),
        get: |l| Value::Choice(l.update.name()), set: |l, v| l.update = pick(&v, Update::Continual) },
    LaneKnob { key: "every", label: "Retrain every", help: "Interval between periodic retrains.", unit: "", scenario: None, kind: hours(1.0 / MINUTES_PER_HOUR, 720.0),
        get: |l| Value::Num(l.every), set: |l, v| l.every = num(v) },
    LaneKnob { key: "retrain", label: "Retraining", help: "Stateless: a new model from scratch on the last window of data. Stateful: continue from the current weights on the new data only.", unit: "", scenario: None, kind: Kind::Choice(&["stateless", "stateful"]),
        get: |l| Value::Choice(if l.stateful { "stateful" } else { "stateless" }),
        set: |l, v| l.stateful = word(&v) == "stateful" },
    LaneKnob { key: "window", label: "Training window", help: "How much recent data a stateless retrain learns from.", unit: "", scenario: None, kind: hours(1.0, 720.0),
        get: |l| Value::Num(l.window), set: |l, v| l.window = num(v) },
    LaneKnob { key: "deploy", label: "Deploy delay", help: "Time from the start of a retrain until the new model serves.", unit: "", scenario: None, kind: hours(0.0, 48.0),
        get: |l| Value::Num(l.deploy), set: |l, v| l.deploy = num(v) },
    LaneKnob { key: "label_delay", label: "Label delay", help: "Extra minutes before a logged outcome reaches the learner (pipeline latency).", unit: "min", scenario: None, kind: plain(TimeUnit::Minute, 0.0, MINUTES_PER_WEEK),
        get: |l| Value::Num(l.label_delay), set: |l, v| l.label_delay = num(v) },
    LaneKnob { key: "join", label: "Join window", help: "Minutes the log waits for a click; a later click is logged as a non-click.", unit: "min", scenario: ADS, kind: plain(TimeUnit::Minute, 1.0, MINUTES_PER_WEEK),
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
    LaneKnob { key: "forgetting", label: "Forgetting", help: "RLS forgetting factor per hour of one cell's load: 1 remembers everything, lower values follow recent data (0.999: about six weeks).", unit: "", scenario: CELLS, kind: n(0.9, 1.0, 0.001),
        get: |l| Value::Num(l.reg.forgetting), set: |l, v| l.reg.forgetting = num(v) },
    LaneKnob { key: "step", label: "NLMS step", help: "Normalised LMS step size.", unit: "", scenario: CELLS, kind: n(0.001, 1.9, 0.01),
        get: |l| Value::Num(l.reg.step), set: |l, v| l.reg.step = num(v) },
    LaneKnob { key: "scope", label: "Model per", help: "One forecaster for the whole network, one per cluster, or one per cell.", unit: "", scenario: CELLS, kind: Kind::Choice(Scope::NAMES),
        get: |l| Value::Choice(l.scope.name()), set: |l, v| l.scope = pick(&v, Scope::Cluster) },
    LaneKnob { key: "source", label: "Trained on", help: "Warm-up data from the live network, or from a simulator whose profiles are off by the simulator error.", unit: "", scenario: CELLS, kind: Kind::Choice(Source::NAMES),
        get: |l| Value::Choice(l.source.name()), set: |l, v| l.source = pick(&v, Source::Live) },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_duration_knob_reads_the_grammar_in_its_own_unit() {
        let mut c = Config::default();
        for (k, v) in [
            ("b.join", "30m"),
            ("b.every", "30m"),
            ("b.label_delay", "2h"),
            ("b.window", "1w"),
            ("click_delay", "1.5h"),
            ("days", "2w"),
            ("warmup", "36h"),
            ("campaign_days", "12h"),
            ("shift_day", "36h"),
        ] {
            c.set(k, v).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(c.lanes[1].join, 30.0);
        assert_eq!(c.lanes[1].every, 0.5);
        assert_eq!(c.lanes[1].label_delay, 120.0);
        assert_eq!(c.lanes[1].window, 168.0);
        assert_eq!(c.ads.click_delay, 90.0);
        assert_eq!((c.days, c.warmup, c.ads.campaign_days), (14.0, 1.5, 0.5));
        assert_eq!(c.ads.shift_day, Some(1.5));
        c.set("scenario", "cells").unwrap();
        c.set("wake", "90s").unwrap_err();
        c.set("wake", "0.1h").unwrap();
        assert!((c.cells.wake - 6.0).abs() < 1e-12);
    }

    #[test]
    fn plain_numbers_keep_each_knobs_historical_unit() {
        let mut c = Config::default();
        for (k, v) in [
            ("b.join", "45"),
            ("b.every", "6"),
            ("b.label_delay", "30"),
            ("days", "3"),
            ("click_delay", "20"),
        ] {
            c.set(k, v).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(
            (c.lanes[1].join, c.lanes[1].every, c.lanes[1].label_delay),
            (45.0, 6.0, 30.0)
        );
        assert_eq!((c.days, c.ads.click_delay), (3.0, 20.0));
        // The canonical text: hour knobs with a suffix, knobs whose label names the unit plain.
        let pairs = c.pairs();
        let get = |k: &str| pairs.iter().find(|p| p.0 == k).unwrap().1.clone();
        assert_eq!(get("b.every"), "6h");
        assert_eq!(get("b.join"), "45");
        assert_eq!(get("days"), "3");
        assert_eq!(get("a.refresh"), "1d");
    }

    #[test]
    fn a_bad_duration_names_the_knob_its_range_and_unit() {
        let mut c = Config::default();
        for (k, v, range) in [
            ("b.join", "30x", "from 1m to 7d"),
            ("b.join", "0.5m", "from 1m to 7d"),
            ("b.join", "8d", "from 1m to 7d"),
            ("b.every", "abc", "from 1m to 30d"),
            ("b.every", "0m", "from 1m to 30d"),
            ("days", "0.5", "from 1d to 365d"),
            ("warmup", "5w", "from 1d to 28d"),
            ("click_delay", "-1", "from 0m to 1d"),
            ("b.deploy", "inf", "from 0m to 2d"),
        ] {
            let e = c.set(k, v).unwrap_err();
            assert_eq!(e.field, k);
            let text = e.to_string();
            assert!(
                text.contains(range) && text.contains("30m, 2h, 7d"),
                "{text}"
            );
        }
        let e = c.set("b.join", "x").unwrap_err().to_string();
        assert!(e.ends_with("a plain number counts minutes)"), "{e}");
        let e = c.set("shift_day", "2x").unwrap_err().to_string();
        assert!(e.contains("a day from 0 to 365"), "{e}");
        assert_eq!(c, Config::default());
    }

    #[test]
    fn the_knob_table_says_which_knobs_are_durations() {
        let durations: Vec<&str> = KNOBS
            .iter()
            .filter(|k| k.kind.time_unit().is_some())
            .map(|k| k.key)
            .chain(
                LANE_KNOBS
                    .iter()
                    .filter(|k| k.kind.time_unit().is_some())
                    .map(|k| k.key),
            )
            .collect();
        for k in [
            "days",
            "warmup",
            "campaign_days",
            "shift_day",
            "click_delay",
            "wake",
            "holiday",
            "refresh",
            "every",
            "window",
            "deploy",
            "label_delay",
            "join",
        ] {
            assert!(durations.contains(&k), "{k} is not a duration knob");
        }
        // A knob written as a plain number names its unit in its label.
        let rows = KNOBS
            .iter()
            .map(|k| (k.key, k.unit, k.kind))
            .chain(LANE_KNOBS.iter().map(|k| (k.key, k.unit, k.kind)));
        for (key, label, kind) in rows {
            if let Kind::Duration {
                unit, plain: true, ..
            } = kind
            {
                assert_eq!(label, unit.label(), "{key}");
            }
        }
    }
}
