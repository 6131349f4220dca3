//! The spread across seeds: the chosen metric per lane as the mean of the seeds with a band from the
//! 5th to the 95th percentile of the seeds, and each lane's cumulative outcome relative to lane A the
//! same way (the difference taken within each seed, on the same world, then spread).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::{coinciding, lane_line, overlap_note};
use super::run::{outcome_of, panel};
use super::{err, palette, y_range, Frames, Style, LANE_COLORS};
use crate::base::units::MINUTES_PER_DAY;
use crate::sim::config::{Config, Scenario, LANE_NAMES};
use crate::sim::series::metric;
use crate::study::spread::{band, mean_interval, values, Band, SeedRun};

/// Heights of the two panels as shares of the whole.
pub const SPREAD_PANELS: [f64; 2] = [0.62, 0.38];

/// Lane `l`'s cumulative outcome minus lane A's, per bucket, across seeds.
fn outcome_band(runs: &[SeedRun], scenario: Scenario, l: usize) -> Vec<Band> {
    let (okey, _) = outcome_of(scenario);
    let sign = if scenario == Scenario::Cells {
        -1.0
    } else {
        1.0
    };
    let rel: Vec<Vec<f64>> = runs
        .iter()
        .map(|r| {
            let base = values(r, scenario, 0, okey, true);
            values(r, scenario, l, okey, true)
                .iter()
                .zip(&base)
                .map(|(v, b)| sign * (v - b))
                .collect()
        })
        .collect();
    let n = rel.iter().map(Vec::len).max().unwrap_or(0);
    (0..n)
        .map(|b| {
            let (m, lo, hi) = mean_interval(rel.iter().filter_map(|v| v.get(b).copied()));
            Band {
                mean: m.unwrap_or(f64::NAN),
                lo: lo.unwrap_or(f64::NAN),
                hi: hi.unwrap_or(f64::NAN),
            }
        })
        .collect()
}

/// Draws the spread of `runs` (of `cfg`, seeds differing) for metric `key`; returns the two frames.
pub fn draw_spread<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cfg: &Config,
    runs: &[SeedRun],
    key: &str,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let m = metric(cfg.scenario, key).ok_or_else(|| format!("chart: no metric `{key}`"))?;
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically((h as f64 * SPREAD_PANELS[0]) as u32);
    let lanes = cfg.lanes.len();
    let bands: Vec<Vec<Band>> = (0..lanes)
        .map(|l| band(runs, cfg.scenario, l, key, style.cumulative))
        .collect();
    let bucket_days = runs.first().map_or(1.0, |r| r.bucket_min / MINUTES_PER_DAY);
    let unit = if m.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", m.unit)
    };
    let view = if style.cumulative {
        "cumulative"
    } else {
        "per bucket"
    };
    // A phone gets the short title (the metric and its unit are in the control above the chart).
    let narrow = (root.dim_in_pixel().0 as f64) < 560.0 * style.scale;
    let title = if narrow {
        format!("Mean of {} seeds, band 90% of seeds", runs.len())
    } else {
        format!(
            "{}{unit}, {view}: mean of {} seeds, band 90% of seeds",
            m.label,
            runs.len()
        )
    };
    let f1 = band_panel(&top, &title, cfg.days, &bands, bucket_days, style, true)?;
    let (_, otitle) = outcome_of(cfg.scenario);
    let rel: Vec<Vec<Band>> = (0..lanes)
        .map(|l| outcome_band(runs, cfg.scenario, l))
        .collect();
    let f2 = band_panel(&bottom, otitle, cfg.days, &rel, bucket_days, style, false)?;
    root.present().map_err(err)?;
    Ok(vec![f1, f2])
}

/// One panel: a band and a mean line per lane, and (with `legend`) the lane names in a corner.
fn band_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    days: f64,
    bands: &[Vec<Band>],
    bucket_days: f64,
    style: Style,
    legend: bool,
) -> Result<super::Frame, String> {
    let all = bands.iter().flatten().flat_map(|b| [b.lo, b.hi]);
    let (lo, hi) = y_range(all.chain(if legend { None } else { Some(0.0) }));
    // Headroom for the legend row so that it never covers a band.
    let y = if legend {
        (lo, hi + (hi - lo) * 0.12)
    } else {
        (lo, hi)
    };
    let pal = palette(style.dark);
    let area_w = (area.dim_in_pixel().0 as f64 - 80.0 * style.scale).max(1.0);
    let means: Vec<Vec<f64>> = bands
        .iter()
        .map(|b| b.iter().map(|b| b.mean).collect())
        .collect();
    let plot_px = (area.dim_in_pixel().1 as f64 - 54.0 * style.scale).max(1.0);
    let on = coinciding(&means, y, plot_px, style);
    panel(area, title, days, y, 5, style, |chart| {
        for (l, b) in bands.iter().enumerate() {
            let pts: Vec<(f64, &Band)> = b
                .iter()
                .enumerate()
                .filter(|(_, b)| b.lo.is_finite() && b.hi.is_finite())
                .map(|(i, b)| ((i as f64 + 0.5) * bucket_days, b))
                .collect();
            let mut poly: Vec<(f64, f64)> = pts.iter().map(|(x, b)| (*x, b.hi)).collect();
            poly.extend(pts.iter().rev().map(|(x, b)| (*x, b.lo)));
            let c = LANE_COLORS[l % 4];
            chart
                .draw_series(std::iter::once(Polygon::new(poly, c.mix(0.2).filled())))
                .map_err(err)?;
            let xs: Vec<f64> = (0..b.len())
                .map(|i| (i as f64 + 0.5) * bucket_days)
                .collect();
            let ys: Vec<f64> = (b.iter())
                .map(|b| {
                    if b.lo.is_finite() && b.hi.is_finite() {
                        b.mean
                    } else {
                        f64::NAN
                    }
                })
                .collect();
            lane_line(chart, &xs, &ys, &on.on[l], l, style)?;
        }
        if legend {
            let (x0, x1) = (chart.x_range().start, chart.x_range().end);
            let yt = chart.y_range().end;
            // About 36 CSS pixels per lane name, whatever the width.
            let px_per_x = area_w / (x1 - x0);
            let step = 36.0 * style.scale / px_per_x.max(1e-9);
            for l in 0..bands.len() {
                let x = x0 + step * (0.3 + l as f64);
                chart
                    .draw_series(std::iter::once(Text::new(
                        format!("■ {}", LANE_NAMES[l]),
                        (x, yt),
                        super::panel::font(&pal, style, 12.0).color(&LANE_COLORS[l % 4]),
                    )))
                    .map_err(err)?;
            }
            let note = overlap_note(&[&on]);
            if !note.is_empty() {
                chart
                    .draw_series(std::iter::once(Text::new(
                        note,
                        (x0 + step * (0.3 + bands.len() as f64), yt),
                        super::panel::font(&pal, style, 12.0),
                    )))
                    .map_err(err)?;
            }
        }
        Ok(())
    })
}

/// The spread chart as an SVG document (the command line's `--seeds N --svg FILE`).
pub fn spread_svg(
    cfg: &Config,
    runs: &[SeedRun],
    key: &str,
    width: u32,
    height: u32,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_spread(&root, cfg, runs, key, Style::default())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::spread::run_seed;

    #[test]
    fn bands_and_lines_are_drawn_in_each_lane_colour() {
        let mut cfg = Config::for_scenario(Scenario::Cells);
        cfg.days = 3.0;
        let runs: Vec<SeedRun> = (1..4).map(|s| run_seed(&cfg, None, s).unwrap()).collect();
        let svg = spread_svg(&cfg, &runs, "energy_saved_pct", 800, 500).unwrap();
        for c in &LANE_COLORS[..2] {
            let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
            assert!(svg.contains(&hex), "{hex}");
        }
        assert!(svg.contains("mean of 3 seeds"));
        assert!(svg.matches("<polygon").count() >= 4);
    }
}
