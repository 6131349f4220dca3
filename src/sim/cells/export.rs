//! The cells world's observable stream as a load trace: one row per cell and 15-minute interval,
//! `time,cell,value`, from the first interval of the warm-up to the end of the horizon. `rtml replay
//! --format load-csv` reads it with no other option (its default columns, a 7-day warm-up as the
//! simulator's default).

use super::{World, INTERVAL};
use crate::base::units::MINUTES_PER_DAY;
use crate::sim::config::Config;
use std::io::Write;

/// Days from 1970-01-01 to 2024-01-01, a Monday: the trace's interval 0 (the horizon's start, a
/// Monday 00:00 in the simulator) falls on it, so weekdays and hours read back as simulated.
const EPOCH_DAY: i64 = 19_723;

/// `YYYY-MM-DD HH:MM` of interval `i` (H. Hinnant's `civil_from_days`).
fn stamp(i: i64) -> String {
    let per_day = MINUTES_PER_DAY as i64;
    let minutes = (EPOCH_DAY * per_day) + i * INTERVAL as i64;
    let (days, min) = (minutes.div_euclid(per_day), minutes.rem_euclid(per_day));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + (m <= 2) as i64;
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", min / 60, min % 60)
}

/// Writes the trace of `cfg`'s network (the loads every lane sees).
pub fn write(cfg: &Config, out: &mut dyn Write) -> std::io::Result<()> {
    let mut world = World::new(cfg, false);
    let per_day = (MINUTES_PER_DAY / INTERVAL) as i64;
    let first = -((cfg.warmup * per_day as f64) as i64);
    let last = (cfg.days * per_day as f64).round() as i64;
    writeln!(out, "time,cell,value")?;
    let mut loads = Vec::new();
    for i in first..last {
        world.loads(i, false, &mut loads);
        let t = stamp(i);
        for (cell, v) in loads.iter().enumerate() {
            writeln!(out, "{t},cell{:02},{v}", cell + 1)?;
        }
    }
    Ok(())
}

/// The exported trace's coverage groups as `rtml answer --trace --groups` reads them: each
/// cluster's boosters under its coverage cell, with its spare capacity.
pub fn groups(cfg: &Config) -> String {
    let world = World::new(cfg, false);
    let n = world.cluster.len();
    (0..super::CLUSTERS.len())
        .map(|k| {
            let cells: Vec<String> = (0..n)
                .filter(|&c| world.cluster[c] == k)
                .map(|c| format!("cell{:02}", c + 1))
                .collect();
            format!(
                "{} ({})",
                cells.join(","),
                crate::base::units::fmt_num(cfg.cells.coverage)
            )
        })
        .filter(|g| !g.starts_with(' '))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::stamp;

    #[test]
    fn stamps_start_on_a_monday_and_cross_years() {
        assert_eq!(stamp(0), "2024-01-01 00:00");
        assert_eq!(stamp(5), "2024-01-01 01:15");
        assert_eq!(stamp(-1), "2023-12-31 23:45");
        assert_eq!(stamp(96 * 60), "2024-03-01 00:00");
    }
}
