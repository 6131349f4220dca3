//! Replaying a file from disk or standard input (native only: the page feeds a [`Session`] from a
//! worker instead), gzip-compressed or not. A click log is read and split on one thread and parsed
//! on two others, ahead of the learners.

use std::io::Read;
use std::sync::mpsc;

use super::error::ReplayError;
use super::options::ReplayOptions;
use super::report::Report;
use super::session::{gzip_error, Session, GZIP_MAGIC};
use super::{clicks, lines};

/// Where the bytes come from: `-` is standard input.
pub const STDIN: &str = "-";

/// What is read: the bytes of a file or of standard input, decompressed if they were gzipped.
struct Input {
    reader: Box<dyn Read + Send>,
    /// The path, for messages.
    path: String,
    /// Whether the bytes are decompressed on the way (a read error then means a damaged archive).
    gzip: bool,
    /// Bytes read so far (decompressed).
    read: u64,
    /// The most bytes to read, and the message when there are more ([`run_file_within`]).
    limit: Option<(u64, String)>,
}

impl Input {
    /// Opens `path` (`-` for standard input); a stream that starts with gzip's magic bytes is
    /// decompressed, whatever its name (concatenated gzip members too, as `cat a.gz b.gz` makes).
    fn open(path: &str) -> Result<Input, ReplayError> {
        let mut raw: Box<dyn Read + Send> = if path == STDIN {
            Box::new(std::io::stdin())
        } else {
            Box::new(
                std::fs::File::open(path)
                    .map_err(|e| ReplayError::plain(format!("cannot open {path}: {e}")))?,
            )
        };
        // The first two bytes decide; they are put back in front of the rest.
        let mut head = [0u8; 2];
        let mut n = 0;
        while n < head.len() {
            match raw.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReplayError::plain(format!("cannot read {path}: {e}"))),
            }
        }
        let whole = std::io::Cursor::new(head[..n].to_vec()).chain(raw);
        let gzip = head[..n] == GZIP_MAGIC;
        let reader: Box<dyn Read + Send> = if gzip {
            Box::new(flate2::read::MultiGzDecoder::new(whole))
        } else {
            Box::new(whole)
        };
        Ok(Input {
            reader,
            path: path.to_string(),
            gzip,
            read: 0,
            limit: None,
        })
    }

    /// Calls `f` on each chunk of the (decompressed) bytes: 1 MiB, the last one less, however the
    /// source delivers them (a pipe, the decompressor).
    fn each_chunk(
        &mut self,
        mut f: impl FnMut(&[u8]) -> Result<(), ReplayError>,
    ) -> Result<(), ReplayError> {
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = self.fill(&mut buf)?;
            if n > 0 {
                f(&buf[..n])?;
            }
            if n < buf.len() {
                return Ok(());
            }
        }
    }

    /// Reads until `buf` is full or the input ends; the number of bytes read.
    fn fill(&mut self, buf: &mut [u8]) -> Result<usize, ReplayError> {
        let mut n = 0;
        while n < buf.len() {
            match self.reader.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => {
                    n += k;
                    self.read += k as u64;
                    if let Some((most, why)) = &self.limit {
                        if self.read > *most {
                            return Err(ReplayError::plain(format!(
                                "stopped after {} MB of {}: {why}",
                                self.read / 1_000_000,
                                if self.gzip {
                                    "decompressed input"
                                } else {
                                    "input"
                                }
                            )));
                        }
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) if self.gzip => {
                    return Err(ReplayError::plain(format!(
                        "cannot decompress {} (a damaged or truncated gzip file?): {e}",
                        self.path
                    )))
                }
                Err(e) => {
                    return Err(ReplayError::plain(format!(
                        "cannot read {}: {e}",
                        self.path
                    )))
                }
            }
        }
        Ok(n)
    }
}

/// Replays a file from disk, or standard input for `-` ([`STDIN`]), in chunks of up to 1 MiB (native
/// only); a gzip-compressed stream (told by its first bytes, not its name) is decompressed on the way.
/// Returns the report and the seconds it took. A click log is read and split on one thread and parsed
/// on two others, ahead of the learners (the same numbers as feeding a [`Session`], which the page does
/// in a worker).
pub fn run_file(path: &str, opts: ReplayOptions) -> Result<(Report, f64), ReplayError> {
    run_file_within(path, opts, None)
}

/// [`run_file`], stopping with the error `why` once more than `most` bytes were read (decompressed):
/// the command line's limit on a gzip file whose size it could only estimate from its start.
pub fn run_file_within(
    path: &str,
    opts: ReplayOptions,
    limit: Option<(u64, String)>,
) -> Result<(Report, f64), ReplayError> {
    let (session, secs) = run_session_within(path, opts, limit)?;
    Ok((session.report(), secs))
}

/// [`run_file_within`], keeping the finished session (the freshness map of a trace reads more of it
/// than the report: [`Session::trace`]).
pub fn run_session_within(
    path: &str,
    mut opts: ReplayOptions,
    limit: Option<(u64, String)>,
) -> Result<(Session, f64), ReplayError> {
    if opts.name.is_empty() {
        opts.name = if path == STDIN { "stdin" } else { path }.to_string();
    }
    let start = std::time::Instant::now();
    let mut session = Session::new(opts)?;
    let mut input = Input::open(path)?;
    input.limit = limit;
    match session.click_mask() {
        Some(mask) => replay_parsed_ahead(&mut session, &mut input, mask)?,
        None => input.each_chunk(|chunk| session.feed(chunk))?,
    }
    session.finish()?;
    Ok((session, start.elapsed().as_secs_f64()))
}

/// What a parsing thread sends the learners.
enum Ahead {
    Lines(clicks::Parsed),
    /// The file could not be read or split (the learners stop there).
    Failed(ReplayError),
    /// The end of the file: the number of lines.
    End(u64),
}

/// Lines split by the reading thread, not yet parsed: their bytes one after the other, and each line's
/// number and end in `text`.
#[derive(Default)]
struct Raw {
    text: Vec<u8>,
    lines: Vec<(u64, usize)>,
}

impl Raw {
    fn push(&mut self, n: u64, line: &[u8]) {
        self.text.extend_from_slice(line);
        self.lines.push((n, self.text.len()));
    }

    fn clear(&mut self) {
        self.text.clear();
        self.lines.clear();
    }
}

/// What the reading thread sends a parsing thread: lines to parse, or how the input ended.
enum Split {
    Lines(Raw),
    Failed(ReplayError),
    End(u64),
}

/// Batches in flight between two threads.
const IN_FLIGHT: usize = 4;
/// Threads parsing batches of lines: batch k goes to thread k % PARSERS, and the learners take the
/// parsed batches back in the same turn, so the lines keep their order.
const PARSERS: usize = 2;

/// Replays a click log with its reading and line splitting on one thread and its parsing on
/// [`PARSERS`] others, in batches of lines, while this thread learns: the same lines, in the same
/// order, as [`Session::feed`].
fn replay_parsed_ahead(
    session: &mut Session,
    input: &mut Input,
    mask: u32,
) -> Result<(), ReplayError> {
    let (spare_raw_tx, spare_raw_rx) = mpsc::channel::<Raw>();
    std::thread::scope(|scope| {
        let mut split_tx = Vec::new();
        let mut ahead_rx = Vec::new();
        let mut spare_tx = Vec::new();
        for _ in 0..PARSERS {
            let (stx, srx) = mpsc::sync_channel::<Split>(IN_FLIGHT);
            let (atx, arx) = mpsc::sync_channel::<Ahead>(IN_FLIGHT);
            let (ptx, prx) = mpsc::channel::<clicks::Parsed>();
            let spare_raw = spare_raw_tx.clone();
            scope.spawn(move || parse_ahead(mask, srx, atx, spare_raw, prx));
            split_tx.push(stx);
            ahead_rx.push(arx);
            spare_tx.push(ptx);
        }
        drop(spare_raw_tx);
        // The reader owns the senders to the parsers, and each parser its sender to the learners.
        scope.spawn(move || read_ahead(input, split_tx, spare_raw_rx));
        // Moved in, so that an error below drops the receivers before the scope waits for the other
        // threads, which then stop at their next batch.
        let ahead_rx = ahead_rx;
        for k in 0.. {
            let Ok(msg) = ahead_rx[k % PARSERS].recv() else {
                break;
            };
            match msg {
                Ahead::Lines(batch) => {
                    session.parsed(&batch)?;
                    // Handed back for reuse; the parser may have finished already.
                    let _ = spare_tx[k % PARSERS].send(batch);
                }
                Ahead::Failed(e) => return Err(session.fail(e)),
                Ahead::End(lines) => {
                    session.parsed_to_end(lines);
                    break;
                }
            }
        }
        Ok(())
    })
}

/// A parsing thread: parses the batches of lines the reader sends, in turn, and passes on how the
/// input ended; reuses the batches the learners and the reader hand back.
fn parse_ahead(
    mask: u32,
    split_rx: mpsc::Receiver<Split>,
    ahead_tx: mpsc::SyncSender<Ahead>,
    spare_raw: mpsc::Sender<Raw>,
    spare_parsed: mpsc::Receiver<clicks::Parsed>,
) {
    for msg in split_rx.iter() {
        let out = match msg {
            Split::Lines(raw) => {
                let mut batch = spare_parsed.try_recv().unwrap_or_default();
                batch.clear();
                let mut start = 0;
                for &(n, end) in &raw.lines {
                    batch.push(n, &raw.text[start..end], mask);
                    start = end;
                }
                // The reader may have finished already.
                let _ = spare_raw.send(raw);
                Ahead::Lines(batch)
            }
            Split::Failed(e) => Ahead::Failed(e),
            Split::End(lines) => Ahead::End(lines),
        };
        if ahead_tx.send(out).is_err() {
            // The learners stopped.
            return;
        }
    }
}

/// The reading thread: reads the input and splits it into batches of lines, sent to the parsing
/// threads in turn (reusing the batches they hand back); ends with [`Split::End`] or [`Split::Failed`].
fn read_ahead(
    input: &mut Input,
    split_tx: Vec<mpsc::SyncSender<Split>>,
    spare_rx: mpsc::Receiver<Raw>,
) {
    let mut lines = lines::Lines::default();
    let mut batch = Raw::default();
    let mut first = true;
    let mut turn = 0;
    // Sends a message to the parser whose turn it is (the learners stopped if this fails).
    let mut send = |msg: Split| -> Result<(), ReplayError> {
        let to = &split_tx[turn % PARSERS];
        turn += 1;
        to.send(msg).map_err(|_| ReplayError::plain("stopped"))
    };
    // Sends the batch and takes a used one back.
    let send_batch = |batch: &mut Raw, send: &mut dyn FnMut(Split) -> Result<(), ReplayError>| {
        let next = spare_rx.try_recv().unwrap_or_default();
        let full = std::mem::replace(batch, next);
        batch.clear();
        send(Split::Lines(full))
    };
    let read = input
        .each_chunk(|chunk| {
            if first && !chunk.is_empty() {
                first = false;
                if let Some(e) = gzip_error(chunk) {
                    return Err(e);
                }
            }
            lines.feed(chunk, |n, l| {
                batch.push(n, l);
                if batch.lines.len() >= clicks::Parsed::LINES {
                    send_batch(&mut batch, &mut send)?;
                }
                Ok(())
            })
        })
        .and_then(|()| {
            lines.finish(|n, l| {
                batch.push(n, l);
                Ok(())
            })
        })
        .and_then(|()| send_batch(&mut batch, &mut send));
    let last = match read {
        Ok(()) => Split::End(lines.line),
        Err(e) => Split::Failed(e),
    };
    let _ = send(last);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replay_past_its_byte_limit_stops_with_the_reason() {
        let dir = std::env::temp_dir().join(format!("rtml-within-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("c.vw");
        std::fs::write(&f, "1 |a x\n-1 |a y\n".repeat(300_000)).unwrap();
        let path = f.to_str().unwrap();
        let opts = || ReplayOptions::from_args("vw", &[]).unwrap();
        let why = "pass --no-limit".to_string();
        let e = run_file_within(path, opts(), Some((2_000_000, why))).unwrap_err();
        assert!(
            e.to_string().contains("stopped after 2 MB") && e.to_string().contains("--no-limit"),
            "{e}"
        );
        assert!(run_file_within(path, opts(), Some((5_000_000, String::new()))).is_ok());
        std::fs::remove_dir_all(&dir).ok();
    }
}
