//! The playground's chart, drawn by plotters on any backend: a canvas in the page
//! (plotters-canvas) and SVG on the command line draw the very same picture.
//!
//! Three stacked panels share the time axis: the chosen metric per lane (windowed, or cumulative);
//! the cumulative business outcome of each lane relative to lane A; and a timeline strip with the
//! drift events and every lane's retrains.

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::prelude::*;

use crate::sim::config::{Scenario, LANE_NAMES};
use crate::sim::experiment::Experiment;
use crate::sim::series::metric;

/// Lane colours (colour-blind safe: Okabe-Ito blue, vermillion, bluish green, reddish purple).
pub const LANE_COLORS: [RGBColor; 4] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];
/// The same colours as CSS hex, for the page.
pub const LANE_CSS: [&str; 4] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7"];

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Device pixels per CSS pixel: fonts and strokes scale with it.
    pub scale: f64,
    pub dark: bool,
    /// Cumulative instead of windowed metric.
    pub cumulative: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            scale: 1.0,
            dark: false,
            cumulative: false,
        }
    }
}

struct Palette {
    bg: RGBColor,
    fg: RGBColor,
    grid: RGBColor,
    event: RGBColor,
}

fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            bg: RGBColor(24, 26, 31),
            fg: RGBColor(220, 223, 228),
            grid: RGBColor(60, 64, 72),
            event: RGBColor(150, 150, 160),
        }
    } else {
        Palette {
            bg: WHITE,
            fg: RGBColor(30, 32, 36),
            grid: RGBColor(225, 228, 233),
            event: RGBColor(120, 120, 130),
        }
    }
}

/// The business outcome the middle panel compares with lane A: (metric key, panel title).
pub fn outcome_of(scenario: Scenario) -> (&'static str, &'static str) {
    match scenario {
        Scenario::Ads => (
            "expected_clicks",
            "Expected clicks gained vs lane A (cumulative)",
        ),
        Scenario::Cells => ("energy_kwh", "Energy saved vs lane A, kWh (cumulative)"),
    }
}

/// Heights of the three panels as shares of the whole.
pub const PANELS: [f64; 3] = [0.56, 0.29, 0.15];

/// The x range in days and the panel layout (pixels from the top) for hover mapping.
pub fn layout(height: u32) -> [(u32, u32); 3] {
    let h = height as f64;
    let a = (h * PANELS[0]) as u32;
    let b = a + (h * PANELS[1]) as u32;
    [(0, a), (a, b), (b, height)]
}

type DrawResult = Result<(), String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart: {e:?}")
}

fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.08)
        .max(hi.abs().max(lo.abs()) * 1e-3)
        .max(1e-9);
    (lo - pad, hi + pad)
}

/// Draws the whole chart for `exp`'s metric `key` on `root`.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    key: &str,
    style: Style,
) -> DrawResult {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let [p1, p2, _] = layout(h);
    let (top, rest) = root.split_vertically(p1.1 - p1.0);
    let (middle, bottom) = rest.split_vertically(p2.1 - p2.0);
    let days = exp.config().days;
    let s = exp.series();
    let xs: Vec<f64> = (0..exp.filled())
        .map(|b| (b as f64 + 0.5) * s.bucket_min / 1440.0)
        .collect();
    let lanes = exp.config().lanes.len();
    let scenario = exp.config().scenario;
    let m = metric(scenario, key)
        .ok_or_else(|| format!("chart: no metric `{key}` for this scenario"))?;

    // Panel 1: the metric per lane.
    let ys: Vec<Vec<f64>> = (0..lanes)
        .map(|l| {
            if style.cumulative {
                exp.cumulative(l, key)
            } else {
                exp.windowed(l, key)
            }
        })
        .collect();
    let unit = if m.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", m.unit)
    };
    let title = format!(
        "{}{}{}",
        m.label,
        unit,
        if style.cumulative {
            ", cumulative"
        } else {
            ", per bucket"
        }
    );
    // Headroom above the data for the legend (one line per lane), so that it never covers a line.
    let plot_px = (top.dim_in_pixel().1 as f64 - 54.0 * style.scale).max(1.0);
    let legend_px = (lanes as f64 * 15.0 + 6.0) * style.scale;
    let (lo, hi) = y_range(ys.iter().flatten().copied());
    let room = (legend_px / plot_px).clamp(0.0, 0.5);
    panel(
        &top,
        &title,
        days,
        (lo, hi + (hi - lo) * room / (1.0 - room)),
        5,
        &pal,
        style,
        |chart| {
            for (t, _) in exp.events() {
                let (y0, y1) = (chart.y_range().start, chart.y_range().end);
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(t / 1440.0, y0), (t / 1440.0, y1)],
                        pal.event.stroke_width(sw(style, 1.0)),
                    )))
                    .map_err(err)?;
            }
            lane_lines(chart, &xs, &ys, style)
        },
    )?;

    legend(&top, exp, &pal, style)?;

    // Panel 2: cumulative outcome relative to lane A.
    let (okey, otitle) = outcome_of(scenario);
    let base: Vec<f64> = exp.cumulative(0, okey);
    let sign = if scenario == Scenario::Cells {
        -1.0
    } else {
        1.0
    };
    let rel: Vec<Vec<f64>> = (0..lanes)
        .map(|l| {
            exp.cumulative(l, okey)
                .iter()
                .zip(&base)
                .map(|(v, b)| sign * (v - b))
                .collect()
        })
        .collect();
    panel(
        &middle,
        otitle,
        days,
        y_range(rel.iter().flatten().copied().chain([0.0])),
        5,
        &pal,
        style,
        |chart| lane_lines(chart, &xs, &rel, style),
    )?;

    // Panel 3: timeline of drift events and retrains.
    let rows = lanes as f64;
    panel(
        &bottom,
        "Drift events and retrains",
        days,
        (0.0, rows + 0.8),
        0,
        &pal,
        style,
        |chart| {
            for (l, color) in LANE_COLORS.iter().enumerate().take(lanes) {
                let y = rows - l as f64 - 0.5;
                let marks = exp.retrain_marks(l);
                chart
                    .draw_series(marks.iter().filter(|&&t| t <= exp.now()).map(|&t| {
                        PathElement::new(
                            vec![(t / 1440.0, y - 0.35), (t / 1440.0, y + 0.35)],
                            color.stroke_width(sw(style, 1.0)),
                        )
                    }))
                    .map_err(err)?;
            }
            for (t, label) in exp.events() {
                let x = t / 1440.0;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, 0.0), (x, rows + 0.8)],
                        pal.event.stroke_width(sw(style, 2.0)),
                    )))
                    .map_err(err)?;
                chart
                    .draw_series(std::iter::once(Text::new(
                        label,
                        (x, rows + 0.75),
                        ("sans-serif", px(style, 11.0)).into_font().color(&pal.fg),
                    )))
                    .map_err(err)?;
            }
            Ok(())
        },
    )?;
    root.present().map_err(err)
}

/// One line per lane (undefined points left out).
fn lane_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    xs: &[f64],
    ys: &[Vec<f64>],
    style: Style,
) -> DrawResult {
    for (l, y) in ys.iter().enumerate() {
        let pts = xs
            .iter()
            .zip(y)
            .filter(|p| p.1.is_finite())
            .map(|(&x, &y)| (x, y));
        chart
            .draw_series(LineSeries::new(
                pts,
                LANE_COLORS[l].stroke_width(sw(style, 2.0)),
            ))
            .map_err(err)?;
    }
    Ok(())
}

/// Lane names and descriptions in the top-left corner of the first panel.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let x0 = (64.0 * style.scale) as i32;
    let line = (15.0 * style.scale) as i32;
    let y0 = (30.0 * style.scale) as i32;
    let font = ("sans-serif", px(style, 11.5)).into_font().color(&pal.fg);
    for (l, lane) in exp.config().lanes.iter().enumerate() {
        let y = y0 + l as i32 * line;
        let text = format!(
            "{}: {}",
            LANE_NAMES[l],
            crate::sim::experiment::describe(lane, exp.config().scenario)
        );
        let w = (text.len() as f64 * 6.2 * style.scale) as i32 + (28.0 * style.scale) as i32;
        area.draw(&Rectangle::new(
            [(x0 - 4, y - line / 2), (x0 + w, y + line / 2)],
            pal.bg.mix(0.8).filled(),
        ))
        .map_err(err)?;
        area.draw(&PathElement::new(
            vec![(x0, y), (x0 + (18.0 * style.scale) as i32, y)],
            LANE_COLORS[l].stroke_width(sw(style, 3.0)),
        ))
        .map_err(err)?;
        area.draw(&Text::new(
            text,
            (x0 + (24.0 * style.scale) as i32, y - line / 2 + 2),
            font.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The grid, axis and label style every panel shares.
fn theme<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
    pal: &Palette,
    style: Style,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged,
    Y: Ranged,
    DB: DrawingBackend,
{
    mesh.light_line_style(pal.grid.mix(0.5))
        .bold_line_style(pal.grid)
        .axis_style(pal.fg.mix(0.6))
        .label_style(("sans-serif", px(style, 11.0)).into_font().color(&pal.fg))
}

fn px(style: Style, v: f64) -> f64 {
    v * style.scale
}

fn sw(style: Style, v: f64) -> u32 {
    (v * style.scale).round().max(1.0) as u32
}

type Chart<'a, DB> = ChartContext<
    'a,
    DB,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// One panel over the time axis; `y_labels` is the number of y tick labels (0 for the timeline strip).
#[allow(clippy::too_many_arguments)]
fn panel<DB: DrawingBackend, F>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    days: f64,
    (y0, y1): (f64, f64),
    y_labels: usize,
    pal: &Palette,
    style: Style,
    body: F,
) -> DrawResult
where
    F: FnOnce(&mut Chart<'_, DB>) -> DrawResult,
{
    let font = |size: f64| ("sans-serif", px(style, size)).into_font().color(&pal.fg);
    // As many "day N" labels as fit (about 60 CSS pixels each): a phone gets fewer.
    let fit = (area.dim_in_pixel().0 as f64 / (60.0 * style.scale)) as usize;
    let x_labels = (days.min(14.0) as usize + 1).min(fit).max(2);
    let mut chart = ChartBuilder::on(area)
        .margin((6.0 * style.scale) as u32)
        .margin_right((22.0 * style.scale) as u32)
        .caption(title, font(13.0))
        .x_label_area_size((22.0 * style.scale) as u32)
        .y_label_area_size((52.0 * style.scale) as u32)
        .build_cartesian_2d(0.0..days, y0..y1)
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), pal, style)
        .x_labels(x_labels)
        .x_label_formatter(&|d| format!("day {}", (*d).round() as i64))
        .y_labels(y_labels)
        .y_label_formatter(&|v| short(*v))
        .draw()
        .map_err(err)?;
    body(&mut chart)
}

/// A compact axis label: 1.2k, 35, 0.031.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else if a == 0.0 {
        "0".into()
    } else {
        format!("{v:.3}")
    }
}

/// The chart as an SVG document (the command line's `--svg`).
pub fn svg(exp: &Experiment, key: &str, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(&root, exp, key, Style::default())?;
    }
    Ok(out)
}

/// Where the references sit on the sweep's log-hours axis.
const SWEEP_CONTINUAL_H: f64 = 0.5 / 60.0;
const SWEEP_FROZEN_H: f64 = 720.0;

fn sweep_x(p: &crate::sim::sweep::PointStats) -> f64 {
    match p.point {
        crate::sim::sweep::Point::Continual => SWEEP_CONTINUAL_H,
        crate::sim::sweep::Point::Frozen => SWEEP_FROZEN_H,
        crate::sim::sweep::Point::Hours(h) => h,
    }
}

fn hours_label(h: f64) -> String {
    if h <= SWEEP_CONTINUAL_H * 1.01 {
        "cont.".into()
    } else if h >= SWEEP_FROZEN_H * 0.99 {
        "frozen".into()
    } else {
        crate::sim::config::fmt_hours(h)
    }
}

/// The freshness sweep chart: the share of the frozen-to-continual gap kept against the interval
/// (log axis, band of one standard deviation across seeds), one line per scenario; below it, the
/// same share against the training cost.
pub fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    sweeps: &[(&str, &crate::sim::sweep::Summary)],
    style: Style,
) -> DrawResult {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically((h as f64 * 0.62) as u32);
    let font = |size: f64| ("sans-serif", px(style, size)).into_font().color(&pal.fg);
    let shares = sweeps
        .iter()
        .flat_map(|(_, s)| s.points.iter().flat_map(|p| [p.share_lo, p.share_hi]));
    let (y0, y1) = y_range(shares.chain([0.0, 1.0]));
    let param = sweeps
        .first()
        .map(|s| s.1.param)
        .unwrap_or(crate::sim::sweep::Param::Every);
    let xdesc = match param {
        crate::sim::sweep::Param::Every => "retraining interval (log scale)",
        crate::sim::sweep::Param::Refresh => "batch refresh period (log scale)",
    };
    {
        let mut chart = ChartBuilder::on(&top)
            .margin((8.0 * style.scale) as u32)
            .caption("Share of the frozen-to-continual gap kept", font(13.0))
            .x_label_area_size((34.0 * style.scale) as u32)
            .y_label_area_size((48.0 * style.scale) as u32)
            .build_cartesian_2d(
                (SWEEP_CONTINUAL_H * 0.8..SWEEP_FROZEN_H * 1.25).log_scale(),
                y0..y1,
            )
            .map_err(err)?;
        theme(&mut chart.configure_mesh(), &pal, style)
            .x_desc(xdesc)
            .x_label_formatter(&|h| hours_label(*h))
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .draw()
            .map_err(err)?;
        for (i, (_, s)) in sweeps.iter().enumerate() {
            let c = LANE_COLORS[i % 4];
            let pts: Vec<&crate::sim::sweep::PointStats> =
                s.points.iter().filter(|p| p.share.is_finite()).collect();
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
    }
    {
        let costs = sweeps
            .iter()
            .flat_map(|(_, s)| s.points.iter().map(|p| p.cost.max(1.0)));
        let (c0, c1) = costs.fold((f64::INFINITY, 1.0f64), |a, c| (a.0.min(c), a.1.max(c)));
        let c0 = if c0.is_finite() {
            c0.min(c1 / 10.0)
        } else {
            1.0
        };
        let mut chart = ChartBuilder::on(&bottom)
            .margin((8.0 * style.scale) as u32)
            .caption("Value against training cost", font(13.0))
            .x_label_area_size((34.0 * style.scale) as u32)
            .y_label_area_size((48.0 * style.scale) as u32)
            .build_cartesian_2d((c0 * 0.8..c1 * 1.25).log_scale(), y0..y1)
            .map_err(err)?;
        theme(&mut chart.configure_mesh(), &pal, style)
            .x_desc("example-updates after the warm-up (log scale)")
            .x_label_formatter(&|v| short(*v))
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .draw()
            .map_err(err)?;
        for (i, (_, s)) in sweeps.iter().enumerate() {
            let c = LANE_COLORS[i % 4];
            let mut pts: Vec<(f64, f64)> = s
                .points
                .iter()
                .filter(|p| p.share.is_finite())
                .map(|p| (p.cost.max(1.0), p.share))
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            chart
                .draw_series(
                    pts.iter()
                        .map(|&p| Circle::new(p, sw(style, 3.0), c.filled())),
                )
                .map_err(err)?;
        }
    }
    // Legend: scenario names.
    let x0 = (70.0 * style.scale) as i32;
    for (i, (name, s)) in sweeps.iter().enumerate() {
        let y = (34.0 * style.scale) as i32 + i as i32 * (16.0 * style.scale) as i32;
        let text = format!(
            "{name}: loses {:.3}% of its {} per hour of staleness ({:.1}% of the gap)",
            s.value_loss_per_hour * 100.0,
            s.metric.replace('_', " "),
            s.loss_per_hour * 100.0
        );
        root.draw(&PathElement::new(
            vec![(x0, y), (x0 + (18.0 * style.scale) as i32, y)],
            LANE_COLORS[i % 4].stroke_width(sw(style, 3.0)),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            text,
            (
                x0 + (24.0 * style.scale) as i32,
                y - (7.0 * style.scale) as i32,
            ),
            font(11.5),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}

/// The sweep chart as SVG (the command line's `rtml sweep --svg`).
pub fn sweep_svg(
    sweeps: &[(&str, &crate::sim::sweep::Summary)],
    width: u32,
    height: u32,
) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_sweep(&root, sweeps, Style::default())?;
    }
    Ok(out)
}

/// What the replay chart needs from a replay report (`rtml::replay::report_json`).
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ReplayChart {
    pub lanes: Vec<ReplayLane>,
}

/// One lane of a replay report.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ReplayLane {
    pub label: String,
    pub series: ReplaySeries,
}

/// Windowed metrics per bucket along the file.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ReplaySeries {
    pub unit: String,
    pub width: f64,
    pub keys: Vec<String>,
    pub rows: Vec<Vec<Option<f64>>>,
}

/// The replay chart: the first two metrics of every lane along the file (examples or hours).
pub fn draw_replay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    r: &ReplayChart,
    style: Style,
) -> DrawResult {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let Some(first) = r.lanes.first() else {
        return root.present().map_err(err);
    };
    let keys: Vec<usize> = (0..first.series.keys.len().min(2)).collect();
    let (_, h) = root.dim_in_pixel();
    let areas = if keys.len() > 1 {
        let (a, b) = root.split_vertically(h / 2);
        vec![a, b]
    } else {
        vec![root.clone()]
    };
    let font = |size: f64| ("sans-serif", px(style, size)).into_font().color(&pal.fg);
    let x_max = r
        .lanes
        .iter()
        .map(|l| l.series.rows.len() as f64 * l.series.width)
        .fold(1.0, f64::max);
    for (area, &k) in areas.iter().zip(&keys) {
        let vals = r.lanes.iter().flat_map(|l| {
            l.series
                .rows
                .iter()
                .filter_map(move |row| row.get(k).copied().flatten())
        });
        let (y0, y1) = y_range(vals);
        let mut chart = ChartBuilder::on(area)
            .margin((6.0 * style.scale) as u32)
            .margin_right((22.0 * style.scale) as u32)
            .caption(
                format!("{} per bucket", first.series.keys[k].replace('_', " ")),
                font(13.0),
            )
            .x_label_area_size((30.0 * style.scale) as u32)
            .y_label_area_size((52.0 * style.scale) as u32)
            .build_cartesian_2d(0.0..x_max, y0..y1)
            .map_err(err)?;
        theme(&mut chart.configure_mesh(), &pal, style)
            .x_desc(format!("{} after the warm-up", first.series.unit))
            .x_label_formatter(&|v| short(*v))
            .y_label_formatter(&|v| short(*v))
            .draw()
            .map_err(err)?;
        for (i, lane) in r.lanes.iter().enumerate() {
            let w = lane.series.width;
            let pts = lane.series.rows.iter().enumerate().filter_map(|(b, row)| {
                row.get(k)
                    .copied()
                    .flatten()
                    .map(|v| ((b as f64 + 0.5) * w, v))
            });
            chart
                .draw_series(LineSeries::new(
                    pts,
                    LANE_COLORS[i % 4].stroke_width(sw(style, 2.0)),
                ))
                .map_err(err)?;
        }
    }
    let x0 = (64.0 * style.scale) as i32;
    for (i, lane) in r.lanes.iter().enumerate() {
        let y = (30.0 * style.scale) as i32 + i as i32 * (15.0 * style.scale) as i32;
        root.draw(&PathElement::new(
            vec![(x0, y), (x0 + (18.0 * style.scale) as i32, y)],
            LANE_COLORS[i % 4].stroke_width(sw(style, 3.0)),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            lane.label.clone(),
            (
                x0 + (24.0 * style.scale) as i32,
                y - (7.0 * style.scale) as i32,
            ),
            font(11.5),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}
