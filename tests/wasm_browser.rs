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

fn get(v: &wasm_bindgen::JsValue, key: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(v, &key.into()).unwrap()
}

#[test]
fn the_hover_reads_the_bucket_under_a_pixel_of_the_drawn_chart() {
    let doc = web_sys::window().unwrap().document().unwrap();
    let canvas: web_sys::HtmlCanvasElement =
        doc.create_element("canvas").unwrap().dyn_into().unwrap();
    canvas.set_width(1600);
    canvas.set_height(1000);
    let mut pg = Playground::new("#preset=ads-drift&days=3");
    pg.run_to_end();
    assert!(
        pg.hover(800.0).is_undefined(),
        "nothing to read before a drawing"
    );
    pg.draw(canvas, 2.0, false).unwrap();
    let top = get(&pg.plot(), "0");
    let (left, right) = (get(&top, "left"), get(&top, "right"));
    // At scale 2: 6 + 52 CSS pixels on the left, a 22-pixel margin and plotters' last pixel on the right.
    assert_eq!(left.as_f64(), Some(116.0));
    assert_eq!(right.as_f64(), Some(1600.0 - 44.0 - 1.0));
    let bucket = |px: f64| get(&pg.hover(px), "bucket").as_f64();
    // 3 days of 15-minute buckets.
    assert_eq!(bucket(116.0), Some(0.0));
    assert_eq!(bucket(1555.0), Some(287.0));
    assert_eq!(bucket(116.0 + 1439.0 / 2.0 + 1.0), Some(144.0));
    assert!(pg.hover(115.0).is_undefined());
    assert!(pg.hover(1556.0).is_undefined());
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
