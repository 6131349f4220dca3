//! The load forecasters' features, the same in the simulated network and in a replayed load trace.

use crate::base::units::HOURS_PER_DAY;

/// Features: bias, weekend flag, three daily harmonics (sin, cos) of weekdays and three of weekends,
/// last load, load a day ago.
pub const D_LOCAL: usize = 16;

/// The load forecasters' features (shared with the replay of load traces): bias, weekend flag,
/// three daily harmonics (sin, cos) of weekdays, the same three of weekends, the last load known,
/// and the load a day before.
///
/// Weekends get their own daily shape: with one set of harmonics and a weekend offset, a linear
/// model cannot fit a weekday and a weekend day at once, so a learner that forgets fits whichever
/// it saw last, and a model deployed on Friday night serves Saturday with a weekday's shape.
pub fn load_features(hour: f64, weekend: bool, last: f64, day_ago: f64) -> [f64; D_LOCAL] {
    let w = 2.0 * std::f64::consts::PI * hour / HOURS_PER_DAY;
    let mut x = [0.0; D_LOCAL];
    x[0] = 1.0;
    x[1] = weekend as u8 as f64;
    let off = if weekend { 8 } else { 2 };
    for h in 0..3 {
        x[off + 2 * h] = libm::sin((h + 1) as f64 * w);
        x[off + 1 + 2 * h] = libm::cos((h + 1) as f64 * w);
    }
    x[14] = last;
    x[15] = day_ago;
    x
}
