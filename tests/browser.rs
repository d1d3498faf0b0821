//! The HTML report in a real browser: headless Chromium opens the report of the large sample
//! (diagrams rendered by the real Graphviz), and the test checks what a reader would get — no
//! console errors (which would include any blocked attempt to load an external asset), one
//! summary row per notebook, the inline SVG diagrams in the DOM — and saves a screenshot that must
//! be a non-empty PNG.
//!
//! Needs `chromium` and Graphviz `dot`. When either is missing the test prints `SKIPPED` and
//! returns, unless `VPCREACH_FULL_TESTS=1` (set by `.ci/run`, which installs both), when it fails.
//! `VPCREACH_CHROMIUM` names another Chromium binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn chromium() -> String {
    std::env::var("VPCREACH_CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

fn have(program: &str, args: &[&str], install: &str) -> bool {
    let ok = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("VPCREACH_FULL_TESTS").as_deref() == Ok("1") {
            panic!("`{program}` is not installed, and VPCREACH_FULL_TESTS=1 ({install})");
        }
        // Straight to the process's stderr: libtest captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: browser test: `{program}` not installed ({install})"
        );
    }
    ok
}

/// Run headless Chromium on `url` with `extra` flags; give up after two minutes. Its output goes
/// to files (a full pipe would block it while we wait): returns (stdout, stderr).
fn headless(dir: &Path, name: &str, extra: &[String], url: &str) -> (String, String) {
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1400,1800",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!(
        "--user-data-dir={}",
        dir.join(format!("profile-{name}")).display()
    ));
    args.extend(extra.iter().cloned());
    args.push(url.to_string());
    let (out_path, err_path) = (
        dir.join(format!("{name}.out")),
        dir.join(format!("{name}.err")),
    );
    let mut child = Command::new(chromium())
        .args(&args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("start chromium");
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for chromium") {
            break s;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = std::fs::read_to_string(&out_path).unwrap_or_default();
    let err = std::fs::read_to_string(&err_path).unwrap_or_default();
    assert!(status.success(), "chromium failed ({status}): {err}");
    (out, err)
}

/// Console messages and page errors Chromium logged (its own D-Bus/GPU noise is not the page's).
fn console_errors(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| {
            l.contains("CONSOLE")
                || l.contains("Uncaught")
                || l.contains("Refused to")
                || l.contains("Content Security Policy")
                || l.contains("net::ERR_")
        })
        .collect()
}

fn scratch() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn html_report_in_headless_chromium() {
    if !have("dot", &["-V"], "apt-get install graphviz")
        || !have(&chromium(), &["--version"], "apt-get install chromium")
    {
        return;
    }
    let dir = scratch();
    let o = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", "samples/large", "--format", "html"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpcreach");
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report = dir.join("report.html");
    std::fs::write(&report, &o.stdout).unwrap();
    let url = format!("file://{}", report.display());

    let (dom, log) = headless(&dir, "dom", &["--dump-dom".to_string()], &url);
    assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
    // One summary row per notebook (13 in the large sample), parsed by the browser.
    assert_eq!(dom.matches("class=\"notebook-row\"").count(), 13);
    // The diagrams are inline SVG: one per notebook, with the notebook's node in it.
    assert_eq!(dom.matches("<svg").count(), 13, "inline SVGs");
    assert!(dom.contains("id=\"d0-notebook/nb-analytics-dia\""));
    assert!(!dom.contains("class=\"no-diagram\""));

    let shot = dir.join("report.png");
    let (_, log) = headless(
        &dir,
        "shot",
        &[format!("--screenshot={}", shot.display())],
        &url,
    );
    assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "screenshot too small: {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}
