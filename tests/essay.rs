//! The essay's stored studies (`www/essay-data.json`) and the static blocks they write into
//! `www/article.html` are what `cargo run --release --example essay_data -- --write [FILE]` writes
//! today: the answer's map with its sensitivity strip always, the real trace's map when the data
//! file the stored command names is present (the data is never copied into the repository).

#[path = "../examples/essay_data.rs"]
mod essay_data;

use serde_json::Value;

#[test]
fn the_essays_stored_studies_are_written_again() {
    let old: Value =
        serde_json::from_str(&std::fs::read_to_string(essay_data::PATH).expect("the stored file"))
            .expect("JSON");
    // The trace file the stored command read, when it is here.
    let command = old["command"].as_str().expect("the command line");
    let file = command
        .split(' ')
        .next_back()
        .filter(|f| !f.starts_with("--") && std::path::Path::new(f).exists());
    let args: Vec<String> = file.into_iter().map(str::to_string).collect();
    let (new, blocks) = essay_data::write_all(&args, Some(&old));
    let again = format!("rerun `{command}`");
    assert_eq!(
        new["answer"], old["answer"],
        "the stored answer moved: {again}"
    );
    if file.is_some() {
        assert_eq!(
            new["traces"], old["traces"],
            "the stored traces moved: {again}"
        );
        assert_eq!(new["command"], old["command"]);
    }
    let html = std::fs::read_to_string(essay_data::ARTICLE).expect("the essay");
    for (name, content) in &blocks {
        let written = essay_data::splice(&html, name, content);
        assert_eq!(
            written.as_deref(),
            Some(html.as_str()),
            "the essay's block `{name}` is not what the stored studies say: {again}"
        );
    }
}
