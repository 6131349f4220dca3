//! The replay chart: the first two metrics of every lane of a replay report along the file (examples
//! or hours after the warm-up), one panel per metric.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::{font, frame_of, legend_row, theme};
use super::LANE_COLORS;
use super::{err, palette, short, sw, y_range, DrawResult, Frame, Frames, Palette, Style};
use crate::replay::{LaneReport, Report};

/// A lane's value of metric column `k` in bucket row `row`, where it is defined.
fn value(row: &[f64], k: usize) -> Option<f64> {
    row.get(k).copied().filter(|v| v.is_finite())
}

/// Draws `report` on `root`; returns the frame of each metric's panel (none for a report without
/// lanes).
pub fn draw_replay<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    report: &Report,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let Some(first) = report.lanes.first() else {
        root.present().map_err(err)?;
        return Ok(Vec::new());
    };
    let keys: Vec<usize> = (0..first.series.keys.len().min(2)).collect();
    let (_, h) = root.dim_in_pixel();
    let areas = if keys.len() > 1 {
        let (a, b) = root.split_vertically(h / 2);
        vec![a, b]
    } else {
        vec![root.clone()]
    };
    let x_max = report
        .lanes
        .iter()
        .map(|l| l.series.rows.len() as f64 * l.series.width)
        .fold(1.0, f64::max);
    let mut frames = Vec::new();
    for (area, &k) in areas.iter().zip(&keys) {
        frames.push(metric_panel(area, &report.lanes, k, x_max, &pal, style)?);
    }
    legend(root, &report.lanes, &pal, style)?;
    root.present().map_err(err)?;
    Ok(frames)
}

/// Metric column `k` of every lane, per bucket, over `0..x_max`.
fn metric_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    lanes: &[LaneReport],
    k: usize,
    x_max: f64,
    pal: &Palette,
    style: Style,
) -> Result<Frame, String> {
    let series = &lanes[0].series;
    let vals = lanes
        .iter()
        .flat_map(|l| l.series.rows.iter().filter_map(move |row| value(row, k)));
    let (y0, y1) = y_range(vals);
    let mut chart = ChartBuilder::on(area)
        .margin((6.0 * style.scale) as u32)
        .margin_right((22.0 * style.scale) as u32)
        .caption(
            format!("{} per bucket", series.keys[k].replace('_', " ")),
            font(pal, style, 13.0),
        )
        .x_label_area_size((30.0 * style.scale) as u32)
        .y_label_area_size((52.0 * style.scale) as u32)
        .build_cartesian_2d(0.0..x_max, y0..y1)
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), pal, style)
        .x_desc(format!("{} after the warm-up", series.unit))
        .x_label_formatter(&|v| short(*v))
        .y_label_formatter(&|v| short(*v))
        .draw()
        .map_err(err)?;
    for (i, lane) in lanes.iter().enumerate() {
        let w = lane.series.width;
        let pts = (lane.series.rows.iter().enumerate())
            .filter_map(|(b, row)| value(row, k).map(|v| ((b as f64 + 0.5) * w, v)));
        chart
            .draw_series(LineSeries::new(
                pts,
                LANE_COLORS[i % 4].stroke_width(sw(style, 2.0)),
            ))
            .map_err(err)?;
    }
    Ok(frame_of(&chart, false))
}

/// The lanes' labels in the top-left corner.
fn legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    lanes: &[LaneReport],
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let x0 = (64.0 * style.scale) as i32;
    for (i, lane) in lanes.iter().enumerate() {
        let y = (30.0 * style.scale) as i32 + i as i32 * (15.0 * style.scale) as i32;
        let text_y = y - (7.0 * style.scale) as i32;
        let color = LANE_COLORS[i % 4];
        legend_row(root, (x0, y), text_y, color, lane.label.clone(), pal, style)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replay::{ReplayOptions, Session};

    #[test]
    fn a_replay_report_is_drawn_with_one_frame_per_metric() {
        let mut lines = String::new();
        for i in 0..3000 {
            let y = if i % 7 == 0 { 1 } else { -1 };
            lines.push_str(&format!("{y} |u f{} |a ad{}\n", i % 7, i % 3));
        }
        let settings = [
            ("lanes", "frozen,continual".to_string()),
            ("warmup", "500".to_string()),
        ];
        let opts = ReplayOptions::from_args("vw", &settings).expect("options");
        let mut session = Session::new(opts).expect("session");
        session.feed(lines.as_bytes()).expect("fed");
        session.finish().expect("finished");
        let report = session.report();
        let mut out = String::new();
        let frames = {
            let root = SVGBackend::with_string(&mut out, (800, 400)).into_drawing_area();
            draw_replay(&root, &report, Style::default()).expect("drawn")
        };
        assert_eq!(frames.len(), 2);
        let width = report.lanes[0].series.width;
        let buckets = report.lanes[0].series.rows.len();
        assert!(buckets > 1, "{buckets} buckets");
        for f in &frames {
            assert_eq!((f.left, f.right), (58, 800 - 22 - 1));
            assert_eq!(f.x1, buckets as f64 * width);
        }
        assert!(frames[0].bottom <= frames[1].top);
        // Both lanes' lines and labels are drawn.
        assert_eq!(
            out.matches("#0072B2").count(),
            3,
            "two lines and a swatch of lane 1"
        );
        assert!(out.contains(">\nfrozen\n</text>") && out.contains(">\ncontinual\n</text>"));
    }
}
