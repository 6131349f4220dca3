//! The page's boundary for the spread across seeds (`study::spread`): a worker runs one seed
//! ([`seed_run`]); the page gathers the runs in a [`SpreadView`], which aggregates and draws them.

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{canvas_root, to_js};
use crate::base::units::{MINUTES_PER_DAY, MINUTES_PER_HOUR};
use crate::sim::config::LANE_NAMES;
use crate::study::spread::{aggregate, band, seed_list, to_json, SeedRun, MAX_SEEDS};
use crate::view::chart::{self, Frame, LANE_CSS};
use crate::view::state::State;

/// The seeds a spread of `n` runs of the page's state uses (from its seed on, as `rtml run --seeds`).
#[wasm_bindgen]
pub fn seeds_for(hash: &str, n: u32) -> Vec<u32> {
    seed_list(State::parse(hash).0.config.seed, n)
}

/// One seed's run of the page's state to the end (what a worker computes).
#[wasm_bindgen]
pub fn seed_run(hash: &str, seed: u32) -> Result<Vec<f64>, JsValue> {
    let state = State::parse(hash).0;
    let run = crate::study::spread::run_seed(&state.config, state.preset.as_deref(), seed)
        .map_err(|e| JsValue::from_str(&e))?;
    Ok(run.to_flat())
}

/// The runs of one spread, their aggregate and their chart.
#[wasm_bindgen]
pub struct SpreadView {
    state: State,
    runs: Vec<SeedRun>,
    frames: Vec<Frame>,
}

#[wasm_bindgen]
impl SpreadView {
    /// An empty spread of the page's state (its configuration, preset, metric and view).
    #[wasm_bindgen(constructor)]
    pub fn new(hash: &str) -> SpreadView {
        SpreadView {
            state: State::parse(hash).0,
            runs: Vec::new(),
            frames: Vec::new(),
        }
    }

    /// Takes the metric and view (windowed or cumulative) of `hash`; the runs are kept.
    pub fn view(&mut self, hash: &str) {
        let s = State::parse(hash).0;
        self.state.metric = s.metric;
        self.state.cumulative = s.cumulative;
    }

    /// Adds a worker's run; refuses one that does not fit this spread's lanes.
    pub fn add(&mut self, run: &[f64]) -> Result<usize, JsValue> {
        let run = SeedRun::from_flat(run).ok_or_else(|| JsValue::from_str("not a seed's run"))?;
        if run.sums.len() != self.state.config.lanes.len() || self.runs.len() >= MAX_SEEDS as usize
        {
            return Err(JsValue::from_str(
                "this run belongs to another configuration",
            ));
        }
        // Kept in seed order, whatever order the workers finish in.
        let at = self.runs.partition_point(|r| r.seed < run.seed);
        self.runs.insert(at, run);
        Ok(self.runs.len())
    }

    /// Runs gathered so far.
    pub fn count(&self) -> usize {
        self.runs.len()
    }

    /// The aggregate, exactly as `rtml run --seeds N --json` prints it: `{seeds, metric, comparable,
    /// lanes: [{label, description, summary: {key: {mean, lo, hi, seeds}}}], pairs: [{lanes, better}],
    /// claims: [{claim, held, of}]}`.
    pub fn spread(&self) -> JsValue {
        let s = &self.state;
        let spread = aggregate(&s.config, &s.metric, s.preset.as_deref(), &self.runs);
        to_js(&to_json(s.preset.as_deref().unwrap_or("custom"), &spread))
    }

    /// Draws the spread on a canvas sized in device pixels; keeps the panels for [`SpreadView::hover`].
    pub fn draw(
        &mut self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
    ) -> Result<(), JsValue> {
        let (root, style) = canvas_root(canvas, scale, dark, self.state.cumulative)?;
        self.frames = chart::draw_spread(
            &root,
            &self.state.config,
            &self.runs,
            &self.state.metric,
            style,
        )
        .map_err(|e| JsValue::from_str(&e))?;
        Ok(())
    }

    /// The panels last drawn (as `Playground::plot`).
    pub fn plot(&self) -> JsValue {
        to_js(&self.frames)
    }

    /// Under pixel column `px`: the bucket, its day and width, each lane's mean and interval.
    pub fn hover(&self, px: f64) -> JsValue {
        let (Some(f), Some(r)) = (self.frames.first(), self.runs.first()) else {
            return JsValue::UNDEFINED;
        };
        let Some(day) = f.x_at(px) else {
            return JsValue::UNDEFINED;
        };
        let buckets = r.sums.first().map_or(0, |s| s.len() / r.fields.max(1));
        let b = ((day * MINUTES_PER_DAY / r.bucket_min).max(0.0) as usize)
            .min(buckets.saturating_sub(1));
        let s = &self.state;
        let lanes: Vec<serde_json::Value> = (0..s.config.lanes.len())
            .map(|l| {
                let v = band(&self.runs, s.config.scenario, l, &s.metric, s.cumulative);
                let at = v.get(b).copied();
                let num = |x: Option<f64>| x.filter(|x| x.is_finite());
                serde_json::json!({"lane": LANE_NAMES[l], "color": LANE_CSS[l],
                    "value": num(at.map(|a| a.mean)), "lo": num(at.map(|a| a.lo)), "hi": num(at.map(|a| a.hi))})
            })
            .collect();
        to_js(
            &serde_json::json!({"bucket": b, "day": b as f64 * r.bucket_min / MINUTES_PER_DAY,
            "hours": r.bucket_min / MINUTES_PER_HOUR, "lanes": lanes}),
        )
    }
}
