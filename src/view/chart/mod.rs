//! The charts, drawn by plotters on any backend: a canvas in the page (plotters-canvas) and SVG on the
//! command line draw the very same picture.
//!
//! - [`run`]: the playground's chart (the metric per lane, the outcome against lane A, a timeline).
//! - [`sweep`]: the freshness sweep (share of the gap kept against the interval and the cost).
//! - [`answer`]: the freshness map per scenario, or a slice of it along either axis.
//! - [`replay`]: a replayed file's metrics along the file.
//! - [`whatif`]: the what-if evaluation (predicted and real outcome against a policy knob).
//! - [`breakeven`]: the streaming stack's yearly cost against fresh inputs' value on a network.
//! - `panel`: what they share (grid and axis theme, legend rows, plot geometry); `legend`: the run
//!   chart's legend, laid out for the room it has.
//!
//! Every drawing function returns the [`Frame`] of each panel it drew: where the plot area lies on
//! the canvas and what data it spans. The code that draws owns the geometry; the page asks Rust which
//! time is under the pointer instead of repeating margins.

pub mod answer;
pub mod breakeven;
pub mod inside;
mod legend;
mod panel;
pub mod replay;
pub mod run;
pub mod spread;
pub mod sweep;
pub mod trace;
pub mod whatif;

use plotters::prelude::*;
use serde::Serialize;

pub use answer::{answer_svg, draw_answer, AnswerSlice};
pub use inside::{draw_inside, inside_svg, Pick};
pub use replay::draw_replay;
pub use run::{bucket_under, draw, layout, outcome_of, svg, PANELS};
pub use spread::{draw_spread, spread_svg};
pub use sweep::{draw_sweep, sweep_svg};
pub use trace::{draw_trace, trace_svg};
pub use whatif::{draw_whatif, whatif_svg};

/// Lane colours (colour-blind safe: Okabe-Ito blue, vermillion, bluish green, reddish purple).
pub const LANE_COLORS: [RGBColor; 4] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
];
/// The same colours as CSS hex, for the page.
pub const LANE_CSS: [&str; 4] = ["#0072b2", "#d55e00", "#009e73", "#cc79a7"];

/// How to draw.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// Device pixels per CSS pixel: fonts and strokes scale with it.
    pub scale: f64,
    pub dark: bool,
    /// Cumulative instead of windowed metric.
    pub cumulative: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style {
            scale: 1.0,
            dark: false,
            cumulative: false,
        }
    }
}

/// Where one panel's plot area lies on the drawing (in the backend's pixels: device pixels on a
/// canvas) and the data range it spans: plotters' coordinate mapping as plain data, which the page
/// keeps between frames (as `ChartContext::into_coord_trans` would, but storable).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Frame {
    /// Pixel column of the x range's start.
    pub left: i32,
    /// Pixel column of the x range's end.
    pub right: i32,
    /// Pixel row of the y range's end (the top of the plot area).
    pub top: i32,
    /// Pixel row of the y range's start (the bottom of the plot area).
    pub bottom: i32,
    /// The x range: days (run chart), hours (sweep), examples or hours (replay).
    pub x0: f64,
    pub x1: f64,
    /// The y range.
    pub y0: f64,
    pub y1: f64,
    /// The x axis is logarithmic.
    pub log_x: bool,
}

impl Frame {
    /// The data x under pixel column `px` (fractional pixels allowed), `None` outside the plot area.
    pub fn x_at(&self, px: f64) -> Option<f64> {
        let (l, r) = (self.left as f64, self.right as f64);
        if r <= l || !(l..=r).contains(&px) {
            return None;
        }
        let t = (px - l) / (r - l);
        Some(if self.log_x {
            (self.x0.ln() + t * (self.x1.ln() - self.x0.ln())).exp()
        } else {
            self.x0 + t * (self.x1 - self.x0)
        })
    }

    /// The pixel column of data `x` (before plotters rounds it down to a whole pixel).
    pub fn px_at(&self, x: f64) -> f64 {
        let t = if self.log_x {
            (x.ln() - self.x0.ln()) / (self.x1.ln() - self.x0.ln())
        } else {
            (x - self.x0) / (self.x1 - self.x0)
        };
        self.left as f64 + t * (self.right - self.left) as f64
    }
}

pub(crate) struct Palette {
    bg: RGBColor,
    fg: RGBColor,
    grid: RGBColor,
    event: RGBColor,
}

fn palette(dark: bool) -> Palette {
    if dark {
        Palette {
            bg: RGBColor(24, 26, 31),
            fg: RGBColor(220, 223, 228),
            grid: RGBColor(60, 64, 72),
            event: RGBColor(150, 150, 160),
        }
    } else {
        Palette {
            bg: WHITE,
            fg: RGBColor(30, 32, 36),
            grid: RGBColor(225, 228, 233),
            event: RGBColor(120, 120, 130),
        }
    }
}

type DrawResult = Result<(), String>;

/// What a chart returns: the frame of each panel, top to bottom.
pub type Frames = Result<Vec<Frame>, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart: {e:?}")
}

fn y_range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo <= 1e-9 * hi.abs().max(lo.abs()).max(1.0) {
        // A flat series (every retrain count 0): a range around it that its labels can tell apart,
        // not a nanometre whose ticks all read 0.000.
        let half = if hi == 0.0 { 1.0 } else { hi.abs() * 0.5 };
        return (lo - half, hi + half);
    }
    let pad = ((hi - lo) * 0.08)
        .max(hi.abs().max(lo.abs()) * 1e-3)
        .max(1e-9);
    (lo - pad, hi + pad)
}

fn px(style: Style, v: f64) -> f64 {
    v * style.scale
}

fn sw(style: Style, v: f64) -> u32 {
    (v * style.scale).round().max(1.0) as u32
}

/// A reader's mark on a panel already drawn: a vertical line at data `x` across `frame`'s plot area
/// (the essay's scrubbed setting on the what-if chart). Nothing is drawn outside the x range.
pub fn mark_x<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    frame: &Frame,
    x: f64,
    style: Style,
) -> DrawResult {
    let (lo, hi) = (frame.x0.min(frame.x1), frame.x0.max(frame.x1));
    if !x.is_finite() || x < lo || x > hi {
        return Ok(());
    }
    let px = frame.px_at(x).round() as i32;
    let pal = palette(style.dark);
    root.draw(&PathElement::new(
        vec![(px, frame.top), (px, frame.bottom)],
        pal.fg.mix(0.7).stroke_width(sw(style, 2.0)),
    ))
    .map_err(err)?;
    root.present().map_err(err)
}

/// A compact axis label: 1.2k, 35, 0.031.
pub fn short(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.1}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 1.0 {
        format!("{v:.1}")
    } else if a < 1e-12 {
        "0".into()
    } else if a < 1e-4 {
        // Tiny ticks in two significant digits (`2.5e-5`): three decimals would all read 0.000.
        format!("{v:.1e}")
    } else if a < 0.01 {
        crate::base::units::fmt_figure(Some(v), 2)
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(log_x: bool) -> Frame {
        Frame {
            left: 58,
            right: 977,
            top: 30,
            bottom: 300,
            x0: if log_x { 0.01 } else { 0.0 },
            x1: if log_x { 1000.0 } else { 14.0 },
            y0: 0.0,
            y1: 1.0,
            log_x,
        }
    }

    #[test]
    fn a_flat_or_tiny_series_has_tick_labels_that_differ() {
        for values in [
            [0.0, 0.0],
            [0.25, 0.25],
            [12000.0, 12000.0],
            [-3.0, -3.0],
            [1e-4, 3e-4],
            [2e-4, 1.3e-3],
            [-2e-5, 2e-5],
        ] {
            let (lo, hi) = y_range(values.into_iter());
            assert!(lo < values[0] && hi > values[1], "{values:?}: {lo} {hi}");
            let labels: Vec<String> = (0..=8)
                .map(|i| short(lo + (hi - lo) * i as f64 / 8.0))
                .collect();
            let mut distinct = labels.clone();
            distinct.dedup();
            assert_eq!(distinct.len(), labels.len(), "{values:?}: {labels:?}");
        }
        assert_eq!(short(0.0), "0");
        assert_eq!(short(-0.0), "0");
        assert_eq!(short(2.5e-5), "2.5e-5");
        assert_eq!(short(7.5e-4), "0.00075");
        assert_eq!(short(0.012), "0.012");
    }

    #[test]
    fn pixels_map_to_data_and_back() {
        for log_x in [false, true] {
            let f = frame(log_x);
            assert!((f.x_at(58.0).unwrap() - f.x0).abs() < 1e-12 * f.x1);
            assert!((f.x_at(977.0).unwrap() - f.x1).abs() < 1e-12 * f.x1);
            assert_eq!(f.x_at(57.9), None);
            assert_eq!(f.x_at(977.1), None);
            assert_eq!(f.x_at(f64::NAN), None);
            for px in [60.0, 300.5, 900.25] {
                let x = f.x_at(px).unwrap();
                assert!((f.px_at(x) - px).abs() < 1e-6, "{log_x} {px} -> {x}");
            }
        }
        // Linear: the middle pixel is the middle day; logarithmic: the geometric mean.
        assert!((frame(false).x_at(517.5).unwrap() - 7.0).abs() < 1e-12);
        assert!((frame(true).x_at(517.5).unwrap() - (0.01f64 * 1000.0).sqrt()).abs() < 1e-9);
    }
}
