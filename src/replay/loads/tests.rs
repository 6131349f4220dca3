//! The CSV splitting and the step of a cell.

use super::*;

fn fields(line: &str, d: u8) -> Vec<String> {
    let mut out = Vec::new();
    split(line.as_bytes(), d, &mut out);
    out.iter()
        .map(|&r| String::from_utf8_lossy(field(line.as_bytes(), r)).into_owned())
        .collect()
}

#[test]
fn csv_fields_with_quotes_and_empty_fields() {
    assert_eq!(fields("a;b;;c", b';'), ["a", "b", "", "c"]);
    assert_eq!(fields("\"x;y\";2; 3 ", b';'), ["x;y", "2", "3"]);
    assert_eq!(
        fields("\"say \"\"hi\"\"\",1", b','),
        ["say \"\"hi\"\"", "1"]
    );
    assert_eq!(fields("\"open,1", b','), ["open,1"]);
    assert_eq!(fields("", b','), [""]);
    assert_eq!(fields("a,", b','), ["a", ""]);
}

#[test]
fn the_step_is_the_most_common_gap() {
    let mut c = Cell {
        t0: 0.0,
        last_t: 0.0,
        last_v: 0.0,
        rows: 0,
        steps: Vec::new(),
        recent: VecDeque::new(),
        warm: None,
        lanes: Vec::new(),
        progressive: Progressive::default(),
        inputs: Default::default(),
        recorded: Default::default(),
    };
    for g in [2.0, 0.25, 0.25, 0.5, 0.25] {
        c.count_step(g);
    }
    assert_eq!(c.step_hours(), 0.25);
    for k in 0..40 {
        c.count_step(1.0 + k as f64);
    }
    assert!(c.steps.len() <= STEP_SLOTS);
}
