//! What every chart shares: the grid, axis and label theme, a legend row, and the [`Frame`] of a
//! panel read from plotters' own coordinate mapping.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use super::{err, px, sw, DrawResult, Frame, Palette, Style, LANE_COLORS};
use crate::sim::config::LANE_NAMES;

/// A panel on linear axes.
pub(super) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// The grid, axis and label style every panel shares.
pub(super) fn theme<'m, 'a, 'b, X, Y, DB>(
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
        .label_style(font(pal, style, 11.0))
}

/// The charts' font at `size` CSS pixels.
pub(super) fn font(pal: &Palette, style: Style, size: f64) -> TextStyle<'static> {
    // The family itself, not its name: plotters' `From<&str>` lowercases the name, which links
    // Unicode's case tables into the wasm (about 25 KB).
    (FontFamily::SansSerif, px(style, size))
        .into_font()
        .color(&pal.fg)
}

/// Where a panel's plot area lies and what it spans, from plotters' mapping of the range's corners.
pub(super) fn frame_of<DB, X>(
    chart: &ChartContext<'_, DB, Cartesian2d<X, RangedCoordf64>>,
    log_x: bool,
) -> Frame
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64>,
{
    let (x, y) = (chart.x_range(), chart.y_range());
    let spec = chart.as_coord_spec();
    let (left, top) = spec.translate(&(x.start, y.end));
    let (right, bottom) = spec.translate(&(x.end, y.start));
    Frame {
        left,
        right,
        top,
        bottom,
        x0: x.start,
        x1: x.end,
        y0: y.start,
        y1: y.end,
        log_x,
    }
}

/// The plot area's height in device pixels of a run-chart panel drawn on `area` (about: its caption,
/// margins and day labels taken off).
pub(super) fn plot_px<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: Style) -> f64 {
    (area.dim_in_pixel().1 as f64 - 54.0 * style.scale).max(1.0)
}

/// One legend row: a colour swatch from `(x0, y)` and its text, whose top is `text_y`.
pub(super) fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y): (i32, i32),
    text_y: i32,
    color: RGBColor,
    text: String,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    area.draw(&PathElement::new(
        vec![(x0, y), (x0 + (18.0 * style.scale) as i32, y)],
        color.stroke_width(sw(style, 3.0)),
    ))
    .map_err(err)?;
    area.draw(&Text::new(
        text,
        (x0 + (24.0 * style.scale) as i32, text_y),
        font(pal, style, 11.5),
    ))
    .map_err(err)
}

/// Where lanes' lines lie on earlier lanes' lines (within one CSS pixel), on one panel.
pub(super) struct Overlaps {
    /// Per lane and point: it lies on an earlier lane's line there (over at least `MIN_RUN` points
    /// in a row: lines that only cross are left alone). Drawn dashed there, so the line under it
    /// shows between the dashes.
    pub on: Vec<Vec<bool>>,
    /// Per lane, the earlier lane it lies on most, if it lies on it over a quarter of its points.
    pub with: Vec<Option<usize>>,
}

/// Points in a row a lane must lie on another for it to count as hidden.
const MIN_RUN: usize = 4;

/// Where each lane of `ys` lies on an earlier one, on a plot `plot_px` device pixels high spanning
/// `y0..y1`.
pub(super) fn coinciding(
    ys: &[Vec<f64>],
    (y0, y1): (f64, f64),
    plot_px: f64,
    style: Style,
) -> Overlaps {
    let tolerance = (y1 - y0).abs() / plot_px * style.scale;
    let near = |a: f64, b: f64| a.is_finite() && b.is_finite() && (a - b).abs() <= tolerance;
    let mut on = Vec::with_capacity(ys.len());
    let mut with = Vec::with_capacity(ys.len());
    for (l, y) in ys.iter().enumerate() {
        let mut at: Vec<bool> = (0..y.len())
            .map(|i| (0..l).any(|k| near(y[i], ys[k].get(i).copied().unwrap_or(f64::NAN))))
            .collect();
        // Runs shorter than MIN_RUN are crossings, not overlaps.
        let mut i = 0;
        while i < at.len() {
            let run = at[i..].iter().take_while(|&&b| b).count();
            if run > 0 && run < MIN_RUN {
                at[i..i + run].iter_mut().for_each(|b| *b = false);
            }
            i += run.max(1);
        }
        let count = |k: usize| {
            (0..y.len())
                .filter(|&i| at[i] && near(y[i], ys[k].get(i).copied().unwrap_or(f64::NAN)))
                .count()
        };
        // Named in the legend when it hides a quarter of the line or more (cumulative lines all
        // start together: a few points at the start are dashed, not named).
        let finite = y.iter().filter(|v| v.is_finite()).count();
        let most = (0..l).map(|k| (count(k), k)).max();
        with.push(most.filter(|c| c.0 > 0 && 4 * c.0 >= finite).map(|c| c.1));
        on.push(at);
    }
    Overlaps { on, with }
}

/// The legend's note on overlapping lanes, e.g. "B and C overlap (C dashed)"; empty if none.
pub(super) fn overlap_note(panels: &[&Overlaps]) -> String {
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    // In order of the dashed lane (not sorted: a sort's code weighs more in the wasm than this).
    let lanes = panels.iter().map(|o| o.with.len()).max().unwrap_or(0);
    for l in 0..lanes {
        for o in panels {
            if let Some(&Some(k)) = o.with.get(l) {
                if !pairs.contains(&(k, l)) {
                    pairs.push((k, l));
                }
            }
        }
    }
    pairs
        .iter()
        .map(|&(k, l)| {
            format!(
                "{} and {} overlap ({} dashed)",
                LANE_NAMES[k], LANE_NAMES[l], LANE_NAMES[l]
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Lane `l`'s line through the finite points of `(xs, ys)`; dashed where `dashed` (it lies on an
/// earlier lane's line there), with a dash length of its own, so the lines under it show between
/// its dashes.
pub(super) fn lane_line<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    xs: &[f64],
    ys: &[f64],
    dashed: &[bool],
    l: usize,
    style: Style,
) -> DrawResult {
    let stroke = LANE_COLORS[l % 4].stroke_width(sw(style, 2.0));
    let dash = ((3.0 + 3.0 * l as f64) * style.scale) as u32;
    let pts: Vec<(f64, f64, bool)> = (xs.iter().zip(ys).enumerate())
        .filter(|(_, (_, y))| y.is_finite())
        .map(|(i, (&x, &y))| (x, y, dashed.get(i).copied().unwrap_or(false)))
        .collect();
    let mut i = 0;
    while i < pts.len() {
        let d = pts[i].2;
        let run = pts[i..].iter().take_while(|p| p.2 == d).count();
        // Each run ends where the next starts, so the line has no gap.
        let end = (i + run + 1).min(pts.len());
        let seg = pts[i..end].iter().map(|p| (p.0, p.1));
        if d {
            chart
                .draw_series(DashedLineSeries::new(seg, dash, dash, stroke))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(seg, stroke))
                .map_err(err)?;
        }
        i += run;
    }
    Ok(())
}
