//! The break-even of the streaming stack ([`crate::study::breakeven`]): on log-log axes, what fresh
//! inputs are worth per year against the network's size (the answer's value per cell, with its 95%
//! band over the seeds) and the stack's yearly cost at list prices (flat); the answer's network and
//! the break-even marked.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::{legend_row, theme};
use super::{err, palette, short, sw, DrawResult, Style, LANE_COLORS};
use crate::study::breakeven::Breakeven;

const VALUE: RGBColor = LANE_COLORS[0];
const COST: RGBColor = LANE_COLORS[1];

pub fn draw_breakeven<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    b: &Breakeven,
    style: Style,
) -> DrawResult {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let (x0, x1) = (10.0, 1.0e6);
    let (m, lo, hi) = b.per_cell_year;
    let top = [hi * x1, m * x1, b.stack_year * 10.0]
        .into_iter()
        .fold(1.0, f64::max);
    let bottom = [m * x0, b.stack_year / 10.0]
        .into_iter()
        .filter(|v| *v > 0.0)
        .fold(top / 10.0, f64::min);
    // The y axis in powers of ten on linear coordinates (labelled as money).
    let (y0, y1) = (bottom * 0.8, top * 1.2);
    let ly = |v: f64| v.clamp(y0, y1).log10();
    let k = |v: f64| (v * style.scale) as i32;
    let mut chart = ChartBuilder::on(root)
        .margin(k(8.0) as u32)
        .margin_right(k(22.0) as u32)
        .margin_top(k(40.0) as u32)
        .x_label_area_size(k(34.0) as u32)
        .y_label_area_size(k(60.0) as u32)
        .build_cartesian_2d((x0..x1).log_scale(), y0.log10()..y1.log10())
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), &pal, style)
        .x_desc("cells in the network (log scale)")
        .y_desc(format!("{} (log scale)", crate::base::money::per("year")))
        .x_label_formatter(&|v| short(*v))
        .y_label_formatter(&|v| short(10f64.powf(*v)))
        .draw()
        .map_err(err)?;
    let xs: Vec<f64> = (0..=50)
        .map(|i| x0 * (x1 / x0).powf(i as f64 / 50.0))
        .collect();
    if lo.is_finite() && hi.is_finite() && hi > 0.0 {
        let mut band: Vec<(f64, f64)> = xs.iter().map(|&x| (x, ly(hi * x))).collect();
        band.extend(xs.iter().rev().map(|&x| (x, ly(lo * x))));
        chart
            .draw_series(std::iter::once(Polygon::new(
                band,
                VALUE.mix(0.15).filled(),
            )))
            .map_err(err)?;
    }
    if m > 0.0 {
        let line = xs.iter().map(|&x| (x, ly(m * x)));
        chart
            .draw_series(LineSeries::new(line, VALUE.stroke_width(sw(style, 2.5))))
            .map_err(err)?;
    }
    chart
        .draw_series(LineSeries::new(
            [(x0, ly(b.stack_year)), (x1, ly(b.stack_year))],
            COST.stroke_width(sw(style, 2.5)),
        ))
        .map_err(err)?;
    // The answer's network and the break-even.
    let n = b.network_cells.clamp(x0, x1);
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(n, y0.log10()), (n, y1.log10())],
            pal.fg.mix(0.5).stroke_width(sw(style, 1.5)),
        )))
        .map_err(err)?;
    if let Some(c) = b.cells_for(m).filter(|c| (x0..=x1).contains(c)) {
        chart
            .draw_series(std::iter::once(Circle::new(
                (c, ly(b.stack_year)),
                sw(style, 7.0),
                pal.fg.stroke_width(sw(style, 2.5)),
            )))
            .map_err(err)?;
    }
    let rows = [
        (VALUE, "fresh inputs' value (95% band)".to_string()),
        (COST, "streaming stages at list prices".to_string()),
    ];
    for (i, (c, text)) in rows.into_iter().enumerate() {
        let y = k(12.0) + i as i32 * k(15.0);
        legend_row(root, (k(60.0), y), y - k(7.0), c, text, &pal, style)?;
    }
    root.present().map_err(err)
}
