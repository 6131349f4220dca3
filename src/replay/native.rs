//! Replaying a file from disk (native only: the page feeds a [`Session`] from a worker instead). A click
//! log is read, split and parsed on a second thread, ahead of the learners.

use std::sync::mpsc;

use super::error::ReplayError;
use super::options::ReplayOptions;
use super::report::Report;
use super::session::{gzip_error, Session};
use super::{clicks, lines};

/// Replays a file from disk in 1 MiB chunks (native only); returns the report and the seconds it took.
/// A click log is read and parsed on a second thread, ahead of the learners (the same numbers as
/// feeding a [`Session`], which the page does in a worker).
pub fn run_file(path: &str, mut opts: ReplayOptions) -> Result<(Report, f64), ReplayError> {
    if opts.name.is_empty() {
        opts.name = path.to_string();
    }
    let start = std::time::Instant::now();
    let mut session = Session::new(opts)?;
    let mut file = std::fs::File::open(path)
        .map_err(|e| ReplayError::plain(format!("cannot open {path}: {e}")))?;
    match session.click_mask() {
        Some(mask) => replay_parsed_ahead(&mut session, &mut file, path, mask)?,
        None => each_chunk(&mut file, path, |chunk| session.feed(chunk))?,
    }
    session.finish()?;
    Ok((session.report(), start.elapsed().as_secs_f64()))
}

/// Calls `f` on each chunk (up to 1 MiB) of `file`.
fn each_chunk(
    file: &mut std::fs::File,
    path: &str,
    mut f: impl FnMut(&[u8]) -> Result<(), ReplayError>,
) -> Result<(), ReplayError> {
    use std::io::Read;
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReplayError::plain(format!("cannot read {path}: {e}"))),
        };
        f(&buf[..n])?;
    }
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
    file: &mut std::fs::File,
    path: &str,
    mask: u32,
) -> Result<(), ReplayError> {
    let (ahead_tx, ahead_rx) = mpsc::sync_channel::<Ahead>(IN_FLIGHT);
    let (spare_tx, spare_rx) = mpsc::channel::<clicks::Parsed>();
    std::thread::scope(|scope| {
        // The reader owns the sender: the loop below ends when the reader does.
        scope.spawn(move || read_ahead(file, path, mask, ahead_tx, spare_rx));
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

/// The parsing thread: reads `file`, splits and parses its lines in batches, sends them, and reuses
/// the batches the learners hand back; ends with [`Ahead::End`] or [`Ahead::Failed`].
fn read_ahead(
    file: &mut std::fs::File,
    path: &str,
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
    let read = each_chunk(file, path, |chunk| {
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
