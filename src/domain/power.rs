//! The EARTH power model (G. Auer et al., "How much energy is needed to run a wireless network?",
//! IEEE Wireless Communications 18(5), 2011, Table 2): `P_in = P0 + delta_p x P_out` awake,
//! `P_sleep` asleep, per transceiver chain (a cell has [`crate::domain::network::Network::chains`]).

use serde::{Deserialize, Serialize};

/// A capacity cell's capacity, bits per second (100 Mbit/s), in the simulator and in a replay.
pub const CELL_BITS_PER_SEC: f64 = 100e6;

/// Gigabytes a fully loaded capacity cell carries in `seconds`.
pub const fn gb_per_cell(seconds: f64) -> f64 {
    CELL_BITS_PER_SEC * seconds / 8.0 / 1e9
}

/// The EARTH model's row: which kind of base station a cell is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellType {
    Macro,
    Rrh,
    Micro,
    Pico,
}

/// One row of EARTH's Table 2, per transceiver chain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Row {
    /// Power at zero load, W.
    pub p0: f64,
    /// Slope of the load-dependent power.
    pub delta_p: f64,
    /// Radiated power at full load, W.
    pub p_max: f64,
    /// Power asleep, W (a shallow sleep).
    pub p_sleep: f64,
}

/// EARTH power-model row of a cell type, per transceiver chain.
pub fn earth(t: CellType) -> Row {
    let (p0, delta_p, p_max, p_sleep) = match t {
        CellType::Macro => (130.0, 4.7, 20.0, 75.0),
        CellType::Rrh => (84.0, 2.8, 20.0, 56.0),
        CellType::Micro => (56.0, 2.6, 6.3, 39.0),
        CellType::Pico => (6.8, 4.0, 0.13, 4.3),
    };
    Row {
        p0,
        delta_p,
        p_max,
        p_sleep,
    }
}

/// Input power (W) of one chain carrying `load` (share of capacity), awake or asleep.
pub fn power(row: Row, load: f64, asleep: bool) -> f64 {
    if asleep {
        row.p_sleep
    } else {
        power_awake(row, load)
    }
}

/// Input power (W) of one awake chain carrying `load` (share of capacity).
pub fn power_awake(row: Row, load: f64) -> f64 {
    row.p0 + row.delta_p * row.p_max * load.clamp(0.0, 1.0)
}
