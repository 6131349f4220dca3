//! A streaming replay: [`Session`] takes the file in chunks of any size, splits them into lines, hands
//! each line to the click or load engine, and reports at any time.

use super::error::ReplayError;
use super::lanes::parse_lanes;
use super::lanes::Format;
use super::options::{ReplayOptions, CLICK_WARMUP};
use super::report::{self, LaneReport, Report};
use super::{clicks, lines, loads};
use crate::base::units::fmt_num;
use crate::learn::ftrl::Feature;

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
    /// The file's first bytes, held until [`SNIFF`] of them (or the whole file) tell whether it is
    /// text ([`gzip_error`]): the same verdict however the file is cut into chunks.
    head: Vec<u8>,
    finished: bool,
    /// A click log's first examples, held back while its default warm-up waits on its length.
    held: Option<Held>,
    /// The examples of a click log too short for the default warm-up, which was scaled to it.
    short_file: Option<u64>,
}

/// A click log's first examples, held back until the file's length is known or no longer matters (see
/// [`default_click_warmup`]): which warm-up applies depends on the examples alone, never on how the
/// file was chunked.
#[derive(Default)]
struct Held {
    examples: Vec<clicks::Example>,
    /// The memory they take, roughly (bytes).
    bytes: usize,
}

/// Most memory a click log's held-back examples may take: past it, the default warm-up applies as if
/// the file were long (a file of very wide examples).
pub const HOLD_BYTES: usize = 32 << 20;

/// The default warm-up of a click log with `examples` examples: half of them, at most
/// [`CLICK_WARMUP`] (so a file of 20,000 examples or more warms up on 10,000, a shorter one on its
/// first half, and every file is scored).
pub fn default_click_warmup(examples: u64) -> f64 {
    (examples / 2).min(CLICK_WARMUP as u64) as f64
}

/// The first bytes of a gzip file.
pub(super) const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// How many of a file's first bytes [`gzip_error`] reads to tell a file that is not text.
pub(super) const SNIFF: usize = 4096;

/// The error for a file that is not text, told by its first bytes (the session reads text only; the
/// command line and the page decompress gzip before it, not other archives): what to do about it.
pub(super) fn gzip_error(first_chunk: &[u8]) -> Option<ReplayError> {
    let b = first_chunk;
    let archive =
        |what: &str| format!("the file is {what}: decompress it first (gzip is read as it is)");
    let message = if b.starts_with(&GZIP_MAGIC) {
        "the file is gzip-compressed: decompress it first".to_string()
    } else if b.starts_with(b"PK\x03\x04") {
        archive("a zip archive")
    } else if b.starts_with(b"\xFD7zXZ\x00") {
        archive("xz-compressed")
    } else if b.starts_with(b"BZh") && b.get(3).is_some_and(|d| (b'1'..=b'9').contains(d)) {
        archive("bzip2-compressed")
    } else if b.starts_with(b"\x28\xB5\x2F\xFD") {
        archive("zstd-compressed")
    } else if b.starts_with(b"\xFF\xFE")
        || b.starts_with(b"\xFE\xFF")
        || b[..b.len().min(SNIFF)].contains(&0)
    {
        // Text never holds a zero byte; UTF-16 (Excel's "Unicode text") holds one in every ASCII character.
        "the file is UTF-16 text or binary data (it holds zero bytes): save it as UTF-8 text, e.g. \
         `iconv -f UTF-16 -t UTF-8 FILE > FILE.csv`"
            .to_string()
    } else {
        return None;
    };
    Some(ReplayError::plain(message))
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
        let held = (opts.format == Format::Vw && opts.warmup.is_none()).then(Held::default);
        Ok(Session {
            opts,
            warmup,
            lines: lines::Lines::default(),
            engine,
            skipped: 0,
            skipped_examples: Vec::new(),
            failed: None,
            started: false,
            head: Vec::new(),
            finished: false,
            held,
            short_file: None,
        })
    }

    /// Holds back one example of a click log waiting on its length; the wait ends once the file is
    /// long enough (or the held examples too large) for the default warm-up.
    fn hold(&mut self, ex: clicks::Example) -> Result<(), ReplayError> {
        let Some(h) = self.held.as_mut() else {
            return Ok(());
        };
        h.bytes +=
            std::mem::size_of::<clicks::Example>() + ex.x.len() * std::mem::size_of::<Feature>();
        h.examples.push(ex);
        if h.examples.len() as u64 >= 2 * CLICK_WARMUP as u64 || h.bytes > HOLD_BYTES {
            self.release(CLICK_WARMUP)?;
        }
        Ok(())
    }

    /// Ends the wait: the click lanes start with `warmup` and learn the held examples.
    fn release(&mut self, warmup: f64) -> Result<(), ReplayError> {
        let Some(h) = self.held.take() else {
            return Ok(());
        };
        let specs = parse_lanes(&self.opts.lanes, Format::Vw, warmup)?;
        let mut c = clicks::Clicks::new(&self.opts, &specs, warmup);
        for ex in &h.examples {
            c.example(ex);
        }
        self.engine = Engine::Clicks(Box::new(c));
        self.warmup = warmup;
        Ok(())
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
        if !self.started {
            self.head.extend_from_slice(chunk);
            if self.head.len() < SNIFF {
                return Ok(());
            }
            return self.sniffed();
        }
        self.feed_lines(chunk)
    }

    /// The file's first bytes are known: refused if they are not text, else read as lines.
    fn sniffed(&mut self) -> Result<(), ReplayError> {
        self.started = true;
        let head = std::mem::take(&mut self.head);
        if let Some(e) = gzip_error(&head) {
            return Err(self.fail(e));
        }
        self.feed_lines(&head)
    }

    fn feed_lines(&mut self, chunk: &[u8]) -> Result<(), ReplayError> {
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
        // A file shorter than the bytes that tell text: told now.
        if !self.started && !self.head.is_empty() {
            self.sniffed()?;
        }
        let mut lines = std::mem::take(&mut self.lines);
        let r = lines.finish(|n, l| self.line(n, l));
        self.lines = lines;
        r.map_err(|e| self.fail(e))?;
        if let Some(h) = &self.held {
            let n = h.examples.len() as u64;
            let warmup = default_click_warmup(n);
            if warmup < CLICK_WARMUP {
                self.short_file = Some(n);
            }
            self.release(warmup).map_err(|e| self.fail(e))?;
        }
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
            Engine::Clicks(c) if self.held.is_some() => {
                let mut ex = clicks::Example::default();
                match clicks::parse_line(line, c.mask(), &mut ex) {
                    Ok(true) => return self.hold(ex),
                    Ok(false) => return Ok(()),
                    Err(m) => m,
                }
            }
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

    /// What the freshness map of a load trace reads of the replay (`None` for a click log):
    /// each lane's forecast errors per block, the rule's, the trace's span, step and cells.
    pub fn trace(&self) -> Option<super::TraceSums> {
        match &self.engine {
            Engine::Loads(l) => Some(l.trace_sums(self.opts.scale)),
            Engine::Clicks(_) => None,
        }
    }

    /// Every cell's scored values and forecasts, if the options asked to keep them (taken: the
    /// session keeps none after; `None` for a click log).
    pub fn take_records(&mut self) -> Option<super::Records> {
        match &mut self.engine {
            Engine::Loads(l) => Some(l.take_records()),
            Engine::Clicks(_) => None,
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
            Engine::Clicks(c) => {
                let held = self.held.as_ref().map_or(0, |h| h.examples.len() as u64);
                notices.extend(report::click_notices(c));
                (c.examples + held, 0, report::click_lanes(c, format))
            }
            Engine::Loads(l) => {
                notices.extend(report::load_notices(l, self.opts.scale));
                (l.values, l.cells() as u64, report::load_lanes(l, format))
            }
        };
        if let Some(n) = self.short_file {
            notices.push(format!(
                "the file has {n} examples, fewer than {}: the lanes warmed up on its first half ({} \
                 examples) instead of the default {} (set another with --warmup)",
                fmt_num(2.0 * CLICK_WARMUP),
                fmt_num(self.warmup),
                fmt_num(CLICK_WARMUP),
            ));
        }
        let mut r = Report {
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
        };
        r.notices.extend(r.nothing_scored());
        r
    }
}

/// What the native reader ([`super::run_file`]) needs: a click log parsed on other threads.
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
                Ok(true) if self.held.is_some() => {
                    let ex = batch.examples[i].clone();
                    self.hold(ex).map_err(|e| self.fail(e))?
                }
                Ok(true) => match &mut self.engine {
                    Engine::Clicks(c) => {
                        if let Some((_, Ok(true))) = batch.lines.get(i + 1) {
                            c.prefetch(&batch.examples[i + 1]);
                        }
                        c.example(&batch.examples[i])
                    }
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
