//! The freshness map of a user's own trace ([`crate::study::trace`]), drawn by the answer's map
//! ([`super::answer::draw_grid`]): each cell the forecast error, shaded by the share of the
//! model's gain over the rule (the last measured load) it loses; one more row for the rule itself.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::answer::{draw_grid, grid_of, Grid};
use super::{err, palette, Style};
use crate::base::echo::counted;
use crate::base::units::fmt_figure;
use crate::study::trace::Map;

/// The grid of a trace's map: its rows, then the rule's ("no model", in the first column).
fn grid(m: &Map) -> Grid {
    let gain = (m.ml.filter(|d| d.measurable && d.mean > 0.0)).map(|d| d.mean);
    // Without a share (a click log has no rule), the shade is the loss against the largest one.
    let scale = (m.cells.iter().flatten())
        .filter_map(|c| c.lost.filter(|d| d.measurable))
        .map(|d| d.mean.abs())
        .fold(0.0f64, f64::max);
    let tone = |c: &crate::study::trace::Cell| {
        c.share.or_else(|| {
            (c.lost)
                .filter(|d| d.measurable && scale > 0.0 && gain.is_none())
                .map(|d| d.mean / scale)
        })
    };
    let mut cells: Vec<Vec<(String, Option<f64>)>> = (m.cells.iter())
        .map(|row| {
            row.iter()
                .map(|c| match (&c.why, c.mae) {
                    (Some(_), _) => ("short".to_string(), None),
                    (None, None) => ("…".to_string(), None),
                    (None, Some(x)) => (fmt_figure(Some(x), 3), tone(c)),
                })
                .collect()
        })
        .collect();
    let mut rows = m.rows.clone();
    if m.rule.is_some() {
        let mut rule = vec![(String::new(), None); m.cols.len()];
        if let Some(r) = rule.first_mut() {
            *r = (fmt_figure(m.rule, 3), gain.map(|_| 1.0));
        }
        cells.push(rule);
        rows.push("no model".into());
    }
    let (title, unit, shade) = if m.clicks {
        (
            "Your click log: log loss".to_string(),
            "slice",
            "loss against continual",
        )
    } else {
        (
            format!("Your trace: forecast error (MAE, {})", m.unit),
            "week",
            "share of the model's gain lost",
        )
    };
    Grid {
        title,
        subtitle: format!("{}; shade: {shade}", counted(m.weeks, unit)),
        rows_head: "inputs",
        rows,
        cols: m.cols.clone(),
        cells,
        near: Vec::new(),
    }
}

/// Draws a trace's map on `root`.
pub fn draw_trace<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    m: &Map,
    style: Style,
) -> Result<(), String> {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    match m.money.as_ref().filter(|mm| mm.seeds > 0) {
        // With coverage groups: the forecast error above, the money below (the answer's map).
        Some(mm) => {
            let (_, h) = root.dim_in_pixel();
            let (top, bottom) = root.split_vertically(h / 2);
            draw_grid(&top, &grid(m), &pal, style)?;
            draw_grid(&bottom, &grid_of(mm), &pal, style)?;
        }
        None => draw_grid(root, &grid(m), &pal, style)?,
    }
    root.present().map_err(err)
}

/// The map as SVG (`rtml answer --trace --svg`).
pub fn trace_svg(m: &Map, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_trace(&root, m, Style::default())?;
    }
    Ok(out)
}
