//! Figures the docs quote come from a command (`cargo run --release --example doc_figures`), and this
//! test regenerates every block and compares it with the doc: a doc cannot quote a figure the tool no
//! longer gives.

#[path = "../examples/doc_figures.rs"]
mod doc_figures;

#[test]
fn every_quoted_figure_block_is_what_the_command_writes() {
    for (doc, name, make) in doc_figures::BLOCKS {
        let path = format!("{}/{doc}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).expect("doc");
        let body = make();
        let fresh = doc_figures::replace(&text, name, &body)
            .unwrap_or_else(|| panic!("{doc}: no block <!-- figures:{name} -->"));
        assert!(
            fresh == text,
            "{doc}: the block `{name}` is stale; run `cargo run --release --example doc_figures -- --write`"
        );
    }
}
