//! The freshness sweep chart: the share of the frozen-to-continual gap kept against the interval
//! (log axis, band of one standard deviation across seeds), one line per scenario; below it, the
//! same share against the training cost.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::{font, frame_of, legend_row, theme};
use super::LANE_COLORS;
use super::{err, palette, short, sw, y_range, DrawResult, Frame, Frames, Palette, Style};
use crate::study::sweep::{Param, Point, PointStats, Summary};

/// Where the references sit on the sweep's log-hours axis.
const SWEEP_CONTINUAL_H: f64 = 0.5 / 60.0;
const SWEEP_FROZEN_H: f64 = 720.0;
/// The interval axis's labels: readable durations (`cont.`, 10m, 1h, 1d, 7d, `frozen`), never the
/// decades plotters would pick (`0.01h`, `6m`, `100h`).
const SWEEP_TICKS_H: [f64; 6] = [
    SWEEP_CONTINUAL_H,
    10.0 / 60.0,
    1.0,
    24.0,
    168.0,
    SWEEP_FROZEN_H,
];

/// The sweeps to draw, each with its name.
type Sweeps<'a> = [(&'a str, &'a Summary)];

fn sweep_x(p: &PointStats) -> f64 {
    match p.point {
        Point::Continual => SWEEP_CONTINUAL_H,
        Point::Frozen => SWEEP_FROZEN_H,
        Point::Hours(h) => h,
    }
}

fn hours_label(h: f64) -> String {
    if h <= SWEEP_CONTINUAL_H * 1.01 {
        "cont.".into()
    } else if h >= SWEEP_FROZEN_H * 0.99 {
        "frozen".into()
    } else {
        crate::base::units::fmt_duration(h, crate::base::units::TimeUnit::Hour)
    }
}

/// The interval axis's ticks and labels at readable durations, with a light grid line each; the labels
/// go on `area` (the panel), under the plot.
fn ticks<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<LogCoord<f64>, plotters::coord::types::RangedCoordf64>,
    >,
    y0: f64,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let y_top = chart.y_range().end;
    let (bx, by) = area.get_base_pixel();
    for h in SWEEP_TICKS_H {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(h, y0), (h, y_top)],
                pal.grid.stroke_width(sw(style, 1.0)),
            )))
            .map_err(err)?;
        let (x, y) = chart.backend_coord(&(h, y0));
        let text = hours_label(h);
        let half = (text.chars().count() as f64 * 3.1 * style.scale) as i32;
        area.draw(&Text::new(
            text,
            (x - bx - half, y - by + (5.0 * style.scale) as i32),
            font(pal, style, 11.0),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// Draws the sweeps on `root`; returns the frames of the interval panel and of the cost panel.
pub fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sweeps: &Sweeps<'_>,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically((h as f64 * 0.62) as u32);
    let shares = sweeps
        .iter()
        .flat_map(|(_, s)| s.points.iter().flat_map(|p| [p.share_lo, p.share_hi]));
    let y = y_range(shares.chain([0.0, 1.0]));
    let f1 = interval_panel(&top, sweeps, y, &pal, style)?;
    let f2 = cost_panel(&bottom, sweeps, y, &pal, style)?;
    legend(root, sweeps, &pal, style)?;
    root.present().map_err(err)?;
    Ok(vec![f1, f2])
}

/// The share of the gap kept against the interval (or refresh period), with a band of one standard
/// deviation across seeds.
fn interval_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sweeps: &Sweeps<'_>,
    (y0, y1): (f64, f64),
    pal: &Palette,
    style: Style,
) -> Result<Frame, String> {
    let param = sweeps.first().map(|s| s.1.param).unwrap_or(Param::Every);
    let xdesc = match param {
        Param::Every => "retraining interval (log scale)",
        Param::Refresh => "batch refresh period (log scale)",
    };
    let title = "Share of the frozen-to-continual gap kept";
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * style.scale) as u32)
        .caption(title, font(pal, style, 13.0))
        .x_label_area_size((34.0 * style.scale) as u32)
        .y_label_area_size((48.0 * style.scale) as u32)
        .build_cartesian_2d(
            (SWEEP_CONTINUAL_H * 0.8..SWEEP_FROZEN_H * 1.25).log_scale(),
            y0..y1,
        )
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), pal, style)
        .x_desc(xdesc)
        // No decade labels (`0.01h`, `6m`, `100h`): readable durations are written below instead.
        .x_labels(0)
        .disable_x_mesh()
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .draw()
        .map_err(err)?;
    ticks(area, &mut chart, y0, pal, style)?;
    for (i, (_, s)) in sweeps.iter().enumerate() {
        let c = LANE_COLORS[i % 4];
        let pts: Vec<&PointStats> = s.points.iter().filter(|p| p.share.is_finite()).collect();
        let mut band: Vec<(f64, f64)> = pts.iter().map(|p| (sweep_x(p), p.share_hi)).collect();
        band.extend(pts.iter().rev().map(|p| (sweep_x(p), p.share_lo)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.18).filled())))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                pts.iter().map(|p| (sweep_x(p), p.share)),
                c.stroke_width(sw(style, 2.0)),
            ))
            .map_err(err)?;
        chart
            .draw_series(
                pts.iter()
                    .map(|p| Circle::new((sweep_x(p), p.share), sw(style, 3.0), c.filled())),
            )
            .map_err(err)?;
    }
    Ok(frame_of(&chart, true))
}

/// The share of the gap kept against the training cost (example-updates after the warm-up).
fn cost_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    sweeps: &Sweeps<'_>,
    (y0, y1): (f64, f64),
    pal: &Palette,
    style: Style,
) -> Result<Frame, String> {
    let costs = sweeps
        .iter()
        .flat_map(|(_, s)| s.points.iter().map(|p| p.cost.max(1.0)));
    let (c0, c1) = costs.fold((f64::INFINITY, 1.0f64), |a, c| (a.0.min(c), a.1.max(c)));
    let c0 = if c0.is_finite() {
        c0.min(c1 / 10.0)
    } else {
        1.0
    };
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * style.scale) as u32)
        .caption("Value against training cost", font(pal, style, 13.0))
        .x_label_area_size((34.0 * style.scale) as u32)
        .y_label_area_size((48.0 * style.scale) as u32)
        .build_cartesian_2d((c0 * 0.8..c1 * 1.25).log_scale(), y0..y1)
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), pal, style)
        .x_desc("example-updates after the warm-up (log scale)")
        .x_label_formatter(&|v| short(*v))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .draw()
        .map_err(err)?;
    for (i, (_, s)) in sweeps.iter().enumerate() {
        let c = LANE_COLORS[i % 4];
        let pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .filter(|p| p.share.is_finite())
            .map(|p| (p.cost.max(1.0), p.share))
            .collect();
        let pts = crate::base::order::sorted_by(&pts, |p| p.0);
        chart
            .draw_series(
                pts.iter()
                    .map(|&p| Circle::new(p, sw(style, 3.0), c.filled())),
            )
            .map_err(err)?;
    }
    Ok(frame_of(&chart, true))
}

/// One row per scenario: its name and how much it loses per hour of staleness.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sweeps: &Sweeps<'_>,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let x0 = (70.0 * style.scale) as i32;
    for (i, (name, s)) in sweeps.iter().enumerate() {
        let y = (34.0 * style.scale) as i32 + i as i32 * (16.0 * style.scale) as i32;
        let metric = s.metric.replace('_', " ");
        let text = match s.unmeasured() {
            Some(why) => format!("{name}: {metric} lost per hour of staleness {why}"),
            None => format!(
                "{name}: loses {:.3}% of its {metric} per hour of staleness ({:.1}% of the gap)",
                s.value_loss_per_hour * 100.0,
                s.loss_per_hour * 100.0
            ),
        };
        let text_y = y - (7.0 * style.scale) as i32;
        legend_row(root, (x0, y), text_y, LANE_COLORS[i % 4], text, pal, style)?;
    }
    Ok(())
}

/// The sweep chart as SVG (the command line's `rtml sweep --svg`).
pub fn sweep_svg(sweeps: &Sweeps<'_>, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_sweep(&root, sweeps, Style::default())?;
    }
    Ok(out)
}
