//! The page hides a lane knob that does not apply to the lane (`view::controls::lane_knob_applies`):
//! this checks that hiding it hides nothing, because changing it changes no number of the run.

use rtml::sim::config::{Config, LANE_NAMES};
use rtml::sim::experiment::Experiment;
use rtml::sim::knobs::{Kind, Value, LANE_KNOBS};
use rtml::sim::presets::PRESETS;
use rtml::view::controls::lane_knob_applies;

fn digest(cfg: &Config) -> String {
    let mut e = Experiment::new(cfg.clone()).unwrap();
    e.run_to_end();
    e.digest()
}

/// Another valid value than `now`: the range's lower end, or its upper end for a number at the lower
/// end, or another word.
fn other(kind: &Kind, now: &Value) -> Option<String> {
    let v = match (*kind, now) {
        (Kind::Num { min, max, .. }, Value::Num(x)) => {
            Value::Num(if *x != min { min } else { (min + 1.0).min(max) })
        }
        (Kind::Duration { min, max, .. }, Value::Num(x)) => {
            Value::Num(if *x != min { min } else { max })
        }
        (Kind::Choice(c), Value::Choice(w)) => Value::Choice(c.iter().find(|o| *o != w)?),
        _ => return None,
    };
    Some(kind.format(&v))
}

#[test]
fn changing_a_knob_that_does_not_apply_changes_no_number() {
    let mut checked = 0;
    for p in PRESETS {
        let mut base = p.config();
        base.set("days", "2").unwrap();
        base.set("warmup", "1").unwrap();
        let want = digest(&base);
        for (i, lane) in base.lanes.iter().enumerate() {
            for k in LANE_KNOBS {
                if k.scenario.is_some_and(|s| s != base.scenario)
                    || lane_knob_applies(k.key, lane, base.scenario)
                {
                    continue;
                }
                let Some(text) = other(&k.kind, &(k.get)(lane)) else {
                    continue;
                };
                let key = format!("{}.{}", LANE_NAMES[i].to_ascii_lowercase(), k.key);
                let mut cfg = base.clone();
                cfg.set(&key, &text).unwrap();
                assert_eq!(
                    digest(&cfg),
                    want,
                    "{}: {key}={text} is hidden but changes the run",
                    p.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked}");
}
