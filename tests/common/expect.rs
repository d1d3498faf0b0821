//! The expectation types and the checker shared by tests/samples.rs and tests/batfish.rs: each
//! test runs the real binary on a snapshot, parses the JSON report back, and compares every
//! notebook's checks, findings, compliance and exit status with a table of expectations.

// Each including test uses a different subset of the helpers.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Output};

// ---------------------------------------------------------------------------------------------
// Expectations
// ---------------------------------------------------------------------------------------------

/// Expected `via` of a check.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Via {
    /// `"via": null`
    Null,
    /// `"via": "<kind>"`
    Is(&'static str),
    /// not asserted (DESIGN §4 does not fix it, e.g. `unknown` for missing data)
    #[allow(dead_code)]
    Any,
}

#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// `internet` or a service name as given (`s3`, `sagemaker.api`, …)
    pub name: &'static str,
    /// `reachable` | `unreachable` | `unknown` | `partial`
    pub status: &'static str,
    pub private: bool,
    pub via: Via,
    /// Codes that must all occur in `blocked_by` (more may occur). `"CODE@component"` also requires
    /// that entry's `component` to be the given ID.
    pub blocked: &'static [&'static str],
    /// If non-empty: the witness destination must lie in one of these CIDRs.
    pub dst: &'static [&'static str],
}

impl Check {
    pub const fn dst(self, dst: &'static [&'static str]) -> Check {
        Check { dst, ..self }
    }
}

pub const fn reachable(name: &'static str, via: &'static str, private: bool) -> Check {
    Check {
        name,
        status: "reachable",
        private,
        via: Via::Is(via),
        blocked: &[],
        dst: &[],
    }
}
pub const fn unreachable(name: &'static str, blocked: &'static [&'static str]) -> Check {
    Check {
        name,
        status: "unreachable",
        private: false,
        via: Via::Null,
        blocked,
        dst: &[],
    }
}
pub const fn partial(
    name: &'static str,
    via: &'static str,
    blocked: &'static [&'static str],
) -> Check {
    Check {
        name,
        status: "partial",
        private: false,
        via: Via::Is(via),
        blocked,
        dst: &[],
    }
}
#[allow(dead_code)]
pub const fn unknown(name: &'static str, via: Via) -> Check {
    Check {
        name,
        status: "unknown",
        private: false,
        via,
        blocked: &[],
        dst: &[],
    }
}

pub struct Nb {
    pub name: &'static str,
    /// `subnet_id` (None = JSON null)
    pub subnet: Option<&'static str>,
    /// exactly the keys of `checks`
    pub checks: &'static [Check],
    /// exactly the set of finding codes
    pub findings: &'static [&'static str],
    pub compliant: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Diag {
    Empty,
    #[allow(dead_code)]
    NonEmpty,
    #[allow(dead_code)]
    Any,
}

pub struct Case {
    /// snapshot paths, relative to the crate root
    pub paths: &'static [&'static str],
    /// extra arguments after `--format json`
    pub args: &'static [&'static str],
    /// expected `profile` field
    pub profile: &'static str,
    pub region: &'static str,
    pub exit: i32,
    pub diagnostics: Diag,
    /// the snapshot holds the us-east-1 AWS-managed prefix lists (enables witness address checks)
    pub prefix_lists: bool,
    /// every notebook of the output, exactly
    pub notebooks: &'static [Nb],
}

pub const S3_CIDRS: &[&str] = &[
    "54.231.0.0/17",
    "52.216.0.0/15",
    "3.5.16.0/21",
    "3.5.0.0/20",
];
pub const DYNAMODB_CIDRS: &[&str] = &["52.94.0.0/22", "52.119.224.0/20"];
pub const NO_ROUTE: &str = "NO_ROUTE_TO_DESTINATION";
pub const NO_PUBLIC_IP: &str = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS";

// ---------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------

pub fn run(paths: &[&str], args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("analyze")
        .args(paths)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run vpcreach")
}

pub fn cmdline(paths: &[&str], args: &[&str]) -> String {
    format!("vpcreach analyze {} {}", paths.join(" "), args.join(" "))
        .trim_end()
        .to_string()
}

pub fn parse(out: &Output, what: &str) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: stdout is not JSON ({e}); exit {:?}\nstdout: {}\nstderr: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

pub fn notebooks(v: &Value) -> &[Value] {
    v["notebooks"].as_array().map(Vec::as_slice).unwrap_or(&[])
}

pub fn report(errs: Vec<String>) {
    if !errs.is_empty() {
        panic!("{} mismatch(es):\n  {}", errs.len(), errs.join("\n  "));
    }
}

pub fn check_case(case: &Case) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(case.args);
    let cmd = cmdline(case.paths, &args);
    let out = run(case.paths, &args);
    let v = parse(&out, &cmd);
    let mut errs = Vec::new();

    if out.status.code() != Some(case.exit) {
        errs.push(format!(
            "exit status {:?}, expected {}",
            out.status.code(),
            case.exit
        ));
    }
    if v["profile"] != case.profile {
        errs.push(format!(
            "profile {}, expected {:?}",
            v["profile"], case.profile
        ));
    }
    if v["region"] != case.region {
        errs.push(format!(
            "region {}, expected {:?}",
            v["region"], case.region
        ));
    }
    let diags = v["diagnostics"].as_array().map_or(0, Vec::len);
    match case.diagnostics {
        Diag::Empty if diags != 0 => {
            errs.push(format!("expected no diagnostics, got {}", v["diagnostics"]))
        }
        Diag::NonEmpty if diags == 0 => errs.push("expected a diagnostic, got none".into()),
        _ => {}
    }

    let nbs = notebooks(&v);
    let got: BTreeSet<&str> = nbs.iter().filter_map(|n| n["name"].as_str()).collect();
    let want: BTreeSet<&str> = case.notebooks.iter().map(|n| n.name).collect();
    if got != want {
        errs.push(format!("notebooks {got:?}, expected {want:?}"));
    }
    let compliant = case.notebooks.iter().filter(|n| n.compliant).count();
    if v["summary"]["notebooks"] != case.notebooks.len() || v["summary"]["compliant"] != compliant {
        errs.push(format!(
            "summary {}, expected {{notebooks: {}, compliant: {compliant}}}",
            v["summary"],
            case.notebooks.len()
        ));
    }

    for exp in case.notebooks {
        let Some(nb) = nbs.iter().find(|n| n["name"] == exp.name) else {
            continue;
        };
        check_notebook(case, exp, nb, &mut errs);
    }
    if !errs.is_empty() {
        panic!(
            "`{cmd}`: {} mismatch(es):\n  {}",
            errs.len(),
            errs.join("\n  ")
        );
    }
}

pub fn check_notebook(case: &Case, exp: &Nb, nb: &Value, errs: &mut Vec<String>) {
    let n = exp.name;
    if nb["subnet_id"].as_str() != exp.subnet
        || (exp.subnet.is_none() && !nb["subnet_id"].is_null())
    {
        errs.push(format!(
            "{n}: subnet_id {}, expected {:?}",
            nb["subnet_id"], exp.subnet
        ));
    }
    let findings: BTreeSet<&str> = nb["findings"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["code"].as_str()).collect())
        .unwrap_or_default();
    let want: BTreeSet<&str> = exp.findings.iter().copied().collect();
    if findings != want {
        errs.push(format!("{n}: findings {findings:?}, expected {want:?}"));
    }
    if nb["compliant"].as_bool() != Some(exp.compliant) {
        errs.push(format!(
            "{n}: compliant {}, expected {}",
            nb["compliant"], exp.compliant
        ));
    }
    let Some(checks) = nb["checks"].as_object() else {
        errs.push(format!("{n}: no `checks` object"));
        return;
    };
    let got: BTreeSet<&str> = checks.keys().map(String::as_str).collect();
    let want: BTreeSet<&str> = exp.checks.iter().map(|c| c.name).collect();
    if got != want {
        errs.push(format!("{n}: check keys {got:?}, expected {want:?}"));
    }
    for c in exp.checks {
        if let Some(v) = checks.get(c.name) {
            check_one(case, &format!("{n}.{}", c.name), c, v, errs);
        }
    }
}

pub fn check_one(case: &Case, at: &str, c: &Check, v: &Value, errs: &mut Vec<String>) {
    if v["status"] != c.status {
        errs.push(format!(
            "{at}: status {}, expected {:?} (blocked_by {})",
            v["status"], c.status, v["blocked_by"]
        ));
    }
    if v["private"].as_bool() != Some(c.private) {
        errs.push(format!(
            "{at}: private {}, expected {}",
            v["private"], c.private
        ));
    }
    match c.via {
        Via::Null if !v["via"].is_null() => {
            errs.push(format!("{at}: via {}, expected null", v["via"]))
        }
        Via::Is(k) if v["via"] != k => errs.push(format!("{at}: via {}, expected {k:?}", v["via"])),
        _ => {}
    }
    let blocked: Vec<(&str, &str)> = v["blocked_by"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|b| {
                    (
                        b["code"].as_str().unwrap_or(""),
                        b["component"].as_str().unwrap_or(""),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    for want in c.blocked {
        let (code, component) = match want.split_once('@') {
            Some((code, comp)) => (code, Some(comp)),
            None => (*want, None),
        };
        if !blocked
            .iter()
            .any(|(k, comp)| *k == code && component.is_none_or(|w| w == *comp))
        {
            errs.push(format!(
                "{at}: blocked_by lacks {want}; got {}",
                v["blocked_by"]
            ));
        }
    }
    let witness = &v["witness"];
    let path_len = v["path"].as_array().map_or(0, Vec::len);
    if c.status == "reachable" && !blocked.is_empty() {
        errs.push(format!(
            "{at}: reachable but blocked_by {}",
            v["blocked_by"]
        ));
    }
    if c.status == "partial" && blocked.is_empty() {
        errs.push(format!("{at}: partial without blocked_by"));
    }
    if c.status == "unreachable" {
        if blocked.is_empty() {
            errs.push(format!("{at}: unreachable without blocked_by"));
        }
        if !witness.is_null() {
            errs.push(format!("{at}: unreachable but witness {witness}"));
        }
    }
    if matches!(c.status, "reachable" | "partial") && v["status"] == c.status {
        if path_len == 0 {
            errs.push(format!("{at}: {} without a path", c.status));
        }
        check_witness(case, at, c, witness, errs);
    }
}

/// The witness must be a packet of the check's set: TCP 443 for services, a destination of the right
/// kind for the path (endpoint ENI, S3 prefix list, public address).
pub fn check_witness(case: &Case, at: &str, c: &Check, w: &Value, errs: &mut Vec<String>) {
    let Some(dst) = w["destination"].as_str() else {
        errs.push(format!("{at}: witness without destination: {w}"));
        return;
    };
    let Ok(IpAddr::V4(ip)) = dst.parse::<IpAddr>() else {
        errs.push(format!(
            "{at}: witness destination {dst:?} is not an IPv4 address (snapshots are IPv4-only)"
        ));
        return;
    };
    if c.name != "internet" {
        if !w["protocol"]
            .as_str()
            .is_some_and(|p| p.eq_ignore_ascii_case("tcp") || p == "6")
        {
            errs.push(format!(
                "{at}: witness protocol {}, expected tcp",
                w["protocol"]
            ));
        }
        if w["port"] != 443 {
            errs.push(format!("{at}: witness port {}, expected 443", w["port"]));
        }
    }
    if !c.dst.is_empty() && !in_any(ip, c.dst) {
        errs.push(format!("{at}: witness destination {ip} not in {:?}", c.dst));
    }
    let kind = match c.via {
        Via::Is(k) => k,
        _ => return,
    };
    if kind == "interface-endpoint" {
        if !ip.is_private() {
            errs.push(format!(
                "{at}: interface-endpoint witness {ip} is not a private address"
            ));
        }
        return;
    }
    if kind == "gateway-endpoint" || (c.name == "s3" && case.prefix_lists) {
        if !in_any(ip, S3_CIDRS) {
            errs.push(format!(
                "{at}: s3 witness {ip} is outside the S3 prefix list"
            ));
        }
        return;
    }
    if !is_public(ip) {
        errs.push(format!("{at}: witness {ip} is not a public address"));
    }
    if c.name != "internet" && case.prefix_lists && in_any(ip, &[S3_CIDRS, DYNAMODB_CIDRS].concat())
    {
        errs.push(format!(
            "{at}: {} witness {ip} lies in an AWS-managed prefix list",
            c.name
        ));
    }
}

pub fn in_any(ip: Ipv4Addr, cidrs: &[&str]) -> bool {
    cidrs.iter().any(|c| {
        let (net, len) = c.split_once('/').expect("CIDR");
        let net: Ipv4Addr = net.parse().expect("CIDR address");
        let len: u32 = len.parse().expect("CIDR length");
        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
        u32::from(ip) & mask == u32::from(net) & mask
    })
}

/// DESIGN §3: public = not RFC 1918, RFC 6598, loopback, link-local, multicast, reserved.
pub fn is_public(ip: Ipv4Addr) -> bool {
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_unspecified()
        || in_any(ip, &["0.0.0.0/8", "100.64.0.0/10", "240.0.0.0/4"]))
}

// ---------------------------------------------------------------------------------------------
// Report streams (one JSON report per region) and `unknown_because` (added for tests/batfish.rs)
// ---------------------------------------------------------------------------------------------

/// `unknown_because` expectations for some checks of some notebooks of one report: every code (or
/// `"CODE@component"`) must occur in each named check's `unknown_because`. A check named here may
/// be `reachable` with a non-empty `unknown_because` (part of its set delivered, part undecided).
#[derive(Clone, Copy, Debug)]
pub struct Because {
    /// notebook name, or `"*"` for every notebook of the report
    pub notebook: &'static str,
    /// check names (`internet`, `s3`, …)
    pub checks: &'static [&'static str],
    pub codes: &'static [&'static str],
}

/// One JSON report of a stream: what `Case` says about a single report, plus `unknown_because`.
pub struct RegionReport {
    pub region: &'static str,
    pub diagnostics: Diag,
    /// as `Case::prefix_lists` (the us-east-1 AWS-managed prefix lists are in the snapshot)
    pub prefix_lists: bool,
    /// every notebook of this report, exactly
    pub notebooks: &'static [Nb],
    pub because: &'static [Because],
}

/// A run of `analyze … --format json` that prints one JSON report per region, sorted by region
/// (a single-region snapshot prints exactly one).
pub struct StreamCase {
    pub paths: &'static [&'static str],
    /// extra arguments after `--format json`
    pub args: &'static [&'static str],
    pub profile: &'static str,
    pub exit: i32,
    /// the reports, in output order (sorted by region)
    pub reports: &'static [RegionReport],
}

/// Parses stdout as a stream of JSON documents (one report per region, one after another).
pub fn parse_stream(out: &Output, what: &str) -> Vec<Value> {
    let text = String::from_utf8_lossy(&out.stdout);
    serde_json::Deserializer::from_str(&text)
        .into_iter::<Value>()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| {
            panic!(
                "{what}: stdout is not a stream of JSON documents ({e}); exit {:?}\nstdout: {text}\nstderr: {}",
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            )
        })
}

/// Matches `"CODE"` or `"CODE@component"` against a list of `{code, component}` objects.
pub fn has_code(list: &Value, want: &str) -> bool {
    let (code, component) = match want.split_once('@') {
        Some((code, comp)) => (code, Some(comp)),
        None => (want, None),
    };
    list.as_array().is_some_and(|a| {
        a.iter().any(|b| {
            b["code"] == code && component.is_none_or(|w| b["component"].as_str() == Some(w))
        })
    })
}

/// `unknown_because` of every check of one notebook: non-empty when the status is `unknown`;
/// containing the codes of every matching `Because`; empty for any other status unless a `Because`
/// names the check.
pub fn check_because(rep: &RegionReport, exp: &Nb, nb: &Value, errs: &mut Vec<String>) {
    for c in exp.checks {
        let Some(v) = nb["checks"].get(c.name) else {
            continue;
        };
        let at = format!("{}.{}", exp.name, c.name);
        let ub = &v["unknown_because"];
        let n = ub.as_array().map_or(0, Vec::len);
        let named: Vec<&Because> = rep
            .because
            .iter()
            .filter(|b| (b.notebook == "*" || b.notebook == exp.name) && b.checks.contains(&c.name))
            .collect();
        if v["status"] == "unknown" && n == 0 {
            errs.push(format!("{at}: unknown with an empty unknown_because"));
        }
        if c.status != "unknown" && v["status"] != "unknown" && named.is_empty() && n != 0 {
            errs.push(format!(
                "{at}: {} but unknown_because {ub} (nothing of its set should be undecided)",
                c.status
            ));
        }
        for b in named {
            for want in b.codes {
                if !has_code(ub, want) {
                    errs.push(format!("{at}: unknown_because lacks {want}; got {ub}"));
                }
            }
        }
    }
}

/// The per-report part of `check_case`, for one document of a stream.
pub fn check_report(case: &Case, rep: &RegionReport, v: &Value, errs: &mut Vec<String>) {
    let r = case.region;
    if v["profile"] != case.profile {
        errs.push(format!(
            "[{r}] profile {}, expected {:?}",
            v["profile"], case.profile
        ));
    }
    if v["region"] != case.region {
        errs.push(format!("[{r}] region {}, expected {r:?}", v["region"]));
    }
    let diags = v["diagnostics"].as_array().map_or(0, Vec::len);
    match case.diagnostics {
        Diag::Empty if diags != 0 => errs.push(format!(
            "[{r}] expected no diagnostics, got {}",
            v["diagnostics"]
        )),
        Diag::NonEmpty if diags == 0 => errs.push(format!("[{r}] expected a diagnostic, got none")),
        _ => {}
    }
    let nbs = notebooks(v);
    let got: BTreeSet<&str> = nbs.iter().filter_map(|n| n["name"].as_str()).collect();
    let want: BTreeSet<&str> = case.notebooks.iter().map(|n| n.name).collect();
    if got != want {
        errs.push(format!("[{r}] notebooks {got:?}, expected {want:?}"));
    }
    let compliant = case.notebooks.iter().filter(|n| n.compliant).count();
    if v["summary"]["notebooks"] != case.notebooks.len() || v["summary"]["compliant"] != compliant {
        errs.push(format!(
            "[{r}] summary {}, expected {{notebooks: {}, compliant: {compliant}}}",
            v["summary"],
            case.notebooks.len()
        ));
    }
    for exp in case.notebooks {
        let Some(nb) = nbs.iter().find(|n| n["name"] == exp.name) else {
            continue;
        };
        let mut here = Vec::new();
        check_notebook(case, exp, nb, &mut here);
        check_because(rep, exp, nb, &mut here);
        errs.extend(here.into_iter().map(|e| format!("[{r}] {e}")));
    }
}

/// Runs the binary and compares every report of the stream with its `RegionReport`.
pub fn check_stream(case: &StreamCase) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(case.args);
    let cmd = cmdline(case.paths, &args);
    let out = run(case.paths, &args);
    let docs = parse_stream(&out, &cmd);
    let mut errs = Vec::new();
    if out.status.code() != Some(case.exit) {
        errs.push(format!(
            "exit status {:?}, expected {} (stderr: {})",
            out.status.code(),
            case.exit,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let got: Vec<String> = docs.iter().map(|d| d["region"].to_string()).collect();
    let want: Vec<&str> = case.reports.iter().map(|r| r.region).collect();
    if docs.len() != case.reports.len() {
        errs.push(format!(
            "{} report(s) with regions [{}], expected {} ({want:?})",
            docs.len(),
            got.join(", "),
            case.reports.len()
        ));
    }
    for (rep, doc) in case.reports.iter().zip(&docs) {
        let as_case = Case {
            paths: case.paths,
            args: case.args,
            profile: case.profile,
            region: rep.region,
            exit: case.exit,
            diagnostics: rep.diagnostics,
            prefix_lists: rep.prefix_lists,
            notebooks: rep.notebooks,
        };
        check_report(&as_case, rep, doc, &mut errs);
    }
    if !errs.is_empty() {
        panic!(
            "`{cmd}`: {} mismatch(es):\n  {}",
            errs.len(),
            errs.join("\n  ")
        );
    }
}
