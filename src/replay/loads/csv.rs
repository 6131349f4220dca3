//! The CSV side of a load trace: fields split with quotes honoured, the header's columns found
//! (by name or by the defaults `rtml run --export` writes), and each row checked (value, time in
//! order, cell) before it reaches the replay ([`Loads::value`]).

use super::{Cell, Gap, Loads, D, GAP_NOTICE, MAX_CELLS, MAX_CELL_BUFFER, MAX_LOAD};
use crate::learn::linreg::Regressor;
use crate::learn::progressive::{Fifo, Progressive};
use crate::replay::time::{self, Stamp};
use crate::replay::{shorten, ReplayError};
use std::collections::VecDeque;

/// The first time of a trace in plain numbers (hours) from this far on is refused: 1e8 hours is
/// over 11,000 years, and Unix seconds pass it from 1973 on (milliseconds from 1970-01-02). A later
/// row that far is a typo the gap notice names (`tests/hostile.rs`).
const EPOCH_LIKE_HOURS: f64 = 1e8;

/// Column positions found in the header.
#[derive(Clone, Copy, Debug)]
pub(super) struct Cols {
    time: usize,
    cell: Option<usize>,
    value: usize,
    header: usize,
}

/// Splits a CSV line on `delim` into field ranges, honouring double quotes (a quoted field's range
/// excludes its quotes; `""` inside stays as it is).
pub(super) fn split(line: &[u8], delim: u8, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut i = 0;
    loop {
        let start = i;
        let (a, b);
        if line.get(i) == Some(&b'"') {
            let mut j = i + 1;
            loop {
                match line[j.min(line.len())..].iter().position(|&c| c == b'"') {
                    None => {
                        j = line.len();
                        break;
                    }
                    Some(k) => {
                        j += k;
                        if line.get(j + 1) == Some(&b'"') {
                            j += 2;
                        } else {
                            break;
                        }
                    }
                }
            }
            a = start + 1;
            b = j.min(line.len()).max(a);
            i = line[b..]
                .iter()
                .position(|&c| c == delim)
                .map(|k| b + k)
                .unwrap_or(line.len());
        } else {
            i = line[i..]
                .iter()
                .position(|&c| c == delim)
                .map(|k| i + k)
                .unwrap_or(line.len());
            a = start;
            b = i;
        }
        out.push((a, b));
        if i >= line.len() {
            break;
        }
        i += 1;
    }
}

pub(super) fn field(line: &[u8], r: (usize, usize)) -> &[u8] {
    line[r.0..r.1].trim_ascii()
}

fn is_missing(v: &[u8]) -> bool {
    matches!(
        v,
        b"" | b"NA" | b"N/A" | b"NaN" | b"nan" | b"null" | b"NULL" | b"-"
    )
}

impl Loads {
    pub(super) fn header(&mut self, line: &[u8], n: u64) -> Result<(), ReplayError> {
        let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        let mut fields = std::mem::take(&mut self.fields);
        split(line, self.delim, &mut fields);
        let names: Vec<String> = fields
            .iter()
            .map(|&r| {
                String::from_utf8_lossy(field(line, r))
                    .trim_matches('"')
                    .to_string()
            })
            .collect();
        self.fields = fields;
        let d = self.delim as char;
        if names.len() < 2 {
            let guess = [b',', b';', b'\t', b'|']
                .into_iter()
                .filter(|&c| c != self.delim)
                .max_by_key(|&c| line.iter().filter(|&&b| b == c).count());
            let hint = match guess {
                Some(c) if line.contains(&c) => format!(
                    "; it looks {}-separated: set --delimiter to '{}'",
                    show(c),
                    show(c)
                ),
                _ => String::new(),
            };
            return Err(ReplayError::at(
                n,
                format!(
                    "the header has one column with delimiter '{}'{hint}: `{}`",
                    show(self.delim),
                    shorten(line)
                ),
            ));
        }
        let list = shorten(names.join(&d.to_string()).as_bytes());
        // Without a name, a column named as the default (`time`, `cell`, `value`: the columns `rtml run
        // --export` writes) is taken.
        let default = |what: &str| names.iter().position(|c| c.eq_ignore_ascii_case(what));
        let find = |want: &str, what: &str, flag: &str| -> Result<usize, ReplayError> {
            if want.is_empty() {
                if let Some(i) = default(what) {
                    return Ok(i);
                }
                return Err(ReplayError::at(
                    n,
                    format!("choose the {what} column with {flag}: the header has `{list}`"),
                ));
            }
            names
                .iter()
                .position(|c| c == want)
                .or_else(|| names.iter().position(|c| c.eq_ignore_ascii_case(want)))
                .ok_or_else(|| {
                    ReplayError::at(
                        n,
                        format!("no column `{want}` ({flag}) in the header `{list}`"),
                    )
                })
        };
        let time = find(&self.time_col, "time", "--time-col")?;
        let value = find(&self.value_col, "value", "--value-col")?;
        let cell = if self.cell_col.is_empty() {
            default("cell")
        } else {
            Some(find(&self.cell_col, "cell", "--cell-col")?)
        };
        self.cols = Some(Cols {
            time,
            cell,
            value,
            header: names.len(),
        });
        Ok(())
    }

    /// Parses and replays one line (the first non-blank line is the header).
    pub fn line(&mut self, line: &[u8], n: u64) -> Result<(), LineError> {
        if line.trim_ascii().is_empty() {
            return Ok(());
        }
        let Some(cols) = self.cols else {
            return self.header(line, n).map_err(LineError::Fatal);
        };
        self.line = n;
        let mut fields = std::mem::take(&mut self.fields);
        split(line, self.delim, &mut fields);
        let r = self.row(line, &fields, cols);
        self.fields = fields;
        r
    }

    fn row(&mut self, line: &[u8], fields: &[(usize, usize)], cols: Cols) -> Result<(), LineError> {
        let need = cols.time.max(cols.value).max(cols.cell.unwrap_or(0));
        if fields.len() <= need {
            return Err(LineError::Bad(format!(
                "{} field{} where the header has {} (wrong delimiter '{}'?): `{}`",
                fields.len(),
                if fields.len() == 1 { "" } else { "s" },
                cols.header,
                show(self.delim),
                shorten(line)
            )));
        }
        let vtext = field(line, fields[cols.value]);
        if is_missing(vtext) {
            self.missing_values += 1;
            return Ok(());
        }
        let v = self.load(vtext, line)?;
        let ttext = field(line, fields[cols.time]);
        let (t, dates) = self.time(ttext, line)?;
        let name = cols.cell.map(|c| field(line, fields[c])).unwrap_or(b"");
        let c = self.cell_index(name, t)?;
        if self.cells[c].rows > 0 && t <= self.cells[c].last_t {
            return Err(LineError::Bad(format!(
                "time `{}` is not after the previous row of cell `{}` (rows of a cell must be in time order): `{}`",
                shorten(ttext),
                shorten(name),
                shorten(line)
            )));
        }
        self.values += 1;
        if v > 1.0 {
            self.above_one += 1;
        }
        self.max_value = self.max_value.max(v);
        let gap = t - self.cells[c].last_t;
        self.value(c, t, v, dates);
        self.note_gap(c, gap, name);
        Ok(())
    }

    /// Remembers the gap of `hours` that cell `c` (named `name`) just closed if it is the longest of
    /// at least [`GAP_NOTICE`] intervals.
    fn note_gap(&mut self, c: usize, hours: f64, name: &[u8]) {
        let step = self.cells[c].step_hours();
        let longest = self.longest_gap.as_ref().map_or(0.0, |g| g.hours);
        if step > 0.0 && hours.is_finite() && hours >= GAP_NOTICE * step && hours > longest {
            self.longest_gap = Some(Gap {
                hours,
                step,
                cell: shorten(name),
                line: self.line,
            });
        }
    }

    /// The load in a value field, divided by the scale.
    fn load(&self, vtext: &[u8], line: &[u8]) -> Result<f64, LineError> {
        Ok(
            match std::str::from_utf8(vtext)
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
            {
                Some(v) if v.is_finite() && v >= 0.0 && v / self.scale <= MAX_LOAD => {
                    v / self.scale
                }
                Some(v) if v.is_finite() && v >= 0.0 => {
                    return Err(LineError::Bad(format!(
                        "value `{}` is too large (above {:e} after --scale {}): `{}`",
                        shorten(vtext),
                        MAX_LOAD,
                        // As given (a scale too small for six decimals is not shown as 0).
                        crate::base::units::fmt_exact(self.scale),
                        shorten(line)
                    )));
                }
                Some(v) if v.is_finite() => {
                    return Err(LineError::Bad(format!(
                        "negative value `{}`: `{}`",
                        fmt(v),
                        shorten(line)
                    )))
                }
                _ => {
                    return Err(LineError::Bad(format!(
                        "value `{}` is not a number: `{}`",
                        shorten(vtext),
                        shorten(line)
                    )))
                }
            },
        )
    }

    /// The time in a time field (hours) and whether it is a date; all rows must agree.
    fn time(&mut self, ttext: &[u8], line: &[u8]) -> Result<(f64, bool), LineError> {
        let (t, dates) = match time::parse(ttext) {
            Some(Stamp::Date(t)) => (t, true),
            Some(Stamp::Hours(t)) => (t, false),
            None => {
                return Err(LineError::Bad(format!(
                "time `{}` is not a date-time like 2019-01-01 00:00:00 or a number of hours: `{}`",
                shorten(ttext),
                shorten(line)
            )))
            }
        };
        match self.dates {
            // Plain numbers count hours: a first time this far from hour 0 is Unix seconds or
            // milliseconds, whose every row would be read as hours (days of data as years).
            None if !dates && t.abs() >= EPOCH_LIKE_HOURS => {
                return Err(LineError::Fatal(ReplayError::plain(format!(
                    "line {}: time `{}` is a plain number, which counts hours ({} years from hour 0): \
                     Unix seconds or milliseconds? write the times as dates such as 2019-01-01 00:00 \
                     (e.g. with `date -u -d @SECONDS '+%F %T'`): `{}`",
                    self.line,
                    shorten(ttext),
                    crate::base::units::fmt_num((t.abs() / 8766.0).round()),
                    shorten(line)
                ))))
            }
            None => self.dates = Some(dates),
            Some(d) if d != dates => {
                return Err(LineError::Bad(format!(
                    "time `{}` is {} but the first rows had {}: `{}`",
                    shorten(ttext),
                    if dates { "a date" } else { "a number" },
                    if d { "dates" } else { "numbers" },
                    shorten(line)
                )))
            }
            _ => {}
        }
        Ok((t, dates))
    }

    /// The index of the cell named `name`, a new cell (first seen at `t`) if it is new.
    fn cell_index(&mut self, name: &[u8], t: f64) -> Result<usize, LineError> {
        Ok(match self.index.get(name) {
            Some(&c) => c,
            None => {
                if self.cells.len() >= MAX_CELLS {
                    return Err(LineError::Fatal(ReplayError::plain(format!(
                        "more than {MAX_CELLS} cells: is --cell-col the right column?"
                    ))));
                }
                self.index.insert(name.to_vec(), self.cells.len());
                self.cells.push(Cell {
                    t0: t,
                    last_t: f64::NEG_INFINITY,
                    last_v: 0.0,
                    rows: 0,
                    steps: Vec::new(),
                    recent: VecDeque::new(),
                    warm: Some(Regressor::new(self.reg, D)),
                    lanes: Vec::new(),
                    progressive: Progressive::new(Fifo::bounded(MAX_CELL_BUFFER)),
                    inputs: Default::default(),
                    recorded: Default::default(),
                });
                self.cells.len() - 1
            }
        })
    }
}

/// A line's problem: skippable with `skip_bad`, or fatal.
pub(crate) enum LineError {
    Bad(String),
    Fatal(ReplayError),
}

pub(super) fn show(c: u8) -> String {
    match c {
        b'\t' => "\\t".to_string(),
        c => (c as char).to_string(),
    }
}

pub(super) fn fmt(v: f64) -> String {
    crate::base::units::fmt_num(v)
}
