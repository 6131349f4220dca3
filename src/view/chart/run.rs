//! The playground's chart: three stacked panels share the time axis (days), pixel for pixel: the
//! chosen metric per lane (windowed, or cumulative); the cumulative business outcome of each lane
//! relative to lane A; and a timeline strip with the drift events and every lane's retrains.

use crate::base::units::MINUTES_PER_DAY;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::legend::{legend, legend_px, Legend};
use super::panel::{
    coinciding, font, frame_of, lane_line, overlap_note, plot_px, theme, Chart, Overlaps,
};
use super::LANE_COLORS;
use super::{err, palette, short, sw, y_range, DrawResult, Frame, Frames, Palette, Style};
use crate::sim::config::Scenario;
use crate::sim::experiment::Experiment;
use crate::sim::series::metric;

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

/// The three panels' rows (pixels from the top) on a drawing `height` pixels high.
pub fn layout(height: u32) -> [(u32, u32); 3] {
    let h = height as f64;
    let a = (h * PANELS[0]) as u32;
    let b = a + (h * PANELS[1]) as u32;
    [(0, a), (a, b), (b, height)]
}

/// [`layout`], with the timeline strip at least `min_strip` pixels high (its title, a row per lane and
/// the day labels), taken from the two panels above in proportion.
pub fn layout_min(height: u32, min_strip: u32) -> [(u32, u32); 3] {
    let [p1, p2, p3] = layout(height);
    let strip = p3.1 - p3.0;
    if strip >= min_strip || height < min_strip * 3 {
        return [p1, p2, p3];
    }
    let rest = (height - min_strip) as f64;
    let a = (rest * PANELS[0] / (PANELS[0] + PANELS[1])) as u32;
    let b = height - min_strip;
    [(0, a), (a, b), (b, height)]
}

/// The bucket of `exp`'s series under pixel column `px` of a panel drawn by [`draw`] (whose x axis
/// is in days), `None` outside the plot area.
pub fn bucket_under(exp: &Experiment, frame: &Frame, px: f64) -> Option<usize> {
    let s = exp.series();
    let day = frame.x_at(px)?;
    Some(
        ((day * MINUTES_PER_DAY / s.bucket_min).max(0.0) as usize).min(s.buckets.saturating_sub(1)),
    )
}

/// Draws the whole chart for `exp`'s metric `key` on `root`; returns the three panels' frames.
pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    key: &str,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let (_, h) = root.dim_in_pixel();
    // The strip needs its title (20), the day labels (22) and about 9 CSS pixels per lane.
    let strip = ((48.0 + 9.0 * exp.config().lanes.len() as f64) * style.scale) as u32;
    let [p1, p2, _] = layout_min(h, strip);
    let (top, rest) = root.split_vertically(p1.1 - p1.0);
    let (middle, bottom) = rest.split_vertically(p2.1 - p2.0);
    let s = exp.series();
    let xs: Vec<f64> = (0..exp.filled())
        .map(|b| (b as f64 + 0.5) * s.bucket_min / MINUTES_PER_DAY)
        .collect();
    let rel = relative_outcomes(exp);
    let y2 = y_range(rel.iter().flatten().copied().chain([0.0]));
    let on2 = coinciding(&rel, y2, plot_px(&middle, style), style);
    let form = Legend::of(&top, exp, style);
    let (f1, on1) = metric_panel(&top, exp, key, &xs, &pal, style, &form, &on2)?;
    let f2 = panel(
        &middle,
        outcome_of(exp.config().scenario).1,
        exp.config().days,
        y2,
        5,
        style,
        |chart| lane_lines(chart, &xs, &rel, &on2, style),
    )?;
    legend(&top, exp, &form, &overlap_note(&[&on1, &on2]), &pal, style)?;
    let f3 = timeline_panel(&bottom, exp, &pal, style)?;
    root.present().map_err(err)?;
    Ok(vec![f1, f2, f3])
}

/// Each lane's cumulative outcome relative to lane A (energy saved for cells): the middle panel.
fn relative_outcomes(exp: &Experiment) -> Vec<Vec<f64>> {
    let scenario = exp.config().scenario;
    let (okey, _) = outcome_of(scenario);
    let base: Vec<f64> = exp.cumulative(0, okey);
    let sign = if scenario == Scenario::Cells {
        -1.0
    } else {
        1.0
    };
    (0..exp.config().lanes.len())
        .map(|l| {
            exp.cumulative(l, okey)
                .iter()
                .zip(&base)
                .map(|(v, b)| sign * (v - b))
                .collect()
        })
        .collect()
}

/// Panel 1: the metric per lane, with the drift events as vertical lines, under the legend laid out
/// as `form` (whose note on overlapping lanes also names those of the panel below, `below`). Returns
/// the frame and, per lane, the earlier lane it lies on.
#[allow(clippy::too_many_arguments)]
fn metric_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    key: &str,
    xs: &[f64],
    pal: &Palette,
    style: Style,
    form: &Legend,
    below: &Overlaps,
) -> Result<(Frame, Overlaps), String> {
    let m = metric(exp.config().scenario, key)
        .ok_or_else(|| format!("chart: no metric `{key}` for this scenario"))?;
    let lanes = exp.config().lanes.len();
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
    let view = if style.cumulative {
        ", cumulative"
    } else {
        ", per bucket"
    };
    let title = format!("{}{unit}{view}", m.label);
    // Headroom above the data for the legend (its rows, and those of a note on overlapping lanes),
    // so that it never covers a line.
    let plot_px = plot_px(area, style);
    let (lo, hi) = y_range(ys.iter().flatten().copied());
    let range = |lines: usize| {
        let room = (legend_px(lines, style) / plot_px).clamp(0.0, 0.5);
        (lo, hi + (hi - lo) * room / (1.0 - room))
    };
    let rows_with = |on: &Overlaps| form.rows(lanes, &overlap_note(&[on, below]), style);
    let mut rows = form.rows(lanes, "", style);
    let mut y = range(rows);
    let mut on = coinciding(&ys, y, plot_px, style);
    // A taller range: lines only come closer, so what coincided still does (a longer note may want
    // one row more: a few rounds at most).
    for _ in 0..3 {
        let want = rows_with(&on);
        if want == rows {
            break;
        }
        rows = want;
        y = range(rows);
        on = coinciding(&ys, y, plot_px, style);
    }
    let frame = panel(area, &title, exp.config().days, y, 5, style, |chart| {
        for (t, _) in exp.events() {
            let (y0, y1) = (chart.y_range().start, chart.y_range().end);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(t / MINUTES_PER_DAY, y0), (t / MINUTES_PER_DAY, y1)],
                    pal.event.stroke_width(sw(style, 1.0)),
                )))
                .map_err(err)?;
        }
        lane_lines(chart, xs, &ys, &on, style)
    })?;
    Ok((frame, on))
}

/// Panel 3: the timeline of every lane's retrains and the drift events.
fn timeline_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    pal: &Palette,
    style: Style,
) -> Result<Frame, String> {
    let lanes = exp.config().lanes.len();
    let rows = lanes as f64;
    let title = "Drift events and retrains";
    panel(
        area,
        title,
        exp.config().days,
        (0.0, rows + 0.8),
        0,
        style,
        |chart| {
            for (l, color) in LANE_COLORS.iter().enumerate().take(lanes) {
                let y = rows - l as f64 - 0.5;
                let marks = exp.retrain_marks(l);
                chart
                    .draw_series(marks.iter().filter(|&&t| t <= exp.now()).map(|&t| {
                        PathElement::new(
                            vec![
                                (t / MINUTES_PER_DAY, y - 0.35),
                                (t / MINUTES_PER_DAY, y + 0.35),
                            ],
                            color.stroke_width(sw(style, 1.0)),
                        )
                    }))
                    .map_err(err)?;
            }
            let (w, h) = chart.plotting_area().dim_in_pixel();
            let px_per_day = w as f64 / exp.config().days.max(1e-9);
            // A label goes right of its line (left of it near the right edge), only where it fits
            // inside the strip and clear of the previous label: never over the day labels.
            let text_h = 12.0 * style.scale;
            let mut free_from = f64::NEG_INFINITY;
            for (t, label) in exp.events() {
                let x = t / MINUTES_PER_DAY;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, 0.0), (x, rows + 0.8)],
                        pal.event.stroke_width(sw(style, 2.0)),
                    )))
                    .map_err(err)?;
                let width = label.chars().count() as f64 * 6.2 * style.scale;
                let gap = 3.0 * style.scale;
                let at = x * px_per_day;
                let left = if at + gap + width <= w as f64 {
                    at + gap
                } else {
                    at - gap - width
                };
                if (h as f64) < text_h || left < free_from || left < 0.0 {
                    continue;
                }
                free_from = left + width + 2.0 * gap;
                chart
                    .draw_series(std::iter::once(Text::new(
                        label,
                        (left / px_per_day, rows + 0.8),
                        font(pal, style, 11.0),
                    )))
                    .map_err(err)?;
            }
            Ok(())
        },
    )
}

/// One line per lane (undefined points left out); a lane that lies on an earlier one (`on`) dashed,
/// each such lane with its own dash length, so the lines under it show between its dashes.
fn lane_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    xs: &[f64],
    ys: &[Vec<f64>],
    on: &Overlaps,
    style: Style,
) -> DrawResult {
    for (l, y) in ys.iter().enumerate() {
        lane_line(chart, xs, y, &on.on[l], l, style)?;
    }
    Ok(())
}

/// One panel over the time axis (0 to `days`); `y_labels` is the number of y tick labels (0 for the
/// timeline strip). Returns the panel's frame.
pub(super) fn panel<DB: DrawingBackend, F>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    days: f64,
    (y0, y1): (f64, f64),
    y_labels: usize,
    style: Style,
    body: F,
) -> Result<Frame, String>
where
    F: FnOnce(&mut Chart<'_, DB>) -> DrawResult,
{
    let pal = palette(style.dark);
    // As many "day N" labels as fit (about 60 CSS pixels each): a phone gets fewer.
    let (aw, ah) = area.dim_in_pixel();
    let fit = (aw as f64 / (60.0 * style.scale)) as usize;
    let x_labels = (days.min(14.0) as usize + 1).min(fit).max(2);
    let mut chart = ChartBuilder::on(area)
        .margin((6.0 * style.scale) as u32)
        .margin_right((22.0 * style.scale) as u32)
        .caption(title, font(&pal, style, 13.0))
        .x_label_area_size((22.0 * style.scale) as u32)
        .y_label_area_size((52.0 * style.scale) as u32)
        .build_cartesian_2d(0.0..days, y0..y1)
        .map_err(err)?;
    // As many y labels as fit one above the other (about 18 CSS pixels each, after the title and
    // the day labels): a short panel gets two or three, a very short one (an embedded lesson's
    // middle panel) one, never overlapping (two labels fall on round numbers, not at the plot's
    // ends: they need about twice their spacing).
    let plot_h = chart.plotting_area().dim_in_pixel().1 as f64 / style.scale;
    let fit_y = ((ah as f64 / style.scale - 6.0 - 20.0 - 22.0) / 18.0).max(2.0) as usize;
    let fit_y = if plot_h < 36.0 { 1 } else { fit_y };
    let y_labels = if y_labels == 0 {
        0
    } else {
        y_labels.min(fit_y)
    };
    theme(&mut chart.configure_mesh(), &pal, style)
        .x_labels(x_labels)
        .x_label_formatter(&|d| format!("day {}", (*d).round() as i64))
        .y_labels(y_labels)
        .y_label_formatter(&|v| short(*v))
        .draw()
        .map_err(err)?;
    body(&mut chart)?;
    Ok(frame_of(&chart, false))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::presets::preset;

    fn finished(name: &str, days: &str) -> Experiment {
        let mut cfg = preset(name).expect("preset").config();
        cfg.set("days", days).expect("days");
        let mut exp = Experiment::new(cfg).expect("valid");
        exp.run_to_end();
        exp
    }

    fn frames(exp: &Experiment, key: &str, w: u32, h: u32, scale: f64) -> (String, Vec<Frame>) {
        let mut out = String::new();
        let frames = {
            let root = SVGBackend::with_string(&mut out, (w, h)).into_drawing_area();
            let style = Style {
                scale,
                ..Style::default()
            };
            draw(&root, exp, key, style).expect("drawn")
        };
        (out, frames)
    }

    #[test]
    fn a_lane_on_another_lanes_line_is_dashed_and_named_in_the_legend() {
        // In ads-batch-vs-online, lanes B and C (online, a daily retrain or continual) draw the same
        // line; in cells-sim-gap untuned (tuned, its daily batch lanes all stay awake, so their
        // money lines coincide) every lane has its own.
        let (svg, _) = frames(
            &finished("ads-batch-vs-online", "3"),
            "expected_ctr",
            1000,
            640,
            1.0,
        );
        assert!(
            svg.contains("B and C overlap (C dashed)"),
            "the legend names the overlap"
        );
        let green = |svg: &str| svg.matches("#009E73").count();
        let mut cfg = preset("cells-sim-gap").expect("preset").config();
        cfg.set("tune", "off").unwrap();
        let mut cells = Experiment::new(cfg).unwrap();
        cells.run_to_end();
        let (plain, _) = frames(&cells, "mae", 1000, 640, 1.0);
        assert!(!plain.contains("overlap"));
        // A dashed line is many short strokes (a solid one is one per panel).
        assert!(green(&svg) > 100, "{} strokes of lane C", green(&svg));
    }

    #[test]
    fn the_panels_share_the_time_axis_inside_the_margins() {
        let exp = finished("ads-drift", "3");
        for (w, h, scale) in [(1000, 640, 1.0), (2400, 1280, 2.0)] {
            let (_, f) = frames(&exp, "ne", w, h, scale);
            assert_eq!(f.len(), 3);
            for p in &f {
                assert_eq!((p.left, p.right), (f[0].left, f[0].right));
                assert_eq!((p.x0, p.x1), (0.0, 3.0));
                assert!(p.top < p.bottom, "{f:?}");
            }
            // Left: margin 6 and y labels 52; right: margin 22 (CSS pixels), minus plotters' last pixel.
            assert_eq!(f[0].left, (58.0 * scale) as i32);
            assert_eq!(f[0].right, w as i32 - (22.0 * scale) as i32 - 1);
            assert!(f[0].bottom <= f[1].top && f[1].bottom <= f[2].top);
        }
    }

    #[test]
    fn a_short_panels_y_labels_never_overlap() {
        // The page's chart in a 700x500 embedded lesson: the middle panel is a few pixels high.
        let exp = finished("cells-sleep", "3");
        for (w, h) in [(684, 300), (684, 240), (1000, 640)] {
            let (svg, f) = frames(&exp, "saved_day", w, h, 1.0);
            let lines: Vec<&str> = svg.lines().collect();
            for p in &f[..2] {
                // The y labels: right-aligned texts left of the plot, between its top and bottom.
                let mut rows: Vec<f64> = (lines.iter())
                    .filter(|l| l.starts_with("<text") && l.contains("text-anchor=\"end\""))
                    .map(|l| l.split(" y=\"").nth(1).unwrap().split('"').next().unwrap())
                    .map(|y| y.parse::<f64>().unwrap())
                    .filter(|&y| y >= p.top as f64 && y <= p.bottom as f64)
                    .collect();
                rows.sort_by(f64::total_cmp);
                assert!(!rows.is_empty(), "{w}x{h}: a label");
                let gaps = rows.windows(2).map(|r| r[1] - r[0]);
                assert!(
                    gaps.clone().all(|g| g >= 12.0),
                    "{w}x{h}: labels at {rows:?}"
                );
            }
        }
    }

    #[test]
    fn the_frame_locates_the_drawn_lines_and_the_buckets_under_the_pointer() {
        let exp = finished("ads-drift", "3");
        let (svg, f) = frames(&exp, "ne", 1000, 640, 1.0);
        // The first lane line's last point is the last bucket's centre, where the frame puts it.
        let line = svg
            .lines()
            .find(|l| l.contains("<polyline") && l.contains("#0072B2"))
            .expect("lane A's line");
        let points = line.split("points=\"").nth(1).expect("points");
        let last = points.split('"').next().unwrap().split_whitespace().last();
        let last_x: f64 = last.unwrap().split(',').next().unwrap().parse().unwrap();
        let s = exp.series();
        let centre = (s.buckets as f64 - 0.5) * s.bucket_min / MINUTES_PER_DAY;
        assert_eq!(last_x, f[0].px_at(centre).floor());
        assert_eq!(bucket_under(&exp, &f[0], last_x), Some(s.buckets - 1));
        assert_eq!(
            bucket_under(&exp, &f[0], f[0].right as f64),
            Some(s.buckets - 1)
        );
        assert_eq!(bucket_under(&exp, &f[0], f[0].left as f64), Some(0));
        let mid = f[0].px_at(1.5 * s.bucket_min / MINUTES_PER_DAY);
        assert_eq!(bucket_under(&exp, &f[0], mid), Some(1));
        assert_eq!(bucket_under(&exp, &f[0], f[0].left as f64 - 1.0), None);
        assert_eq!(bucket_under(&exp, &f[0], f[0].right as f64 + 1.0), None);
    }
}
