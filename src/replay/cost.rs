//! What a replay will cost before it runs, from its options and the file's size: memory (2^bits
//! FTRL buckets per lane, the examples a stateless window keeps) and work (every example through
//! every lane, stateless retrains over their window, models reset and copied per retrain or deploy).
//!
//! Fitted like [`crate::sim::cost`] (single-thread release runs, `/usr/bin/time -f "%e %M"`) on a
//! synthetic 30,000-line click log (27 bytes a line, 5 features) and the public Criteo sample
//! converted to VW and repeated 8 times (57,600 lines, 360 bytes a line, 40 features): continual
//! lanes at 18 and 24 bits (8 lanes at 24 bits: 5.8 GB, 43 bytes a bucket a lane), stateless
//! 100/1000 at 16 and 22 bits (59 ms a retrain at 22 bits: reset and copy, ~14 ns a bucket),
//! stateful:1 at 22 bits (12 ms a deploy: ~3 ns a bucket), stateless 1000/10000 on Criteo (1.9 us an
//! example learned). Load traces count one regression update (~1 us) per row and lane, and a
//! stateless lane relearns `window / every` rows per row (whatever the step and the cell count).
//!
//! Refitted in issue 23 (the replay had become about three times faster: parsing ahead on two
//! threads, prefetching), CPU time (user + system, every thread) of release runs: a 712,442-line
//! export of the ads world (37 bytes, 6 features a line) and a 200,000-line synthetic log shaped like
//! Criteo (426 bytes, 40 features). Reading and parsing cost 2.2 ns a byte, once whatever the lanes;
//! a lane-example 0.1 us plus 0.6 ns a byte (1 lane: 0.15 s and 0.25 s; each further lane 0.09 s and
//! 0.07 s); a relearned example 0.7 of that (0.27 us on the long lines: stateless 1000/10000 and
//! 1000/40000 at 12 bits); a stateless reset and snapshot 2.4-2.9 ns a bucket (200 retrains at 12, 18
//! and 22 bits; 300 at 24 bits: 40 ms each). The stateless:1/20000 case on a 2-feature log: 34 s
//! measured, 330 s estimated before, 77 s now.

use super::error::ReplayError;
use super::lanes::Format;
use super::lanes::LaneSpec;
use super::options::ReplayOptions;
use crate::domain::cost::Cost;

/// Bytes a replay holds whatever its lanes (read-ahead buffers, report).
const BASE_BYTES: f64 = 20e6;

/// The estimated cost of replaying `file_bytes` of lines `line_bytes` long on average with `opts`.
pub fn estimate(
    opts: &ReplayOptions,
    file_bytes: f64,
    line_bytes: f64,
) -> Result<Cost, ReplayError> {
    let lanes = opts.validate()?;
    let lb = line_bytes.max(2.0);
    let n = (file_bytes / lb).max(0.0);
    let mut c = Cost::default();
    c.add("reading the file", n * lb * 2.2e-9, BASE_BYTES);
    let buckets = (1u64 << opts.bits.clamp(1, 24)) as f64;
    let per_example = 0.1e-6 + 0.6e-9 * lb;
    for (i, lane) in lanes.iter().enumerate() {
        let name = format!("lane {} ({})", i + 1, lane.label(opts.format));
        match opts.format {
            Format::Vw => {
                let retrains =
                    matches!(lane, LaneSpec::Stateless { .. } | LaneSpec::Stateful { .. });
                let model = buckets * if retrains { 80.0 } else { 43.0 };
                c.add(
                    format!("{name}: model (--bits {})", opts.bits),
                    n * per_example,
                    model,
                );
                match *lane {
                    LaneSpec::Stateless { every, window } => {
                        // The window fills up from the start: on average it holds less.
                        let full = window.min(n);
                        let kept = full * (1.0 - full / (2.0 * n.max(1.0)));
                        c.add(
                            format!("{name}: retrains every {every} examples on the last {window} (--lanes, --bits)"),
                            n / every * (kept * 0.7 * per_example + buckets * 3e-9),
                            full * (3.0 * lb + 64.0),
                        );
                    }
                    // A deploy copies only the buckets learned since the last one (at most
                    // every * lb / 2 a deploy: a feature takes two bytes of a line at least), all
                    // 2^bits at most (`clicks::Tracked`).
                    LaneSpec::Stateful { every } => c.add(
                        format!("{name}: deploys every {every} examples (--lanes, --bits)"),
                        n / every * buckets.min(every * lb / 2.0) * 3e-9,
                        0.0,
                    ),
                    _ => {}
                }
            }
            Format::LoadCsv => {
                c.add(format!("{name}: forecasts"), n * 1e-6, 0.0);
                if let LaneSpec::Stateless { every, window } = *lane {
                    c.add(
                        format!(
                            "{name}: retrains every {every} h on the last {window} h (--lanes; the window defaults to --warmup)"
                        ),
                        n * (window / every).max(1.0) * 0.5e-6,
                        n * 180.0,
                    );
                }
            }
        }
    }
    c.add(
        "allocating and clearing memory",
        (c.bytes - BASE_BYTES) * 1.5e-9,
        0.0,
    );
    Ok(c)
}

/// The estimate of a replay from what is known before reading the file: its size (`file_bytes`; for a
/// gzip file the compressed size, with `gzip_ratio` the ratio of its first megabyte) and its first
/// (decompressed) bytes `head`, whose mean line length stands for the file's. The command line's check
/// (`cli/limit.rs`) and the page's (`replay_cost` in `src/wasm/`) both ask this.
pub fn estimate_sample(
    opts: &ReplayOptions,
    file_bytes: f64,
    head: &[u8],
    gzip_ratio: Option<f64>,
) -> Result<Cost, ReplayError> {
    let lines = head.iter().filter(|&&b| b == b'\n').count().max(1);
    let line = head.len().max(1) as f64 / lines as f64;
    let ratio = gzip_ratio.map(|r| r.max(1.0));
    let size = file_bytes * ratio.unwrap_or(1.0);
    let mut cost = estimate(opts, size, line)?;
    if let Some(ratio) = ratio {
        use crate::domain::cost::{fmt_bytes, Part};
        cost.parts.insert(
            0,
            Part {
                what: format!(
                    "(the gzip file: {} compressed, ≈ {} decompressed, {ratio:.1}x at its start)",
                    fmt_bytes(file_bytes),
                    fmt_bytes(size)
                ),
                seconds: 0.0,
                bytes: 0.0,
            },
        );
    }
    Ok(cost)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issues_costly_replays_are_estimated_as_costly() {
        let opts = |lanes: &str, bits: &str| {
            ReplayOptions::from_args("vw", &[("lanes", lanes.into()), ("bits", bits.into())])
                .unwrap()
        };
        // 8 lanes at 24 bits: 6.8 GB measured.
        let c = estimate(&opts(&["continual"; 8].join(","), "24"), 464e3, 27.0).unwrap();
        assert!(c.bytes > 4e9 && c.bytes < 9e9, "{}", c.text());
        // stateless:1 at 24 bits: about 40 ms an example.
        let c = estimate(&opts("stateless:1", "24"), 27e3, 27.0).unwrap();
        assert!(c.seconds > 20.0 && c.seconds < 120.0, "{}", c.text());
        // stateful:1 deploys only the buckets each example learned (2^22 of them: 0.4 s measured on
        // a 96,364-line, 37-byte-a-line log, estimated 20 minutes before and refused).
        let c = estimate(&opts("stateful:1", "22"), 96_364.0 * 37.0, 37.0).unwrap();
        assert!(c.seconds < 10.0, "{}", c.text());
        // stateful:100000 still pays for copying a large model every 100000 examples.
        let few = estimate(&opts("stateful:100000", "24"), 1e6 * 37.0, 37.0).unwrap();
        let all = estimate(&opts("continual", "24"), 1e6 * 37.0, 37.0).unwrap();
        assert!(few.seconds > all.seconds, "{} {}", few.text(), all.text());
        // The default lanes on a small file are cheap.
        let c = estimate(&opts("", "18"), 800e3, 27.0).unwrap();
        assert!(c.seconds < 2.0 && c.bytes < 200e6, "{}", c.text());
    }

    #[test]
    fn a_sample_gives_the_line_length_and_a_gzip_files_decompressed_size() {
        let opts = ReplayOptions::from_args("vw", &[("lanes", "continual".into())]).unwrap();
        let head = b"1 |f a b\n0 |f c\n".repeat(100);
        let plain = estimate_sample(&opts, 10e6, &head, None).unwrap();
        assert_eq!(
            plain,
            estimate(&opts, 10e6, head.len() as f64 / 200.0).unwrap()
        );
        let gz = estimate_sample(&opts, 1e6, &head, Some(10.0)).unwrap();
        assert!(
            (gz.seconds - plain.seconds).abs() < 1e-9,
            "{} {}",
            gz.text(),
            plain.text()
        );
        assert!(gz.parts[0].what.contains("10.0x"), "{:?}", gz.parts[0]);
    }
}
