//! The digest table that the wasm suite (`tests/wasm_node.rs`) checks under node: native and wasm runs
//! of every preset must be bit-identical. Regenerate with `UPDATE_DIGESTS=1 cargo test --test digests`.

use rtml::experiment::Experiment;
use rtml::presets::PRESETS;

fn table() -> String {
    PRESETS
        .iter()
        .map(|p| {
            let mut exp = Experiment::new(p.config()).unwrap();
            exp.run_to_end();
            format!("{} {}\n", p.name, exp.digest())
        })
        .collect()
}

#[test]
fn native_digests_match_the_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/digests.txt");
    let now = table();
    if std::env::var("UPDATE_DIGESTS").is_ok() {
        std::fs::write(path, &now).unwrap();
    }
    let stored = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        stored, now,
        "engine output changed: if intended, rerun with UPDATE_DIGESTS=1"
    );
}
