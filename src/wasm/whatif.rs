//! The what-if evaluation's boundary (thin: the logic lives in `study::whatif`): the seeds and runs for
//! the page's workers, and the view that summarises at the slider's error and draws.

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{canvas_root, to_js};
use crate::study::whatif;
use crate::view::chart;
use crate::view::state::State;

/// A what-if specification from page inputs: the state of `hash`, the knob, its values, the seeds.
fn whatif_spec(hash: &str, knob: &str, values: &str, seeds: u32) -> Result<whatif::Spec, JsValue> {
    whatif::Spec::new(State::parse(hash).0.config, knob, values, seeds).map_err(|e| e.into())
}

/// The seeds a what-if evaluation needs, for the page to share among workers.
#[wasm_bindgen]
pub fn whatif_seeds(hash: &str, knob: &str, values: &str, seeds: u32) -> Result<Vec<u32>, JsValue> {
    Ok(whatif_spec(hash, knob, values, seeds)?.seed_list())
}

/// Example values of a what-if knob (`threshold`, `wake`, `coverage`).
#[wasm_bindgen]
pub fn whatif_values(knob: &str) -> String {
    whatif::default_values(knob).to_string()
}

/// One seed at every simulator error of the page's slider, plain and refitted (a worker's task).
#[wasm_bindgen]
pub fn whatif_run(
    hash: &str,
    knob: &str,
    values: &str,
    n: u32,
    seed: u32,
) -> Result<JsValue, JsValue> {
    let spec = whatif_spec(hash, knob, values, n)?;
    Ok(to_js(&whatif::page_run(&spec, seed)))
}

/// The what-if evaluation shown on the page: the workers' runs, summarised at the slider's error.
#[wasm_bindgen]
pub struct WhatIfView {
    spec: whatif::Spec,
    runs: Vec<whatif::SeedRun>,
}

#[wasm_bindgen]
impl WhatIfView {
    /// The evaluation of these inputs from its seeds' runs.
    #[wasm_bindgen(constructor)]
    pub fn new(
        hash: &str,
        knob: &str,
        values: &str,
        n: u32,
        runs: JsValue,
    ) -> Result<WhatIfView, JsValue> {
        let spec = whatif_spec(hash, knob, values, n)?;
        let runs = serde_wasm_bindgen::from_value(runs).map_err(|e| e.to_string())?;
        Ok(WhatIfView { spec, runs })
    }

    /// The slider step nearest the configuration's own simulator error.
    pub fn config_step(&self) -> usize {
        whatif::page_step(&self.spec.cfg)
    }

    /// The page's JSON at slider step `step` (error `step / 10`), with or without the refit.
    pub fn summarize(&self, step: usize, refit: bool) -> JsValue {
        let s = whatif::page_summary(&self.spec, &self.runs, step, refit);
        to_js(&whatif::page_json(&s))
    }

    /// Draws the summary at `step` on a canvas sized in device pixels.
    pub fn draw(
        &self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
        step: usize,
        refit: bool,
    ) -> Result<(), JsValue> {
        let s = whatif::page_summary(&self.spec, &self.runs, step, refit);
        let (root, style) = canvas_root(canvas, scale, dark, false)?;
        chart::draw_whatif(&root, &s, style)
            .map(drop)
            .map_err(|e| e.into())
    }
}
