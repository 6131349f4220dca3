//! Replaying a file from disk or standard input (native only: the page feeds a [`Session`] from a
//! worker instead), gzip-compressed or not. A click log is read, split and parsed on a second thread,
//! ahead of the learners.

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
                Ok(k) => n += k,
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
/// Returns the report and the seconds it took. A click log is read and parsed on a second thread,
/// ahead of the learners (the same numbers as feeding a [`Session`], which the page does in a worker).
pub fn run_file(path: &str, mut opts: ReplayOptions) -> Result<(Report, f64), ReplayError> {
    if opts.name.is_empty() {
        opts.name = if path == STDIN { "stdin" } else { path }.to_string();
    }
    let start = std::time::Instant::now();
    let mut session = Session::new(opts)?;
    let mut input = Input::open(path)?;
    match session.click_mask() {
        Some(mask) => replay_parsed_ahead(&mut session, &mut input, mask)?,
        None => input.each_chunk(|chunk| session.feed(chunk))?,
    }
    session.finish()?;
    Ok((session.report(), start.elapsed().as_secs_f64()))
}

/// What the parsing thread sends the learners.
enum Ahead {
    Lines(clicks::Parsed),
    /// The file could not be read or split (the learners stop there).
    Failed(ReplayError),
    /// The end of the file: the number of lines.
    End(u64),
}

/// Batches of parsed lines in flight between the parsing thread and the learners.
const IN_FLIGHT: usize = 8;

/// Replays a click log with its reading, line splitting and parsing on a second thread, in batches of
/// lines, while this thread learns: the same lines, in the same order, as [`Session::feed`].
fn replay_parsed_ahead(
    session: &mut Session,
    input: &mut Input,
    mask: u32,
) -> Result<(), ReplayError> {
    let (ahead_tx, ahead_rx) = mpsc::sync_channel::<Ahead>(IN_FLIGHT);
    let (spare_tx, spare_rx) = mpsc::channel::<clicks::Parsed>();
    std::thread::scope(|scope| {
        // The reader owns the sender: the loop below ends when the reader does.
        scope.spawn(move || read_ahead(input, mask, ahead_tx, spare_rx));
        // Moved in, so that an error below drops the receiver before the scope waits for the reader,
        // which then stops at its next batch.
        let ahead_rx = ahead_rx;
        for msg in ahead_rx.iter() {
            match msg {
                Ahead::Lines(batch) => {
                    session.parsed(&batch)?;
                    // Handed back for reuse; the reader may have finished already.
                    let _ = spare_tx.send(batch);
                }
                Ahead::Failed(e) => return Err(session.fail(e)),
                Ahead::End(lines) => session.parsed_to_end(lines),
            }
        }
        Ok(())
    })
}

/// The parsing thread: reads the input, splits and parses its lines in batches, sends them, and reuses
/// the batches the learners hand back; ends with [`Ahead::End`] or [`Ahead::Failed`].
fn read_ahead(
    input: &mut Input,
    mask: u32,
    ahead_tx: mpsc::SyncSender<Ahead>,
    spare_rx: mpsc::Receiver<clicks::Parsed>,
) {
    let mut lines = lines::Lines::default();
    let mut batch = clicks::Parsed::default();
    let mut first = true;
    // Sends the batch and takes a used one back (the learners stopped if this fails).
    let send = |batch: &mut clicks::Parsed| -> Result<(), ReplayError> {
        let next = spare_rx.try_recv().unwrap_or_default();
        let full = std::mem::replace(batch, next);
        ahead_tx
            .send(Ahead::Lines(full))
            .map_err(|_| ReplayError::plain("stopped"))?;
        batch.clear();
        Ok(())
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
                batch.push(n, l, mask);
                if batch.full() {
                    send(&mut batch)?;
                }
                Ok(())
            })
        })
        .and_then(|()| {
            lines.finish(|n, l| {
                batch.push(n, l, mask);
                Ok(())
            })
        })
        .and_then(|()| send(&mut batch));
    let last = match read {
        Ok(()) => Ahead::End(lines.line),
        Err(e) => Ahead::Failed(e),
    };
    let _ = ahead_tx.send(last);
}
