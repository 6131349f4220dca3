//! The only module that knows wasm-bindgen, web-sys, js-sys and serde-wasm-bindgen.
//!
//! JavaScript holds one opaque [`Playground`] handle and makes a few calls per frame (`run_for`,
//! `draw`); long-lived data stays in Rust. Every entry point is total: bad input becomes a notice or an
//! error string, never a panic (a panic would kill the page).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;

use crate::base::json::{json_num, map_of, object_of};
use crate::base::units::{fmt_duration, fmt_figure, TimeUnit, MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::sim::config::{Scenario, LANE_NAMES};
use crate::sim::cost::{self, Cost};
use crate::sim::experiment::Experiment;
use crate::sim::knobs::{KNOBS, LANE_KNOBS};
use crate::sim::series::metric;
use crate::view::chart::{self, Frame, Style, LANE_CSS};
use crate::view::controls;
use crate::view::state::State;

// The world panes (`src/wasm/inside.rs`), every study (`src/wasm/study.rs`).
mod inside;
mod study;
pub use study::{replay_cost, study_cost, study_run, study_tasks, StudyView};

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The page's engine: its state (what the URL says) and the running experiment.
#[wasm_bindgen]
pub struct Playground {
    state: State,
    exp: Experiment,
    notices: Vec<String>,
    /// The panels of the chart last drawn (device pixels), for the hover read-out.
    frames: Vec<Frame>,
    /// The world panes' strips last drawn (device pixels).
    inside_frames: Vec<Frame>,
    /// Why the configuration is not run until confirmed (over the page's time or memory budget):
    /// `exp` is then a small placeholder that is never run.
    held: Option<String>,
    /// The workers an ads run's lanes run in (`set_lane_workers`; 1: none).
    lane_workers: u32,
}

/// The cost of a configuration in the page (WebAssembly, its lanes in `lane_workers` workers), and
/// why it is held, if it is.
fn page_cost(state: &State, lane_workers: u32) -> (Cost, Option<String>) {
    let cost = cost::page(&state.config, lane_workers as usize);
    let why = cost.over(cost::PAGE_SECONDS, cost::PAGE_BYTES);
    (cost, why)
}

/// The experiment of `state`, or a placeholder and the reason when it is over the page's budget.
fn build_checked(state: &State, lane_workers: u32) -> (Experiment, Option<String>) {
    match page_cost(state, lane_workers).1 {
        None => (build(state), None),
        Some(why) => {
            // The same lanes and horizon (the chart's legend and axis), never run, with small
            // models so that building it allocates little.
            let mut cfg = state.config.clone();
            for l in &mut cfg.lanes {
                l.bits = l.bits.min(14);
            }
            let small = Experiment::new(cfg).unwrap_or_else(|_| build(&State::default()));
            (small, Some(why))
        }
    }
}

fn build(state: &State) -> Experiment {
    // State parsing only ever produces valid configurations; fall back to the defaults regardless.
    let mut exp = Experiment::new(state.config.clone())
        .unwrap_or_else(|_| Experiment::new(State::default().config).expect("defaults are valid"));
    // The page shows the world panes.
    exp.record_inside();
    exp
}

/// A plotters drawing area on a canvas already sized in device pixels, and the style for that scale.
fn canvas_root(
    canvas: HtmlCanvasElement,
    scale: f64,
    dark: bool,
    cumulative: bool,
) -> Result<
    (
        plotters::prelude::DrawingArea<plotters_canvas::CanvasBackend, plotters::coord::Shift>,
        Style,
    ),
    JsValue,
> {
    let backend = plotters_canvas::CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| JsValue::from_str("no 2D context on the canvas"))?;
    let root = plotters::prelude::IntoDrawingArea::into_drawing_area(backend);
    let scale = if scale.is_finite() {
        scale.clamp(0.5, 4.0)
    } else {
        1.0
    };
    Ok((
        root,
        Style {
            scale,
            dark,
            cumulative,
        },
    ))
}

/// An error for JavaScript: an `Error` (so `e.message` reads it; a thrown string has none), its text
/// repeating at most the first characters of any long input it quotes.
pub(crate) fn js_err(e: impl ToString) -> JsValue {
    js_sys::Error::new(&crate::base::echo::clip_quoted(&e.to_string())).into()
}

/// Plain JS objects and arrays (not Maps), as JSON would give.
fn to_js<T: serde::Serialize + ?Sized>(v: &T) -> JsValue {
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

#[wasm_bindgen]
impl Playground {
    /// A playground for a URL hash; whatever the hash holds, this succeeds (see `notices`).
    #[wasm_bindgen(constructor)]
    pub fn new(hash: &str) -> Playground {
        let (state, notices) = State::parse(hash);
        let (exp, held) = build_checked(&state, 1);
        Playground {
            state,
            exp,
            notices,
            frames: Vec::new(),
            inside_frames: Vec::new(),
            held,
            lane_workers: 1,
        }
    }

    /// The workers the page runs an ads run's lanes in (its lanes pool): the estimate counts their
    /// memory, so a configuration may now be held. Returns whether it is.
    pub fn set_lane_workers(&mut self, workers: u32) -> bool {
        let workers = workers.clamp(1, 64);
        if workers != self.lane_workers {
            self.lane_workers = workers;
            (self.exp, self.held) = build_checked(&self.state, workers);
        }
        self.held.is_some()
    }

    /// Replaces the whole state from a hash (back/forward, a preset link). Returns the notices.
    pub fn load(&mut self, hash: &str) -> JsValue {
        let (state, notices) = State::parse(hash);
        self.state = state;
        (self.exp, self.held) = build_checked(&self.state, self.lane_workers);
        self.notices = notices;
        to_js(&self.notices)
    }

    /// Notices from the last parse (ignored keys, invalid values).
    pub fn notices(&self) -> JsValue {
        to_js(&self.notices)
    }

    /// The canonical hash of the current state.
    pub fn hash(&self) -> String {
        self.state.to_hash()
    }

    /// Sets one setting (`volume`, `b.every`, `metric`, `view`, ...) and restarts the run.
    /// Returns an error message, or `undefined` when it was accepted.
    pub fn set(&mut self, key: &str, value: &str) -> Option<String> {
        match key {
            "metric" => {
                if metric(self.state.config.scenario, value).is_none() {
                    return Some(format!(
                        "metric: `{value}` is not a metric of this scenario"
                    ));
                }
                self.state.metric = value.to_string();
                return None;
            }
            "view" => {
                self.state.cumulative = value == "cumulative";
                return None;
            }
            "caption" => {
                self.state.caption = crate::view::state::clean_caption(value);
                return None;
            }
            // A study panel's input: kept in the link, the playground's run untouched.
            k if crate::view::panels::panel_key(k).is_some() => {
                return self.state.panels.set(k, value).err();
            }
            "preset" | "scenario" => {
                let (s, n) = State::parse(&format!("{key}={}", crate::view::state::encode(value)));
                if let Some(e) = n.into_iter().next() {
                    return Some(e);
                }
                self.state.config = s.config;
                self.state.preset = s.preset;
                self.state.metric = s.metric;
                // A teacher's caption was about the view it came with.
                self.state.caption = None;
            }
            _ => {
                let mut cfg = self.state.config.clone();
                if let Err(e) = cfg.set(key, value) {
                    return Some(e.to_string());
                }
                self.state.config = cfg;
            }
        }
        (self.exp, self.held) = build_checked(&self.state, self.lane_workers);
        None
    }

    /// The link of this view outside a frame (no `embed`, no `hide`): the "open in full" link.
    pub fn full_hash(&self) -> String {
        self.state.full_hash()
    }

    /// Restarts the run with the same settings (a held configuration stays held).
    pub fn reset(&mut self) {
        if self.held.is_none() {
            self.exp = build(&self.state);
        }
    }

    /// The estimated cost of the settings in this page: `{text: "≈ 0.4 s, 30 MB", seconds, bytes,
    /// held: why it waits for a confirmation or null, hard: true when it is too large for a tab at
    /// all}`.
    pub fn cost(&self) -> JsValue {
        let (c, _) = page_cost(&self.state, self.lane_workers);
        let hard = c.bytes > cost::HARD_BYTES;
        to_js(&serde_json::json!({
            "text": c.text(),
            "seconds": json_num(c.seconds),
            "bytes": json_num(c.bytes),
            "held": self.held,
            "hard": hard,
        }))
    }

    /// Runs a held configuration anyway (not one too large for a tab). Returns whether it now runs.
    pub fn run_anyway(&mut self) -> bool {
        if self.held.is_some()
            && page_cost(&self.state, self.lane_workers).0.bytes <= cost::HARD_BYTES
        {
            self.exp = build(&self.state);
            self.held = None;
        }
        self.held.is_none()
    }

    /// Simulates `minutes` more of simulated time, stopping early once `budget_ms` of wall time is
    /// spent (so that one animation frame never blocks the page). Returns the progress, 0 to 1.
    pub fn run_for(&mut self, minutes: f64, budget_ms: f64) -> f64 {
        if self.held.is_some() {
            return 0.0;
        }
        let perf = web_sys::window().and_then(|w| w.performance());
        let now = || {
            perf.as_ref()
                .map(|p| p.now())
                .unwrap_or_else(js_sys::Date::now)
        };
        let start = now();
        // The warm-up comes first, in slices of a hundredth of it.
        let warm_slice = (self.exp.config().warmup * MINUTES_PER_DAY / 100.0).max(15.0);
        while self.exp.warming() {
            let t = (self.exp.clock() + warm_slice).min(0.0);
            self.exp.warm_until(if t >= -1e-9 { 0.0 } else { t });
            if now() - start > budget_ms {
                return self.exp.progress();
            }
        }
        let target = (self.exp.now() + minutes.max(0.0)).min(self.exp.config().horizon_min());
        let slice = (self.exp.config().horizon_min() / 400.0).max(15.0);
        while !self.exp.done() && self.exp.now() < target {
            let t = (self.exp.now() + slice).min(target);
            self.exp.run_until(t);
            if now() - start > budget_ms {
                break;
            }
        }
        self.exp.progress()
    }

    /// Simulates the whole horizon now.
    pub fn run_to_end(&mut self) -> f64 {
        if self.held.is_some() {
            return 0.0;
        }
        self.exp.run_to_end();
        1.0
    }

    pub fn progress(&self) -> f64 {
        self.exp.progress()
    }

    pub fn done(&self) -> bool {
        self.exp.done()
    }

    /// Buckets simulated so far (the world panes' cursor runs from 0 to this, excluded).
    pub fn filled(&self) -> u32 {
        self.exp.filled() as u32
    }

    /// Simulated days done.
    pub fn now_days(&self) -> f64 {
        self.exp.now() / MINUTES_PER_DAY
    }

    /// Draws the chart on a canvas whose size is already in device pixels, and keeps where its panels
    /// lie for [`Playground::hover`].
    pub fn draw(
        &mut self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
    ) -> Result<(), JsValue> {
        let (root, style) = canvas_root(canvas, scale, dark, self.state.cumulative)?;
        self.frames = chart::draw(&root, &self.exp, &self.state.metric, style)
            .map_err(|e| JsValue::from_str(&e))?;
        Ok(())
    }

    /// The panels of the chart last drawn, top to bottom: `[{left, right, top, bottom, x0, x1, y0, y1,
    /// log_x}]` in the canvas's device pixels, x in days.
    pub fn plot(&self) -> JsValue {
        to_js(&self.frames)
    }

    /// The read-out under pixel column `px` of the canvas (device pixels, as it was drawn): the bucket
    /// there, its start day and width in hours, and every lane's value of the current metric;
    /// `undefined` outside the plot area or before the first drawing.
    pub fn hover(&self, px: f64) -> JsValue {
        let Some(b) = (self.frames.first()).and_then(|f| chart::bucket_under(&self.exp, f, px))
        else {
            return JsValue::UNDEFINED;
        };
        let s = self.exp.series();
        let lanes: Vec<serde_json::Value> = (0..self.exp.config().lanes.len())
            .map(|l| {
                let v = if self.state.cumulative { self.exp.cumulative(l, &self.state.metric) } else { self.exp.windowed(l, &self.state.metric) };
                serde_json::json!({"lane": LANE_NAMES[l], "color": LANE_CSS[l], "value": v.get(b).copied().filter(|v| v.is_finite())})
            })
            .collect();
        to_js(
            &serde_json::json!({"bucket": b, "day": b as f64 * s.bucket_min / MINUTES_PER_DAY, "hours": s.bucket_min / MINUTES_PER_HOUR, "lanes": lanes}),
        )
    }

    /// The current state as plain data: settings, metric, view, hidden controls, embed, preset.
    pub fn state(&self) -> JsValue {
        let pairs = object_of(
            (self.state.config.pairs().into_iter()).map(|(k, v)| (k, serde_json::Value::String(v))),
        );
        to_js(&serde_json::json!({
            "scenario": self.state.config.scenario,
            "preset": self.state.preset,
            "metric": self.state.metric,
            "view": if self.state.cumulative { "cumulative" } else { "windowed" },
            "hide": self.state.hide,
            "embed": self.state.embed,
            "tab": self.state.tab,
            "caption": self.state.caption,
            "panels": map_of(self.state.panels.all()),
            "lanes": self.state.config.lanes.len(),
            "settings": pairs,
            "laneControls": lane_controls(&self.state.config),
            "numbers": numbers(&self.state.config),
        }))
    }

    /// Warnings about the run so far (a model that diverged).
    pub fn warnings(&self) -> JsValue {
        to_js(&self.exp.warnings())
    }

    /// Bytes of wasm linear memory (for the soak test).
    pub fn memory_bytes(&self) -> f64 {
        wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .map(|m| {
                m.buffer()
                    .dyn_into::<js_sys::ArrayBuffer>()
                    .map(|b| b.byte_length() as f64)
                    .unwrap_or(0.0)
            })
            .unwrap_or(0.0)
    }

    /// Each lane's summary: label, description, colour, metrics.
    pub fn summary(&self) -> JsValue {
        let out: Vec<serde_json::Value> = self
            .exp
            .summary()
            .into_iter()
            .enumerate()
            .map(|(l, s)| {
                let m = object_of(s.metrics.iter().map(|(k, v)| (k.to_string(), json_num(*v))));
                serde_json::json!({"label": s.label, "description": s.description, "color": LANE_CSS[l], "metrics": m})
            })
            .collect();
        to_js(&out)
    }

    /// Every windowed series as CSV.
    pub fn csv(&self) -> String {
        self.exp.csv()
    }

    /// The configuration as pretty JSON.
    pub fn settings_json(&self) -> String {
        crate::base::json::to_string_pretty(&self.state.config)
    }

    /// A digest of every series and summary value (equal to `rtml run --digest`).
    pub fn digest(&self) -> String {
        self.exp.digest()
    }

    /// Drift events: `[{day, label}]`.
    pub fn events(&self) -> JsValue {
        let ev: Vec<serde_json::Value> = self
            .exp
            .events()
            .into_iter()
            .map(|(t, l)| serde_json::json!({"day": t / MINUTES_PER_DAY, "label": l}))
            .collect();
        to_js(&ev)
    }
}

/// A duration as the page shows it, by the one rule the command line and the charts use:
/// `format_duration(90, "m")` is `90m`, `format_duration(168, "h")` is `7d`. `unit` is a suffix of the
/// duration grammar (`m`, `min`, `h`, `d`, `w`, ...); `undefined` for an unknown unit.
#[wasm_bindgen]
pub fn format_duration(value: f64, unit: &str) -> Option<String> {
    TimeUnit::from_suffix(unit).map(|u| fmt_duration(value, u))
}

/// A figure for the page's tables, `sig` significant digits: `format_figure(12.345, 3)` is `12.3`;
/// `–` for `null`, `undefined` or a value that is not finite.
#[wasm_bindgen]
pub fn format_figure(value: Option<f64>, sig: u32) -> String {
    fmt_figure(value, sig)
}

/// The essay's sentence about a study's JSON (a report's `json`) at `at` (`view::essay::words`:
/// the what-if at the knob's value number `at`, the answer's break-even for `at` units of each
/// streaming stage); empty when it does not hold it.
#[wasm_bindgen]
pub fn essay_words(kind: &str, json: JsValue, at: &str) -> String {
    serde_wasm_bindgen::from_value::<serde_json::Value>(json)
        .map(|j| crate::view::essay::words(kind, &j, at))
        .unwrap_or_default()
}

mod catalogue;
mod lanes;
mod replay;

pub use catalogue::catalogue;
pub use replay::{Replay, ReplayView};

use lanes::{lane_controls, numbers};
