//! The conclusion in words, generated from the map's numbers. It leads with one sentence per
//! scenario (what the ML system is worth over no ML and over the rule, what a day of staleness costs
//! on each axis) and one comparing them; the details (intervals, seed counts, the frozen model, the
//! oracle, rows left out) are folded below. A sentence states a difference only where its interval
//! excludes zero; otherwise it says "not measurable". Nothing here is written in advance of the
//! numbers.

use super::stats::{Diff, Map};
use crate::base::echo::counted;
use crate::base::units::fmt_figure;
use crate::sim::config::Scenario;

fn money(x: f64, unit: &str) -> String {
    crate::base::money::amount_in(x, 3, unit)
}

fn pct(x: f64) -> String {
    format!("{}%", fmt_figure(Some(100.0 * x), 2))
}

/// "in 4 of 5 seeds" (the seeds in which the difference had the sign stated; a trace's weeks).
fn seeds(m: &Map, held: u32, n: u32) -> String {
    format!("in {held} of {}", counted(n, m.per))
}

/// "95% interval -3 to 27".
fn interval(d: &Diff) -> String {
    format!(
        "95% interval {} to {}",
        fmt_figure(Some(d.lo), 3),
        fmt_figure(Some(d.hi), 3)
    )
}

/// What one cell loses, in a clause: "lose 12 €/day, 30% of that value (less than the freshest
/// corner in 5 of 5 seeds)" or "show no measurable difference (12 €/day, 95% interval -3 to 27)".
fn loss(m: &Map, d: &Diff, plural: bool) -> String {
    let unit = &m.unit;
    let verb = if plural { "lose" } else { "loses" };
    if !d.measurable {
        return format!(
            "{} no measurable difference ({}, {})",
            if plural { "show" } else { "shows" },
            money(d.mean, unit),
            interval(d)
        );
    }
    let share = if m.ml.positive() {
        format!(", {} of that value", pct(d.mean / m.ml.mean))
    } else {
        String::new()
    };
    if d.mean > 0.0 {
        format!(
            "{verb} {}{share} (less than the freshest corner {}; {})",
            money(d.mean, unit),
            seeds(m, d.held, d.seeds),
            interval(d)
        )
    } else {
        format!(
            "{} {} more than the freshest corner ({}; {})",
            if plural { "gain" } else { "gains" },
            money(-d.mean, unit),
            seeds(m, d.agree(), d.seeds),
            interval(d)
        )
    }
}

/// The names of a scenario: its name, its verb, its no-ML baseline and its rule.
fn names(s: Scenario) -> (&'static str, &'static str, &'static str, &'static str) {
    match s {
        Scenario::Ads => (
            "Ads",
            "earns",
            "a random ad",
            "the rule (each ad's observed click-through rate)",
        ),
        Scenario::Cells => (
            "Cells",
            "saves",
            "keeping every cell on",
            "the rule (sleep on the last measured load)",
        ),
    }
}

/// A short figure for a lead sentence: "767 €/day", or "not measurable".
fn short(d: &Diff, unit: &str) -> String {
    if d.measurable {
        money(d.mean, unit)
    } else {
        "no measurable amount".into()
    }
}

/// The two staleness cells: (a day of stale predictions, a day of stale model), as losses.
fn stale(m: &Map) -> Option<(Diff, Diff, Diff)> {
    let corner = m.lane(0, 0);
    let p = m.at("1d", "continual").map(|(r, c)| m.lane(r, c))?;
    let l = m.at("online", "1d").map(|(r, c)| m.lane(r, c))?;
    Some((m.diff(corner, p), m.diff(corner, l), m.diff(l, p)))
}

/// Days of the horizon, as written: `14 days`, `1 day`, `2.5 days`.
fn days(m: &Map) -> String {
    let days: f64 = m.block_days.iter().sum();
    let s = if days == 1.0 { "" } else { "s" };
    format!("{} day{s}", crate::base::units::fmt_num(days))
}

/// The paired differences behind each interval: the seeds (a trace's weeks), or one seed's days.
/// Fewer than two give no interval, so nothing is measurable.
fn units(m: &Map) -> usize {
    match m.seeds {
        1 if m.per == "seed" => m.block_days.iter().filter(|&&d| d > 0.0).count(),
        n => n as usize,
    }
}

/// The lead sentence of one scenario.
pub fn lead(m: &Map) -> String {
    let (name, earns, baseline, _) = names(m.scenario);
    if units(m) < 2 {
        // "Not measurable" would read as noise: with one paired difference there is no interval.
        let (what, more) = match m.per {
            "seed" => (format!("one seed over {}", days(m)), "add seeds or days"),
            per => (format!("one {per}"), "map a longer trace"),
        };
        return format!(
            "{name}: {what} gives no interval (a 95% interval needs two paired differences or \
             more), so no difference is called measurable: {more}."
        );
    }
    let u = &m.unit;
    let value = if m.ml.positive() {
        format!(
            "the ML system {earns} {} over {baseline}",
            money(m.ml.mean, u)
        )
    } else if m.ml.negative() {
        format!(
            "the ML system costs {} more than {baseline}",
            money(-m.ml.mean, u)
        )
    } else {
        format!("the ML system's value over {baseline} is not measurable")
    };
    let and = if m.ml.positive() { " and" } else { "; it" };
    let rule = if m.ml_over_rule.positive() {
        format!(
            "{and} {earns} {} more than the rule without a model: ML earns its keep over the rule",
            money(m.ml_over_rule.mean, u)
        )
    } else if m.ml_over_rule.negative() {
        format!(
            "{and} {earns} {} less than the rule without a model: the rule does better",
            money(-m.ml_over_rule.mean, u)
        )
    } else {
        format!("{and} is not measurably apart from the rule without a model")
    };
    let staleness = match stale(m) {
        Some((p, l, _)) => format!(
            "; a day of stale predictions costs {}, a day of stale model {}",
            short(&p, u),
            short(&l, u)
        ),
        None => String::new(),
    };
    format!("{name}: {value}{rule}{staleness}.")
}

/// The sentence comparing the scenarios: which freshness matters more in each, and where ML earns
/// its keep over the rule.
fn comparing(maps: &[&Map]) -> String {
    // (statement, domains it holds in), in order of first appearance.
    let mut said: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut say = |what: &'static str, d: &'static str| match said.iter_mut().find(|s| s.0 == what)
    {
        Some(s) => s.1.push(d),
        None => said.push((what, vec![d])),
    };
    for m in maps {
        let d = m.scenario.name();
        if let Some((_, _, x)) = stale(m) {
            say(
                if x.positive() {
                    "fresh predictions matter more than a fresh model"
                } else if x.negative() {
                    "a fresh model matters more than fresh predictions"
                } else {
                    "neither freshness measurably matters more"
                },
                d,
            );
        }
        say(
            if m.ml_over_rule.positive() {
                "ML earns its keep over the rule"
            } else if m.ml_over_rule.negative() {
                "the rule beats ML"
            } else {
                "ML and the rule are not measurably apart"
            },
            d,
        );
    }
    let s = (said.iter())
        .map(|(what, ds)| {
            let both = ds.iter().map(|d| format!("in {d}")).collect::<Vec<_>>();
            format!("{what} {}", both.join(" and "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    format!("{}.", crate::base::echo::capitalised(&s))
}

/// The details of one scenario (intervals, seed counts, the frozen model, the rule, the oracle).
pub fn details(m: &Map) -> Vec<String> {
    let (name, earns, baseline, rule) = names(m.scenario);
    let u = &m.unit;
    let mut out = Vec::new();
    let head = if m.per == "seed" && m.seeds == 1 {
        format!(
            "{name} ({}, 1 seed; intervals over its {}):",
            m.preset,
            days(m)
        )
    } else {
        let n = counted(m.seeds, m.per);
        format!("{name} ({}, {n}, paired):", m.preset)
    };
    let diff = |what: &str, d: &Diff| {
        if d.measurable {
            format!(
                "{what} {} ({}; {})",
                money(d.mean, u),
                interval(d),
                seeds(m, d.agree(), d.seeds)
            )
        } else {
            format!(
                "{what} no measurable amount ({}, {})",
                money(d.mean, u),
                interval(d)
            )
        }
    };
    // The ads oracle shows the ad most likely clicked, not the one that pays most: no bound on money.
    let oracle = match m.scenario {
        Scenario::Ads => "the click oracle (the ad most likely clicked, not a bound on revenue)",
        Scenario::Cells => "the oracle, which knows the loads,",
    };
    // A trace's oracle is planned for small groups only: without it, no clause.
    let oracle = if m.oracle.mean.is_nan() {
        String::new()
    } else {
        format!("; {oracle} {earns} {}", diff("", &m.oracle).trim_start())
    };
    out.push(format!(
        "{head} the ML system {earns} {} over {baseline}; {rule} {earns} {}; the ML system over the rule: {}{oracle}.",
        diff("", &m.ml).trim_start(),
        diff("", &m.rule).trim_start(),
        diff("", &m.ml_over_rule).trim_start(),
    ));
    if !m.ml.positive() {
        out.push(format!(
            "{name}: no share of the ML system's value is given, as that value is not measurably positive; losses are in money."
        ));
    }
    let corner = m.lane(0, 0);
    let cell = |r: &str, c: &str| m.at(r, c).map(|(r, c)| m.diff(corner, m.lane(r, c)));
    if let Some(p) = cell("1d", "continual") {
        out.push(format!(
            "{name}: predictions up to a day old (batch refresh 1d, continual model) {}.",
            loss(m, &p, true)
        ));
    }
    if let Some(l) = cell("online", "1d") {
        out.push(format!(
            "{name}: a model up to a day old (retrained daily, online predictions) {}.",
            loss(m, &l, false)
        ));
    }
    if let Some((_, _, x)) = stale(m) {
        out.push(if x.measurable {
            format!(
                "{name}: a day of stale {} costs {} more than a day of stale {} ({}; {}).",
                if x.mean > 0.0 { "predictions" } else { "model" },
                money(x.mean.abs(), u),
                if x.mean > 0.0 { "model" } else { "predictions" },
                seeds(m, x.agree(), x.seeds),
                interval(&x)
            )
        } else {
            format!(
                "{name}: between a day of stale predictions and a day of stale model there is no measurable difference ({})." ,
                interval(&x)
            )
        });
    }
    if let Some((r, c)) = m.at("online", "frozen") {
        out.push(format!(
            "{name}: a model frozen after the warm-up (online predictions) {}.",
            loss(m, &m.diff(corner, m.lane(r, c)), false)
        ));
    }
    out.extend(m.notes.iter().map(|n| format!("{name}: {n}")));
    out
}

/// The conclusion: the lead sentences (one per scenario with complete seeds, one comparing them,
/// the sensitivity strip's), then the details.
pub fn conclusion(
    maps: &[Map],
    sensitivity: Option<&[super::sensitivity::Held]>,
) -> (Vec<String>, Vec<String>) {
    let done: Vec<&Map> = maps.iter().filter(|m| m.seeds > 0).collect();
    if done.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut lead_: Vec<String> = done.iter().map(|m| lead(m)).collect();
    // Scenarios with intervals only: one without has nothing measurable to compare.
    let compared: Vec<&Map> = done.iter().copied().filter(|m| units(m) >= 2).collect();
    if compared.len() > 1 {
        lead_.push(comparing(&compared));
    }
    if let Some(s) = sensitivity.filter(|s| !s.is_empty()) {
        lead_.push(super::sensitivity::words(
            s,
            &super::sensitivity::unmeasured(maps),
        ));
    }
    let mut more: Vec<String> = done.iter().flat_map(|m| details(m)).collect();
    more.push("Intervals are 95% over the seeds' paired differences (every lane of a seed saw the same world); a difference whose interval includes zero is called not measurable, and a cell beside a neighbour it is not measurably apart from is marked \"≈\" on the map and in the table.".into());
    (lead_, more)
}

/// The essay's closing question, worded and graded from the same numbers as the map (the JSON's
/// `question`): where a day of staleness (the larger of a day-old prediction and a day-old model)
/// costs the larger share of what the ML system is worth. A share exists only where the ML system's
/// value is measurably positive and the loss measurable; when a scenario has none, or the run cannot
/// tell the two apart, `outcome` is None and `text` says why (no default is picked).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Question {
    pub text: String,
    /// `[value, label]` of each choice.
    pub choices: Vec<[String; 2]>,
    /// The choice the run bears out: `ads`, `cells`, `same`; None where it is not measurable.
    pub outcome: Option<String>,
    /// What the run measured, in a sentence.
    pub why: String,
}

/// A scenario's largest share lost to a day of staleness, with its interval (None where no share).
fn day_share(m: &Map) -> Option<(f64, f64, f64)> {
    let (p, l, _) = stale(m)?;
    if !m.ml.positive() {
        return None;
    }
    let worst = [p, l]
        .into_iter()
        .filter(|d| d.positive())
        .max_by(|a, b| a.mean.total_cmp(&b.mean))?;
    let s = |x: f64| x / m.ml.mean;
    Some((s(worst.mean), s(worst.lo), s(worst.hi)))
}

/// The closing question of the essay from the answer's maps.
pub fn question(maps: &[Map]) -> Question {
    let find = |s: Scenario| maps.iter().find(|m| m.scenario == s && m.seeds > 0);
    let (a, c) = (find(Scenario::Ads), find(Scenario::Cells));
    let share = |m: Option<&Map>| m.and_then(day_share);
    let say = |name: &str, m: Option<&Map>| match (m, share(m)) {
        (None, _) => format!("{name}: not run"),
        (Some(_), Some((x, lo, hi))) => format!(
            "{name}: {} of the ML system's value (95% interval {} to {})",
            pct(x),
            pct(lo),
            pct(hi)
        ),
        (Some(m), None) if !m.ml.positive() => {
            format!("{name}: no share, as the ML system's value is not measurably positive")
        }
        (Some(_), None) => format!("{name}: no measurable loss from a day of staleness"),
    };
    let outcome = match (share(a), share(c)) {
        (Some(x), Some(y)) if x.1 > y.2 => Some("ads"),
        (Some(x), Some(y)) if y.1 > x.2 => Some("cells"),
        (Some(_), Some(_)) => Some("same"),
        _ => None,
    };
    let why = format!(
        "A day of staleness costs: {}; {}.{}",
        say("ads", a),
        say("cells", c),
        match outcome {
            None => " This run cannot grade the question: it needs a measurable share in both.",
            Some("same") => " The two intervals overlap: not measurably apart.",
            _ => "",
        }
    );
    Question {
        text: "Put a price on both domains: expected revenue for ads; the cost the network pays for cells. Where does a day of staleness cost the larger share of what the ML system is worth?".into(),
        choices: [("ads", "In ad ranking"), ("cells", "In the cellular network"), ("same", "About the same in both")]
            .map(|(v, l)| [v.to_string(), l.to_string()])
            .to_vec(),
        outcome: outcome.map(str::to_string),
        why,
    }
}
