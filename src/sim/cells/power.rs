//! The EARTH power model (G. Auer et al., "How much energy is needed to run a wireless network?",
//! IEEE Wireless Communications 18(5), 2011, Table 2): `P_in = P0 + delta_p x P_out` awake,
//! `P_sleep` asleep.

use crate::sim::config::CellType;

/// EARTH power-model row: (P0 W, delta_p, Pmax W, P_sleep W).
pub fn earth(t: CellType) -> (f64, f64, f64, f64) {
    match t {
        CellType::Macro => (130.0, 4.7, 20.0, 75.0),
        CellType::Rrh => (84.0, 2.8, 20.0, 56.0),
        CellType::Micro => (56.0, 2.6, 6.3, 39.0),
        CellType::Pico => (6.8, 4.0, 0.13, 4.3),
    }
}

/// Input power (W) of an awake cell carrying `load` (share of capacity).
pub(super) fn power_awake(row: (f64, f64, f64, f64), load: f64) -> f64 {
    row.0 + row.1 * row.2 * load.clamp(0.0, 1.0)
}
