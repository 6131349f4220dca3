//! The what-if chart: money saved per day against the knob, as the simulator predicts it and as the
//! live network gives it (each with its 95% band over seeds), the simulator's pick and the true
//! pick marked; below it, in the refit mode, the regret after refitting on more live load.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::{font, frame_of, legend_row, theme};
use super::LANE_COLORS;
use super::{err, palette, short, sw, y_range, DrawResult, Frame, Frames, Palette, Style};
use crate::study::whatif::{observed, Outcome, Summary};

const REAL: RGBColor = LANE_COLORS[0];
/// Below this width (CSS pixels) the texts are shortened to fit a phone.
const NARROW: f64 = 600.0;

fn narrow<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, style: Style) -> bool {
    (area.dim_in_pixel().0 as f64 / style.scale) < NARROW
}
const PREDICTED: RGBColor = LANE_COLORS[1];

/// Draws `s` on `root`; returns the frame of the curves panel (and of the refit panel, if any).
pub fn draw_whatif<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    s: &Summary,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let mut frames = Vec::new();
    if s.refit.is_empty() {
        frames.push(curves(root, s, &pal, style)?);
    } else {
        let (_, h) = root.dim_in_pixel();
        let (top, bottom) = root.split_vertically((h as f64 * 0.64) as u32);
        frames.push(curves(&top, s, &pal, style)?);
        frames.push(refit_panel(&bottom, s, &pal, style)?);
    }
    root.present().map_err(err)?;
    Ok(frames)
}

fn money(o: &Outcome) -> (f64, f64, f64) {
    let f = o.money_saved_day;
    (f.mean, f.lo, f.hi)
}

/// The two curves with their bands, the picks and the legend.
fn curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Summary,
    pal: &Palette,
    style: Style,
) -> Result<Frame, String> {
    let xs = &s.values;
    let (x0, x1) = y_range(xs.iter().copied());
    let all = (s.real.iter().chain(&s.predicted)).flat_map(|o| {
        let (m, lo, hi) = money(o);
        [m, lo, hi]
    });
    let (y0, y1) = y_range(all);
    let top = 46.0 * style.scale;
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * style.scale) as u32)
        .margin_top(top as u32)
        .x_label_area_size((34.0 * style.scale) as u32)
        .y_label_area_size((60.0 * style.scale) as u32)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), pal, style)
        .x_desc(knob_desc(s))
        .y_desc(format!("money saved, {}", crate::base::money::per("day")))
        .x_label_formatter(&|v| short(*v))
        .y_label_formatter(&|v| short(*v))
        .draw()
        .map_err(err)?;
    for (outs, c) in [(&s.predicted, PREDICTED), (&s.real, REAL)] {
        let pts: Vec<(f64, (f64, f64, f64))> =
            xs.iter().copied().zip(outs.iter().map(money)).collect();
        let banded: Vec<&(f64, (f64, f64, f64))> = pts
            .iter()
            .filter(|p| p.1 .1.is_finite() && p.1 .2.is_finite())
            .collect();
        if banded.len() == pts.len() && pts.len() > 1 {
            let mut band: Vec<(f64, f64)> = banded.iter().map(|p| (p.0, p.1 .2)).collect();
            band.extend(banded.iter().rev().map(|p| (p.0, p.1 .1)));
            chart
                .draw_series(std::iter::once(Polygon::new(band, c.mix(0.15).filled())))
                .map_err(err)?;
        }
        let line = pts.iter().map(|p| (p.0, p.1 .0));
        chart
            .draw_series(LineSeries::new(
                line.clone(),
                c.stroke_width(sw(style, 2.0)),
            ))
            .map_err(err)?;
        chart
            .draw_series(line.map(|p| Circle::new(p, sw(style, 2.5), c.filled())))
            .map_err(err)?;
    }
    // The picks: where each lands on the real curve.
    for (i, c, r) in [(s.true_pick, REAL, 9.0), (s.sim_pick, PREDICTED, 6.0)] {
        let x = xs[i];
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x, y0), (x, y1)],
                c.mix(0.7).stroke_width(sw(style, 1.5)),
            )))
            .map_err(err)?;
        chart
            .draw_series(std::iter::once(Circle::new(
                (x, s.real[i].money_saved_day.mean),
                sw(style, r),
                c.stroke_width(sw(style, 2.5)),
            )))
            .map_err(err)?;
    }
    legend(area, s, pal, style)?;
    Ok(frame_of(&chart, false))
}

fn knob_desc(s: &Summary) -> String {
    use crate::study::whatif::Knob;
    match s.knob {
        Knob::Threshold => "sleep threshold (share of capacity)".into(),
        Knob::Wake => "wake-up time (minutes)".into(),
        Knob::Coverage => "coverage capacity (capacity cells)".into(),
        Knob::Headroom => "interlock headroom (share of the coverage cell's spare capacity)".into(),
        Knob::WakeLimit => "wake limit (coverage cell's load)".into(),
    }
}

/// Two legend rows: the curves, then the picks and the regret.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Summary,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let k = |v: f64| (v * style.scale) as i32;
    let cost = if narrow(area, style) {
        String::new()
    } else {
        format!(
            "; trusting the simulator costs {} a day",
            crate::base::money::written(&short(s.regret), crate::base::money::CURRENCY)
        )
    };
    let (sim, pick) = (s.sim_error * 100.0, short(s.values[s.sim_pick]));
    let best = short(s.values[s.true_pick]);
    // On a phone the rows are shorter and start further left, so that they fit (375 px).
    let (rows, x) = if narrow(area, style) {
        let rows = [
            (PREDICTED, format!("simulator {sim:.0}% off: pick {pick}")),
            (REAL, format!("live network: best {best}")),
        ];
        (rows, k(24.0))
    } else {
        let rows = [
            (
                PREDICTED,
                format!("simulator ({sim:.0}% off) predicts; its pick {pick}"),
            ),
            (REAL, format!("live network; best {best}{cost}")),
        ];
        (rows, k(60.0))
    };
    for (i, (c, text)) in rows.into_iter().enumerate() {
        let y = k(14.0) + i as i32 * k(16.0);
        legend_row(area, (x, y), y - k(7.0), c, text, pal, style)?;
    }
    Ok(())
}

/// The regret after refitting on more live load (none, a day, a week, four weeks): bars for the
/// pick on the seeds' average, dots (with their 95% interval) for each seed deciding alone, and what
/// the wait cost.
fn refit_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &Summary,
    pal: &Palette,
    style: Style,
) -> Result<Frame, String> {
    // (days, regret, per-seed regret, waiting cost, per-seed waiting cost)
    let mut pts = vec![(0.0, s.regret, s.seed_regret, 0.0, 0.0)];
    pts.extend((s.refit.iter()).map(|r| {
        (
            r.days,
            r.regret,
            r.seed_regret,
            r.waiting_cost,
            r.seed_waiting_cost,
        )
    }));
    let n = pts.len() as f64;
    let highs = pts.iter().flat_map(|p| [p.1, p.2.mean, p.2.hi]);
    let (_, y1) = y_range(highs.chain([0.0]));
    let small = narrow(area, style);
    let title = if small {
        "Regret after refitting (bars: all seeds; dots: each alone)"
    } else {
        "Regret after refitting the simulator on live load (bars: one pick for all seeds; dots: each seed alone)"
    };
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * style.scale) as u32)
        .caption(title, font(pal, style, 12.0))
        .x_label_area_size((34.0 * style.scale) as u32)
        .y_label_area_size((52.0 * style.scale) as u32)
        .build_cartesian_2d(-0.5..n - 0.5, 0.0..y1 * 1.3)
        .map_err(err)?;
    let label = |x: f64| observed(pts.get(x.round().max(0.0) as usize).map_or(0.0, |p| p.0));
    theme(&mut chart.configure_mesh(), pal, style)
        .disable_x_mesh()
        .x_labels(pts.len())
        .x_label_formatter(&|x| label(*x))
        .y_desc("regret per day")
        .y_labels(5)
        .y_label_formatter(&|v| short(*v))
        .draw()
        .map_err(err)?;
    let w = 0.3;
    let bars = pts.iter().enumerate().map(|(i, p)| {
        let x = i as f64;
        Rectangle::new([(x - w, 0.0), (x + w, p.1)], PREDICTED.mix(0.55).filled())
    });
    chart.draw_series(bars).map_err(err)?;
    for (i, p) in pts.iter().enumerate() {
        let x = i as f64;
        let f = p.2;
        if f.lo.is_finite() && f.hi.is_finite() {
            let whisker = vec![(x, f.lo.max(0.0)), (x, f.hi)];
            chart
                .draw_series(std::iter::once(PathElement::new(
                    whisker,
                    pal.fg.stroke_width(sw(style, 1.5)),
                )))
                .map_err(err)?;
        }
        chart
            .draw_series(std::iter::once(Circle::new(
                (x, f.mean),
                sw(style, 4.0),
                pal.fg.filled(),
            )))
            .map_err(err)?;
    }
    let text = font(pal, style, 11.0);
    let notes = pts.iter().enumerate().skip(1).map(|(i, p)| {
        let top = p.1.max(p.2.hi.max(p.2.mean));
        let at = (
            i as f64 - w,
            if top.is_finite() { top } else { 0.0 } + y1 * 0.16,
        );
        let note = if small {
            format!("wait {}", short(p.4))
        } else {
            format!("the wait cost {} ({} alone)", short(p.3), short(p.4))
        };
        Text::new(note, at, text.clone())
    });
    chart.draw_series(notes).map_err(err)?;
    Ok(frame_of(&chart, false))
}

/// The what-if chart as SVG (the command line's `rtml whatif --svg`).
pub fn whatif_svg(s: &Summary, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_whatif(&root, s, Style::default())?;
    }
    Ok(out)
}
