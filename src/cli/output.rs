//! The files a command writes (`--csv`, `--svg`, `--world-svg`, `--export`): checked before the work
//! (a parent directory that exists and takes a new file, no two outputs on one path), each written to
//! a temporary file in its own directory, and all renamed into place only when every one is written,
//! so a failed write leaves no truncated file and the previous one intact. `-` is standard output.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Standard output as an output path.
pub const STDOUT: &str = "-";

/// The outputs of one command: what was asked (flag and path), then what was written so far.
#[derive(Default)]
pub struct Outputs {
    asked: Vec<(&'static str, String)>,
    /// Temporary files written, and where each goes.
    staged: Vec<(PathBuf, String)>,
}

impl Outputs {
    /// Notes an output flag (`--csv`) and its path, if given.
    pub fn ask(&mut self, flag: &'static str, path: Option<&str>) -> &mut Self {
        if let Some(p) = path {
            self.asked.push((flag, p.to_string()));
        }
        self
    }

    /// Whether some output goes to standard output (the report is then not printed there).
    pub fn to_stdout(&self) -> bool {
        self.asked.iter().any(|(_, p)| p == STDOUT)
    }

    /// Checks every path before the work: not two outputs on one path (standard output included),
    /// and each a file that can be created in an existing, writable directory.
    pub fn check(&self) -> Result<(), String> {
        for (i, (flag, path)) in self.asked.iter().enumerate() {
            // Devices (`/dev/null`) may take several outputs.
            let device = path != STDOUT && matches!(destination(path), Dest::Direct);
            let earlier = self.asked[..i].iter().find(|(_, p)| same(p, path));
            if let Some((other, _)) = earlier.filter(|_| !device) {
                let place = if path == STDOUT {
                    "standard output".to_string()
                } else {
                    super::clip(path)
                };
                return Err(format!(
                    "{other} and {flag} both write {place}: give each its own file"
                ));
            }
            if path == STDOUT {
                continue;
            }
            check_path(flag, path)?;
        }
        Ok(())
    }

    /// Writes `contents` to `path` (staged: in place only at [`Outputs::commit`]).
    pub fn write(&mut self, path: &str, contents: impl AsRef<[u8]>) -> Result<(), String> {
        self.write_with(path, |w| w.write_all(contents.as_ref()))
    }

    /// Writes what `f` writes to `path`, through a buffer (staged like [`Outputs::write`]).
    pub fn write_with(
        &mut self,
        path: &str,
        f: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<(), String> {
        let shown = super::clip(path);
        if path == STDOUT {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            if let Err(e) = f(&mut out).and_then(|_| out.flush()) {
                super::output_failed(e);
            }
            return Ok(());
        }
        let dest = match destination(path) {
            Dest::File(p) => p,
            // A device or a pipe (`/dev/null`, a named pipe): written straight to.
            Dest::Direct => {
                let file = std::fs::OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| format!("cannot write {shown}: {e}"))?;
                let mut out = std::io::BufWriter::new(file);
                return f(&mut out)
                    .and_then(|_| out.flush())
                    .map_err(|e| format!("cannot write {shown}: {e}"));
            }
        };
        let tmp = temp_path(&dest);
        // Staged before the first byte, so that a failure below still removes it.
        self.staged
            .push((tmp.clone(), dest.to_string_lossy().into_owned()));
        let file = std::fs::File::create(&tmp).map_err(|e| format!("cannot write {shown}: {e}"))?;
        // The file it replaces keeps its permissions.
        if let Ok(old) = std::fs::metadata(&dest) {
            let _ = file.set_permissions(old.permissions());
        }
        let mut out = std::io::BufWriter::new(file);
        f(&mut out)
            .and_then(|_| out.flush())
            .and_then(|_| out.get_ref().sync_all())
            .map_err(|e| format!("cannot write {shown}: {e}"))
    }

    /// Moves every written file into place.
    pub fn commit(mut self) -> Result<(), String> {
        for (tmp, path) in std::mem::take(&mut self.staged) {
            if let Err(e) = std::fs::rename(&tmp, &path) {
                let _ = std::fs::remove_file(&tmp);
                return Err(format!("cannot write {}: {e}", super::clip(&path)));
            }
        }
        Ok(())
    }
}

impl Drop for Outputs {
    /// Whatever was not committed (an error on the way) is removed.
    fn drop(&mut self) {
        for (tmp, _) in &self.staged {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes one file the user asked for, through a temporary file renamed into place (`-`: standard
/// output).
pub fn write_file(path: &str, contents: impl AsRef<[u8]>) -> Result<(), String> {
    let mut o = Outputs::default();
    o.write(path, contents)?;
    o.commit()
}

/// Where an output goes: a regular file (new, or replaced; through a symbolic link, the file it
/// points to) written by rename, or something else written straight to.
enum Dest {
    File(PathBuf),
    Direct,
}

fn destination(path: &str) -> Dest {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => Dest::Direct,
        Ok(_) => Dest::File(std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path))),
        Err(_) => Dest::File(PathBuf::from(path)),
    }
}

/// Whether two output paths name the same file (as typed, or once resolved).
fn same(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a == STDOUT || b == STDOUT {
        return false;
    }
    let resolve = |p: &str| {
        let p = Path::new(p);
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::canonicalize(&dir)
            .ok()
            .zip(p.file_name())
            .map(|(d, n)| d.join(n))
    };
    matches!((resolve(a), resolve(b)), (Some(x), Some(y)) if x == y)
}

/// The output at `path` can be written: its directory exists and takes a new file, and it is not
/// a directory itself.
fn check_path(flag: &str, path: &str) -> Result<(), String> {
    let shown = super::clip(path);
    let p = Path::new(path);
    if path.is_empty() || p.file_name().is_none() {
        return Err(format!("{flag} `{shown}`: not a file name"));
    }
    if p.is_dir() {
        return Err(format!("{flag} {shown}: is a directory"));
    }
    let p = match destination(path) {
        Dest::Direct => {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map(|_| ())
                .map_err(|e| format!("{flag} {shown}: {e}"))
        }
        Dest::File(p) => p,
    };
    let p = p.as_path();
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        let why = if dir.exists() {
            "is not a directory"
        } else {
            "does not exist"
        };
        return Err(format!("{flag} {shown}: {} {why}", dir.display()));
    }
    // The one sure test of a writable directory: create a file in it.
    let probe = temp_path(p);
    match std::fs::File::create(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(format!(
            "{flag} {shown}: cannot write in {}: {e}",
            dir.display()
        )),
    }
}

/// A temporary file next to `path` (same directory, so the rename does not cross file systems).
fn temp_path(path: &Path) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = name.chars().take(60).collect();
    let tmp = format!(
        ".{name}.rtml-{}-{}.tmp",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.join(tmp),
        _ => PathBuf::from(tmp),
    }
}
