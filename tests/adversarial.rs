//! Adversarial suite: realistic snapshots built to make a wrong implementation say "compliant",
//! "unreachable" or "private" where AWS says otherwise (issue 7 items 1–7 and DESIGN.md §3).
//!
//! Data-driven and self-contained: every directory under `tests/fixtures/adversarial/` is one case,
//! holding `snapshot/` (AWS CLI JSON, exactly as the CLI prints it) and `expect.json` (the verdicts,
//! the rule, and the AWS documentation sentence it rests on). The expectations were written from the
//! AWS documentation, DESIGN.md and issue 7, never from the engine's code; the fixtures are generated
//! by `tests/fixtures/adversarial/generate.py` (read the expect.json files, not the script).
//!
//! The runner runs the real binary once per case:
//! `vpcreach analyze <case>/snapshot --format json <args…>`, parses stdout as a stream of JSON
//! documents (one report per region), and checks every key given in expect.json. It reports ALL
//! mismatches of ALL cases before failing. `ADVERSARIAL_CASE=<substring>` runs only matching cases.
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
//! Only the keys given are asserted (`status` always). `blocked_codes` / `unknown_codes` must each occur
//! among the codes of `blocked_by` / `unknown_because` (`CODE@component` also fixes the component);
//! `witness_in`: the witness destination lies in one of these CIDRs. For exit 2, `reports` is absent.

use ipnet::IpNet;
use serde_json::{Map, Value};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOP_KEYS: &[&str] = &[
    "rule",
    "rests_on",
    "wrong_answer",
    "args",
    "exit",
    "stderr_contains",
    "reports",
];
const REPORT_KEYS: &[&str] = &["notebooks"];
const NOTEBOOK_KEYS: &[&str] = &["compliant", "checks"];
const CHECK_KEYS: &[&str] = &[
    "status",
    "via",
    "private",
    "blocked_codes",
    "unknown_codes",
    "witness_in",
    "unknown_because_nonempty",
];
const STATUSES: &[&str] = &["reachable", "unreachable", "unknown", "partial"];

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
// expect.json well-formedness
// ---------------------------------------------------------------------------------------------------

fn unknown_keys(obj: &Map<String, Value>, allowed: &[&str], at: &str, errs: &mut Vec<String>) {
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            errs.push(format!("{at}: unknown key {k:?} (allowed: {allowed:?})"));
        }
    }
}

fn string_list(v: Option<&Value>, at: &str, errs: &mut Vec<String>) -> Vec<String> {
    match v {
        None => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| match x.as_str() {
                Some(s) => Some(s.to_string()),
                None => {
                    errs.push(format!("{at}: {x} is not a string"));
                    None
                }
            })
            .collect(),
        Some(other) => {
            errs.push(format!("{at}: expected a list of strings, got {other}"));
            Vec::new()
        }
    }
}

/// Validates the shape of one expect.json; returns the problems found.
fn validate(exp: &Value) -> Vec<String> {
    let mut errs = Vec::new();
    let Some(top) = exp.as_object() else {
        return vec!["expect.json: not a JSON object".into()];
    };
    unknown_keys(top, TOP_KEYS, "expect.json", &mut errs);
    for k in ["rule", "wrong_answer"] {
        match top.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => errs.push(format!("expect.json: {k:?} must be a non-empty string")),
        }
    }
    let exit = top.get("exit").and_then(Value::as_i64);
    match exit {
        Some(0..=2) => {}
        _ => errs.push("expect.json: \"exit\" must be 0, 1 or 2".into()),
    }
    string_list(top.get("args"), "expect.json args", &mut errs);
    string_list(
        top.get("stderr_contains"),
        "expect.json stderr_contains",
        &mut errs,
    );
    match top.get("rests_on") {
        Some(Value::Array(a)) => {
            if a.is_empty() && exit != Some(2) {
                errs.push("expect.json: \"rests_on\" may be empty only for exit 2".into());
            }
            for (n, r) in a.iter().enumerate() {
                let at = format!("rests_on[{n}]");
                let Some(o) = r.as_object() else {
                    errs.push(format!("{at}: not an object"));
                    continue;
                };
                unknown_keys(o, &["url", "quote"], &at, &mut errs);
                match o.get("url").and_then(Value::as_str) {
                    Some(u) if u.starts_with("https://") || u.starts_with("http://") => {}
                    _ => errs.push(format!("{at}: \"url\" must be an http(s) URL")),
                }
                match o.get("quote").and_then(Value::as_str) {
                    Some(q) if !q.trim().is_empty() => {}
                    _ => errs.push(format!("{at}: \"quote\" must be a non-empty string")),
                }
            }
        }
        _ => errs.push("expect.json: \"rests_on\" must be a list".into()),
    }
    match (top.get("reports"), exit) {
        (Some(_), Some(2)) => errs.push("expect.json: exit 2 cases carry no \"reports\"".into()),
        (None, Some(0 | 1)) => {
            errs.push("expect.json: \"reports\" is required unless exit 2".into())
        }
        _ => {}
    }
    if let Some(reports) = top.get("reports") {
        let Some(reports) = reports.as_object() else {
            errs.push("reports: not an object".into());
            return errs;
        };
        if reports.is_empty() {
            errs.push("reports: empty".into());
        }
        for (region, rep) in reports {
            let at = format!("reports.{region}");
            let Some(rep) = rep.as_object() else {
                errs.push(format!("{at}: not an object"));
                continue;
            };
            unknown_keys(rep, REPORT_KEYS, &at, &mut errs);
            let Some(nbs) = rep.get("notebooks").and_then(Value::as_object) else {
                errs.push(format!("{at}: \"notebooks\" must be an object"));
                continue;
            };
            for (nb, e) in nbs {
                let at = format!("{at}.{nb}");
                let Some(e) = e.as_object() else {
                    errs.push(format!("{at}: not an object"));
                    continue;
                };
                unknown_keys(e, NOTEBOOK_KEYS, &at, &mut errs);
                if let Some(c) = e.get("compliant")
                    && !c.is_boolean()
                {
                    errs.push(format!("{at}: \"compliant\" must be a boolean"));
                }
                let Some(checks) = e.get("checks") else {
                    continue;
                };
                let Some(checks) = checks.as_object() else {
                    errs.push(format!("{at}: \"checks\" must be an object"));
                    continue;
                };
                for (name, c) in checks {
                    let at = format!("{at}.{name}");
                    let Some(c) = c.as_object() else {
                        errs.push(format!("{at}: not an object"));
                        continue;
                    };
                    unknown_keys(c, CHECK_KEYS, &at, &mut errs);
                    match c.get("status").and_then(Value::as_str) {
                        Some(s) if STATUSES.contains(&s) => {}
                        _ => errs.push(format!("{at}: \"status\" must be one of {STATUSES:?}")),
                    }
                    if let Some(v) = c.get("via")
                        && !(v.is_null() || v.is_string())
                    {
                        errs.push(format!("{at}: \"via\" must be a string or null"));
                    }
                    for k in ["private", "unknown_because_nonempty"] {
                        if let Some(v) = c.get(k)
                            && !v.is_boolean()
                        {
                            errs.push(format!("{at}: {k:?} must be a boolean"));
                        }
                    }
                    string_list(c.get("blocked_codes"), &at, &mut errs);
                    string_list(c.get("unknown_codes"), &at, &mut errs);
                    for w in string_list(c.get("witness_in"), &at, &mut errs) {
                        if w.parse::<IpNet>().is_err() {
                            errs.push(format!("{at}: witness_in {w:?} is not a CIDR"));
                        }
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

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[String]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .arg("analyze")
        .arg(dir.join("snapshot"))
        .args(["--format", "json"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the vpcreach binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn short(s: &str) -> String {
    let s = s.trim();
    let mut out: String = s.chars().take(400).collect();
    if s.chars().count() > 400 {
        out.push('…');
    }
    out.replace('\n', " ⏎ ")
}

/// Parses stdout as a stream of JSON documents (one report per region).
fn reports(stdout: &str) -> Result<Vec<Value>, String> {
    serde_json::Deserializer::from_str(stdout)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("stdout is not a stream of JSON documents: {e}"))
}

fn codes(check: &Value, field: &str) -> Vec<(String, String)> {
    check
        .get(field)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|e| {
                    (
                        e.get("code")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                        e.get("component")
                            .and_then(Value::as_str)
                            .unwrap_or("")
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn show_codes(cs: &[(String, String)]) -> String {
    if cs.is_empty() {
        return "[]".into();
    }
    let v: Vec<String> = cs.iter().map(|(c, k)| format!("{c}@{k}")).collect();
    format!("[{}]", v.join(", "))
}

fn check_one(at: &str, exp: &Map<String, Value>, got: &Value, out: &mut Vec<String>) {
    let status = got
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    let exp_status = exp["status"].as_str().unwrap();
    if status != exp_status {
        out.push(format!(
            "{at}: status expected {exp_status}, got {status} (via {}, blocked_by {}, unknown_because {})",
            got.get("via").unwrap_or(&Value::Null),
            show_codes(&codes(got, "blocked_by")),
            show_codes(&codes(got, "unknown_because"))
        ));
    }
    if let Some(v) = exp.get("via") {
        let g = got.get("via").unwrap_or(&Value::Null);
        if g != v {
            out.push(format!("{at}: via expected {v}, got {g}"));
        }
    }
    if let Some(p) = exp.get("private") {
        let g = got.get("private").unwrap_or(&Value::Null);
        if g != p {
            out.push(format!("{at}: private expected {p}, got {g}"));
        }
    }
    for (field, key) in [
        ("blocked_by", "blocked_codes"),
        ("unknown_because", "unknown_codes"),
    ] {
        let Some(want) = exp.get(key).and_then(Value::as_array) else {
            continue;
        };
        let have = codes(got, field);
        for w in want.iter().filter_map(Value::as_str) {
            let (code, comp) = match w.split_once('@') {
                Some((c, k)) => (c, Some(k)),
                None => (w, None),
            };
            let found = have
                .iter()
                .any(|(c, k)| c == code && comp.is_none_or(|comp| comp == k));
            if !found {
                out.push(format!(
                    "{at}: {field} expected to contain {w}, got {}",
                    show_codes(&have)
                ));
            }
        }
    }
    if let Some(nonempty) = exp.get("unknown_because_nonempty").and_then(Value::as_bool) {
        let have = codes(got, "unknown_because");
        if have.is_empty() == nonempty {
            out.push(format!(
                "{at}: unknown_because expected {}, got {}",
                if nonempty { "non-empty" } else { "empty" },
                show_codes(&have)
            ));
        }
    }
    if let Some(nets) = exp.get("witness_in").and_then(Value::as_array) {
        let nets: Vec<IpNet> = nets
            .iter()
            .filter_map(|n| n.as_str()?.parse().ok())
            .collect();
        let dest = got
            .get("witness")
            .and_then(|w| w.get("destination"))
            .and_then(Value::as_str);
        match dest.map(|d| (d, d.parse::<IpAddr>())) {
            Some((_, Ok(ip))) if nets.iter().any(|n| n.contains(&ip)) => {}
            Some((d, _)) => out.push(format!(
                "{at}: witness destination {d} is not in {}",
                nets.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            None => out.push(format!(
                "{at}: expected a witness in {}, got witness {}",
                nets.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                got.get("witness").unwrap_or(&Value::Null)
            )),
        }
    }
}

/// Runs one case and returns its mismatches (empty: the case passes).
fn check_case(dir: &Path) -> Vec<String> {
    let exp_path = dir.join("expect.json");
    let text = match std::fs::read_to_string(&exp_path) {
        Ok(t) => t,
        Err(e) => return vec![format!("cannot read expect.json: {e}")],
    };
    let exp: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(e) => return vec![format!("expect.json is not JSON: {e}")],
    };
    let problems = validate(&exp);
    if !problems.is_empty() {
        return problems
            .into_iter()
            .map(|p| format!("malformed expect.json: {p}"))
            .collect();
    }
    if !dir.join("snapshot").is_dir() {
        return vec!["no snapshot/ directory".into()];
    }

    let args: Vec<String> = exp["args"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let want_exit = exp["exit"].as_i64().unwrap() as i32;
    let r = run(dir, &args);
    let mut out = Vec::new();

    if r.code != Some(want_exit) {
        out.push(format!(
            "exit status expected {want_exit}, got {} (stderr: {})",
            r.code.map_or("<signal>".to_string(), |c| c.to_string()),
            short(&r.stderr)
        ));
    }
    for s in exp["stderr_contains"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !r.stderr.contains(s) {
            out.push(format!(
                "stderr expected to contain {s:?}, got: {}",
                short(&r.stderr)
            ));
        }
    }

    let Some(want_reports) = exp.get("reports").and_then(Value::as_object) else {
        return out;
    };
    let docs = match reports(&r.stdout) {
        Ok(d) => d,
        Err(e) => {
            out.push(format!("{e}; stdout: {}", short(&r.stdout)));
            return out;
        }
    };
    for (region, want) in want_reports {
        let Some(doc) = docs
            .iter()
            .find(|d| d.get("region").and_then(Value::as_str) == Some(region.as_str()))
        else {
            let found: Vec<&str> = docs
                .iter()
                .filter_map(|d| d.get("region").and_then(Value::as_str))
                .collect();
            out.push(format!(
                "no report for region {region} (reports found for {found:?}; stderr: {})",
                short(&r.stderr)
            ));
            continue;
        };
        let notebooks = doc
            .get("notebooks")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (nb, want_nb) in want["notebooks"].as_object().unwrap() {
            let Some(got_nb) = notebooks
                .iter()
                .find(|n| n.get("name").and_then(Value::as_str) == Some(nb.as_str()))
            else {
                let names: Vec<&str> = notebooks
                    .iter()
                    .filter_map(|n| n.get("name").and_then(Value::as_str))
                    .collect();
                out.push(format!(
                    "{region}/{nb}: notebook missing from the report (notebooks: {names:?})"
                ));
                continue;
            };
            if let Some(c) = want_nb.get("compliant") {
                let g = got_nb.get("compliant").unwrap_or(&Value::Null);
                if g != c {
                    out.push(format!("{region}/{nb}: compliant expected {c}, got {g}"));
                }
            }
            let Some(want_checks) = want_nb.get("checks").and_then(Value::as_object) else {
                continue;
            };
            for (check, want_check) in want_checks {
                let at = format!("{region}/{nb}/{check}");
                match got_nb.get("checks").and_then(|c| c.get(check)) {
                    Some(got_check) => {
                        check_one(&at, want_check.as_object().unwrap(), got_check, &mut out)
                    }
                    None => out.push(format!("{at}: check missing from the report")),
                }
            }
        }
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

    // Two workers: the machine has two cores and each case is one short process.
    let results: Vec<(String, Vec<String>)> = std::thread::scope(|scope| {
        let (a, b): (Vec<_>, Vec<_>) = dirs.iter().enumerate().partition(|(n, _)| n % 2 == 0);
        let h: Vec<_> = [a, b]
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    part.into_iter()
                        .map(|(_, d)| (name_of(d), check_case(d)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<_> = h.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort_by(|x, y| x.0.cmp(&y.0));
        all
    });

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
        match std::fs::read_to_string(dir.join("expect.json")) {
            Err(e) => errs.push(format!("{name}: cannot read expect.json: {e}")),
            Ok(t) => match serde_json::from_str::<Value>(&t) {
                Err(e) => errs.push(format!("{name}: expect.json is not JSON: {e}")),
                Ok(v) => errs.extend(validate(&v).into_iter().map(|p| format!("{name}: {p}"))),
            },
        }
    }
    assert!(errs.is_empty(), "malformed cases:\n{}", errs.join("\n"));
}
