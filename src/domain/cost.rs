//! The vocabulary of a cost estimate, shared by the simulator's ([`crate::sim::cost`]) and the
//! replay's ([`crate::replay::estimate`]): a [`Cost`] made of named parts, the limits the command
//! line refuses over and the page asks over, and how seconds and bytes are written.

/// Seconds of work above which the page asks before starting.
pub const PAGE_SECONDS: f64 = 10.0;
/// Memory above which the page asks before starting: 300 MB. A phone's browser gives a tab a few
/// hundred megabytes before it kills it (mobile Chrome on 2-3 GB Android phones and iOS Safari
/// start killing tabs between about 300 MB and 1 GB), and a WebAssembly memory never shrinks.
pub const PAGE_BYTES: f64 = 300e6;
/// Above this the command line prints the estimate before running.
pub const NOTE_SECONDS: f64 = 10.0;
/// Above this the command line refuses without `--no-limit`: five minutes of work.
pub const HARD_SECONDS: f64 = 300.0;
/// Above this the command line refuses without `--no-limit`, and the page refuses outright:
/// 2 GB, more than a 32-bit WebAssembly page can use in practice.
pub const HARD_BYTES: f64 = 2e9;
/// Memory of one of the page's workers before its task: its own WebAssembly instance (the module's
/// code compiled, the linear memory it starts with) and its JavaScript heap. An estimate (a worker of
/// the page shows 25-40 MB in Chromium's task manager), not fitted like the rest.
pub const WORKER_BYTES: f64 = 35e6;
/// How much slower the page's WebAssembly runs than native code.
pub const WASM_SLOWER: f64 = 1.6;

/// One named contributor to a run's cost.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// What costs, with its knobs: `lane B retrains from scratch every 1m on a 7d window (b.every, b.window)`.
    pub what: String,
    pub seconds: f64,
    pub bytes: f64,
}

/// A run's estimated work (native CPU seconds on one thread) and peak memory (bytes), by part.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cost {
    pub seconds: f64,
    pub bytes: f64,
    pub parts: Vec<Part>,
}

impl Cost {
    /// Adds a named part.
    pub fn add(&mut self, what: impl Into<String>, seconds: f64, bytes: f64) {
        self.seconds += seconds;
        self.bytes += bytes;
        if seconds > 0.0 || bytes > 0.0 {
            self.parts.push(Part {
                what: what.into(),
                seconds,
                bytes,
            });
        }
    }

    /// The same work `k` times slower (e.g. [`WASM_SLOWER`]).
    pub fn slower(mut self, k: f64) -> Cost {
        self.seconds *= k;
        for p in &mut self.parts {
            p.seconds *= k;
        }
        self
    }

    /// The cost of `runs` such runs, `at_once` of them at the same time (work adds up, memory is
    /// `at_once` runs'), each part saying so with the knob that sets `runs`.
    pub fn repeated(mut self, runs: f64, at_once: f64, knob: &str) -> Cost {
        let at_once = at_once.clamp(1.0, runs.max(1.0));
        self.seconds *= runs;
        self.bytes *= at_once;
        for p in &mut self.parts {
            p.seconds *= runs;
            p.bytes *= at_once;
            p.what = format!("{}, × {runs} runs ({knob}, {at_once} at once)", p.what);
        }
        self
    }

    /// Adds one of several runs, `at_once` of them at the same time: the work adds up, part by part
    /// (a part of the same name in several runs is one part), the memory is the largest run's.
    pub fn add_run(&mut self, run: Cost, at_once: f64) {
        self.seconds += run.seconds;
        self.bytes = self.bytes.max(run.bytes * at_once);
        for part in run.parts {
            match self.parts.iter_mut().find(|q| q.what == part.what) {
                Some(q) => {
                    q.seconds += part.seconds;
                    q.bytes = q.bytes.max(part.bytes * at_once);
                }
                None => self.parts.push(Part {
                    bytes: part.bytes * at_once,
                    ..part
                }),
            }
        }
    }

    /// Short text: `≈ 0.4 s, 30 MB`.
    pub fn text(&self) -> String {
        format!("≈ {}, {}", fmt_seconds(self.seconds), fmt_bytes(self.bytes))
    }

    /// The part that costs the most time, and the one that costs the most memory.
    fn top(&self) -> (Option<&Part>, Option<&Part>) {
        let by = |f: fn(&Part) -> f64| self.parts.iter().rev().max_by(|a, b| f(a).total_cmp(&f(b)));
        (by(|p| p.seconds), by(|p| p.bytes))
    }

    /// Why the cost is over `seconds` or `bytes`, naming the costliest part, or `None` when it is not.
    pub fn over(&self, seconds: f64, bytes: f64) -> Option<String> {
        let (slow, big) = self.top();
        let mut why = Vec::new();
        if self.seconds > seconds {
            if let Some(p) = slow {
                why.push(format!("{} ≈ {}", p.what, fmt_seconds(p.seconds)));
            }
        }
        if self.bytes > bytes {
            if let Some(p) = big {
                why.push(format!("{} ≈ {}", p.what, fmt_bytes(p.bytes)));
            }
        }
        if why.is_empty() {
            why.push("the run as a whole (no one part stands out)".into());
        }
        (self.seconds > seconds || self.bytes > bytes).then(|| {
            format!(
                "estimated {} (over {} or {}): mostly {}",
                self.text(),
                fmt_seconds(seconds),
                fmt_bytes(bytes),
                why.join("; ")
            )
        })
    }
}

/// `0.4 s`, `52 s`, `7.5 min`, `2.1 h`.
pub fn fmt_seconds(s: f64) -> String {
    if s < 0.95 {
        format!("{:.1} s", s.max(0.0))
    } else if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

/// `30 MB`, `2.3 GB`.
pub fn fmt_bytes(b: f64) -> String {
    if b < 1e9 {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    } else {
        format!("{:.1} GB", b / 1e9)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_always_names_what_costs() {
        // A cost without parts (the answer's was built so) said "mostly ." and named nothing.
        let bare = Cost {
            seconds: 500.0,
            bytes: 1e6,
            parts: Vec::new(),
        };
        let why = bare.over(300.0, 2e9).unwrap();
        assert!(!why.contains("mostly ."), "{why}");
        assert!(why.contains("as a whole"), "{why}");
        let mut c = Cost::default();
        c.add("lane B retrains (b.every)", 400.0, 0.0);
        let why = c.over(300.0, 2e9).unwrap();
        assert!(why.contains("mostly lane B retrains (b.every)"), "{why}");
        assert_eq!(c.over(500.0, 2e9), None);
    }
}
