//! The answer's claims, on seeds no other test uses (5001-5010, 6001-6010, 7001-7010; 9101 for the
//! command line and the page): in ads, stale predictions lose a clear share of the ML system's value;
//! in cells, stale predictions cost more than a stale model; noise is called "no measurable
//! difference"; the JSON has exactly the fields the issue lists.

use rtml::study::answer::{self, summarize, Col, Part, Row, Spec, Task, World};

const BLOCKS: [std::ops::RangeInclusive<u32>; 3] = [5001..=5010, 6001..=6010, 7001..=7010];

/// A one-world, one-seed map over the given rows and columns.
fn map(preset: &str, seed: u32, rows: &[Row], cols: &[Col]) -> answer::Map {
    let w = World::new(preset, Some(seed), &[]).unwrap();
    let mut spec = Spec::new(vec![w], 1).unwrap();
    spec.rows = rows.to_vec();
    spec.cols = cols.to_vec();
    answer::run(&spec, |_, _| {}).unwrap().maps.remove(0)
}

/// Checks `claim` on every seed of each block; each block must hold on at least 9 of its 10.
fn each_block(mut claim: impl FnMut(u32) -> Result<(), String>) {
    for block in BLOCKS {
        let fails: Vec<String> = block.filter_map(|s| claim(s).err()).collect();
        assert!(fails.len() <= 1, "held on fewer than 9 of 10: {fails:?}");
    }
}

#[test]
fn ads_stale_predictions_lose_a_clear_share_of_the_value() {
    each_block(|seed| {
        let m = map(
            answer::DEFAULT_ADS,
            seed,
            &[Row::Online, Row::Batch(24.0)],
            &[Col::Continual],
        );
        let cell = &m.cells[1][0];
        match cell.share {
            Some(s) if s >= 0.10 => Ok(()),
            _ => Err(format!(
                "seed {seed}: 1d predictions lose {:?} of {} {} (share {:?})",
                cell.lost, m.ml.mean, m.unit, cell.share
            )),
        }
    });
}

#[test]
fn cells_stale_predictions_cost_more_than_a_stale_model() {
    each_block(|seed| {
        let m = map(
            answer::DEFAULT_CELLS,
            seed,
            &[Row::Online, Row::Batch(24.0)],
            &[Col::Continual, Col::Every(24.0)],
        );
        let (pred, model) = (m.cells[1][0].lost.mean, m.cells[0][1].lost.mean);
        if pred > model && m.cells[1][0].lost.measurable {
            Ok(())
        } else {
            Err(format!(
                "seed {seed}: stale predictions {pred} vs stale model {model} {}",
                m.unit
            ))
        }
    });
}

/// Hand-made parts: one world (ads), `seeds` seeds, lanes 0 (baseline), 1 (corner), 2 (the cell)
/// (the rule and the oracle earn what the baseline does), one block per day; the lanes' revenue per
/// seed from `value(seed, lane)`.
fn parts(spec: &Spec, value: impl Fn(u32, usize) -> f64) -> Vec<Part> {
    let days = answer::blocks(&spec.worlds[0].base).len();
    let refs = answer::REFS.len();
    let of = |l: usize| if l < refs { 0 } else { l + 1 - refs };
    (0..spec.seeds)
        .map(|s| Part {
            task: Task {
                world: 0,
                seed: s,
                part: 0,
                parts: 1,
                variation: None,
            },
            lanes: (0..refs + 2).collect(),
            sums: (0..refs + 2)
                .map(|l| {
                    (0..days)
                        .flat_map(|_| [value(s, of(l)) / days as f64, 1.0])
                        .collect()
                })
                .collect(),
        })
        .collect()
}

fn small_spec(seeds: u32) -> Spec {
    let w = World::new(answer::DEFAULT_ADS, Some(9101), &[]).unwrap();
    let mut spec = Spec::new(vec![w], seeds).unwrap();
    spec.rows = vec![Row::Online];
    spec.cols = vec![Col::Continual, Col::Every(24.0)];
    spec
}

#[test]
fn noise_is_no_measurable_difference_and_gets_no_share() {
    let spec = small_spec(6);
    // The cell differs from the corner only by noise of both signs: mean 0.
    let noise = [3.0, -3.0, 5.0, -5.0, 1.0, -1.0];
    let a = summarize(
        &spec,
        &parts(&spec, |s, l| match l {
            0 => 1000.0,
            1 => 2000.0 + (s as f64) * 10.0,
            _ => 2000.0 + (s as f64) * 10.0 - noise[s as usize],
        }),
    );
    let m = &a.maps[0];
    assert!(m.ml.measurable && m.ml.mean > 0.0, "{:?}", m.ml);
    let cell = &m.cells[0][1];
    assert!(!cell.lost.measurable, "{:?}", cell.lost);
    assert_eq!(cell.share, None);
    assert!(
        a.conclusion.contains("no measurable difference"),
        "{}",
        a.conclusion
    );
    let json = serde_json::to_value(answer::stats::to_json(&a)).unwrap();
    assert_eq!(
        json["scenarios"][0]["value_lost_share"][0][1],
        serde_json::Value::Null
    );
    assert_eq!(json["scenarios"][0]["measurable"][0][1], false);

    // A loss of 100 per day in every seed, give or take 5: measurable, and a share of the ML value.
    let a = summarize(
        &spec,
        &parts(&spec, |s, l| match l {
            0 => 0.0,
            1 => 14000.0,
            _ => 14000.0 - (100.0 + noise[s as usize]) * 14.0,
        }),
    );
    let cell = &a.maps[0].cells[0][1];
    assert!(cell.lost.measurable && cell.lost.lo > 0.0);
    assert!((cell.share.unwrap() - 0.1).abs() < 1e-9, "{:?}", cell.share);
    assert!(a.conclusion.contains("in 6 of 6 seeds"), "{}", a.conclusion);
    let json = serde_json::to_value(answer::stats::to_json(&a)).unwrap();
    assert!(
        (json["scenarios"][0]["value_lost_money"][0][1]
            .as_f64()
            .unwrap()
            - 100.0)
            .abs()
            < 1e-9
    );
}

#[test]
fn one_seed_over_one_day_says_it_gives_no_interval_instead_of_no_measurable_value() {
    let mut spec = small_spec(1);
    spec.worlds[0].base.days = 1.0;
    let a = summarize(&spec, &parts(&spec, |_, l| [0.0, 2000.0, 1900.0][l]));
    assert_eq!(a.lead.len(), 1, "{:?}", a.lead);
    assert!(
        a.lead[0].starts_with("Ads: one seed over 1 day gives no interval"),
        "{}",
        a.lead[0]
    );
    assert!(!a
        .conclusion
        .contains("value over a random ad is not measurable"));
    // Two days of one seed are two paired differences: an interval, and the usual lead.
    spec.worlds[0].base.days = 2.0;
    let a = summarize(&spec, &parts(&spec, |_, l| [0.0, 2000.0, 1900.0][l]));
    assert!(!a.lead[0].contains("no interval"), "{}", a.lead[0]);
}

#[test]
fn no_measurable_ml_value_gives_no_share_however_large_the_loss() {
    let spec = small_spec(4);
    // The ML system is worth about nothing (the gap the old sweep divided by): no share may blow up.
    let a = summarize(
        &spec,
        &parts(&spec, |s, l| match l {
            0 => 2000.0 + [1.0, -1.0, 2.0, -2.0][s as usize],
            1 => 2000.0,
            _ => 1000.0,
        }),
    );
    let m = &a.maps[0];
    assert!(!m.ml.measurable);
    assert!(m.cells[0][1].lost.measurable);
    assert_eq!(m.cells[0][1].share, None);
    assert!(a
        .conclusion
        .contains("no share of the ML system's value is given"));
    // A script tells "not measurable" from "no share to give": the money is there, the share not.
    let json = serde_json::to_value(answer::stats::to_json(&a)).unwrap();
    let s = &json["scenarios"][0];
    assert_eq!(s["ml_value"]["measurable"], false);
    assert_eq!(s["measurable"][0][1], true);
    assert!((s["value_lost_money"][0][1].as_f64().unwrap() - 1000.0 / 14.0).abs() < 1e-9);
    assert!(s["value_lost_share"][0][1].is_null());
}

#[test]
fn the_command_line_json_has_exactly_the_fields_of_the_issue() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rtml"))
        .args([
            "answer", "--seed", "9101", "--seeds", "2", "--set", "days=2", "--set", "warmup=1",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |o: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = o.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&v), ["conclusion", "question", "scenarios"]);
    assert!(v["conclusion"]
        .as_str()
        .unwrap()
        .contains("Ads (ads-batch-vs-online, 2 seeds, paired)"));
    let scen = v["scenarios"].as_array().unwrap();
    assert_eq!(scen.len(), 2);
    for (s, name) in scen.iter().zip(["ads", "cells"]) {
        assert_eq!(
            keys(s),
            [
                "apart_from_below",
                "apart_from_right",
                "every",
                "hi",
                "lo",
                "measurable",
                "ml_over_rule",
                "ml_value",
                "notes",
                "oracle_value",
                "preset",
                "refresh",
                "rule_value",
                "scenario",
                "seeds",
                "unit",
                "value_lost",
                "value_lost_money",
                "value_lost_share",
            ]
        );
        for k in ["ml_value", "rule_value", "ml_over_rule", "oracle_value"] {
            assert_eq!(keys(&s[k]), ["hi", "lo", "mean", "measurable"], "{k}");
        }
        assert_eq!(s["scenario"], name);
        // Cells decide every 15 minutes: a 15-minute batch table is the online row, left out.
        let rows: &[&str] = if name == "ads" {
            &["online", "15m", "1h", "4h", "1d"]
        } else {
            &["online", "1h", "4h", "1d"]
        };
        assert_eq!(s["refresh"], serde_json::json!(rows));
        // A note per row left out; ads also says its cells learn from the corner's log.
        let notes = s["notes"].as_array().unwrap();
        assert_eq!(notes.len(), 5 - rows.len() + (name == "ads") as usize);
        if name == "ads" {
            assert!(notes[0].as_str().unwrap().contains("one log"), "{notes:?}");
        }
        assert_eq!(
            s["every"],
            serde_json::json!(["continual", "1h", "1d", "7d", "frozen"])
        );
        for k in [
            "value_lost",
            "value_lost_share",
            "value_lost_money",
            "lo",
            "hi",
            "measurable",
        ] {
            let m = s[k].as_array().unwrap();
            assert_eq!(m.len(), rows.len(), "{k}");
            assert!(m.iter().all(|r| r.as_array().unwrap().len() == 5), "{k}");
        }
        // Money wherever measurable, a share only where measurable; the corner is the reference.
        for r in 0..rows.len() {
            for c in 0..5 {
                let measurable = s["measurable"][r][c] == true;
                assert_eq!(!s["value_lost_money"][r][c].is_null(), measurable);
                if !measurable {
                    assert!(s["value_lost_share"][r][c].is_null());
                }
            }
        }
        assert_eq!(s["value_lost"][0][0], 0.0);
        assert_eq!(s["measurable"][0][0], false);
    }
    assert_eq!(scen[0]["unit"], "€/day");
    assert_eq!(scen[1]["unit"], "€/day");
}

/// Issue 26's must-hold at default settings on blocks of seeds no other test uses (the ads world
/// only, to spare CI: the cells world's figures are the cells issue's): the ML system's value, the
/// frozen column and the 1-day batch row measurably positive; a 1% difference in the ML value
/// measurable (the online row's hourly and daily retrains, whose true difference from the corner is
/// below 1%, have intervals narrower than 1% of the ML value: the shared log, `answer::ADS_LOG`;
/// with each lane on its own log they are 0.7-10% wide); every measurable cell with money in the
/// table and the JSON. `ANSWER_BLOCKS=1,2,...` checks other blocks.
#[test]
fn at_defaults_the_ads_answer_measures_what_the_world_does() {
    let blocks: Vec<u32> = std::env::var("ANSWER_BLOCKS")
        .map(|v| v.split(',').filter_map(|b| b.trim().parse().ok()).collect())
        .unwrap_or_else(|_| vec![8101, 5555]);
    for block in blocks {
        ads_at_defaults(block);
    }
}

fn ads_at_defaults(block: u32) {
    let job = answer::Job {
        ads: answer::DEFAULT_ADS.into(),
        cells: answer::DEFAULT_CELLS.into(),
        sets: String::new(),
        seed: Some(block),
        seeds: answer::DEFAULT_SEEDS,
        sensitivity: false,
    };
    let mut spec = job.spec().unwrap();
    spec.worlds.truncate(1);
    let a = answer::run(&spec, |_, _| {}).unwrap();
    let m = &a.maps[0];
    assert!(m.ml.positive(), "block {block}: {:?}", m.ml);
    let frozen = m.cols.iter().position(|c| c == "frozen").unwrap();
    let day = m.rows.iter().position(|r| r == "1d").unwrap();
    for r in 0..m.rows.len() {
        let d = m.cells[r][frozen].lost;
        assert!(d.positive(), "block {block}: {} frozen: {d:?}", m.rows[r]);
    }
    for (c, cell) in m.cells[day].iter().enumerate() {
        assert!(
            cell.lost.positive(),
            "block {block}: 1d {}: {:?}",
            m.cols[c],
            cell.lost
        );
    }
    for col in ["1h", "1d"] {
        let c = m.cols.iter().position(|x| x == col).unwrap();
        let d = m.cells[0][c].lost;
        let half = (d.hi - d.lo) / 2.0;
        assert!(
            half < 0.01 * m.ml.mean,
            "block {block}: online {col}: {d:?} is wider than 1% of the ML value {}",
            m.ml.mean
        );
    }
    // Every measurable cell has its money in the JSON and a number in the table.
    let json = serde_json::to_value(answer::stats::to_json(&a)).unwrap();
    for (r, row) in m.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if cell.lost.measurable {
                assert!(json["scenarios"][0]["value_lost_money"][r][c].is_number());
            }
        }
    }
    let table = rtml::study::studies::answer_table(&a);
    for line in &table.rows {
        let what: Vec<&str> = line[0].split(" · ").collect();
        let Some((r, c)) = what.get(1..3).and_then(|x| m.at(x[0], x[1])) else {
            continue;
        };
        if m.cells[r][c].lost.measurable {
            assert!(line[1].parse::<f64>().is_ok(), "{line:?}");
        }
    }
}

#[test]
fn bad_input_is_refused_with_a_message() {
    for args in [
        &["answer", "--seeds", "0"][..],
        &["answer", "--set", "volume=-1"],
        &["answer", "--ads", "cells-sleep"],
        &["answer", "--set", "nonsense"],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_rtml"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("rtml: "));
    }
}
