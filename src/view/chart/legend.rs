//! The run chart's legend: a row per lane with its description where the chart has room for it,
//! one row of lane letters on a short or narrow chart (an embedded lesson, a phone), and a note on
//! lanes whose lines overlap, as many rows as its width needs.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::{font, legend_row, plot_px};
use super::LANE_COLORS;
use super::{err, DrawResult, Palette, Style};
use crate::sim::config::LANE_NAMES;
use crate::sim::experiment::Experiment;

/// Device pixels of `rows` legend rows (and a margin).
pub(super) fn legend_px(rows: usize, style: Style) -> f64 {
    (rows as f64 * 15.0 + 6.0) * style.scale
}

/// About how wide a legend text is drawn, in device pixels (11.5-pixel font; by its bytes, which
/// overestimates a little for a "·").
fn text_px(text: &str, style: Style) -> f64 {
    text.len() as f64 * 6.2 * style.scale
}

/// A lane's legend text: its letter and description.
fn lane_text(exp: &Experiment, l: usize) -> String {
    let lane = &exp.config().lanes[l];
    format!(
        "{}: {}",
        LANE_NAMES[l],
        crate::sim::experiment::describe(lane, exp.config().scenario)
    )
}

/// How the first panel's legend is laid out: a row per lane with its description where that fits
/// (at most half the plot's height, every row within its width); on a short or narrow chart (an
/// embedded lesson, a phone) one row of lane letters, the descriptions being in the summary table
/// under the chart. The note on overlapping lanes takes as many rows as its width needs.
pub(super) struct Legend {
    full: bool,
    /// Device pixels a row may take.
    width: f64,
}

impl Legend {
    pub(super) fn of<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        exp: &Experiment,
        style: Style,
    ) -> Self {
        let lanes = exp.config().lanes.len();
        let width = area.dim_in_pixel().0 as f64 - (64.0 + 28.0) * style.scale;
        let tall = legend_px(lanes + 1, style) <= 0.5 * plot_px(area, style);
        let wide =
            (0..lanes).all(|l| text_px(&lane_text(exp, l), style) + 28.0 * style.scale <= width);
        Legend {
            full: tall && wide,
            width,
        }
    }

    /// The note's rows: its parts ("B and C overlap (C dashed)") side by side while they fit.
    fn note_rows(&self, note: &str, style: Style) -> Vec<String> {
        let mut rows: Vec<String> = Vec::new();
        for part in note.split("; ").filter(|p| !p.is_empty()) {
            match rows.last_mut() {
                Some(row)
                    if text_px(row, style) + text_px(part, style) + 12.0 * style.scale
                        <= self.width =>
                {
                    row.push_str("; ");
                    row.push_str(part);
                }
                _ => rows.push(part.to_string()),
            }
        }
        rows
    }

    /// The legend's rows for `lanes` lanes and `note`.
    pub(super) fn rows(&self, lanes: usize, note: &str, style: Style) -> usize {
        (if self.full { lanes } else { 1 }) + self.note_rows(note, style).len()
    }
}

/// The legend in the top-left corner of the first panel, laid out as `form`.
pub(super) fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    form: &Legend,
    note: &str,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let x0 = (64.0 * style.scale) as i32;
    let line = (15.0 * style.scale) as i32;
    let mut y = (30.0 * style.scale) as i32;
    let lanes = exp.config().lanes.len();
    let back = |x1: i32, y: i32| {
        area.draw(&Rectangle::new(
            [(x0 - 4, y - line / 2), (x1, y + line / 2)],
            pal.bg.mix(0.8).filled(),
        ))
        .map_err(err)
    };
    if form.full {
        for (l, &color) in LANE_COLORS.iter().enumerate().take(lanes) {
            let text = lane_text(exp, l);
            let w = text_px(&text, style) as i32 + (28.0 * style.scale) as i32;
            back(x0 + w, y)?;
            legend_row(area, (x0, y), y - line / 2 + 2, color, text, pal, style)?;
            y += line;
        }
    } else {
        // Each letter after its swatch, with a gap.
        let item = |l: usize| (text_px(LANE_NAMES[l], style) + 36.0 * style.scale) as i32;
        back(x0 + (0..lanes).map(item).sum::<i32>(), y)?;
        let mut x = x0;
        for l in 0..lanes {
            let text = LANE_NAMES[l].to_string();
            legend_row(
                area,
                (x, y),
                y - line / 2 + 2,
                LANE_COLORS[l],
                text,
                pal,
                style,
            )?;
            x += item(l);
        }
        y += line;
    }
    for row in form.note_rows(note, style) {
        back(x0 + text_px(&row, style) as i32, y)?;
        area.draw(&Text::new(
            row,
            (x0, y - line / 2 + 2),
            font(pal, style, 11.5),
        ))
        .map_err(err)?;
        y += line;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::preset;
    use crate::view::chart::{run, Frame};

    fn finished(name: &str) -> Experiment {
        let mut cfg = preset(name).expect("preset").config();
        cfg.set("days", "3").expect("days");
        let mut exp = Experiment::new(cfg).expect("valid");
        exp.run_to_end();
        exp
    }

    fn drawn(exp: &Experiment, key: &str, (w, h): (u32, u32)) -> (String, Frame) {
        let mut out = String::new();
        let frames = {
            let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            run::draw(&root, exp, key, Style::default()).expect("drawn")
        };
        (out, frames[0])
    }

    /// The texts of an SVG drawn by plotters: (x, y, text), `y` the text's top.
    fn texts(svg: &str) -> Vec<(f64, f64, String)> {
        let lines: Vec<&str> = svg.lines().collect();
        let attr = |l: &str, a: &str| -> f64 {
            let v = l.split(&format!(" {a}=\"")).nth(1).expect("attribute");
            v.split('"').next().unwrap().parse().expect("a number")
        };
        (0..lines.len().saturating_sub(1))
            .filter(|&i| lines[i].starts_with("<text"))
            .map(|i| {
                (
                    attr(lines[i], "x"),
                    attr(lines[i], "y"),
                    lines[i + 1].to_string(),
                )
            })
            .collect()
    }

    /// The highest point (smallest pixel row) of any lane's line in the top panel `f`.
    fn highest_line(svg: &str, f: &Frame) -> f64 {
        let colors: Vec<String> = (LANE_COLORS.iter())
            .map(|c| format!("stroke=\"#{:02X}{:02X}{:02X}\"", c.0, c.1, c.2))
            .collect();
        let mut top = f64::INFINITY;
        for l in svg.lines().filter(|l| l.starts_with("<polyline")) {
            if !colors.iter().any(|c| l.contains(c.as_str())) {
                continue;
            }
            let points = l.split("points=\"").nth(1).expect("points");
            let ys: Vec<f64> = (points.split('"').next().unwrap().split_whitespace())
                .map(|p| p.split(',').nth(1).unwrap().parse().unwrap())
                .collect();
            // Only the top panel's lines (the legend's swatches are short and at its rows).
            let inside = ys
                .iter()
                .all(|&y| y >= f.top as f64 && y <= f.bottom as f64);
            if inside && ys.len() > 2 {
                top = ys.iter().copied().fold(top, f64::min);
            }
        }
        top
    }

    #[test]
    fn a_short_or_narrow_chart_names_its_lanes_by_letter_above_their_lines() {
        for (name, key) in [
            ("cells-sleep", "saved_day"),
            ("ads-batch-vs-online", "expected_ctr"),
        ] {
            let exp = finished(name);
            let lanes = exp.config().lanes.len();
            // Room enough: a row per lane with its description.
            let (svg, _) = drawn(&exp, key, (1000, 640));
            for l in 0..lanes {
                assert!(
                    svg.contains(&lane_text(&exp, l)),
                    "{name}: lane {l} described"
                );
            }
            // The page's chart in a 700x500 embedded lesson, and on a phone (375 CSS pixels wide).
            for size in [(684, 300), (343, 420)] {
                let (svg, f) = drawn(&exp, key, size);
                let t = texts(&svg);
                let legend: Vec<&(f64, f64, String)> = (t.iter())
                    .filter(|(_, _, s)| {
                        LANE_NAMES[..lanes].contains(&s.as_str()) || s.contains("overlap")
                    })
                    .collect();
                assert!(
                    LANE_NAMES[..lanes]
                        .iter()
                        .all(|n| legend.iter().any(|x| x.2 == *n)),
                    "{name} {size:?}: every lane's letter in the legend: {legend:?}"
                );
                assert!(
                    !svg.contains(&lane_text(&exp, 0)),
                    "{name} {size:?}: no description"
                );
                // Every legend text within the chart's width, and above every lane's line.
                for (x, _, s) in &legend {
                    assert!(
                        x + s.len() as f64 * 6.2 <= size.0 as f64,
                        "{name} {size:?}: `{s}` cut"
                    );
                }
                let bottom = legend.iter().map(|x| x.1 + 11.5).fold(0.0, f64::max);
                let line = highest_line(&svg, &f);
                assert!(
                    line >= bottom,
                    "{name} {size:?}: a line at row {line}, the legend to {bottom}"
                );
            }
        }
    }

    #[test]
    fn a_long_note_takes_the_rows_its_width_needs() {
        let form = Legend {
            full: false,
            width: 300.0,
        };
        let note =
            "B and C overlap (C dashed); C and D overlap (D dashed); B and D overlap (D dashed)";
        let rows = form.note_rows(note, Style::default());
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(rows.iter().all(|r| text_px(r, Style::default()) <= 300.0));
        assert_eq!(rows.join("; "), note);
        let wide = Legend {
            full: true,
            width: 1000.0,
        };
        assert_eq!(
            wide.note_rows(note, Style::default()),
            vec![note.to_string()]
        );
        assert_eq!(wide.rows(4, note, Style::default()), 5);
        assert_eq!(form.rows(4, "", Style::default()), 1);
    }
}
