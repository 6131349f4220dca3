//! Issue 23 items 3, 5 and 6 (the command line): outputs written whole or not at all, checked before
//! the work, refused where a mode cannot honour them; `-` as standard output; estimates of what a
//! run does (seeds, gzip input, exports) and `--estimate` on every command that runs; long input
//! not echoed whole.

use std::path::{Path, PathBuf};
use std::process::Command;

fn rtml_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rtml"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("rtml runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn rtml(args: &[&str]) -> (i32, String, String) {
    rtml_in(&std::env::temp_dir(), args)
}

/// `rtml` with files limited to `kb` KB (`ulimit -f`, SIGXFSZ ignored): a write past it fails.
fn rtml_limited(kb: u64, args: &[&str]) -> (i32, String) {
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kb}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_rtml"))
        .args(args)
        .output()
        .expect("bash runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("rtml-out-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// No temporary file is left next to the outputs.
fn no_temp_left(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(!name.ends_with(".tmp"), "left behind: {name}");
    }
}

#[test]
fn a_failed_write_leaves_the_previous_file_intact() {
    let d = tempdir("fail");
    let csv = d.join("run.csv");
    std::fs::write(&csv, "old").unwrap();
    // The CSV is larger than 4 KB: its write fails.
    let (code, err) = rtml_limited(4, &["run", "--set", "days=2", "--csv", s(&csv)]);
    assert_ne!(code, 0, "{err}");
    assert!(err.contains("cannot write"), "{err}");
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), "old");
    no_temp_left(&d);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn when_the_second_output_fails_the_first_is_not_left_behind() {
    let d = tempdir("two");
    let (w, e) = (d.join("world.svg"), d.join("log.vw"));
    std::fs::write(&w, "old").unwrap();
    // The world panes fit in 1 MB, the export (3 days of requests) does not.
    let args = [
        "run",
        "--set",
        "days=2",
        "--set",
        "warmup=1",
        "--world-svg",
        s(&w),
        "--export",
        s(&e),
    ];
    let (code, err) = rtml_limited(1024, &args);
    assert_ne!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&w).unwrap(), "old");
    assert!(!e.exists());
    no_temp_left(&d);
    // Unlimited, both are written.
    let (code, _, err) = rtml(&args);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&w).unwrap().starts_with("<svg"));
    assert!(std::fs::metadata(&e).unwrap().len() > 1 << 20);
    no_temp_left(&d);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn two_outputs_on_one_path_are_refused_before_the_work() {
    let d = tempdir("same");
    let f = d.join("f");
    let (code, _, err) = rtml(&["run", "--set", "days=1", "--export", s(&f), "--csv", s(&f)]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--export") && err.contains("--csv"), "{err}");
    assert!(!f.exists());
    // The same file by another name.
    let other = format!("{}/./f", s(&d));
    let (code, _, err) = rtml(&["run", "--svg", s(&f), "--csv", &other]);
    assert_eq!(code, 2, "{err}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn output_paths_are_checked_before_the_work() {
    let d = tempdir("check");
    let file = d.join("plain");
    std::fs::write(&file, "x").unwrap();
    let bad = file.join("out.csv");
    // Over the limit: today's check of the output comes first, so the message is about the path.
    let costly = [
        "run",
        "--set",
        "lanes=1",
        "--set",
        "a.mode=online",
        "--set",
        "a.update=periodic",
        "--set",
        "a.retrain=stateless",
        "--set",
        "a.every=1m",
    ];
    for flag in ["--csv", "--svg", "--export", "--world-svg"] {
        let (code, _, err) = rtml(&[&costly[..], &[flag, s(&bad)]].concat());
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(flag) && err.contains("not a directory"),
            "{flag}: {err}"
        );
    }
    let missing = d.join("nope").join("a.svg");
    for cmd in [
        vec!["sweep", "--svg", s(&missing)],
        vec!["answer", "--csv", s(&missing)],
        vec!["whatif", "--svg", s(&missing)],
    ] {
        let (code, _, err) = rtml(&cmd);
        assert_eq!(code, 2, "{cmd:?}: {err}");
        assert!(err.contains("does not exist"), "{cmd:?}: {err}");
    }
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn seeds_refuse_the_outputs_they_cannot_honour() {
    for flag in [
        vec!["--csv", "x.csv"],
        vec!["--world-svg", "x.svg"],
        vec!["--export", "x.vw"],
        vec!["--digest"],
    ] {
        let args = [&["run", "--seeds", "2", "--set", "days=1"][..], &flag[..]].concat();
        let (code, out, err) = rtml(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(flag[0]) && out.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn a_dash_is_standard_output() {
    let d = tempdir("dash");
    let (code, out, err) = rtml_in(
        &d,
        &[
            "run", "--set", "days=1", "--set", "warmup=1", "--export", "-",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.lines().count() > 10_000 && out.starts_with(['1', '-']),
        "{err}"
    );
    assert!(!d.join("-").exists());
    let (code, out, err) = rtml_in(&d, &["run", "--set", "days=1", "--csv", "-"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(',') && !out.contains("seed 1)"), "{out}");
    let (code, out, _) = rtml_in(&d, &["run", "--set", "days=1", "--svg", "-"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("<svg"));
    let (code, _, err) = rtml_in(&d, &["run", "--csv", "-", "--svg", "-"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("standard output"), "{err}");
    assert_eq!(std::fs::read_dir(&d).unwrap().count(), 0);
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn seeds_are_estimated_as_every_seed() {
    let one = ["run", "--preset", "ads-explore", "--set", "volume=3000"];
    let (_, out1, _) = rtml(&[&one[..], &["--estimate"]].concat());
    let (code, out50, err) = rtml(&[&one[..], &["--seeds", "50", "--estimate"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(out50.contains("50 runs (--seeds"), "{out50}");
    let secs = |out: &str| -> f64 {
        // "this run: ≈ 12 s, 30 MB of work" or "≈ 7.5 min".
        let t = out.split('≈').nth(1).unwrap().trim();
        let (n, rest) = t.split_once(' ').unwrap();
        let n: f64 = n.parse().unwrap();
        if rest.starts_with("min") {
            n * 60.0
        } else {
            n
        }
    };
    assert!(
        secs(&out50) > 40.0 * secs(&out1).max(0.5),
        "{out1}\n{out50}"
    );
}

#[test]
fn the_answers_memory_is_every_task_at_once() {
    let (code, out, err) = rtml(&["answer", "--estimate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("at once"), "{out}");
}

/// A click log that a stateless:1 lane with no warm-up makes costly (refused plain).
fn costly_log(d: &Path) -> PathBuf {
    let f = d.join("c.vw");
    std::fs::write(&f, "1 |a x\n-1 |a y\n".repeat(20_000)).unwrap();
    f
}

#[test]
fn gzip_input_is_estimated_from_what_it_holds() {
    use std::io::Write as _;
    let d = tempdir("gz");
    let plain = costly_log(&d);
    let gz = d.join("c.vw.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::best(),
    );
    enc.write_all(&std::fs::read(&plain).unwrap()).unwrap();
    enc.finish().unwrap();
    let args = |f: &Path| {
        [
            "replay",
            "--format",
            "vw",
            "--lanes",
            "stateless:1/20000",
            "--bits",
            "22",
            "--warmup",
            "0",
            f.to_str().unwrap(),
        ]
        .map(String::from)
    };
    for f in [&plain, &gz] {
        let a = args(f);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, _, err) = rtml(&a);
        assert_eq!(code, 2, "{f:?}: {err}");
        assert!(err.contains("stateless:1/20000"), "{err}");
    }
    let (code, out, err) = rtml(&["replay", "--format", "vw", "--estimate", s(&gz)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("gzip") && out.contains("decompressed"),
        "{out}"
    );
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn exports_are_estimated() {
    let (code, out, err) = rtml(&["run", "--export", "x.vw", "--estimate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--export"), "{out}");
    // Over a 5 s run: 14 days and 28 of warm-up at 20,000 requests an hour, 700 MB.
    let (_, out, _) = rtml(&[
        "run",
        "--set",
        "volume=20000",
        "--set",
        "lanes=1",
        "--export",
        "x.vw",
        "--estimate",
    ]);
    assert!(
        out.contains("writing") && out.contains("MB to the --export"),
        "{out}"
    );
}

#[test]
fn replay_answer_and_whatif_take_estimate_and_no_limit() {
    let d = tempdir("est");
    let f = costly_log(&d);
    let (code, out, err) = rtml(&["replay", "--format", "vw", "--estimate", s(&f)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("this replay: ≈") && !out.contains("log loss"),
        "{out}"
    );
    let (code, out, err) = rtml(&["whatif", "--estimate"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("this what-if: ≈") && out.contains("--seeds"),
        "{out}"
    );
    let (code, _, err) = rtml(&["whatif", "--seeds", "2", "--no-limit", "--json"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = rtml(&["answer", "--estimate"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("this answer: ≈"), "{out}");
    std::fs::remove_dir_all(&d).ok();
}

#[test]
fn long_input_is_not_echoed_whole() {
    let long = "z".repeat(10_000);
    for args in [
        vec!["run".to_string(), "--preset".into(), long.clone()],
        vec!["run".into(), "--set".into(), format!("a.every={long}")],
        vec!["run".into(), "--set".into(), format!("{long}=1")],
        vec!["run".into(), "--set".into(), long.clone()],
        vec!["run".into(), "--seeds".into(), long.clone()],
        vec!["sweep".into(), "--values".into(), long.clone()],
        vec!["whatif".into(), "--values".into(), long.clone()],
        vec![
            "replay".into(),
            "--format".into(),
            "vw".into(),
            "--lanes".into(),
            long.clone(),
            "x".into(),
        ],
    ] {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, _, err) = rtml(&a);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.len() < 2000 && err.contains("zzz"),
            "{} bytes: {}",
            err.len(),
            &err[..err.len().min(300)]
        );
    }
}

#[test]
fn a_device_is_written_to_and_a_link_is_written_through() {
    let (code, _, err) = rtml(&[
        "run",
        "--set",
        "days=1",
        "--csv",
        "/dev/null",
        "--svg",
        "/dev/null",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
    #[cfg(unix)]
    {
        let d = tempdir("link");
        let (target, link) = (d.join("real.csv"), d.join("link.csv"));
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let (code, _, err) = rtml(&["run", "--set", "days=1", "--csv", s(&link)]);
        assert_eq!(code, 0, "{err}");
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(std::fs::read_to_string(&target).unwrap().len() > 100);
        no_temp_left(&d);
        std::fs::remove_dir_all(&d).ok();
    }
}
