//! What every chart shares: the grid, axis and label theme, a legend row, and the [`Frame`] of a
//! panel read from plotters' own coordinate mapping.

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::Ranged;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;

use super::{err, px, sw, DrawResult, Frame, Palette, Style};

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
    ("sans-serif", px(style, size)).into_font().color(&pal.fg)
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
