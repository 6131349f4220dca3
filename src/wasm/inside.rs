//! The world panes' boundary (thin: the recording is `sim::inside`, the drawing
//! `view::chart::inside`, the words `view::inside`).

use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{canvas_root, to_js, Playground};
use crate::view::chart::bucket_under;
use crate::view::chart::inside::{draw_inside, height, row_under, Pick};
use crate::view::inside::{cell_name, readout, telling_cell};

#[wasm_bindgen]
impl Playground {
    /// The panes' height in CSS pixels for a width in CSS pixels (0 when nothing is recorded).
    pub fn inside_height(&self, width: f64) -> f64 {
        if !width.is_finite() || width <= 0.0 {
            return 0.0;
        }
        height(&self.exp, width.min(10_000.0))
    }

    /// The cells the cells pane can follow, by name (empty for ads).
    pub fn inside_cells(&self) -> JsValue {
        let names: Vec<String> = match self.exp.inside() {
            Some(i) if i.scenario == crate::sim::config::Scenario::Cells => {
                (0..i.rows()).map(|c| cell_name(&i, c)).collect()
            }
            _ => Vec::new(),
        };
        to_js(&names)
    }

    /// The cell whose story differs most between lanes so far.
    pub fn inside_telling_cell(&self) -> u32 {
        self.exp.inside().map_or(0, |i| telling_cell(&i) as u32)
    }

    /// Draws the panes on a canvas sized in device pixels: the cursor on bucket `at` (negative: on
    /// the last one simulated), following `cell`.
    pub fn draw_inside(
        &mut self,
        canvas: HtmlCanvasElement,
        scale: f64,
        dark: bool,
        at: i32,
        cell: u32,
    ) -> Result<(), JsValue> {
        let (root, style) = canvas_root(canvas, scale, dark, false)?;
        let filled = self.exp.filled();
        let at = if at >= 0 {
            Some(at as usize)
        } else {
            filled.checked_sub(1)
        };
        let pick = Pick {
            at,
            cell: cell as usize,
        };
        self.inside_frames =
            draw_inside(&root, &self.exp, pick, style).map_err(|e| JsValue::from_str(&e))?;
        Ok(())
    }

    /// What lies under a pixel of the panes (device pixels): `{bucket, row}` where `row` is the cell
    /// (cells, in the network's numbering) or the segment row (ads); `undefined` outside a strip.
    pub fn inside_hover(&self, px: f64, py: f64) -> JsValue {
        for f in &self.inside_frames {
            let (Some(bucket), Some(r)) = (bucket_under(&self.exp, f, px), row_under(f, py)) else {
                continue;
            };
            let row = self
                .exp
                .inside()
                .map_or(r, |i| crate::view::chart::inside::row_at(&i, r));
            return to_js(&serde_json::json!({"bucket": bucket, "row": row}));
        }
        JsValue::UNDEFINED
    }

    /// The read-out of bucket `at` (negative: the last simulated) following `cell`: `{title, head,
    /// rows, note}`, or `undefined` before anything is simulated.
    pub fn inside_readout(&self, at: i32, cell: u32) -> JsValue {
        let at = if at >= 0 {
            Some(at as usize)
        } else {
            self.exp.filled().checked_sub(1)
        };
        match at.and_then(|b| readout(&self.exp, b, cell as usize)) {
            Some(r) => to_js(&r),
            None => JsValue::UNDEFINED,
        }
    }
}
