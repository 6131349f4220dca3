//! The wasm boundary in a real browser: a Playground draws on a canvas.
#![cfg(target_arch = "wasm32")]

use rtml::wasm::Playground;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

#[test]
fn a_playground_draws_a_chart_on_a_canvas() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement =
        doc.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(800);
    canvas.set_height(500);
    let mut pg = Playground::new("#preset=cells-sleep&days=3");
    pg.run_to_end();
    pg.draw(canvas.clone(), 1.0, false).unwrap();
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    let data = ctx.get_image_data(0.0, 0.0, 800.0, 500.0).unwrap().data();
    let inked = data
        .chunks(4)
        .filter(|p| p[0] < 200 || p[1] < 200 || p[2] < 200)
        .count();
    assert!(inked > 2000, "only {inked} pixels drawn");
}

#[test]
fn bad_input_never_panics() {
    let mut pg = Playground::new("#volume=%%%&a.every=-1&lanes=99");
    assert!(pg.set("volume", "NaN").is_some());
    assert!(pg.set("nope", "1").is_some());
    assert!(pg.set("b.every", "30m").is_none());
    pg.run_for(1e9, 1e9);
    assert!(pg.done());
}
