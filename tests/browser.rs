//! The HTML report in a real browser: headless Chromium opens the report of the large sample
//! (diagrams rendered by the real Graphviz), and the test checks what a reader would get — no
//! console errors (which would include any blocked attempt to load an external asset), one
//! summary row per notebook, the inline SVG diagrams in the DOM — and saves a screenshot that must
//! be a non-empty PNG. A second test fits the report to a 1024 px window (the summary table's
//! every column visible without scrolling, measured in the DOM) and prints it to PDF (A4
//! landscape pages; every column header of the summary table on page 1, within the page, from
//! `pdftotext -bbox`), for the large sample and the ACL traps.
//!
//! A third test does the same for the Studio samples, whose sources have eight checks (two more
//! than a notebook instance, which once broke words in the summary's narrow columns: "complian t",
//! "unreachabl e"): at 1024 px no word of the summary table is broken across lines (measured in
//! the page), the page does not scroll sideways and the table fits; diagrams are one per distinct
//! picture, not one per source; printed pages are A4 landscape with the summary's headers on
//! page 1 (page counts are printed, not asserted: they depend on Chromium's fonts).
//!
//! Needs `chromium`, Graphviz `dot` and poppler's `pdfinfo`/`pdftotext`. When one is missing the
//! test prints `SKIPPED` and returns, unless `VPCREACH_FULL_TESTS=1` (set by `.ci/run`, which
//! installs them), when it fails. `VPCREACH_CHROMIUM` names another Chromium binary. Screenshots
//! and PDFs stay under the target directory (`…/tmp/browser-*/`) for a person to look at.

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
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if !extra.iter().any(|a| a.starts_with("--window-size=")) {
        args.push("--window-size=1400,1800".to_string());
    }
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
/// `vpcreach analyze PATH --format html`, checking the exit status when one is expected.
fn html_of(path: &str, status: Option<i32>) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", path, "--format", "html"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpcreach");
    let code = o.status.code();
    assert!(
        status.map_or(matches!(code, Some(0 | 1)), |s| code == Some(s)),
        "{path}: {code:?} {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

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

/// A fresh directory of one test's files (tests run in parallel: one each).
fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("browser-{name}"));
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
    let dir = scratch("large");
    let report = dir.join("report.html");
    std::fs::write(&report, html_of("samples/large", Some(1))).unwrap();
    let url = format!("file://{}", report.display());

    let (dom, log) = headless(&dir, "dom", &["--dump-dom".to_string()], &url);
    assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
    // One summary row per notebook (13 in the large sample), parsed by the browser.
    assert_eq!(dom.matches("class=\"notebook-row\"").count(), 13);
    // The diagrams are inline SVG: one per notebook, with the notebook's node in it, plus the one
    // legend they share (and, where a diagram is printed in pieces, views of it for print only).
    assert_eq!(dom.matches("<figure class=\"diagram").count(), 14);
    for i in 0..13 {
        assert!(
            dom.contains(&format!("id=\"d{i}-graph\"")),
            "inline SVG {i}"
        );
    }
    assert_eq!(
        dom.matches("<svg").count(),
        14 + dom.matches("class=\"piece\"").count()
    );
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

/// Measures the layout in the page and writes it into the DOM for `--dump-dom`: the window's and
/// the page's widths, the summary table's, and each header cell's text and right edge.
const MEASURE: &str = r#"<script>
(function () {
  const t = document.getElementById("notebook-summary");
  const de = document.documentElement;
  const lines = [
    "window " + window.innerWidth,
    "page " + de.clientWidth + " " + de.scrollWidth,
    "table " + t.clientWidth + " " + t.scrollWidth + " " + t.getBoundingClientRect().right,
  ];
  for (const th of t.querySelectorAll("thead th")) {
    lines.push("th " + th.textContent + " " + th.getBoundingClientRect().right);
  }
  const pre = document.createElement("pre");
  pre.id = "layout";
  pre.textContent = lines.join("\n");
  document.body.appendChild(pre);
})();
</script>"#;

/// The report `html` with `script` added (and without its Content-Security-Policy, which forbids
/// scripts: the measurement runs in a copy) opened in a 1024 px window: what the script wrote
/// into the DOM, line by line.
fn measure_at_1024(dir: &Path, html: &str, script: &str) -> Vec<(String, Vec<String>)> {
    let csp = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .unwrap();
    let csp_end = csp + html[csp..].find('>').unwrap() + 1;
    let measured = format!("{}{}", &html[..csp], &html[csp_end..])
        .replace("</body>", &format!("{script}</body>"));
    let probe = dir.join("measure.html");
    std::fs::write(&probe, measured).unwrap();
    let (dom, _) = headless(
        dir,
        "measure",
        &[
            "--window-size=1024,900".to_string(),
            "--dump-dom".to_string(),
        ],
        &format!("file://{}", probe.display()),
    );
    layout(&dom)
}

/// The measurements [`MEASURE`] wrote: `(key, values)` per line.
fn layout(dom: &str) -> Vec<(String, Vec<String>)> {
    let start = dom.find("<pre id=\"layout\">").expect("layout measured") + 17;
    let end = start + dom[start..].find("</pre>").unwrap();
    dom[start..end]
        .lines()
        .map(|l| {
            let mut w = l.split(' ').map(str::to_string);
            (w.next().unwrap(), w.collect())
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

/// The words of one PDF page with their boxes, from `pdftotext -bbox`: (text, xMin, xMax).
fn pdf_words(pdf: &Path, page: usize) -> Vec<(String, f64, f64)> {
    let p = page.to_string();
    let o = Command::new("pdftotext")
        .args(["-bbox", "-f", &p, "-l", &p])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("run pdftotext");
    assert!(o.status.success(), "pdftotext failed");
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f64 {
        let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        num(&tag[at..at + tag[at..].find('"').unwrap()])
    };
    text.split("<word ")
        .skip(1)
        .map(|w| {
            let close = w.find('>').unwrap();
            let tag = &w[..close];
            let word = &w[close + 1..close + 1 + w[close + 1..].find("</word>").unwrap()];
            (
                word.replace("&amp;", "&"),
                attr(tag, "xMin"),
                attr(tag, "xMax"),
            )
        })
        .collect()
}

#[test]
fn html_report_fits_1024px_and_prints_on_a4_landscape() {
    if !have("dot", &["-V"], "apt-get install graphviz")
        || !have(&chromium(), &["--version"], "apt-get install chromium")
        || !have("pdfinfo", &["-v"], "apt-get install poppler-utils")
        || !have("pdftotext", &["-v"], "apt-get install poppler-utils")
    {
        return;
    }
    for (sample, name) in [
        ("samples/large", "large"),
        ("samples/acl-traps", "acl-traps"),
    ] {
        let dir = scratch(&format!("fit-{name}"));
        let html = String::from_utf8(html_of(sample, None)).unwrap();
        let report = dir.join("report.html");
        std::fs::write(&report, &html).unwrap();
        let url = format!("file://{}", report.display());

        // The shared legend is drawn, not an empty picture (it once lost its table when the
        // diagrams' legend changed shape).
        let legend = &html[html.find("id=\"legend\"").expect("a legend figure")..];
        let legend = &legend[..legend.find("</figure>").unwrap()];
        assert!(
            legend.contains(">Legend<"),
            "{name}: empty legend: {legend}"
        );

        // The summary table's headers, as the report writes them.
        let table = &html[html.find("<table id=\"notebook-summary\">").unwrap()..];
        let thead = &table[..table.find("</thead>").unwrap()];
        let headers: Vec<String> = thead
            .split("<th>")
            .skip(1)
            .map(|h| h[..h.find("</th>").unwrap()].replace("<wbr>", ""))
            .collect();
        assert_eq!(
            &headers[..2],
            ["notebook", "compliant"],
            "{sample}: verdict first"
        );
        assert!(
            headers.iter().any(|h| h == "internet"),
            "{sample}: {headers:?}"
        );

        // The header block: account, region, profile, required services, findings, tool.
        for want in [
            "<th>Account</th>",
            "<th>Region</th><td><code>us-east-1</code></td>",
            "<th>Profile</th><td><code>isolated</code>",
            "<th>Required services</th><td><code>s3</code>, <code>sagemaker.api</code>",
            "<th>Security Hub findings</th>",
            &format!(
                "<th>Tool</th><td>vpcreach {}</td>",
                env!("CARGO_PKG_VERSION")
            ),
        ] {
            assert!(html.contains(want), "{sample}: no {want:?}");
        }

        // At 1024 px every column of the summary table is in the window, without scrolling. The
        // measurement needs a script, which the report's policy forbids: it runs in a copy.
        let l = measure_at_1024(&dir, &html, MEASURE);
        let get = |k: &str| &l.iter().find(|(key, _)| key == k).unwrap().1;
        let window = num(&get("window")[0]);
        assert_eq!(window, 1024.0, "{sample}: window width");
        let page = get("page");
        assert!(
            num(&page[1]) <= num(&page[0]),
            "{sample}: the page scrolls sideways at 1024 px: {page:?}"
        );
        let t = get("table");
        assert!(
            num(&t[1]) <= num(&t[0]) && num(&t[2]) <= window,
            "{sample}: the summary table overflows at 1024 px: {t:?}"
        );
        let ths: Vec<_> = l.iter().filter(|(k, _)| k == "th").collect();
        assert_eq!(ths.len(), headers.len(), "{sample}");
        for (_, v) in ths {
            assert!(
                num(&v[1]) <= window,
                "{sample}: header {} ends at {} px, past the 1024 px window",
                v[0],
                v[1]
            );
        }

        // Screenshots at 1024 and 1920 px, for a person to look at.
        for width in [1024, 1920] {
            let shot = dir.join(format!("report-{width}.png"));
            let (_, log) = headless(
                &dir,
                &format!("shot-{width}"),
                &[
                    format!("--window-size={width},1400"),
                    format!("--screenshot={}", shot.display()),
                ],
                &url,
            );
            assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
            let png = std::fs::read(&shot).expect("a screenshot");
            assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
        }

        // Printed: A4 landscape pages, the summary table's every header on page 1, on the page.
        let pdf = dir.join("report.pdf");
        let (_, log) = headless(
            &dir,
            "print",
            &[
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".to_string(),
            ],
            &url,
        );
        assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
        let info = Command::new("pdfinfo")
            .args(["-f", "1", "-l", "1000"])
            .arg(&pdf)
            .output()
            .expect("run pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let sizes: Vec<&str> = info
            .lines()
            .filter(|l| l.starts_with("Page") && l.contains("size:"))
            .collect();
        assert!(!sizes.is_empty(), "{sample}: pdfinfo: {info}");
        for s in &sizes {
            assert!(
                s.contains("841.92 x 594.96 pts"),
                "{sample}: not A4 landscape: {s}"
            );
        }
        let words = pdf_words(&pdf, 1);
        for h in &headers {
            let found: Vec<_> = words.iter().filter(|(w, _, _)| w == h).collect();
            assert!(!found.is_empty(), "{sample}: header {h:?} not on page 1");
            assert!(
                found.iter().any(|(_, x0, x1)| *x0 >= 0.0 && *x1 <= 841.92),
                "{sample}: header {h:?} off the page: {found:?}"
            );
        }
        eprintln!("screenshots and PDF: {}", dir.display());
    }
}

#[test]
fn expected_blocks_are_passes_in_the_report() {
    // Under `isolated` the internet must be unreachable: a compliant notebook's blocks are the
    // proof of it, shown as a pass, never as a failure.
    let html = String::from_utf8(html_of("samples/large", Some(1))).unwrap();
    let at = html
        .find("<section class=\"notebook\" id=\"nb-nb-prod-churn\">")
        .unwrap();
    let section = &html[at..at + html[at..].find("</section>").unwrap()];
    assert!(section.contains("✔ compliant"), "{section}");
    assert!(section.contains("<td class=\"verdict pass\">✔ blocked as required</td>"));
    assert!(section.contains("<li class=\"blocked-as-required\">"));
    assert!(!section.contains("<li class=\"blocked\">"), "{section}");
    assert!(!section.contains('✘'), "{section}");
    // In the summary row too, while a notebook that reaches the internet fails.
    let row = |name: &str| {
        let at = html.find(&format!("data-notebook=\"{name}\"")).unwrap();
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row("nb-prod-churn").contains("✔ blocked as required"));
    assert!(row("nb-dev-public").contains("✘ reachable (IGW)"));
}

/// Measures the summary table in the page and writes the result into the DOM for `--dump-dom`:
/// the window's, page's and table's widths, and every word of the table (each run of
/// non-space characters of a text node; `<wbr>` separates text nodes) that the layout put on
/// more than one line.
const STUDIO_MEASURE: &str = r#"<script>
(function () {
  const t = document.getElementById("notebook-summary");
  const de = document.documentElement;
  const lines = [
    "window " + window.innerWidth,
    "page " + de.clientWidth + " " + de.scrollWidth,
    "table " + Math.round(t.getBoundingClientRect().right) + " " + de.clientWidth,
    "box " + t.parentElement.clientWidth + " " + t.parentElement.scrollWidth,
  ];
  const walk = document.createTreeWalker(t, NodeFilter.SHOW_TEXT);
  let words = 0;
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const re = /\S+/g;
    let m;
    while ((m = re.exec(n.data)) !== null) {
      const r = document.createRange();
      r.setStart(n, m.index);
      r.setEnd(n, m.index + m[0].length);
      const tops = new Set(Array.from(r.getClientRects()).map(x => Math.round(x.top)));
      words += 1;
      if (tops.size > 1) lines.push("broken " + m[0]);
    }
  }
  lines.push("words " + words);
  const pre = document.createElement("pre");
  pre.id = "layout";
  pre.textContent = lines.join("\n");
  document.body.appendChild(pre);
})();
</script>"#;

#[test]
fn studio_report_keeps_words_whole_at_1024px_and_prints() {
    if !have("dot", &["-V"], "apt-get install graphviz")
        || !have(&chromium(), &["--version"], "apt-get install chromium")
        || !have("pdfinfo", &["-v"], "apt-get install poppler-utils")
        || !have("pdftotext", &["-v"], "apt-get install poppler-utils")
    {
        return;
    }
    for (sample, name, sources, diagrams) in [
        ("samples/studio-vpc-only", "vpc-only", 6, 4),
        ("samples/studio-public-internet", "public-internet", 1, 1),
    ] {
        let dir = scratch(&format!("studio-{name}"));
        let html = String::from_utf8(html_of(sample, None)).expect("UTF-8");
        let report = dir.join("report.html");
        std::fs::write(&report, &html).unwrap();
        let url = format!("file://{}", report.display());

        // The DOM as the browser parsed it: a row per source, one diagram per distinct picture
        // (plus the shared legend), real SVG, no console errors.
        let (dom, log) = headless(
            &dir,
            "dom",
            &[
                "--window-size=1024,1400".to_string(),
                "--dump-dom".to_string(),
            ],
            &url,
        );
        assert_eq!(
            console_errors(&log),
            Vec::<&str>::new(),
            "{name}: console errors"
        );
        assert_eq!(
            dom.matches("class=\"notebook-row\"").count(),
            sources,
            "{name}"
        );
        assert_eq!(
            dom.matches("<figure class=\"diagram").count(),
            diagrams + 1,
            "{name}: one diagram per distinct picture and the legend"
        );
        assert_eq!(
            dom.matches("class=\"same-diagram\"").count(),
            sources - diagrams,
            "{name}: every other source points at its diagram"
        );
        assert!(!dom.contains("class=\"no-diagram\""), "{name}");
        assert!(
            dom.contains(">Legend<") && dom.contains("source (NOT compliant)"),
            "{name}"
        );

        // At 1024 px: no word of the summary broken across lines, no sideways page scroll, the
        // table inside the window. The measurement needs a script, which the report's policy
        // forbids: it runs in a copy without the policy.
        let l = measure_at_1024(&dir, &html, STUDIO_MEASURE);
        let get = |k: &str| &l.iter().find(|(key, _)| key == k).unwrap().1;
        let window = num(&get("window")[0]);
        assert_eq!(window, 1024.0, "{name}: window width");
        let page = get("page");
        assert!(
            num(&page[1]) <= num(&page[0]),
            "{name}: the page scrolls sideways at 1024 px: {page:?}"
        );
        // Within the page's width (the window less its scroll bar), and its box does not need
        // to scroll.
        let t = get("table");
        assert!(
            num(&t[0]) <= num(&t[1]),
            "{name}: the summary table overflows the page: {t:?}"
        );
        let b = get("box");
        assert!(
            num(&b[1]) <= num(&b[0]),
            "{name}: the summary table scrolls in its box at 1024 px: {b:?}"
        );
        assert!(num(&get("words")[0]) > 20.0, "{name}: words measured");
        let broken: Vec<&String> = l
            .iter()
            .filter(|(k, _)| k == "broken")
            .flat_map(|(_, v)| v)
            .collect();
        assert!(
            broken.is_empty(),
            "{name}: words broken across lines at 1024 px: {broken:?}"
        );

        let shot = dir.join("report-1024.png");
        let (_, log) = headless(
            &dir,
            "shot",
            &[
                "--window-size=1024,1400".to_string(),
                format!("--screenshot={}", shot.display()),
            ],
            &url,
        );
        assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
        let png = std::fs::read(&shot).expect("a screenshot");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");

        // Printed: A4 landscape; every piece of every summary header on page 1, on the page.
        let pdf = dir.join("report.pdf");
        let (_, log) = headless(
            &dir,
            "print",
            &[
                "--window-size=1024,1400".to_string(),
                format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer".to_string(),
            ],
            &url,
        );
        assert_eq!(console_errors(&log), Vec::<&str>::new(), "console errors");
        let info = Command::new("pdfinfo")
            .args(["-f", "1", "-l", "1000"])
            .arg(&pdf)
            .output()
            .expect("run pdfinfo");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let sizes: Vec<&str> = info
            .lines()
            .filter(|l| l.starts_with("Page") && l.contains("size:"))
            .collect();
        assert!(!sizes.is_empty(), "{name}: pdfinfo: {info}");
        for s in &sizes {
            assert!(
                s.contains("841.92 x 594.96 pts"),
                "{name}: not A4 landscape: {s}"
            );
        }
        let table = &html[html.find("<table id=\"notebook-summary\"").unwrap()..];
        let thead = &table[..table.find("</thead>").unwrap()];
        let headers: Vec<&str> = thead
            .split("<th>")
            .skip(1)
            .map(|h| &h[..h.find("</th>").unwrap()])
            .collect();
        assert_eq!(headers[..2], ["source", "compliant"], "{name}");
        let words = pdf_words(&pdf, 1);
        // A header breaks only at its `<wbr>`s: each piece is within a printed word that is
        // itself part of the header, on the page.
        for h in &headers {
            let whole = h.replace("<wbr>", "");
            for p in h.split("<wbr>") {
                assert!(
                    words.iter().any(|(w, x0, x1)| w.contains(p)
                        && whole.contains(w.as_str())
                        && *x0 >= 0.0
                        && *x1 <= 841.92),
                    "{name}: header piece {p:?} of {whole:?} not on page 1"
                );
            }
        }
        let _ = writeln!(
            std::io::stderr(),
            "{name}: {} printed pages; screenshot and PDF in {}",
            sizes.len(),
            dir.display()
        );
    }
}
