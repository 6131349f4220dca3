//! Inside the world, as words and choices: the read-out of the world panes at the bucket under the
//! cursor (what each lane did, what the world was), and the cell the cells pane follows by default.
//! The panes themselves are drawn by [`crate::view::chart::inside`].

use serde::Serialize;

use crate::base::units::MINUTES_PER_DAY;
use crate::sim::cells::CLUSTERS;
use crate::sim::config::{Scenario, LANE_NAMES};
use crate::sim::experiment::{describe, Experiment};
use crate::sim::inside::{ads, cells, top_intent, Grid, Inside};

/// The read-out under the cursor: a title and a small table (every figure already written).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Readout {
    pub title: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// What the colours and rows mean, in one sentence.
    pub note: String,
}

/// A cell's name: "cell 5 (office)".
pub fn cell_name(inside: &Inside, cell: usize) -> String {
    let cluster = inside.row_group.get(cell).map_or("", |&k| CLUSTERS[k % 4]);
    format!("cell {} ({cluster})", cell + 1)
}

/// A mean over the bucket's intervals, or None before the bucket has any.
pub(crate) fn per_interval(world: &Grid, b: usize, row: usize, sum: f32) -> Option<f64> {
    let n = *world.get(b, row).get(cells::INTERVALS)?;
    (n > 0.0).then(|| sum as f64 / n as f64)
}

/// The cell whose story differs most between lanes: the most intervals asleep in one lane and not in
/// lane A, plus the intervals overloaded (the first cell if they all agree).
pub fn telling_cell(inside: &Inside) -> usize {
    if inside.scenario != Scenario::Cells || inside.lanes.is_empty() {
        return 0;
    }
    let g = inside.world;
    let mut best = (0, 0.0f64);
    for cell in 0..g.rows {
        let mut score = 0.0f64;
        for b in 0..g.buckets {
            let a = inside.lanes[0].get(b, cell);
            for lane in &inside.lanes {
                let x = lane.get(b, cell);
                score += (x[cells::ASLEEP] - a[cells::ASLEEP]).abs() as f64;
                score += x[cells::OVERLOADED] as f64;
            }
        }
        if score > best.1 {
            best = (cell, score);
        }
    }
    best.0
}

/// The read-out of bucket `b` (cells: every lane, and `cell` in detail; ads: every shown segment).
pub fn readout(exp: &Experiment, b: usize, cell: usize) -> Option<Readout> {
    let inside = exp.inside()?;
    let g = inside.world;
    if b >= g.buckets {
        return None;
    }
    let day = b as f64 * g.bucket_min / MINUTES_PER_DAY;
    let end = (day + g.bucket_min / MINUTES_PER_DAY).min(exp.config().days);
    let title = format!("Day {day:.2} to {end:.2}");
    Some(match inside.scenario {
        Scenario::Cells => {
            cells_readout(exp, &inside, b, cell.min(g.rows.saturating_sub(1)), title)
        }
        Scenario::Ads => ads_readout(&inside, b, title),
    })
}

fn cells_readout(
    exp: &Experiment,
    inside: &Inside,
    b: usize,
    cell: usize,
    title: String,
) -> Readout {
    let g = inside.world;
    let intervals = g
        .get(b, 0)
        .get(cells::INTERVALS)
        .copied()
        .unwrap_or(0.0)
        .max(1.0) as f64;
    let load = per_interval(g, b, cell, g.get(b, cell)[cells::LOAD]);
    let name = cell_name(inside, cell);
    let head = vec![
        "Lane".to_string(),
        "Cells asleep".to_string(),
        "Cells overloaded".to_string(),
        format!("{name}: forecast"),
        format!("{name}: asleep"),
    ];
    let rows = (inside.lanes.iter().enumerate())
        .map(|(l, lane)| {
            let sum = |f: usize| (0..g.rows).map(|c| lane.get(b, c)[f] as f64).sum::<f64>();
            let mine = lane.get(b, cell);
            vec![
                format!(
                    "{}: {}",
                    LANE_NAMES[l],
                    describe(&exp.config().lanes[l], Scenario::Cells)
                ),
                format!("{:.1} of {}", sum(cells::ASLEEP) / intervals, g.rows),
                format!("{:.1}", sum(cells::OVERLOADED) / intervals),
                per_interval(g, b, cell, mine[cells::FORECAST])
                    .map_or("–".into(), |f| format!("{f:.2}")),
                format!("{:.0}%", 100.0 * mine[cells::ASLEEP] as f64 / intervals),
            ]
        })
        .collect();
    let note = format!(
        "{name} carried a load of {} (share of its capacity, mean over the bucket). A cell sleeps when \
         its forecast is below the threshold {:.2} (forecasting lanes keep a margin: below {:.2}); \
         overloaded: its traffic went to a coverage cell that could not carry it all.",
        load.map_or("–".into(), |l| format!("{l:.2}")),
        inside.threshold,
        inside.threshold - inside.margin,
    );
    Readout {
        title,
        head,
        rows,
        note,
    }
}

/// A category's name.
pub fn category(c: f32) -> String {
    format!("category {}", c as u32 + 1)
}

fn ads_readout(inside: &Inside, b: usize, title: String) -> Readout {
    let g = inside.world;
    let mut head = vec![
        "Segment (share of users)".to_string(),
        "Best ad, most often".to_string(),
        "Most common intent".to_string(),
    ];
    head.extend(
        (0..inside.lanes.len()).map(|l| format!("{}: ad shown most · best ad on", LANE_NAMES[l])),
    );
    let mut rows = Vec::new();
    for row in 0..g.rows {
        let w = g.get(b, row);
        let requests = w[ads::REQUESTS] as f64;
        let seg = inside.row_group.get(row).copied().unwrap_or(row);
        let share = inside.row_share.get(row).copied().unwrap_or(0.0);
        let mut out = vec![format!("segment {} ({:.0}%)", seg + 1, 100.0 * share)];
        if requests == 0.0 {
            out.extend(std::iter::repeat_n("–".to_string(), 2 + inside.lanes.len()));
            rows.push(out);
            continue;
        }
        out.push(format!(
            "ad #{} ({})",
            w[ads::BEST_AD] as u32,
            category(w[ads::BEST_CATEGORY])
        ));
        let (top, n) = top_intent(w);
        out.push(format!(
            "{} ({:.0}%)",
            category(top as f32),
            100.0 * n as f64 / requests
        ));
        for lane in &inside.lanes {
            let x = lane.get(b, row);
            let shown = x[ads::SHOWN].max(1.0) as f64;
            out.push(format!(
                "ad #{} · {:.0}%",
                x[ads::AD] as u32,
                100.0 * x[ads::HITS] as f64 / shown
            ));
        }
        rows.push(out);
    }
    let note = "For the busiest user segments: the ad each lane showed most in this bucket, and on what \
                share of the segment's requests it showed the best ad for that request (the oracle's \
                choice, which depends on the session intent: only online prediction sees it)."
        .to_string();
    Readout {
        title,
        head,
        rows,
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::preset;

    fn run(name: &str, days: &str) -> Experiment {
        let mut cfg = preset(name).unwrap().config();
        cfg.set("days", days).unwrap();
        let mut exp = Experiment::new(cfg).unwrap();
        exp.record_inside();
        exp.run_to_end();
        exp
    }

    #[test]
    fn a_cells_readout_counts_cells_within_the_network() {
        let exp = run("cells-holiday", "14");
        let inside = exp.inside().unwrap();
        let cell = telling_cell(&inside);
        let r = readout(&exp, inside.world.buckets / 2, cell).unwrap();
        assert_eq!(r.rows.len(), exp.config().lanes.len());
        for row in &r.rows {
            let asleep: f64 = row[1].split(' ').next().unwrap().parse().unwrap();
            assert!(
                (0.0..=inside.world.rows as f64).contains(&asleep),
                "{row:?}"
            );
        }
        assert!(r.note.contains(&cell_name(&inside, cell)));
        assert!(readout(&exp, inside.world.buckets, cell).is_none());
    }

    #[test]
    fn an_ads_readout_names_an_ad_per_lane_and_segment() {
        let exp = run("ads-drift", "3");
        let inside = exp.inside().unwrap();
        let r = readout(&exp, inside.world.buckets - 1, 0).unwrap();
        assert_eq!(r.rows.len(), inside.world.rows);
        assert_eq!(r.head.len(), 3 + exp.config().lanes.len());
        assert!(r.rows.iter().all(|row| row[1].starts_with("ad #")), "{r:?}");
    }
}
