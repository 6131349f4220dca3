//! The map's axes: how fresh the predictions are (rows) and how fresh the model is (columns).

use serde::{Deserialize, Serialize};

use crate::base::units::{fmt_duration, TimeUnit, HOURS_PER_DAY, HOURS_PER_WEEK};

/// How fresh the predictions are (a row of the map).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Row {
    /// Predicted when the request (or interval) comes, from fresh inputs.
    Online,
    /// Read from a batch table refreshed every so many hours.
    Batch(f64),
}

/// How fresh the model is (a column of the map).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Col {
    /// Learns every labelled event.
    Continual,
    /// Retrained every so many hours.
    Every(f64),
    /// Never updated after the warm-up.
    Frozen,
}

impl Row {
    /// `online`, `15m`, `1d`, ...
    pub fn label(&self) -> String {
        match self {
            Row::Online => "online".into(),
            Row::Batch(h) => fmt_duration(*h, TimeUnit::Hour),
        }
    }
    /// Hours of staleness of a prediction at most (0 online).
    pub fn hours(&self) -> f64 {
        match self {
            Row::Online => 0.0,
            Row::Batch(h) => *h,
        }
    }
}

impl Col {
    /// `continual`, `1h`, `7d`, `frozen`.
    pub fn label(&self) -> String {
        match self {
            Col::Continual => "continual".into(),
            Col::Every(h) => fmt_duration(*h, TimeUnit::Hour),
            Col::Frozen => "frozen".into(),
        }
    }
    /// Hours between model updates (0 continual, infinite frozen).
    pub fn hours(&self) -> f64 {
        match self {
            Col::Continual => 0.0,
            Col::Every(h) => *h,
            Col::Frozen => f64::INFINITY,
        }
    }
}

/// The default rows: online, then batch refresh every 15 minutes, hour, 4 hours, day.
pub const ROWS: [Row; 5] = [
    Row::Online,
    Row::Batch(0.25),
    Row::Batch(1.0),
    Row::Batch(4.0),
    Row::Batch(HOURS_PER_DAY),
];
/// The default columns: continual, then retrain every hour, day, week, then frozen.
pub const COLS: [Col; 5] = [
    Col::Continual,
    Col::Every(1.0),
    Col::Every(HOURS_PER_DAY),
    Col::Every(HOURS_PER_WEEK),
    Col::Frozen,
];
