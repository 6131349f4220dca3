//! A streaming replay: [`Session`] takes the file in chunks of any size, splits them into lines, hands
//! each line to the click or load engine, and reports at any time.

use super::error::ReplayError;
use super::options::{Format, ReplayOptions};
use super::report::{self, LaneReport, Report};
use super::{clicks, lines, loads};
use crate::base::units::fmt_num;

/// The learners of one format.
enum Engine {
    Clicks(Box<clicks::Clicks>),
    Loads(Box<loads::Loads>),
}

/// A streaming replay: feed the file in chunks of any size, then finish; ask for the report at any time.
pub struct Session {
    opts: ReplayOptions,
    warmup: f64,
    lines: lines::Lines,
    engine: Engine,
    skipped: u64,
    /// The first few skipped lines' messages.
    skipped_examples: Vec<String>,
    failed: Option<ReplayError>,
    started: bool,
    finished: bool,
}

/// The first bytes of a gzip file.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The error for a compressed file (the session reads text only).
pub(super) fn gzip_error(first_chunk: &[u8]) -> Option<ReplayError> {
    first_chunk
        .starts_with(&GZIP_MAGIC)
        .then(|| ReplayError::plain("the file is gzip-compressed: decompress it first"))
}

impl Session {
    /// A session for these options (checked: an invalid setting is an error naming it).
    pub fn new(opts: ReplayOptions) -> Result<Session, ReplayError> {
        let specs = opts.validate()?;
        let warmup = opts.warmup_or_default();
        let engine = match opts.format {
            Format::Vw => Engine::Clicks(Box::new(clicks::Clicks::new(&opts, &specs, warmup))),
            Format::LoadCsv => Engine::Loads(Box::new(loads::Loads::new(
                &opts,
                &specs,
                warmup,
                opts.delimiter_byte()?,
            ))),
        };
        Ok(Session {
            opts,
            warmup,
            lines: lines::Lines::default(),
            engine,
            skipped: 0,
            skipped_examples: Vec::new(),
            failed: None,
            started: false,
            finished: false,
        })
    }

    /// Remembers the error: every later call returns it.
    pub(super) fn fail(&mut self, e: ReplayError) -> ReplayError {
        self.failed = Some(e.clone());
        e
    }

    /// Feeds the next chunk of the file (any size, lines may be split anywhere).
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), ReplayError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.finished {
            return Err(self.fail(ReplayError::plain("feed after finish")));
        }
        if !self.started && !chunk.is_empty() {
            self.started = true;
            if let Some(e) = gzip_error(chunk) {
                return Err(self.fail(e));
            }
        }
        let mut lines = std::mem::take(&mut self.lines);
        let r = lines.feed(chunk, |n, l| self.line(n, l));
        self.lines = lines;
        r.map_err(|e| self.fail(e))
    }

    /// Ends the file: replays a last line without a newline, and checks that something was read.
    pub fn finish(&mut self) -> Result<(), ReplayError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.finished {
            return Ok(());
        }
        let mut lines = std::mem::take(&mut self.lines);
        let r = lines.finish(|n, l| self.line(n, l));
        self.lines = lines;
        r.map_err(|e| self.fail(e))?;
        self.finished = true;
        let (read, what) = match &self.engine {
            Engine::Clicks(c) => (c.examples, "example"),
            Engine::Loads(l) => {
                if !l.has_header() {
                    return Err(self.fail(ReplayError::plain("the file is empty: no header line")));
                }
                (l.values, "value")
            }
        };
        if read == 0 {
            let m = if self.lines.line == 0 {
                "the file is empty".to_string()
            } else if self.skipped > 0 {
                format!(
                    "no valid {what} in {} lines ({} skipped as malformed)",
                    self.lines.line, self.skipped
                )
            } else {
                format!("no {what} in {} lines", self.lines.line)
            };
            return Err(self.fail(ReplayError::plain(m)));
        }
        Ok(())
    }

    /// Line `n` of the file.
    fn line(&mut self, n: u64, line: &[u8]) -> Result<(), ReplayError> {
        let bad = match &mut self.engine {
            Engine::Clicks(c) => match c.line(line) {
                Ok(()) => return Ok(()),
                Err(m) => m,
            },
            Engine::Loads(l) => match l.line(line, n) {
                Ok(()) => return Ok(()),
                Err(loads::LineError::Fatal(e)) => return Err(e),
                Err(loads::LineError::Bad(m)) => m,
            },
        };
        self.bad_line(n, bad)
    }

    /// A malformed line: skipped and counted with `skip_bad`, else the error.
    fn bad_line(&mut self, n: u64, bad: String) -> Result<(), ReplayError> {
        if self.opts.skip_bad {
            self.skipped += 1;
            if self.skipped_examples.len() < 3 {
                self.skipped_examples.push(format!("line {n}: {bad}"));
            }
            Ok(())
        } else {
            Err(ReplayError::at(n, bad))
        }
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.lines.line
    }

    /// Malformed lines skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped
    }

    /// The outcome so far (partial while feeding).
    pub fn report(&self) -> Report {
        let format = self.opts.format;
        let mut notices = Vec::new();
        if self.skipped > 0 {
            notices.push(format!(
                "{} malformed line(s) skipped, e.g. {}",
                self.skipped,
                self.skipped_examples.join("; ")
            ));
        }
        let (examples, cells, lanes): (u64, u64, Vec<LaneReport>) = match &self.engine {
            Engine::Clicks(c) => (c.examples, 0, report::click_lanes(c, format)),
            Engine::Loads(l) => {
                notices.extend(report::load_notices(l, self.opts.scale));
                (l.values, l.cells() as u64, report::load_lanes(l, format))
            }
        };
        if self.finished && lanes.iter().all(|l| l.examples == 0) {
            notices.push(format!(
                "nothing was scored: the file ended during the warm-up ({} {}{}); lower --warmup",
                fmt_num(self.warmup),
                format.unit(),
                if format == Format::LoadCsv {
                    " per cell"
                } else {
                    ""
                }
            ));
        }
        Report {
            format: format.name().into(),
            file: self.opts.name.clone(),
            lines: self.lines.line,
            examples,
            skipped: self.skipped,
            warmup: self.warmup,
            unit: format.unit().into(),
            cells,
            finished: self.finished,
            lanes,
            notices,
        }
    }
}

/// What the native reader ([`super::run_file`]) needs: a click log parsed on another thread.
#[cfg(not(target_arch = "wasm32"))]
impl Session {
    /// The hash mask of a click log's features, which lets another thread parse its lines
    /// ([`clicks::Parsed`]); `None` for a load trace.
    pub(super) fn click_mask(&self) -> Option<u32> {
        match &self.engine {
            Engine::Clicks(c) => Some(c.mask()),
            Engine::Loads(_) => None,
        }
    }

    /// A batch of a click log's lines parsed elsewhere, in file order: the same as feeding them.
    pub(super) fn parsed(&mut self, batch: &clicks::Parsed) -> Result<(), ReplayError> {
        for (i, (n, r)) in batch.lines.iter().enumerate() {
            match r {
                Ok(true) => match &mut self.engine {
                    Engine::Clicks(c) => c.example(&batch.examples[i]),
                    Engine::Loads(_) => unreachable!("parsed lines come from a click log"),
                },
                Ok(false) => {}
                Err(m) => self.bad_line(*n, m.clone()).map_err(|e| self.fail(e))?,
            }
        }
        Ok(())
    }

    /// The end of a file whose `lines` lines were parsed elsewhere ([`Session::parsed`]).
    pub(super) fn parsed_to_end(&mut self, lines: u64) {
        self.started = true;
        self.lines.line = lines;
    }
}
