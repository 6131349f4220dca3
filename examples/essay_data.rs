//! The essay's stored studies (`www/essay-data.json`): what takes minutes (the answer's map with its
//! sensitivity strip) or needs data the repository cannot ship (the real LTE trace's freshness map),
//! kept as the studies' own parts with the page's input, so the essay's figure draws them with the
//! same `StudyView` as a live study (`add` each part, `report`, `draw`). The file records the command
//! line and the trace's SHA-256; tests/essay.rs writes the answer again and compares, and the trace
//! when the data is present.
//!
//! ```sh
//! cargo run --release --example essay_data -- --write \
//!     ../shared/data/rdemarqui__traffic_prediction_and_congestion/datasets/df_hourly_sample.csv
//! ```
//!
//! Without a trace file the trace's entries already in the file are kept as they are.

use rtml::study::studies::Answer;
use rtml::study::trace::{Job, Source, Trace};
use rtml::study::{run_native, Report, Study, Table};
use serde_json::{json, Value};

/// Where the essay reads its stored studies.
pub const PATH: &str = "www/essay-data.json";
/// The essay, whose static blocks the command writes.
pub const ARTICLE: &str = "www/article.html";
/// The trace's replay settings (the file's own columns).
pub const TRACE_SETTINGS: [(&str, &str); 4] = [
    ("delimiter", ";"),
    ("time-col", "Datetime"),
    ("cell-col", "Cell"),
    ("value-col", "PRB_Utilization_Percent"),
];
/// Days of the simulated trace mapped beside the real one.
pub const SIM_DAYS: &str = "365";

/// The answer's input as the page gives it (the panels' defaults, with the sensitivity strip).
pub fn answer_input() -> Value {
    let p = rtml::view::panels::Panels::default();
    json!({
        "ads": p.get("answer.ads"), "cells": p.get("answer.cells"), "sets": p.get("answer.sets"),
        "kwh": p.get("answer.kwh"), "call": p.get("answer.call"), "seed": p.get("answer.seed"),
        "seeds": p.get("answer.seeds"), "sensitivity": "1",
    })
}

/// The answer's stored study: `{input, parts}`, and its report.
pub fn answer() -> (Value, Report) {
    let input = answer_input();
    let s = |k: &str| input[k].as_str().unwrap_or("").to_string();
    let job = rtml::study::answer::Job {
        ads: s("ads"),
        cells: s("cells"),
        sets: rtml::study::answer::page_sets(&s("kwh"), &s("call"), &s("sets")),
        seed: s("seed").parse().ok(),
        seeds: s("seeds").parse().unwrap_or(1),
        sensitivity: true,
    };
    let parts = run_native::<Answer>(&job, 2, |_, _| {}).expect("the answer runs");
    let report = Answer::report(&job, &parts).expect("a report");
    (json!({"input": input, "parts": parts}), report)
}

fn trace_job(source: Source, settings: Vec<(String, String)>) -> Job {
    Job {
        settings,
        ..Job::load_csv(source)
    }
}

/// A trace's stored study: the page's input (without the file's text, which the report does not
/// read) and the parts.
fn trace(job: &Job, sha: &str) -> (Value, Report) {
    let parts = run_native::<Trace>(job, 2, |_, _| {}).expect("the map runs");
    let report = Trace::report(job, &parts).expect("a map");
    let (keys, values): (Vec<_>, Vec<_>) = job.settings.iter().cloned().unzip();
    let v = json!({"input": {"format": job.format, "keys": keys, "values": values, "refresh": job.refresh,
        "every": job.every, "text": ""}, "sha256": sha, "parts": parts});
    (v, report)
}

/// The real trace's and the simulated trace's stored studies, and the real one's words.
pub fn traces(file: &str) -> (Value, String) {
    let sha = std::process::Command::new("sha256sum")
        .arg(file)
        .output()
        .map(|o| {
            let out = String::from_utf8_lossy(&o.stdout);
            out.split(' ').next().unwrap_or("").to_string()
        })
        .unwrap_or_default();
    let settings = (TRACE_SETTINGS.iter())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let (real, report) = trace(&trace_job(Source::Path(file.into()), settings), &sha);
    let mut cfg = rtml::sim::presets::preset("cells-sleep")
        .expect("a preset")
        .config();
    cfg.set("days", SIM_DAYS).expect("a duration");
    let mut text = Vec::new();
    rtml::sim::export::write(&cfg, &mut text).expect("an export");
    let text = String::from_utf8(text).expect("text");
    let (sim, _) = trace(&trace_job(Source::Text(text), Vec::new()), "");
    // The file by its name only: where it lies on this machine is no part of the essay.
    let name = std::path::Path::new(file)
        .file_name()
        .map_or(String::new(), |n| n.to_string_lossy().into_owned());
    let words = report.words.join(" ").replace(file, &name);
    let v = json!({"real": real, "sim": sim, "sim_preset": "cells-sleep", "sim_days": SIM_DAYS,
        "words": words});
    (v, trace_words(&words, &sha))
}

/// The trace's sentence as the page writes it (its words and the file's SHA-256).
pub fn trace_words(words: &str, sha: &str) -> String {
    format!(
        "{words} (file SHA-256 {}…)",
        sha.chars().take(16).collect::<String>()
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A study's table as the page's `fillTable` writes it.
fn table_html(t: &Table) -> String {
    let head: String = (t.head.iter().zip(&t.units))
        .map(|(h, u)| {
            let h = if u.is_empty() {
                h.clone()
            } else {
                format!("{h} ({u})")
            };
            format!("<th scope=\"col\">{}</th>", escape(&h))
        })
        .collect();
    let rows: String = (t.rows.iter())
        .map(|r| {
            let cells: String = r
                .iter()
                .map(|c| format!("<td>{}</td>", escape(c)))
                .collect();
            format!("<tr>{cells}</tr>")
        })
        .collect();
    format!("<thead><tr>{head}</tr></thead><tbody>{rows}</tbody>")
}

/// The break-even figure's knobs, one per streaming stage with its list price
/// (`rtml::study::breakeven::STAGES`).
fn stack_knobs() -> String {
    use rtml::study::breakeven::{price_label, STAGES};
    (STAGES.iter().enumerate())
        .map(|(i, s)| {
            format!(
                "\n<div class=\"knob\"><label for=\"stack-{k}\">{} at {} <output id=\"stack-{k}-out\" for=\"stack-{k}\">{}</output></label>\n\
                 <input type=\"range\" id=\"stack-{k}\" class=\"stack-knob\" min=\"0\" max=\"{}\" step=\"1\" value=\"{}\" disabled></div>",
                escape(s.what),
                escape(&price_label(i)),
                s.units,
                (s.units * 4.0).max(4.0),
                s.units,
                k = s.key,
            )
        })
        .collect::<String>()
        + "\n"
}

/// Replaces what lies between `<!-- essay:NAME -->` and `<!-- /essay:NAME -->` in `html`.
pub fn splice(html: &str, name: &str, content: &str) -> Option<String> {
    let (open, close) = (
        format!("<!-- essay:{name} -->"),
        format!("<!-- /essay:{name} -->"),
    );
    let a = html.find(&open)? + open.len();
    let b = a + html[a..].find(&close)?;
    Some(format!("{}{}{}", &html[..a], content, &html[b..]))
}

/// The essay's static blocks of the stored studies (so the text has its length before the page
/// reads the file): the answer's words, its sensitivity strip, the trace's words.
pub fn blocks(command: &str, answer: &Report, trace: &str) -> Vec<(&'static str, String)> {
    let strip = answer.strip.as_ref().map_or(String::new(), table_html);
    vec![
        ("command", escape(command)),
        ("stack-knobs", stack_knobs()),
        ("maps-words", escape(&answer.words.join(" "))),
        ("maps-strip", strip),
        ("trace-words", escape(trace)),
    ]
}

/// The whole file for `args` (`[FILE]`), keeping `old`'s traces when no file is given, and the
/// essay's static blocks.
pub fn write_all(args: &[String], old: Option<&Value>) -> (Value, Vec<(&'static str, String)>) {
    let file = args.iter().find(|a| !a.starts_with("--"));
    let (traces, words) = match (file, old) {
        (Some(f), _) => traces(f),
        (None, Some(o)) => {
            let t = o["traces"].clone();
            let w = trace_words(
                t["words"].as_str().unwrap_or(""),
                t["real"]["sha256"].as_str().unwrap_or(""),
            );
            (t, w)
        }
        (None, None) => (Value::Null, String::new()),
    };
    let line = file.map_or(String::new(), |f| format!(" {f}"));
    let (answer, report) = answer();
    let command = format!("cargo run --release --example essay_data -- --write{line}");
    let blocks = blocks(&command, &report, &words);
    let v = json!({"command": command, "answer": answer, "traces": traces});
    (v, blocks)
}

#[allow(dead_code)]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let old: Option<Value> = std::fs::read_to_string(PATH)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok());
    let (v, blocks) = write_all(&args, old.as_ref());
    let text = serde_json::to_string(&v).expect("json") + "\n";
    if args.iter().any(|a| a == "--write") {
        std::fs::write(PATH, &text).expect("write www/essay-data.json");
        eprintln!("wrote {PATH} ({} bytes)", text.len());
        let mut html = std::fs::read_to_string(ARTICLE).expect("read the essay");
        for (name, content) in &blocks {
            html = splice(&html, name, content)
                .unwrap_or_else(|| panic!("no block {name} in {ARTICLE}"));
        }
        std::fs::write(ARTICLE, html).expect("write the essay");
    } else {
        print!("{text}");
    }
}
