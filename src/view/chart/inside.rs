//! The world panes: what each lane did to the world, on the playground's time axis (pixel for pixel
//! under the chart above it), with a cursor on the bucket the reader points at.
//!
//! - Cells: per lane a strip with one row per cell (grouped by cluster), coloured awake, asleep or
//!   overloaded; then, for one chosen cell, its load against each lane's forecast, with the sleep
//!   threshold (and the lower line forecasting lanes sleep below, after their safety margin).
//! - Ads: for the busiest user segments, a strip of the best ad for each request (by category), one
//!   of the session intents, and per lane the ad it showed most, pale where that is not the best ad.
//!
//! Drawn from [`crate::sim::inside`]'s recording; the read-out in words is [`crate::view::inside`].

use plotters::coord::Shift;
use plotters::prelude::*;

use super::panel::font;
use super::run::panel;
use super::{err, palette, sw, DrawResult, Frame, Frames, Palette, Style, LANE_COLORS};
use crate::base::units::MINUTES_PER_DAY;
use crate::sim::config::{Scenario, LANE_NAMES};
use crate::sim::experiment::{describe, Experiment};
use crate::sim::inside::{ads, cells, top_intent, Grid, Inside};
use crate::view::inside::{cell_name, per_interval};

/// Where the cursor is and which cell the cells pane follows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Pick {
    /// The bucket under the cursor (None: no cursor).
    pub at: Option<usize>,
    /// The cell shown in detail (cells).
    pub cell: usize,
}

/// Category colours (Tableau 10), repeated beyond ten categories.
const CATEGORY: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];
const ASLEEP: RGBColor = RGBColor(86, 140, 233);
const OVERLOADED: RGBColor = RGBColor(214, 39, 40);
/// CSS pixels: a legend line, a strip's title, the chosen cell's panel, the day labels under ads.
const LEGEND: f64 = 18.0;
const TITLE: f64 = 17.0;
const CELL_PANEL: f64 = 170.0;
const AXIS: f64 = 20.0;
/// The main chart's plot margins (left: margin and y labels; right), so that days line up.
const LEFT: f64 = 58.0;
const RIGHT: f64 = 22.0;

/// Height of one row of a strip, CSS pixels.
fn row_px(inside: &Inside) -> f64 {
    match inside.scenario {
        Scenario::Cells => (96.0 / inside.rows().max(1) as f64).round().clamp(2.0, 8.0),
        Scenario::Ads => 9.0,
    }
}

/// What a strip shows.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Strip {
    /// Ads: the best ad for each request (the oracle's), most shown.
    Best,
    /// Ads: the session intents.
    Intent,
    /// A lane's decisions.
    Lane(usize),
}

/// The strips drawn, top to bottom, with their titles.
fn strips(exp: &Experiment, inside: &Inside) -> Vec<(String, Strip)> {
    let mut out: Vec<(String, Strip)> = match inside.scenario {
        Scenario::Cells => Vec::new(),
        Scenario::Ads => vec![
            (
                "Best ad for each request (the oracle's), by category".into(),
                Strip::Best,
            ),
            (
                "Session intent (only online prediction sees it)".into(),
                Strip::Intent,
            ),
        ],
    };
    for (l, lane) in exp
        .config()
        .lanes
        .iter()
        .enumerate()
        .take(inside.lanes.len())
    {
        let title = format!("{}: {}", LANE_NAMES[l], describe(lane, inside.scenario));
        out.push((title, Strip::Lane(l)));
    }
    out
}

/// `text` cut to at most `n` characters, with an ellipsis when cut.
fn fit(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let mut out: String = text.chars().take(n.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The legend's items: a colour and its words.
fn legend_items(inside: &Inside, pal: &Palette) -> Vec<(RGBColor, String)> {
    match inside.scenario {
        Scenario::Cells => vec![
            (awake(pal), "awake".into()),
            (ASLEEP, "asleep".into()),
            (OVERLOADED, "overloaded".into()),
            (pal.fg, "the cell followed, marked at the left".into()),
        ],
        Scenario::Ads => {
            // Every category (colours repeat after ten: one entry names all that share it), so that
            // the legend, and the panes' height, do not change as the run goes.
            let k = inside.categories.max(1);
            let mut items: Vec<(RGBColor, String)> = (0..k.min(CATEGORY.len()))
                .map(|c| {
                    let same: Vec<String> = (c..k)
                        .step_by(CATEGORY.len())
                        .map(|x| (x + 1).to_string())
                        .collect();
                    (CATEGORY[c], format!("category {}", same.join("/")))
                })
                .collect();
            // A new line for the lanes' scale.
            items.push((pal.bg, String::new()));
            for level in 1..=5 {
                let text = match level {
                    1 => "lanes, best ad shown on 0-20%".to_string(),
                    5 => "80-100% of requests".to_string(),
                    _ => format!("{}-{}%", 20 * (level - 1), 20 * level),
                };
                items.push((hit_shade(level, pal), text));
            }
            items
        }
    }
}

/// The legend laid out in lines of at most `width` CSS pixels.
fn legend_lines(items: &[(RGBColor, String)], width: f64) -> Vec<Vec<(RGBColor, String)>> {
    let mut lines: Vec<Vec<(RGBColor, String)>> = vec![Vec::new()];
    let mut used = LEFT;
    for it in items {
        let w = 18.0 + it.1.chars().count() as f64 * 6.2 + 12.0;
        // An item without words starts a new line.
        let wrap = it.1.is_empty() || used + w > width;
        if wrap && !lines.last().expect("one").is_empty() {
            lines.push(Vec::new());
            used = LEFT;
        }
        if !it.1.is_empty() {
            used += w;
            lines.last_mut().expect("one").push(it.clone());
        }
    }
    lines
}

/// The panes' height in CSS pixels at `width` CSS pixels (0 when nothing is recorded).
pub fn height(exp: &Experiment, width: f64) -> f64 {
    let Some(inside) = exp.inside() else {
        return 0.0;
    };
    let legend = legend_lines(&legend_items(&inside, &palette(false)), width).len() as f64;
    let strip = TITLE + row_px(&inside) * inside.rows() as f64;
    let tail = match inside.scenario {
        Scenario::Cells => CELL_PANEL,
        Scenario::Ads => AXIS,
    };
    6.0 + legend * LEGEND + strips(exp, &inside).len() as f64 * strip + tail
}

/// The row of a strip under pixel row `py`, from the strip's frame (y0: rows, y1: 0).
pub fn row_under(frame: &Frame, py: f64) -> Option<usize> {
    let (top, bottom) = (frame.top as f64, frame.bottom as f64);
    if bottom <= top || !(top..bottom).contains(&py) {
        return None;
    }
    Some(((py - top) / (bottom - top) * frame.y0) as usize)
}

/// Draws the panes; returns one frame per strip (x: days; y0: its rows, y1: 0) and, for cells, the
/// chosen cell's panel last.
pub fn draw_inside<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    pick: Pick,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let Some(inside) = exp.inside() else {
        root.present().map_err(err)?;
        return Ok(Vec::new());
    };
    let pick = Pick {
        cell: pick.cell.min(inside.rows().saturating_sub(1)),
        ..pick
    };
    let (w, _) = root.dim_in_pixel();
    let s = style.scale;
    let days = exp.config().days;
    let (left, right) = ((LEFT * s) as i32, w as i32 - (RIGHT * s) as i32 - 1);
    let x_of = |day: f64| left + ((day / days).clamp(0.0, 1.0) * (right - left) as f64) as i32;
    let mut y = (6.0 * s) as i32;
    for line in legend_lines(&legend_items(&inside, &pal), w as f64 / s) {
        legend_line(root, &line, y, &pal, style)?;
        y += (LEGEND * s) as i32;
    }
    let order = row_order(&inside);
    let rh = row_px(&inside) * s;
    let filled = exp.filled();
    let bucket_days = inside.world.bucket_min / MINUTES_PER_DAY;
    let mut frames = Vec::new();
    let top_all = y;
    // Titles from the left edge, cut to the width (a phone gets the start of a long description).
    let fits = ((w as f64 / s - 12.0) / 6.2).max(8.0) as usize;
    for (title, strip) in strips(exp, &inside) {
        let at = ((6.0 * s) as i32, y + (2.0 * s) as i32);
        root.draw(&Text::new(fit(&title, fits), at, font(&pal, style, 11.0)))
            .map_err(err)?;
        y += (TITLE * s) as i32;
        let strip_top = y;
        for (i, &row) in order.iter().enumerate() {
            let (y0, y1) = (y + (i as f64 * rh) as i32, y + ((i + 1) as f64 * rh) as i32);
            let colour = |b: usize| colour_of(&inside, strip, b, row, &pal);
            runs(
                root,
                filled,
                colour,
                |b| x_of(b as f64 * bucket_days),
                (y0, y1),
            )?;
        }
        let bottom = y + (order.len() as f64 * rh) as i32;
        if inside.scenario == Scenario::Cells {
            let at = order.iter().position(|&r| r == pick.cell).unwrap_or(0);
            let my = y + ((at as f64 + 0.5) * rh) as i32;
            // A marker in the margin on the followed cell's row.
            let (x0, x1) = (left - (8.0 * s) as i32, left - (3.0 * s) as i32);
            let half = ((rh / 2.0).max(2.0 * s)) as i32;
            root.draw(&Rectangle::new(
                [(x0, my - half), (x1, my + half)],
                pal.fg.filled(),
            ))
            .map_err(err)?;
            cluster_labels(root, &inside, &order, (strip_top, rh), &pal, style)?;
        }
        frames.push(Frame {
            left,
            right,
            top: strip_top,
            bottom,
            x0: 0.0,
            x1: days,
            y0: order.len() as f64,
            y1: 0.0,
            log_x: false,
        });
        y = bottom;
    }
    let cursor_x = pick
        .at
        .filter(|&b| b < filled)
        .map(|b| x_of((b as f64 + 0.5) * bucket_days));
    if let Some(x) = cursor_x {
        root.draw(&PathElement::new(
            vec![(x, top_all), (x, y)],
            pal.fg.mix(0.85).stroke_width(sw(style, 1.5)),
        ))
        .map_err(err)?;
    }
    match inside.scenario {
        Scenario::Cells => {
            let (_, rest) = root.split_vertically(y as u32);
            frames.push(cell_panel(&rest, exp, &inside, pick, style)?);
        }
        Scenario::Ads => day_labels(root, days, (left, right), y, &pal, style)?,
    }
    root.present().map_err(err)?;
    Ok(frames)
}

/// The row (a cell, or a segment row) drawn at position `i` of a strip.
pub fn row_at(inside: &Inside, i: usize) -> usize {
    row_order(inside).get(i).copied().unwrap_or(0)
}

/// Rows in drawing order: cells grouped by cluster; segments busiest first.
fn row_order(inside: &Inside) -> Vec<usize> {
    let rows = 0..inside.rows();
    if inside.scenario == Scenario::Ads {
        return rows.collect();
    }
    // By cluster, then cell (no sort: four clusters).
    let group = |c: usize| inside.row_group.get(c).copied().unwrap_or(0) % 4;
    (0..4)
        .flat_map(|k| rows.clone().filter(move |&c| group(c) == k))
        .collect()
}

/// The colour of `row` in bucket `b` of a strip, None where it is empty.
fn colour_of(
    inside: &Inside,
    strip: Strip,
    b: usize,
    row: usize,
    pal: &Palette,
) -> Option<RGBColor> {
    let w = inside.world.get(b, row);
    match inside.scenario {
        Scenario::Cells => {
            let Strip::Lane(l) = strip else { return None };
            let x = inside.lanes[l].get(b, row);
            let n = w[cells::INTERVALS];
            if n == 0.0 {
                return None;
            }
            if x[cells::OVERLOADED] > 0.0 {
                return Some(OVERLOADED);
            }
            let awake = awake(pal);
            // Three shades of asleep: a third, two thirds, all of the bucket.
            let level = (3.0 * x[cells::ASLEEP] / n).ceil() / 3.0;
            Some(blend(awake, ASLEEP, level as f64))
        }
        Scenario::Ads => {
            if w[ads::REQUESTS] == 0.0 {
                return None;
            }
            let cat = |c: f32| CATEGORY[c as usize % CATEGORY.len()];
            match strip {
                Strip::Best => Some(cat(w[ads::BEST_CATEGORY])),
                Strip::Intent => Some(cat(top_intent(w).0 as f32)),
                Strip::Lane(l) => {
                    let x = inside.lanes[l].get(b, row);
                    if x[ads::SHOWN] == 0.0 {
                        return None;
                    }
                    // Five shades: the share of requests shown the best ad, by fifths.
                    let level = ((x[ads::HITS] / x[ads::SHOWN]) * 5.0)
                        .ceil()
                        .clamp(1.0, 5.0) as usize;
                    Some(hit_shade(level, pal))
                }
            }
        }
    }
}

/// An awake cell's colour.
fn awake(pal: &Palette) -> RGBColor {
    if pal.bg == WHITE {
        RGBColor(214, 218, 224)
    } else {
        RGBColor(70, 74, 84)
    }
}

/// The shade of a lane's share of requests shown the best ad, `level` 1 (0-20%) to 5 (80-100%).
fn hit_shade(level: usize, pal: &Palette) -> RGBColor {
    let (from, to) = if pal.bg == WHITE {
        (RGBColor(236, 238, 242), RGBColor(0, 98, 84))
    } else {
        (RGBColor(48, 52, 60), RGBColor(96, 214, 180))
    };
    blend(from, to, (level as f64 - 0.5) / 5.0)
}

fn blend(a: RGBColor, b: RGBColor, t: f64) -> RGBColor {
    let m = |x: u8, y: u8| (x as f64 + (y as f64 - x as f64) * t).round() as u8;
    RGBColor(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// One strip row: runs of buckets of the same colour as one rectangle each.
fn runs<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    filled: usize,
    colour: impl Fn(usize) -> Option<RGBColor>,
    x_at: impl Fn(usize) -> i32,
    (y0, y1): (i32, i32),
) -> DrawResult {
    let mut b = 0;
    while b < filled {
        let c = colour(b);
        let mut e = b + 1;
        while e < filled && colour(e) == c {
            e += 1;
        }
        if let Some(c) = c {
            root.draw(&Rectangle::new(
                [(x_at(b), y0), (x_at(e).max(x_at(b) + 1), y1.max(y0 + 1))],
                c.filled(),
            ))
            .map_err(err)?;
        }
        b = e;
    }
    Ok(())
}

fn legend_line<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    items: &[(RGBColor, String)],
    y: i32,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let s = style.scale;
    let mut x = (LEFT * s) as i32;
    for (c, text) in items {
        root.draw(&Rectangle::new(
            [
                (x, y + (2.0 * s) as i32),
                (x + (12.0 * s) as i32, y + (12.0 * s) as i32),
            ],
            c.filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            text.clone(),
            (x + (17.0 * s) as i32, y + (1.0 * s) as i32),
            font(pal, style, 11.0),
        ))
        .map_err(err)?;
        x += ((30.0 + text.chars().count() as f64 * 6.2) * s) as i32;
    }
    Ok(())
}

/// Cluster names in the left margin, where a cluster's rows are tall enough for them.
fn cluster_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    inside: &Inside,
    order: &[usize],
    (top, rh): (i32, f64),
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let s = style.scale;
    let mut i = 0;
    while i < order.len() {
        let k = inside.row_group.get(order[i]).copied().unwrap_or(0);
        let n = order[i..]
            .iter()
            .take_while(|&&c| inside.row_group.get(c) == Some(&k))
            .count();
        if n as f64 * rh >= 10.0 * s {
            let y = top + ((i as f64 + n as f64 / 2.0) * rh - 5.0 * s) as i32;
            let name = crate::sim::cells::CLUSTERS[k % 4];
            root.draw(&Text::new(
                name,
                ((2.0 * s) as i32, y),
                font(pal, style, 9.0).color(&pal.fg.mix(0.75)),
            ))
            .map_err(err)?;
        }
        i += n.max(1);
    }
    Ok(())
}

/// "day N" labels under the last strip (ads, which has no panel below).
fn day_labels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    days: f64,
    (left, right): (i32, i32),
    y: i32,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let n = ((right - left) as f64 / (60.0 * style.scale)).clamp(1.0, days.max(1.0)) as usize;
    for i in 0..=n {
        let day = (days * i as f64 / n as f64).round();
        let x = left + ((day / days) * (right - left) as f64) as i32;
        let text = format!("day {day}");
        let shift = (text.len() as f64 * 3.0 * style.scale) as i32;
        root.draw(&Text::new(
            text,
            (x - shift, y + (4.0 * style.scale) as i32),
            font(pal, style, 11.0),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// The chosen cell's load and each lane's forecast, per bucket (means over its intervals).
fn cell_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    exp: &Experiment,
    inside: &Inside,
    pick: Pick,
    style: Style,
) -> Result<Frame, String> {
    let g: &Grid = inside.world;
    let cell = pick.cell.min(g.rows.saturating_sub(1));
    let filled = exp.filled();
    let bucket_days = g.bucket_min / MINUTES_PER_DAY;
    let mean = |grid: &Grid, f: usize, b: usize| per_interval(g, b, cell, grid.get(b, cell)[f]);
    let series = |grid: &Grid, f: usize| -> Vec<(f64, f64)> {
        (0..filled)
            .filter_map(|b| {
                mean(grid, f, b)
                    .filter(|v| v.is_finite())
                    .map(|v| ((b as f64 + 0.5) * bucket_days, v.clamp(-0.5, 3.0)))
            })
            .collect()
    };
    let load = series(g, cells::LOAD);
    let forecasts: Vec<Vec<(f64, f64)>> = inside
        .lanes
        .iter()
        .map(|l| series(l, cells::FORECAST))
        .collect();
    let hi = (load.iter().chain(forecasts.iter().flatten()))
        .map(|p| p.1)
        .fold(inside.threshold * 1.3, f64::max);
    let lo = (load.iter().chain(forecasts.iter().flatten()))
        .map(|p| p.1)
        .fold(0.0, f64::min);
    let title = format!("{}: load (thick) and forecasts", cell_name(inside, cell));
    let pal = palette(style.dark);
    let t = inside.threshold;
    panel(
        area,
        &title,
        exp.config().days,
        (lo, hi * 1.05),
        4,
        style,
        |chart| {
            let days = exp.config().days;
            for (y, width) in [(t, 1.5), (t - inside.margin, 1.0)] {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(0.0, y), (days, y)],
                        pal.event.stroke_width(sw(style, width)),
                    )))
                    .map_err(err)?;
            }
            for (l, f) in forecasts.iter().enumerate() {
                chart
                    .draw_series(LineSeries::new(
                        f.iter().copied(),
                        LANE_COLORS[l % 4].stroke_width(sw(style, 1.5)),
                    ))
                    .map_err(err)?;
            }
            chart
                .draw_series(LineSeries::new(
                    load.iter().copied(),
                    pal.fg.stroke_width(sw(style, 2.0)),
                ))
                .map_err(err)?;
            if let Some(b) = pick.at.filter(|&b| b < filled) {
                let x = (b as f64 + 0.5) * bucket_days;
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        vec![(x, lo), (x, hi * 1.05)],
                        pal.fg.mix(0.85).stroke_width(sw(style, 1.5)),
                    )))
                    .map_err(err)?;
            }
            Ok(())
        },
    )
}

/// The panes as an SVG document (the command line's `--world-svg`).
pub fn inside_svg(exp: &Experiment, width: u32, pick: Pick) -> Result<String, String> {
    let height = height(exp, width as f64).ceil().max(1.0) as u32;
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_inside(&root, exp, pick, Style::default())?;
    }
    Ok(out)
}
