//! The essay's sentences about a figure the reader scrubs, written from a study's JSON (the
//! command line's `--json`, the page's report): every number with its interval over the seeds, money
//! through [`crate::base::money`]. The page asks for them as the control moves (`essay_words`).

use serde_json::Value;

use crate::base::echo::counted;
use crate::base::money;
use crate::base::units::fmt_figure;
use crate::study::claims::held_enough;

/// A figure `{mean, lo, hi}` written by `with`, as "12.3% (11.1% to 13.5%)"; the interval left out
/// when it is undefined.
fn spread(f: &Value, with: impl Fn(f64) -> String) -> Option<String> {
    let g = |k: &str| f[k].as_f64();
    let mean = g("mean")?;
    Some(match (g("lo"), g("hi")) {
        (Some(lo), Some(hi)) => format!("{} ({} to {})", with(mean), with(lo), with(hi)),
        _ => with(mean),
    })
}

fn pct(x: f64) -> String {
    format!("{}%", fmt_figure(Some(x), 3))
}

fn num(x: f64) -> String {
    fmt_figure(Some(x), 3)
}

/// The what-if's outcome at the knob's `k`-th value (`rtml whatif --json`, or the page's report): on
/// the live network and as the simulator predicted it, each with its 95% interval over the seeds.
pub fn whatif_at(j: &Value, k: usize) -> Option<String> {
    let label = j["labels"][k]
        .as_str()
        .map(str::to_string)
        .or_else(|| j["values"][k].as_f64().map(|v| fmt_figure(Some(v), 3)))?;
    let (real, pred) = (&j["real"][k], &j["predicted"][k]);
    let day = |x: f64| money::amount_in(x, 3, &money::per("day"));
    let seeds = j["seeds"]
        .as_u64()
        .map_or(String::new(), |n| format!(" over {}", counted(n, "seed")));
    Some(format!(
        "At {} = {label}, the live network saves {} of the energy, leaves {} GB a day degraded, \
         draws {} complaint calls a day and saves {} net (95% intervals{seeds}); the simulator \
         predicted {} of the energy and {}.",
        j["knob"].as_str().unwrap_or("the knob"),
        spread(&real["energy_saved_pct"], pct)?,
        spread(&real["degraded_gb_day"], num)?,
        spread(&real["complaints_day"], num)?,
        spread(&real["money_saved_day"], day)?,
        spread(&pred["energy_saved_pct"], pct)?,
        spread(&pred["money_saved_day"], day)?,
    ))
}

/// The lane a spread over seeds (`rtml run --seeds N --json`) shows worst (`best`: best) on its
/// metric: the lane every other lane beat (lost to) on as many seeds as a caption's claim needs
/// ([`held_enough`]); None when no lane is (the question it answers is then not graded).
pub fn extreme_lane(j: &Value, best: bool) -> Option<String> {
    let lanes: Vec<&str> = (j["lanes"].as_array()?.iter())
        .filter_map(|l| l["label"].as_str())
        .collect();
    let of = j["seeds"].as_array()?.len();
    let beaten = |x: &str| -> Option<bool> {
        let mut all = true;
        for p in j["pairs"].as_array()? {
            let names: Vec<&str> = (p["lanes"].as_array()?.iter())
                .filter_map(Value::as_str)
                .collect();
            let Some(i) = names.iter().position(|n| *n == x) else {
                continue;
            };
            let k = p["better"][if best { i } else { 1 - i }].as_u64()? as usize;
            all &= held_enough("", k, of);
        }
        Some(all)
    };
    lanes
        .into_iter()
        .find(|x| beaten(x) == Some(true))
        .map(str::to_string)
}

/// The lane a spread shows worst on its metric ([`extreme_lane`]).
pub fn worst_lane(j: &Value) -> Option<String> {
    extreme_lane(j, false)
}

/// How much of lane `b`'s expected clicks lane `a` loses over a spread's seeds, on average: `same`
/// (under 1%), `little` (up to 10%), `lot` (more); graded only when the seeds settle who is ahead
/// (one lane beat the other on the spread's metric on as many seeds as a claim needs); and the
/// sentence.
pub fn clicks_lost(j: &Value, a: &str, b: &str) -> Option<(Option<&'static str>, String)> {
    let lane = |x: &str| {
        (j["lanes"].as_array()?.iter())
            .find(|l| l["label"] == x)
            .map(|l| &l["summary"]["expected_clicks"])
    };
    let (fa, fb) = (lane(a)?, lane(b)?);
    let lost = 100.0 * (fb["mean"].as_f64()? - fa["mean"].as_f64()?) / fb["mean"].as_f64()?;
    let grade = if lost.abs() < 1.0 {
        "same"
    } else if lost <= 10.0 {
        "little"
    } else {
        "lot"
    };
    let n = j["seeds"].as_array()?.len();
    // Seeds on which b did better than a, and a than b, on the spread's metric.
    let pair = (j["pairs"].as_array()?.iter()).find_map(|p| {
        let names: Vec<&str> = p["lanes"]
            .as_array()?
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let i = names.iter().position(|x| *x == a)?;
        (names.get(1 - i) == Some(&b))
            .then(|| Some((p["better"][1 - i].as_u64()?, p["better"][i].as_u64()?)))?
    });
    let (b_ahead, a_ahead) = pair?;
    let settled = held_enough("", b_ahead as usize, n) || held_enough("", a_ahead as usize, n);
    let pct = (100.0 * j["interval"].as_f64().unwrap_or(0.9)).round();
    let text = format!(
        "Over {n} seeds, lane {a} earned {} expected clicks and lane {b} {} ({pct}% intervals over \
         the seeds): on average {a} got {}% fewer clicks than {b}, and {b} showed better ads on {b_ahead} \
         of {n} seeds{}.",
        spread(fa, num)?,
        spread(fb, num)?,
        num(lost),
        if settled { "" } else { ": the seeds do not settle it" }
    );
    Some((settled.then_some(grade), text))
}

/// The spread's metric per lane over its seeds, each with its interval, and how the worst lane
/// compares with each other one seed by seed.
pub fn spread_words(j: &Value, best: bool) -> Option<String> {
    let key = j["metric"].as_str()?;
    let info = crate::base::metrics::info(key)?;
    let n = j["seeds"].as_array()?.len();
    let pct = (100.0 * j["interval"].as_f64().unwrap_or(0.9)).round();
    let lanes: Vec<String> = (j["lanes"].as_array()?.iter())
        .filter_map(|l| {
            let f = &l["summary"][key];
            Some(format!("{} {}", l["label"].as_str()?, spread(f, num)?))
        })
        .collect();
    let unit = if info.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", info.unit)
    };
    let mut s = format!(
        "Over {n} seeds, {} per lane{unit}: {} ({pct}% intervals over the seeds).",
        info.label_lower(),
        lanes.join(", ")
    );
    match extreme_lane(j, best) {
        Some(w) => {
            let beats: Vec<String> = (j["pairs"].as_array()?.iter())
                .filter_map(|p| {
                    let names: Vec<&str> =
                        p["lanes"].as_array()?.iter().filter_map(Value::as_str).collect();
                    let i = names.iter().position(|x| *x == w)?;
                    let other = names[1 - i];
                    let k = p["better"][if best { i } else { 1 - i }].as_u64()?;
                    let how = if best { "did worse" } else { "did better" };
                    Some(format!("{other} {how} on {k} of {n}"))
                })
                .collect();
            let most = if best { "best" } else { "worst" };
            s.push_str(&format!(" Lane {w} did {most}: {}.", beats.join(", ")));
        }
        None => s.push_str(&format!(
            " No lane did {} than every other on 9 of {n} seeds: these seeds do not settle the question.",
            if best { "better" } else { "worse" }
        )),
    }
    Some(s)
}

/// The essay's sentence for a study's JSON at `at` (`whatif`: the knob's value number `at`;
/// `breakeven`: the answer's JSON with `at` the units of each streaming stage, separated by
/// commas); empty when the JSON does not hold it.
pub fn words(kind: &str, j: &Value, at: &str) -> String {
    match kind {
        "whatif" => at.trim().parse().ok().and_then(|k| whatif_at(j, k)),
        "worst" => spread_words(j, false),
        "worst-lane" => worst_lane(j),
        "best" => spread_words(j, true),
        "best-lane" => extreme_lane(j, true),
        // `at`: the two lanes, `A,B`.
        "lost" | "lost-grade" => at.split_once(',').and_then(|(a, b)| {
            let (grade, text) = clicks_lost(j, a.trim(), b.trim())?;
            if kind == "lost" {
                Some(text)
            } else {
                grade.map(str::to_string)
            }
        }),
        "breakeven" => {
            let units: Vec<f64> = (at.split(','))
                .map(|u| u.trim().parse().unwrap_or(f64::NAN))
                .collect();
            crate::study::breakeven::Breakeven::from_answer(j, &units).map(|b| b.words())
        }
        _ => None,
    }
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_scrubbed_value_is_told_with_its_intervals_and_money() {
        let f = |m: f64| json!({"mean": m, "lo": m - 1.0, "hi": m + 1.0});
        let o = json!({"energy_saved_pct": f(20.0), "degraded_gb_day": f(3.0),
            "complaints_day": f(2.0), "money_saved_day": f(5.0)});
        let j = json!({"knob": "threshold", "labels": ["0.1", "0.2"], "seeds": 10,
            "real": [o.clone(), o.clone()], "predicted": [o.clone(), o]});
        let s = words("whatif", &j, "1");
        assert!(
            s.starts_with("At threshold = 0.2, the live network saves 20.0% (19.0% to 21.0%)"),
            "{s}"
        );
        assert!(
            s.contains(&money::amount_in(5.0, 3, &money::per("day"))),
            "{s}"
        );
        assert!(s.contains("over 10 seeds"), "{s}");
        // Out of range, or another study: nothing.
        assert_eq!(words("whatif", &j, "2"), "");
        assert_eq!(words("sweep", &j, "0"), "");
    }

    #[test]
    fn the_worst_lane_is_the_one_every_other_beat_on_nine_seeds_of_ten() {
        let f = |m: f64| json!({"degraded_gb": {"mean": m, "lo": m - 1.0, "hi": m + 1.0}});
        let j = |c_lost_to_b: u64| {
            json!({"metric": "degraded_gb", "interval": 0.9, "seeds": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "lanes": [{"label": "A", "summary": f(6.0)}, {"label": "B", "summary": f(5.0)},
                {"label": "C", "summary": f(20.0)}],
            "pairs": [{"lanes": ["A", "B"], "better": [1, 9]}, {"lanes": ["A", "C"], "better": [10, 0]},
                {"lanes": ["B", "C"], "better": [c_lost_to_b, 10 - c_lost_to_b]}]})
        };
        assert_eq!(words("worst-lane", &j(9), ""), "C");
        let s = words("worst", &j(9), "");
        assert!(
            s.contains("C 20.0 (19.0 to 21.0)")
                && s.contains(
                    "Lane C did worst: A did better on 10 of 10, B did better on 9 of 10"
                ),
            "{s}"
        );
        // The best lane: the one that beat every other on 9 of 10 seeds (B), none at 8 of 10.
        assert_eq!(words("best-lane", &j(9), ""), "B");
        assert!(
            words("best", &j(9), "")
                .contains("Lane B did best: A did worse on 9 of 10, C did worse on 9 of 10"),
            "{}",
            words("best", &j(9), "")
        );
        assert_eq!(words("best-lane", &j(8), ""), "");
        assert!(words("best", &j(8), "").contains("No lane did better"));
        // Beaten on only 8 of 10 seeds by B: not graded.
        assert_eq!(words("worst-lane", &j(8), ""), "");
        assert!(words("worst", &j(8), "").contains("do not settle"));
    }

    #[test]
    fn clicks_lost_are_graded_only_when_the_seeds_settle_who_is_ahead() {
        let c = |m: f64| json!({"expected_clicks": {"mean": m, "lo": m - 100.0, "hi": m + 100.0}});
        let j = |b_ahead: u64| {
            json!({"interval": 0.9, "seeds": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            "lanes": [{"label": "A", "summary": c(7000.0)}, {"label": "B", "summary": c(13000.0)}],
            "pairs": [{"lanes": ["A", "B"], "better": [10 - b_ahead, b_ahead]}]})
        };
        assert_eq!(words("lost-grade", &j(10), "A,B"), "lot");
        let s = words("lost", &j(10), "A,B");
        assert!(
            s.starts_with("Over 10 seeds, lane A earned 7000 (6900 to 7100)")
                && s.contains("46.2% fewer")
                && s.contains("on 10 of 10 seeds."),
            "{s}"
        );
        // Ahead on only 7 seeds of 10: not graded.
        assert_eq!(words("lost-grade", &j(7), "A,B"), "");
        assert!(words("lost", &j(7), "A,B").contains("do not settle"));
        assert_eq!(words("lost-grade", &j(10), "A"), "");
    }
}
