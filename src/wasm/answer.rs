//! The answer's boundary (thin: the logic lives in `study::answer`): tasks for the page's workers, one
//! task's run, and the view that summarises and draws the parts.

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{canvas_root, to_js};
use crate::view::chart;

fn answer_spec(job: JsValue) -> Result<crate::study::answer::Spec, JsValue> {
    let job: crate::study::answer::Job =
        serde_wasm_bindgen::from_value(job).map_err(|e| JsValue::from_str(&e.to_string()))?;
    job.spec().map_err(|e| JsValue::from_str(&e))
}

/// Every task of the answer for a job (`{ads, cells, sets, seed, seeds}`, see `study::answer::Job`),
/// ads split into `parts` groups, first seed first: for the page to share among workers.
#[wasm_bindgen]
pub fn answer_tasks(job: JsValue, parts: u32) -> Result<JsValue, JsValue> {
    Ok(to_js(&answer_spec(job)?.tasks(parts as usize)))
}

/// One task of the answer (what a worker computes): the lanes' sums.
#[wasm_bindgen]
pub fn answer_run(job: JsValue, task: JsValue) -> Result<JsValue, JsValue> {
    let spec = answer_spec(job)?;
    let task =
        serde_wasm_bindgen::from_value(task).map_err(|e| JsValue::from_str(&e.to_string()))?;
    let part = crate::study::answer::run_task(&spec, task, 1).map_err(|e| JsValue::from_str(&e))?;
    Ok(to_js(&part))
}

/// The answer on the page: summarised from the workers' parts by the same code as `rtml answer`. The
/// parts are kept here as they come (`add`, one small task each), so that summarising, drawing and
/// the table are separate short tasks on the page's thread.
#[wasm_bindgen]
#[derive(Default)]
pub struct AnswerView {
    answer: Option<crate::study::answer::Answer>,
    parts: Vec<crate::study::answer::Part>,
}

#[wasm_bindgen]
impl AnswerView {
    #[wasm_bindgen(constructor)]
    pub fn new() -> AnswerView {
        AnswerView::default()
    }

    /// Forgets the parts and the summary (a new run).
    pub fn clear(&mut self) {
        self.parts.clear();
        self.answer = None;
    }

    /// Keeps one worker's part.
    pub fn add(&mut self, part: JsValue) -> Result<(), JsValue> {
        let part: crate::study::answer::Part =
            serde_wasm_bindgen::from_value(part).map_err(|e| JsValue::from_str(&e.to_string()))?;
        self.parts.push(part);
        Ok(())
    }

    /// Parts kept.
    pub fn parts(&self) -> usize {
        self.parts.len()
    }

    /// Summarises the parts kept (see `json` and `figures`).
    pub fn summarize(&mut self, job: JsValue) -> Result<(), JsValue> {
        let spec = answer_spec(job)?;
        self.answer = Some(crate::study::answer::summarize(&spec, &self.parts));
        Ok(())
    }

    /// The JSON of `rtml answer --json` for the summary (null before `summarize`).
    pub fn json(&self) -> JsValue {
        match &self.answer {
            Some(a) => to_js(&crate::study::answer::stats::to_json(a)),
            None => JsValue::NULL,
        }
    }

    /// Every figure of the map, for the table (null before `summarize`).
    pub fn figures(&self) -> JsValue {
        match &self.answer {
            Some(a) => to_js(a),
            None => JsValue::NULL,
        }
    }

    /// Draws the map (`view`: `map`) or a slice (`refresh`, `every`) on a canvas in device pixels.
    pub fn draw(
        &self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
        view: &str,
    ) -> Result<(), JsValue> {
        let Some(a) = &self.answer else { return Ok(()) };
        let (root, style) = canvas_root(canvas, scale, dark, false)?;
        chart::draw_answer(&root, a, chart::AnswerView::parse(view), style)
            .map_err(|e| JsValue::from_str(&e))?;
        Ok(())
    }

    /// Draws only the `k`-th map of the map view, in its place (the page draws the maps in separate
    /// short tasks); the number of maps is `maps()`.
    pub fn draw_map(
        &self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
        k: u32,
    ) -> Result<(), JsValue> {
        let Some(a) = &self.answer else { return Ok(()) };
        let (root, style) = canvas_root(canvas, scale, dark, false)?;
        chart::answer::draw_map(&root, a, k as usize, style).map_err(|e| JsValue::from_str(&e))
    }

    /// Maps the map view draws (scenarios with at least one seed).
    pub fn maps(&self) -> u32 {
        self.answer
            .as_ref()
            .map_or(0, |a| a.maps.iter().filter(|m| m.seeds > 0).count() as u32)
    }
}
