//! Adversarial suite: realistic snapshots built to make a wrong implementation say "compliant",
//! "unreachable" or "private" where AWS says otherwise (issue 7 items 1–7 and DESIGN.md §3).
//!
//! Data-driven and self-contained: every directory under `tests/fixtures/adversarial/` is one case,
//! holding `snapshot/` (AWS CLI JSON, exactly as the CLI prints it) and `expect.json` (the verdicts,
//! the rule, and the AWS documentation sentence it rests on). The expectations were written from the
//! AWS documentation, DESIGN.md and issue 7, never from the engine's code; the fixtures are generated
//! by `tests/fixtures/adversarial/generate.py` (read the expect.json files, not the script).
//!
//! The runner analyses each case in-process (`vpcreach analyze <case>/snapshot --format json
//! <args…>`, one typed report per region, tests/common/report.rs; tests/cli.rs proves it equals the
//! binary's output) and checks every key given in expect.json with the shared harness's pieces
//! (tests/common/expect.rs). A case that expects exit status 2 or names text on stderr is about the
//! command line's own messages: it also runs the real binary and checks its exit status and stderr.
//! It reports ALL mismatches of ALL cases before failing. `ADVERSARIAL_CASE=<substring>` runs only
//! matching cases.
//!
//! expect.json:
//! ```json
//! {"rule": "…", "rests_on": [{"url": "https://…", "quote": "…"}], "wrong_answer": "…",
//!  "args": ["--require", "s3"], "exit": 1, "stderr_contains": ["…"],
//!  "reports": {"us-east-1": {"notebooks": {"nb": {"compliant": false, "checks": {"s3": {
//!     "status": "reachable", "via": "nat-gateway", "private": false,
//!     "blocked_codes": ["CODE", "CODE@component"], "unknown_codes": ["…"],
//!     "witness_in": ["10.0.0.0/8"], "unknown_because_nonempty": true}}}}}}}
//! ```
//! The file is read into typed structs that deny unknown keys. Only the keys given are asserted
//! (`status` always). `blocked_codes` / `unknown_codes` must each occur
//! among the codes of `blocked_by` / `unknown_because` (`CODE@component` also fixes the component);
//! `witness_in`: the witness destination lies in one of these CIDRs. For exit 2, `reports` is absent.

mod common;
use common::expect::{has_code, in_any, par_map, show};
use common::report::{self, Report, Status, Via};

use ipnet::IpNet;
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/adversarial")
}

/// Every case directory, sorted by name.
fn case_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("tests/fixtures/adversarial exists")
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.is_dir())
        // not cases: hidden directories and Python's __pycache__
        .filter(|p| !name_of(p).starts_with(['.', '_']))
        .collect();
    dirs.sort();
    dirs
}

fn name_of(dir: &Path) -> String {
    dir.file_name().unwrap().to_string_lossy().into_owned()
}

// ---------------------------------------------------------------------------------------------------
// expect.json
// ---------------------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    rule: String,
    rests_on: Vec<RestsOn>,
    wrong_answer: String,
    #[serde(default)]
    args: Vec<String>,
    exit: i32,
    #[serde(default)]
    stderr_contains: Vec<String>,
    /// by region; absent exactly for exit 2
    #[serde(default)]
    reports: Option<BTreeMap<String, ExpReport>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RestsOn {
    url: String,
    quote: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpReport {
    notebooks: BTreeMap<String, ExpNotebook>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpNotebook {
    compliant: Option<bool>,
    #[serde(default)]
    checks: BTreeMap<String, ExpCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpCheck {
    status: Status,
    /// absent: not asserted; `null`: no via
    #[serde(default, deserialize_with = "present")]
    via: Option<Option<Via>>,
    private: Option<bool>,
    #[serde(default)]
    blocked_codes: Vec<String>,
    #[serde(default)]
    unknown_codes: Vec<String>,
    witness_in: Option<Vec<String>>,
    unknown_because_nonempty: Option<bool>,
}

/// A key that is present (even as `null`) is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Reads one expect.json: typed (unknown keys, wrong types and unknown statuses or `via` kinds
/// are errors), then the rules types cannot say.
fn load(dir: &Path) -> Result<Expect, Vec<String>> {
    let text = std::fs::read_to_string(dir.join("expect.json"))
        .map_err(|e| vec![format!("cannot read expect.json: {e}")])?;
    let exp: Expect = serde_json::from_str(&text).map_err(|e| vec![format!("expect.json: {e}")])?;
    let problems = validate(&exp);
    if problems.is_empty() {
        Ok(exp)
    } else {
        Err(problems)
    }
}

fn validate(exp: &Expect) -> Vec<String> {
    let mut errs = Vec::new();
    for (k, v) in [("rule", &exp.rule), ("wrong_answer", &exp.wrong_answer)] {
        if v.trim().is_empty() {
            errs.push(format!("expect.json: {k:?} must be a non-empty string"));
        }
    }
    if !(0..=2).contains(&exp.exit) {
        errs.push("expect.json: \"exit\" must be 0, 1 or 2".into());
    }
    if exp.rests_on.is_empty() && exp.exit != 2 {
        errs.push("expect.json: \"rests_on\" may be empty only for exit 2".into());
    }
    for (n, r) in exp.rests_on.iter().enumerate() {
        if !(r.url.starts_with("https://") || r.url.starts_with("http://")) {
            errs.push(format!("rests_on[{n}]: \"url\" must be an http(s) URL"));
        }
        if r.quote.trim().is_empty() {
            errs.push(format!(
                "rests_on[{n}]: \"quote\" must be a non-empty string"
            ));
        }
    }
    match (&exp.reports, exp.exit) {
        (Some(_), 2) => errs.push("expect.json: exit 2 cases carry no \"reports\"".into()),
        (None, 0 | 1) => errs.push("expect.json: \"reports\" is required unless exit 2".into()),
        (Some(r), _) if r.is_empty() => errs.push("reports: empty".into()),
        _ => {}
    }
    for (region, rep) in exp.reports.iter().flatten() {
        for (nb, e) in &rep.notebooks {
            for (name, c) in &e.checks {
                for w in c.witness_in.iter().flatten() {
                    if w.parse::<IpNet>().is_err() {
                        errs.push(format!(
                            "reports.{region}.{nb}.{name}: witness_in {w:?} is not a CIDR"
                        ));
                    }
                }
            }
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------------
// Running one case
// ---------------------------------------------------------------------------------------------------

fn short(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(400).collect();
    if s.chars().count() > 400 {
        out.push('…');
    }
    out.replace('\n', " ⏎ ")
}

fn check_one(at: &str, exp: &ExpCheck, got: &report::Check, out: &mut Vec<String>) {
    let via = |v: Option<Via>| v.map_or("null".to_string(), |v| v.to_string());
    if got.status != exp.status {
        out.push(format!(
            "{at}: status expected {}, got {} (via {}, blocked_by {}, unknown_because {})",
            exp.status,
            got.status,
            via(got.via),
            show(&got.blocked_by),
            show(&got.unknown_because)
        ));
    }
    if let Some(v) = exp.via
        && got.via != v
    {
        out.push(format!(
            "{at}: via expected {}, got {}",
            via(v),
            via(got.via)
        ));
    }
    if let Some(p) = exp.private
        && got.private != p
    {
        out.push(format!("{at}: private expected {p}, got {}", got.private));
    }
    for (field, have, want) in [
        ("blocked_by", &got.blocked_by, &exp.blocked_codes),
        ("unknown_because", &got.unknown_because, &exp.unknown_codes),
    ] {
        for w in want {
            if !has_code(have, w) {
                out.push(format!(
                    "{at}: {field} expected to contain {w}, got {}",
                    show(have)
                ));
            }
        }
    }
    if let Some(nonempty) = exp.unknown_because_nonempty
        && got.unknown_because.is_empty() == nonempty
    {
        out.push(format!(
            "{at}: unknown_because expected {}, got {}",
            if nonempty { "non-empty" } else { "empty" },
            show(&got.unknown_because)
        ));
    }
    if let Some(nets) = &exp.witness_in {
        let nets: Vec<&str> = nets.iter().map(String::as_str).collect();
        match &got.witness {
            Some(w) if in_any(w.destination, &nets) => {}
            Some(w) => out.push(format!(
                "{at}: witness destination {} is not in {}",
                w.destination,
                nets.join(", ")
            )),
            None => out.push(format!(
                "{at}: expected a witness in {}, got witness null",
                nets.join(", ")
            )),
        }
    }
}

fn check_reports(want: &BTreeMap<String, ExpReport>, docs: &[Report], out: &mut Vec<String>) {
    for (region, want) in want {
        let Some(doc) = docs
            .iter()
            .find(|d| d.region.as_deref() == Some(region.as_str()))
        else {
            let found: Vec<_> = docs.iter().map(|d| d.region.clone()).collect();
            out.push(format!(
                "no report for region {region} (reports found for {found:?})"
            ));
            continue;
        };
        for (nb, want_nb) in &want.notebooks {
            let Some(got_nb) = doc.notebook(nb) else {
                let names: Vec<&str> = doc.notebooks.iter().map(|n| n.name.as_str()).collect();
                out.push(format!(
                    "{region}/{nb}: notebook missing from the report (notebooks: {names:?})"
                ));
                continue;
            };
            if let Some(c) = want_nb.compliant
                && got_nb.compliant != c
            {
                out.push(format!(
                    "{region}/{nb}: compliant expected {c}, got {}",
                    got_nb.compliant
                ));
            }
            for (check, want_check) in &want_nb.checks {
                let at = format!("{region}/{nb}/{check}");
                match got_nb.checks.get(check) {
                    Some(got_check) => check_one(&at, want_check, got_check, out),
                    None => out.push(format!("{at}: check missing from the report")),
                }
            }
        }
    }
}

/// Runs one case and returns its mismatches (empty: the case passes).
fn check_case(dir: &Path) -> Vec<String> {
    let exp = match load(dir) {
        Ok(e) => e,
        Err(problems) => {
            return problems
                .into_iter()
                .map(|p| format!("malformed expect.json: {p}"))
                .collect();
        }
    };
    let snapshot = dir.join("snapshot");
    if !snapshot.is_dir() {
        return vec!["no snapshot/ directory".into()];
    }
    let args: Vec<&str> = exp.args.iter().map(String::as_str).collect();
    let mut out = Vec::new();

    let analysis = report::analyze(&[&snapshot], &args);
    let exit = analysis.as_ref().map_or(2, |a| a.exit);
    if exit != exp.exit {
        out.push(format!(
            "exit status expected {}, got {exit}{}",
            exp.exit,
            match &analysis {
                Err(e) => format!(" ({})", short(e)),
                Ok(_) => String::new(),
            }
        ));
    }
    // The command line's own messages: the binary's exit status and stderr.
    if exp.exit == 2 || !exp.stderr_contains.is_empty() {
        let o = report::run_binary(&[&snapshot], &[&["--format", "json"][..], &args].concat());
        let stderr = String::from_utf8_lossy(&o.stderr);
        if o.status.code() != Some(exp.exit) {
            out.push(format!(
                "the binary's exit status expected {}, got {} (stderr: {})",
                exp.exit,
                o.status
                    .code()
                    .map_or("<signal>".to_string(), |c| c.to_string()),
                short(&stderr)
            ));
        }
        for s in &exp.stderr_contains {
            if !stderr.contains(s.as_str()) {
                out.push(format!(
                    "stderr expected to contain {s:?}, got: {}",
                    short(&stderr)
                ));
            }
        }
    }

    if let (Some(want), Ok(a)) = (&exp.reports, &analysis) {
        check_reports(want, &a.reports, &mut out);
    }
    out
}

#[test]
fn adversarial_cases() {
    let filter = std::env::var("ADVERSARIAL_CASE").ok();
    let dirs: Vec<PathBuf> = case_dirs()
        .into_iter()
        .filter(|d| filter.as_deref().is_none_or(|f| name_of(d).contains(f)))
        .collect();
    assert!(
        !dirs.is_empty(),
        "no adversarial case found in {}",
        cases_dir().display()
    );

    let results: Vec<(String, Vec<String>)> = par_map(&dirs, |d| (name_of(d), check_case(d)));
    assert_eq!(results.len(), dirs.len(), "every case ran");

    let failing: Vec<&(String, Vec<String>)> =
        results.iter().filter(|(_, m)| !m.is_empty()).collect();
    let mut report = String::new();
    for (name, mismatches) in &failing {
        report.push_str(&format!("\n✘ {name}\n"));
        for m in mismatches {
            report.push_str(&format!("    - {m}\n"));
        }
    }
    eprintln!(
        "adversarial: {} case(s), {} passing, {} failing{}",
        results.len(),
        results.len() - failing.len(),
        failing.len(),
        report
    );
    assert!(
        failing.is_empty(),
        "{} of {} adversarial case(s) fail (see the list above)",
        failing.len(),
        results.len()
    );
}

/// Every case directory holds a well-formed expect.json and a snapshot, independent of the engine.
#[test]
fn adversarial_expectations_are_well_formed() {
    let mut errs = Vec::new();
    for dir in case_dirs() {
        let name = name_of(&dir);
        if !dir.join("snapshot").is_dir() {
            errs.push(format!("{name}: no snapshot/ directory"));
        }
        if let Err(problems) = load(&dir) {
            errs.extend(problems.into_iter().map(|p| format!("{name}: {p}")));
        }
    }
    assert!(errs.is_empty(), "malformed cases:\n{}", errs.join("\n"));
}
