//! The answer's chart: the freshness map of each scenario (rows: prediction freshness; columns: model
//! freshness; each cell coloured by the share of the ML system's value it loses, "n.m." where the loss
//! is not measurable), or a slice of it along either axis (the 1-D sweep) on the same scale.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::panel::{font, frame_of, legend_row, theme};
use super::{err, palette, px, sw, DrawResult, Frames, Palette, Style, LANE_COLORS};
use crate::base::echo::counted;
use crate::base::units::fmt_figure;
use crate::sim::config::Scenario;
use crate::study::answer::{Answer, Map};

/// What to draw: the map, or a slice along the prediction axis (column "continual") or the model
/// axis (row "online").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerSlice {
    Map,
    Refresh,
    Every,
}

impl AnswerSlice {
    /// `map`, `refresh` or `every` (anything else: the map).
    pub fn parse(s: &str) -> AnswerSlice {
        match s {
            "refresh" => AnswerSlice::Refresh,
            "every" => AnswerSlice::Every,
            _ => AnswerSlice::Map,
        }
    }
}

const LOSS: RGBColor = RGBColor(213, 94, 0);
const GAIN: RGBColor = RGBColor(0, 114, 178);

fn name(m: &Map) -> &'static str {
    match m.scenario {
        Scenario::Ads => "Ads",
        Scenario::Cells => "Cells",
    }
}

/// Draws the answer on `root`: the maps (side by side when the area is wide, else stacked) or a slice.
pub fn draw_answer<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Answer,
    view: AnswerSlice,
    style: Style,
) -> Frames {
    let pal = palette(style.dark);
    root.fill(&pal.bg).map_err(err)?;
    let maps: Vec<&Map> = a.maps.iter().filter(|m| m.seeds > 0).collect();
    if maps.is_empty() {
        root.present().map_err(err)?;
        return Ok(Vec::new());
    }
    let frames = if view == AnswerSlice::Map {
        for k in 0..maps.len() {
            draw_map(root, a, k, style)?;
        }
        Vec::new()
    } else {
        vec![slice(root, &maps, view, &pal, style)?]
    };
    root.present().map_err(err)?;
    Ok(frames)
}

/// Draws only the `k`-th map of the map view in its place (the others are left as they are), so that
/// the page can draw the maps in separate short tasks. Nothing is drawn for a `k` out of range.
pub fn draw_map<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    a: &Answer,
    k: usize,
    style: Style,
) -> Result<(), String> {
    let pal = palette(style.dark);
    let maps: Vec<&Map> = a.maps.iter().filter(|m| m.seeds > 0).collect();
    let (w, h) = root.dim_in_pixel();
    let areas = if w as f64 >= 1.25 * h as f64 {
        root.split_evenly((1, maps.len()))
    } else {
        root.split_evenly((maps.len(), 1))
    };
    if let (Some(m), Some(area)) = (maps.get(k), areas.get(k)) {
        area.fill(&pal.bg).map_err(err)?;
        heatmap(area, m, &pal, style)?;
        root.present().map_err(err)?;
    }
    Ok(())
}

/// A cell's colour: the share lost, from the background (0) to full vermillion (100% or more); gains
/// in blue; the background where the loss is not measurable.
fn shade(share: Option<f64>, pal: &Palette) -> RGBColor {
    let Some(s) = share else { return pal.bg };
    let (c, t) = if s >= 0.0 { (LOSS, s) } else { (GAIN, -s) };
    let t = 0.12 + 0.78 * t.clamp(0.0, 1.0);
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * t).round() as u8;
    RGBColor(mix(pal.bg.0, c.0), mix(pal.bg.1, c.1), mix(pal.bg.2, c.2))
}

/// Black or white text, whichever reads on `bg`.
fn ink(bg: RGBColor) -> RGBColor {
    let l = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if l > 140.0 {
        RGBColor(20, 20, 24)
    } else {
        RGBColor(245, 245, 248)
    }
}

/// A map as drawn: its two title lines, and per row and column its label; each cell's text and
/// tone (the share lost, coloured by [`shade`]; `None`: the background). The answer's maps and a
/// trace's map ([`super::trace`]) are drawn by [`draw_grid`] from one.
pub struct Grid {
    pub title: String,
    pub subtitle: String,
    /// What the rows are (`predictions`, `inputs`).
    pub rows_head: &'static str,
    pub rows: Vec<String>,
    pub cols: Vec<String>,
    pub cells: Vec<Vec<(String, Option<f64>)>>,
    /// Per cell, whether it is within the noise of its neighbour to the right and below: an "≈" is
    /// drawn on that border, so a reader does not read a ranking into it (empty: no marks).
    pub near: Vec<Vec<(bool, bool)>>,
}

/// The grid of one scenario's map (a trace's money map too).
pub(super) fn grid_of(m: &Map) -> Grid {
    // Without a share (no measurable ML value), colour by money against the largest loss.
    let scale = (m.cells.iter().flatten())
        .filter(|c| c.lost.measurable)
        .map(|c| c.lost.mean.abs())
        .fold(0.0f64, f64::max);
    let cells = (m.cells.iter().enumerate())
        .map(|(r, row)| {
            (row.iter().enumerate())
                .map(|(c, cell)| {
                    let tone = cell.share.or_else(|| {
                        (cell.lost.measurable && scale > 0.0).then(|| cell.lost.mean / scale)
                    });
                    let text = match cell.share {
                        _ if r == 0 && c == 0 => "ref.".to_string(),
                        Some(v) => format!("{}%", fmt_figure(Some(100.0 * v), 2)),
                        None if cell.lost.measurable => fmt_figure(Some(cell.lost.mean), 2),
                        None => "n.m.".into(),
                    };
                    (text, tone)
                })
                .collect()
        })
        .collect();
    let what = if m.ml.measurable && m.ml.mean > 0.0 {
        "share of its ML value lost".to_string()
    } else {
        format!("value lost, {}", m.unit)
    };
    let n = |d: &crate::study::answer::stats::Diff| {
        if d.measurable {
            fmt_figure(Some(d.mean), 3)
        } else {
            "n.m.".into()
        }
    };
    let ml = format!(
        "ML vs no ML {}, vs rule {} {}",
        n(&m.ml),
        n(&m.ml_over_rule),
        m.unit
    );
    let seeds = counted(m.seeds, m.per);
    let near = (m.cells.iter())
        .map(|row| {
            (row.iter())
                .map(|c| (c.apart_right == Some(false), c.apart_below == Some(false)))
                .collect()
        })
        .collect();
    Grid {
        title: format!("{}: {what}", name(m)),
        subtitle: format!("{ml}; {seeds}"),
        rows_head: "predictions",
        rows: m.rows.clone(),
        cols: m.cols.clone(),
        cells,
        near,
    }
}

/// One scenario's map in `area`.
fn heatmap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    m: &Map,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    draw_grid(area, &grid_of(m), pal, style)
}

/// A map in `area`: the titles, the axis headings, a cell per row and column.
pub(super) fn draw_grid<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &Grid,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let (w, h) = area.dim_in_pixel();
    let s = style.scale;
    let (left, top) = ((62.0 * s) as i32, (74.0 * s) as i32);
    let (right, bottom) = (w as i32 - (8.0 * s) as i32, h as i32 - (8.0 * s) as i32);
    let (nr, nc) = (g.rows.len() as i32, g.cols.len() as i32);
    if nr == 0 || nc == 0 || right <= left || bottom <= top {
        return Ok(());
    }
    let (cw, ch) = ((right - left) / nc, (bottom - top) / nr);
    headings(area, g, (left, right, top), cw, pal, style)?;
    for (r, row) in g.cells.iter().enumerate() {
        let y = top + r as i32 * ch;
        let label = Text::new(
            g.rows[r].clone(),
            ((6.0 * s) as i32, y + ch / 2),
            font(pal, style, 10.5).pos(Pos::new(HPos::Left, VPos::Center)),
        );
        area.draw(&label).map_err(err)?;
        for (c, (text, tone)) in row.iter().enumerate() {
            let x = left + c as i32 * cw;
            let bg = shade(*tone, pal);
            area.draw(&Rectangle::new([(x, y), (x + cw, y + ch)], bg.filled()))
                .map_err(err)?;
            area.draw(&Rectangle::new(
                [(x, y), (x + cw, y + ch)],
                pal.grid.stroke_width(sw(style, 1.0)),
            ))
            .map_err(err)?;
            let size = if cw as f64 > 54.0 * s { 12.0 } else { 10.5 };
            let centre = Pos::new(HPos::Center, VPos::Center);
            let fg = ink(bg);
            let t = Text::new(
                text.clone(),
                (x + cw / 2, y + ch / 2),
                font(pal, style, size).color(&fg).pos(centre),
            );
            area.draw(&t).map_err(err)?;
        }
    }
    // "≈" on the border between two neighbours that are not measurably apart: no ranking to read.
    let near = font(pal, style, 10.0).pos(Pos::new(HPos::Center, VPos::Center));
    for (r, row) in g.near.iter().enumerate() {
        for (c, &(right, below)) in row.iter().enumerate() {
            let (x, y) = (left + c as i32 * cw, top + r as i32 * ch);
            let mark = |at: (i32, i32)| area.draw(&Text::new("≈", at, near.clone()));
            if right {
                mark((x + cw, y + ch / 2)).map_err(err)?;
            }
            if below {
                mark((x + cw / 2, y + ch)).map_err(err)?;
            }
        }
    }
    Ok(())
}

/// The map's title lines and axis headings.
fn headings<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    g: &Grid,
    (left, right, top): (i32, i32, i32),
    cw: i32,
    pal: &Palette,
    style: Style,
) -> DrawResult {
    let s = style.scale;
    let f = |size: f64| font(pal, style, size);
    let title = Text::new(
        g.title.clone(),
        ((8.0 * s) as i32, (6.0 * s) as i32),
        f(13.0),
    );
    area.draw(&title).map_err(err)?;
    area.draw(&Text::new(
        g.subtitle.clone(),
        ((8.0 * s) as i32, (24.0 * s) as i32),
        f(11.0),
    ))
    .map_err(err)?;
    let model = Text::new(
        "model updated",
        (left + (right - left) / 2, (40.0 * s) as i32),
        f(10.5).pos(Pos::new(HPos::Center, VPos::Top)),
    );
    area.draw(&model).map_err(err)?;
    area.draw(&Text::new(
        g.rows_head,
        ((4.0 * s) as i32, top - (14.0 * s) as i32),
        f(10.5),
    ))
    .map_err(err)?;
    for (c, label) in g.cols.iter().enumerate() {
        let x = left + c as i32 * cw + cw / 2;
        let text = if label == "continual" { "cont." } else { label };
        let t = Text::new(
            text.to_string(),
            (x, top - (4.0 * s) as i32),
            f(10.5).pos(Pos::new(HPos::Center, VPos::Bottom)),
        );
        area.draw(&t).map_err(err)?;
    }
    Ok(())
}

/// A slice's point: x, share lost, its interval, measurable.
type SlicePoint = (f64, f64, f64, f64, bool);

/// The x position of a staleness: online / continual at the left, frozen at the right.
const X_FRESH: f64 = 0.5 / 60.0;
const X_FROZEN: f64 = 720.0;

fn x_of(h: f64) -> f64 {
    if h <= 0.0 {
        X_FRESH
    } else if h.is_finite() {
        h
    } else {
        X_FROZEN
    }
}

fn x_label(h: f64, view: AnswerSlice) -> String {
    if h <= X_FRESH * 1.01 {
        if view == AnswerSlice::Refresh {
            "online"
        } else {
            "cont."
        }
        .into()
    } else if h >= X_FROZEN * 0.99 {
        "frozen".into()
    } else {
        crate::base::units::fmt_duration(h, crate::base::units::TimeUnit::Hour)
    }
}

/// The points of a slice: (x, share, lo, hi, measurable) for each row (column `continual`) or each
/// column (row `online`), as shares of the ML system's value.
fn slice_points(m: &Map, view: AnswerSlice) -> Vec<SlicePoint> {
    let ml = m.ml.mean;
    if !(m.ml.measurable && ml > 0.0) || m.cells.is_empty() {
        return Vec::new();
    }
    let cells: Vec<(f64, &crate::study::answer::Cell)> = match view {
        AnswerSlice::Refresh => (m.cells.iter().zip(&m.row_hours))
            .map(|(r, &h)| (h, &r[0]))
            .collect(),
        _ => (m.cells[0].iter().zip(&m.col_hours))
            .map(|(c, &h)| (h, c))
            .collect(),
    };
    cells
        .into_iter()
        .map(|(h, c)| {
            let (lo, hi) = if c.lost.lo.is_finite() {
                (c.lost.lo / ml, c.lost.hi / ml)
            } else {
                (f64::NAN, f64::NAN)
            };
            (x_of(h), c.lost.mean / ml, lo, hi, c.lost.measurable)
        })
        .collect()
}

/// One axis of the map as a line per scenario, with its 95% band; hollow points are not measurable.
fn slice<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    maps: &[&Map],
    view: AnswerSlice,
    pal: &Palette,
    style: Style,
) -> Result<super::Frame, String> {
    let pts: Vec<Vec<SlicePoint>> = maps.iter().map(|m| slice_points(m, view)).collect();
    let ys = pts.iter().flatten().flat_map(|p| [p.1, p.2, p.3]);
    let (y0, y1) = super::y_range(ys.chain([0.0, 0.1]));
    let (title, xdesc) = match view {
        AnswerSlice::Refresh => (
            "Share of the ML value lost by stale predictions (model: continual)",
            "batch refresh period (log scale)",
        ),
        _ => (
            "Share of the ML value lost by a stale model (predictions: online)",
            "model update interval (log scale)",
        ),
    };
    let mut chart = ChartBuilder::on(area)
        .margin((8.0 * style.scale) as u32)
        .caption(title, font(pal, style, 13.0))
        .x_label_area_size((34.0 * style.scale) as u32)
        .y_label_area_size((48.0 * style.scale) as u32)
        .build_cartesian_2d((X_FRESH * 0.8..X_FROZEN * 1.25).log_scale(), y0..y1)
        .map_err(err)?;
    theme(&mut chart.configure_mesh(), pal, style)
        .x_desc(xdesc)
        .x_label_formatter(&|h| x_label(*h, view))
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .draw()
        .map_err(err)?;
    for (i, p) in pts.iter().enumerate() {
        let c = LANE_COLORS[i % 4];
        let ok: Vec<&SlicePoint> = p.iter().filter(|q| q.2.is_finite()).collect();
        let mut band: Vec<(f64, f64)> = ok.iter().map(|q| (q.0, q.3)).collect();
        band.extend(ok.iter().rev().map(|q| (q.0, q.2)));
        chart
            .draw_series(std::iter::once(Polygon::new(band, c.mix(0.15).filled())))
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                p.iter().map(|q| (q.0, q.1)),
                c.stroke_width(sw(style, 2.0)),
            ))
            .map_err(err)?;
        chart
            .draw_series(p.iter().map(|q| {
                let st = if q.4 {
                    c.filled()
                } else {
                    c.stroke_width(sw(style, 1.5))
                };
                Circle::new((q.0, q.1), sw(style, 3.5), st)
            }))
            .map_err(err)?;
    }
    let frame = frame_of(&chart, true);
    let x0 = frame.left + px(style, 10.0) as i32;
    for (i, m) in maps.iter().enumerate() {
        let y = frame.top + px(style, 12.0 + 16.0 * i as f64) as i32;
        let text = if pts[i].is_empty() {
            format!("{}: no measurable ML value, no share", name(m))
        } else {
            format!(
                "{} ({}; hollow: no measurable difference)",
                name(m),
                counted(m.seeds, "seed")
            )
        };
        legend_row(
            area,
            (x0, y),
            y - px(style, 7.0) as i32,
            LANE_COLORS[i % 4],
            text,
            pal,
            style,
        )?;
    }
    Ok(frame)
}

/// The map as SVG (the command line's `rtml answer --svg`).
pub fn answer_svg(a: &Answer, width: u32, height: u32) -> Result<String, String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_answer(&root, a, AnswerSlice::Map, Style::default())?;
    }
    Ok(out)
}
