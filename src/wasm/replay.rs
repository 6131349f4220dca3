//! The replay's boundary: a [`Replay`] session fed a user's file in slices by its worker, and the
//! [`ReplayView`] that draws its report on the page. The report crosses as its own serde type
//! (`replay::Report`), the JSON of `rtml replay --json` beside it for the page's table.

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{canvas_root, js_err, to_js};
use crate::view::chart;

/// A replay of the user's own file, fed in chunks by a worker (see `rtml::replay::Session`).
#[wasm_bindgen]
pub struct Replay {
    session: crate::replay::Session,
}

#[wasm_bindgen]
impl Replay {
    /// A replay of `format` (`vw` or `load-csv`) with settings as parallel `keys` and `values`
    /// (the same names as `rtml replay`'s options: lanes, bits, ftrl, delimiter, time-col, ...).
    #[wasm_bindgen(constructor)]
    pub fn new(format: &str, keys: Vec<String>, values: Vec<String>) -> Result<Replay, JsValue> {
        let pairs: Vec<(&str, String)> = keys.iter().map(String::as_str).zip(values).collect();
        let opts = crate::replay::ReplayOptions::from_args(format, &pairs).map_err(js_err)?;
        let session = crate::replay::Session::new(opts).map_err(js_err)?;
        Ok(Replay { session })
    }

    /// The next chunk of the file.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.session.feed(chunk).map_err(js_err)
    }

    /// The end of the file.
    pub fn finish(&mut self) -> Result<(), JsValue> {
        self.session.finish().map_err(js_err)
    }

    /// Lines read so far.
    pub fn lines(&self) -> f64 {
        self.session.lines() as f64
    }

    /// The report so far as its own type (what a [`ReplayView`] draws).
    pub fn part(&self) -> JsValue {
        to_js(&self.session.report())
    }

    /// The report so far, as `rtml replay --json` prints it.
    pub fn report(&self, elapsed_secs: f64) -> JsValue {
        to_js(&crate::replay::report_json(
            &self.session.report(),
            elapsed_secs,
        ))
    }
}

/// The replay chart on the page.
#[wasm_bindgen]
pub struct ReplayView {
    report: Option<crate::replay::Report>,
}

#[wasm_bindgen]
impl ReplayView {
    #[wasm_bindgen(constructor)]
    pub fn new() -> ReplayView {
        ReplayView { report: None }
    }

    /// Shows a report (what `Replay::part` returned in the worker: the report's own serde type).
    pub fn set(&mut self, report: JsValue) -> Result<(), JsValue> {
        let report: crate::replay::Report =
            serde_wasm_bindgen::from_value(report).map_err(js_err)?;
        self.report = Some(report);
        Ok(())
    }

    /// Draws the report on a canvas sized in device pixels.
    pub fn draw(&self, canvas: HtmlCanvasElement, scale: f64, dark: bool) -> Result<(), JsValue> {
        let Some(report) = &self.report else {
            return Ok(());
        };
        let (root, style) = canvas_root(canvas, scale, dark, false)?;
        chart::draw_replay(&root, report, style).map_err(js_err)?;
        Ok(())
    }
}

impl Default for ReplayView {
    fn default() -> Self {
        ReplayView::new()
    }
}
