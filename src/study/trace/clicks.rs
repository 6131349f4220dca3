//! A click log's map (`--format vw`): its columns in examples, and one row's part from the replay's
//! report (log loss per slice of the scored examples, each column's NE and AUC).

use super::{Part, Task};
use crate::replay::Session;

/// The default columns of a click log: continual, retrained every 10,000 and 100,000 examples,
/// frozen.
pub const EVERY_CLICKS: &str = "continual,10k,100k,frozen";

/// A click log's columns: `continual`, `frozen` and counts of examples (`10k`, `100000`).
pub(super) fn click_cols(s: &str) -> Result<Vec<f64>, String> {
    let s = if s.trim().is_empty() { EVERY_CLICKS } else { s };
    let out = (s.split(',').map(str::trim).filter(|p| !p.is_empty()))
        .map(|p| match p {
            "continual" => Ok(0.0),
            "frozen" => Ok(f64::INFINITY),
            n => match crate::replay::parse_lanes(
                &format!("stateful:{n}"),
                crate::replay::Format::Vw,
                0.0,
            ) {
                Ok(l) => match l[..] {
                    [crate::replay::LaneSpec::Stateful { every }] if every >= 1.0 => Ok(every),
                    _ => Err(format!(
                        "--every `{}`: expected a count of examples",
                        crate::base::echo::clip(n)
                    )),
                },
                Err(e) => Err(format!("--every: {}", e.message)),
            },
        })
        .collect::<Result<Vec<f64>, String>>()?;
    if out.is_empty() || out.len() > crate::replay::MAX_LANES {
        return Err(format!(
            "--every: from 1 to {} columns",
            crate::replay::MAX_LANES
        ));
    }
    Ok(out)
}

/// Slices a click log's map pairs over (its scored examples cut in this many).
pub const SLICES: usize = 20;

/// A click log's row: each column's log loss per slice of examples (from the report's series),
/// NE and AUC.
pub(super) fn click_part(t: Task, session: &Session) -> Part {
    let r = session.report();
    let cols = (r.lanes.iter())
        .map(|l| {
            let s = &l.series;
            let at = |k: &str| s.keys.iter().position(|x| x == k);
            let (Some(n), Some(ll)) = (at("examples"), at(crate::base::metrics::LOG_LOSS.key))
            else {
                return Vec::new();
            };
            let used = s
                .rows
                .iter()
                .rposition(|row| row[n] > 0.0)
                .map_or(0, |i| i + 1);
            let mut out = vec![0.0; 3 * SLICES.min(used)];
            for (b, row) in s.rows[..used].iter().enumerate() {
                let k = b * SLICES.min(used) / used.max(1);
                if row[n] > 0.0 && row[ll].is_finite() {
                    out[3 * k] = k as f64;
                    out[3 * k + 1] += row[ll] * row[n];
                    out[3 * k + 2] += row[n];
                }
            }
            out
        })
        .collect();
    let metric = |k: &str| {
        r.lanes
            .iter()
            .map(|l| l.metric(k).unwrap_or(f64::NAN))
            .collect()
    };
    Part {
        row: t.row,
        cols,
        rule: Vec::new(),
        cells: 0,
        step_hours: 0.0,
        span_hours: r.lanes.first().map_or(0.0, |l| l.examples as f64),
        warmup_hours: r.warmup,
        values: r.examples,
        max_value: 1.0,
        ne: metric(crate::base::metrics::NE.key),
        auc: metric(crate::base::metrics::AUC.key),
        notices: r.notices.clone(),
        money: None,
        money_why: None,
    }
}
