//! What only exists in wasm, run under node: the engine gives bit-identical numbers to the native build.
#![cfg(target_arch = "wasm32")]

use rtml::sim::experiment::Experiment;
use rtml::sim::presets::PRESETS;
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Digests of every preset, as `rtml run --preset NAME --digest` prints natively.
/// `tests/digests.rs` checks the same table natively, so both targets must agree.
const DIGESTS: &str = include_str!("digests.txt");

#[test]
fn every_preset_matches_the_native_digest() {
    for p in PRESETS {
        let mut exp = Experiment::new(p.config()).unwrap();
        exp.run_to_end();
        let want = DIGESTS
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{} ", p.name)))
            .unwrap_or_else(|| panic!("no digest for {}", p.name));
        assert_eq!(exp.digest(), want.trim(), "{}", p.name);
    }
}

#[test]
fn the_page_state_parser_is_total_in_wasm() {
    let (s, n) = rtml::view::state::State::parse("#preset=nope&volume=NaN&seed=-1&%ZZ");
    assert!(!n.is_empty());
    s.config.validate().unwrap();
}
