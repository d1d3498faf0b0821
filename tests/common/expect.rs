//! The one expectation harness: tables of expected verdicts (`Case` for a run with one report,
//! `StreamCase` for one report per region) and the checker that compares them with the typed
//! reports of an in-process run (`report::analyze`). Used by tests/scenarios.rs, samples.rs and
//! batfish.rs; its pieces (`has_code`, `in_any`, `par_map`) by adversarial.rs and incomplete.rs.
//!
//! What a `Check` expectation asserts, besides `status`, `private`, `via` and the `blocked_by`
//! codes it names: a reachable check blocks nothing (but the `tolerate`d codes), partial and
//! unreachable ones name what blocks them, an unreachable one has no witness, and a reachable or
//! partial one has a path and a witness of the right kind (TCP 443 for a service; IPv4 unless the
//! expectation allows IPv6; an endpoint ENI's private address through an interface endpoint; the
//! service's AWS-managed prefix list for S3 and DynamoDB; a public address otherwise). Every
//! check's `unknown_because` is non-empty exactly when its status is `unknown`, unless a `Because`
//! names it. A failing case lists every mismatch it found, not just the first.

// Each including test uses a different subset of the helpers.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::net::IpAddr;

use super::report::{self, Analysis, Evidence, Report, Severity, Status};

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
    Any,
}

#[derive(Clone, Copy, Debug)]
pub struct Check {
    /// `internet` or a service name as given on the command line (`s3`, `sagemaker.api`, …)
    pub name: &'static str,
    pub status: Status,
    pub private: bool,
    pub via: Via,
    /// Codes that must all occur in `blocked_by` (more may occur). `"CODE@component"` also requires
    /// that entry's `component` to be the given ID.
    pub blocked: &'static [&'static str],
    /// If non-empty: the witness destination lies in one of these CIDRs (an IPv6 CIDR here lets the
    /// witness be IPv6).
    pub dst: &'static [&'static str],
    /// The witness destination lies in none of these CIDRs.
    pub not_dst: &'static [&'static str],
    /// Codes a `reachable` check may carry in `blocked_by` (explanations why an endpoint was not
    /// used, not drops); any other entry fails it.
    pub tolerate: &'static [&'static str],
}

impl Check {
    pub const fn dst(self, dst: &'static [&'static str]) -> Check {
        Check { dst, ..self }
    }
    pub const fn not_dst(self, not_dst: &'static [&'static str]) -> Check {
        Check { not_dst, ..self }
    }
    pub const fn tolerate(self, tolerate: &'static [&'static str]) -> Check {
        Check { tolerate, ..self }
    }
}

pub const fn verdict(name: &'static str, status: Status, private: bool, via: Via) -> Check {
    Check {
        name,
        status,
        private,
        via,
        blocked: &[],
        dst: &[],
        not_dst: &[],
        tolerate: &[],
    }
}
pub const fn reachable(name: &'static str, via: &'static str, private: bool) -> Check {
    verdict(name, Status::Reachable, private, Via::Is(via))
}
pub const fn unreachable(name: &'static str, blocked: &'static [&'static str]) -> Check {
    Check {
        blocked,
        ..verdict(name, Status::Unreachable, false, Via::Null)
    }
}
pub const fn partial(
    name: &'static str,
    via: &'static str,
    private: bool,
    blocked: &'static [&'static str],
) -> Check {
    Check {
        blocked,
        ..verdict(name, Status::Partial, private, Via::Is(via))
    }
}
pub const fn unknown(name: &'static str, via: Via) -> Check {
    verdict(name, Status::Unknown, false, via)
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

/// A notebook's expectations, positionally.
pub const fn nb(
    name: &'static str,
    subnet: Option<&'static str>,
    checks: &'static [Check],
    findings: &'static [&'static str],
    compliant: bool,
) -> Nb {
    Nb {
        name,
        subnet,
        checks,
        findings,
        compliant,
    }
}

/// Expected `diagnostics` of a report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Diag {
    /// none at all
    Empty,
    /// none above `info` (an info diagnostic says what was assumed, e.g. AmazonProvidedDNS)
    NoWarnings,
    /// at least one
    NonEmpty,
    /// at least one above `info`
    Warnings,
    /// not asserted
    Any,
}

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

/// What one report of a run must say.
#[derive(Clone, Copy)]
pub struct RegionReport {
    pub region: &'static str,
    pub diagnostics: Diag,
    /// the snapshot holds the region's AWS-managed prefix lists (enables witness address checks)
    pub prefix_lists: bool,
    /// every notebook of this report, exactly
    pub notebooks: &'static [Nb],
    pub because: &'static [Because],
}

/// A run of `analyze … --format json` that prints one report.
#[derive(Clone, Copy)]
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
    /// as `RegionReport::prefix_lists`
    pub prefix_lists: bool,
    /// every notebook of the output, exactly
    pub notebooks: &'static [Nb],
}

impl Case {
    pub const fn args(self, args: &'static [&'static str]) -> Case {
        Case { args, ..self }
    }
    /// `--profile nat-egress`
    pub const fn nat_egress(self) -> Case {
        Case {
            args: &["--profile", "nat-egress"],
            profile: "nat-egress",
            ..self
        }
    }
    pub const fn diag(self, diagnostics: Diag) -> Case {
        Case {
            diagnostics,
            ..self
        }
    }
    fn report(&self) -> RegionReport {
        RegionReport {
            region: self.region,
            diagnostics: self.diagnostics,
            prefix_lists: self.prefix_lists,
            notebooks: self.notebooks,
            because: &[],
        }
    }
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
// Running
// ---------------------------------------------------------------------------------------------

/// Panics with every mismatch, if any, under a heading.
pub fn report(errs: Vec<String>) {
    if !errs.is_empty() {
        panic!("{} mismatch(es):\n  {}", errs.len(), errs.join("\n  "));
    }
}

/// Runs a one-report case in-process and panics with every mismatch.
pub fn check_case(case: &Case) {
    assert_run(case.paths, case.args, case_mismatches(case));
}

/// Every mismatch of a one-report case (empty: the output matches).
pub fn case_mismatches(case: &Case) -> Vec<String> {
    let out = report::analyze(case.paths, case.args);
    check_run(
        &out,
        case.profile,
        case.exit,
        std::slice::from_ref(&case.report()),
    )
}

/// Runs a stream case in-process and panics with every mismatch.
pub fn check_stream(case: &StreamCase) {
    let out = report::analyze(case.paths, case.args);
    let errs = check_run(&out, case.profile, case.exit, case.reports);
    assert_run(case.paths, case.args, errs);
}

fn assert_run(paths: &[&str], args: &[&str], errs: Vec<String>) {
    if !errs.is_empty() {
        panic!(
            "`{}`: {} mismatch(es):\n  {}",
            report::cmdline(paths, args),
            errs.len(),
            errs.join("\n  ")
        );
    }
}

/// Maps `f` over `items` on two threads (the machine has two cores), keeping the order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let half = items.len().div_ceil(2);
    std::thread::scope(|s| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(half.max(1))
            .map(|chunk| s.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    })
}

// ---------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------

/// The one checker: the exit status, then every report of the run against its `RegionReport`,
/// in order. Mismatches of a stream of several reports are prefixed with the region.
pub fn check_run(
    out: &Result<Analysis, String>,
    profile: &str,
    exit: i32,
    want: &[RegionReport],
) -> Vec<String> {
    let a = match out {
        Ok(a) => a,
        Err(e) => return vec![format!("exit status 2 ({e}), expected {exit}")],
    };
    let mut errs = Vec::new();
    if a.exit != exit {
        errs.push(format!("exit status {}, expected {exit}", a.exit));
    }
    if a.reports.len() != want.len() {
        let got: Vec<_> = a.reports.iter().map(|r| r.region.clone()).collect();
        let want: Vec<&str> = want.iter().map(|r| r.region).collect();
        errs.push(format!(
            "{} report(s) with regions {got:?}, expected {} ({want:?})",
            a.reports.len(),
            want.len()
        ));
    }
    let several = want.len() > 1;
    for (w, got) in want.iter().zip(&a.reports) {
        let mut here = Vec::new();
        check_report(profile, w, got, &mut here);
        if several {
            errs.extend(here.into_iter().map(|e| format!("[{}] {e}", w.region)));
        } else {
            errs.extend(here);
        }
    }
    errs
}

/// One report: profile, region, diagnostics, the notebooks (exactly), the summary, then each
/// notebook.
pub fn check_report(profile: &str, want: &RegionReport, got: &Report, errs: &mut Vec<String>) {
    if got.profile.to_string() != profile {
        errs.push(format!("profile {}, expected {profile}", got.profile));
    }
    if got.region.as_deref() != Some(want.region) {
        errs.push(format!(
            "region {:?}, expected {:?}",
            got.region, want.region
        ));
    }
    let all = got.diagnostics.len();
    let above_info = got
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .count();
    let ok = match want.diagnostics {
        Diag::Empty => all == 0,
        Diag::NoWarnings => above_info == 0,
        Diag::NonEmpty => all > 0,
        Diag::Warnings => above_info > 0,
        Diag::Any => true,
    };
    if !ok {
        errs.push(format!(
            "diagnostics {:?}, expected {:?}",
            got.diagnostics
                .iter()
                .map(|d| format!("{:?} {} {}", d.severity, d.code, d.resource))
                .collect::<Vec<_>>(),
            want.diagnostics
        ));
    }
    let names: BTreeSet<&str> = got.notebooks.iter().map(|n| n.name.as_str()).collect();
    let wanted: BTreeSet<&str> = want.notebooks.iter().map(|n| n.name).collect();
    if names != wanted || got.notebooks.len() != want.notebooks.len() {
        errs.push(format!("notebooks {names:?}, expected {wanted:?}"));
    }
    let compliant = want.notebooks.iter().filter(|n| n.compliant).count();
    if got.summary.notebooks != want.notebooks.len() || got.summary.compliant != compliant {
        errs.push(format!(
            "summary {:?}, expected {{notebooks: {}, compliant: {compliant}}}",
            got.summary,
            want.notebooks.len()
        ));
    }
    for exp in want.notebooks {
        if let Some(nb) = got.notebook(exp.name) {
            check_notebook(want, exp, nb, errs);
        }
    }
}

pub fn check_notebook(rep: &RegionReport, exp: &Nb, nb: &report::Notebook, errs: &mut Vec<String>) {
    let n = exp.name;
    if nb.subnet_id.as_deref() != exp.subnet {
        errs.push(format!(
            "{n}: subnet_id {:?}, expected {:?}",
            nb.subnet_id, exp.subnet
        ));
    }
    let findings: BTreeSet<&str> = nb.findings.iter().map(|f| f.code.as_str()).collect();
    let want: BTreeSet<&str> = exp.findings.iter().copied().collect();
    if findings != want || nb.findings.len() != exp.findings.len() {
        errs.push(format!("{n}: findings {findings:?}, expected {want:?}"));
    }
    if nb.compliant != exp.compliant {
        errs.push(format!(
            "{n}: compliant {}, expected {}",
            nb.compliant, exp.compliant
        ));
    }
    // exactly these keys, in this order (`internet` first, then the services as asked)
    let got = nb.checks.names();
    let want: Vec<&str> = exp.checks.iter().map(|c| c.name).collect();
    if got != want {
        errs.push(format!("{n}: check keys {got:?}, expected {want:?}"));
    }
    for c in exp.checks {
        if let Some(v) = nb.checks.get(c.name) {
            let at = format!("{n}.{}", c.name);
            check_one(rep, &at, c, v, errs);
            check_because(rep, exp.name, &at, c, v, errs);
        }
    }
}

/// `[CODE@component, …]` for messages.
pub fn show(list: &[Evidence]) -> String {
    let v: Vec<String> = list
        .iter()
        .map(|e| format!("{}@{}", e.code, e.component))
        .collect();
    format!("[{}]", v.join(", "))
}

/// Whether `want` (`"CODE"` or `"CODE@component"`) occurs in the list.
pub fn has_code(list: &[Evidence], want: &str) -> bool {
    let (code, component) = match want.split_once('@') {
        Some((code, comp)) => (code, Some(comp)),
        None => (want, None),
    };
    list.iter()
        .any(|e| e.code == code && component.is_none_or(|w| e.component == w))
}

pub fn check_one(
    rep: &RegionReport,
    at: &str,
    c: &Check,
    v: &report::Check,
    errs: &mut Vec<String>,
) {
    let via = v.via.map(|k| k.to_string());
    let shown = via.as_deref().unwrap_or("null");
    if v.status != c.status {
        errs.push(format!(
            "{at}: status {}, expected {} (via {shown}, blocked_by {}, unknown_because {})",
            v.status,
            c.status,
            show(&v.blocked_by),
            show(&v.unknown_because)
        ));
    }
    if v.private != c.private {
        errs.push(format!(
            "{at}: private {}, expected {}",
            v.private, c.private
        ));
    }
    match c.via {
        Via::Null if via.is_some() => errs.push(format!("{at}: via {shown}, expected null")),
        Via::Is(k) if via.as_deref() != Some(k) => {
            errs.push(format!("{at}: via {shown}, expected {k}"))
        }
        _ => {}
    }
    for want in c.blocked {
        if !has_code(&v.blocked_by, want) {
            errs.push(format!(
                "{at}: blocked_by lacks {want}; got {}",
                show(&v.blocked_by)
            ));
        }
    }
    let blocked = &v.blocked_by;
    if c.status == Status::Reachable && blocked.iter().any(|b| !c.tolerate.contains(&&*b.code)) {
        errs.push(format!("{at}: reachable but blocked_by {}", show(blocked)));
    }
    if c.status == Status::Partial && blocked.is_empty() {
        errs.push(format!("{at}: partial without blocked_by"));
    }
    if c.status == Status::Unreachable {
        if blocked.is_empty() {
            errs.push(format!("{at}: unreachable without blocked_by"));
        }
        if let Some(w) = &v.witness {
            errs.push(format!("{at}: unreachable but witness {w:?}"));
        }
    }
    if matches!(c.status, Status::Reachable | Status::Partial) && v.status == c.status {
        if v.path.is_empty() {
            errs.push(format!("{at}: {} without a path", c.status));
        }
        match &v.witness {
            Some(w) => check_witness(rep, at, c, via.as_deref(), w, errs),
            None => errs.push(format!("{at}: {} without a witness", c.status)),
        }
    }
}

/// The witness must be a packet of the check's set that works: TCP 443 for a service; IPv4 unless
/// `dst` names an IPv6 range; an endpoint ENI's private address through an interface endpoint; the
/// AWS-managed prefix list for S3 and DynamoDB (through a gateway endpoint, or whenever the snapshot
/// holds the lists); a public address outside those lists otherwise. `via` is the report's.
pub fn check_witness(
    rep: &RegionReport,
    at: &str,
    c: &Check,
    via: Option<&str>,
    w: &report::Witness,
    errs: &mut Vec<String>,
) {
    let ip = w.destination;
    let v6_allowed = c.dst.iter().any(|d| d.contains(':'));
    if ip.is_ipv6() && !v6_allowed {
        errs.push(format!(
            "{at}: witness destination {ip} is not an IPv4 address (expected IPv4)"
        ));
    }
    let service = c.name != "internet";
    if service {
        if !(w.protocol.eq_ignore_ascii_case("tcp") || w.protocol == "6") {
            errs.push(format!(
                "{at}: witness protocol {}, expected tcp",
                w.protocol
            ));
        }
        if w.port != 443 {
            errs.push(format!("{at}: witness port {}, expected 443", w.port));
        }
    }
    if !c.dst.is_empty() && !in_any(ip, c.dst) {
        errs.push(format!("{at}: witness destination {ip} not in {:?}", c.dst));
    }
    if in_any(ip, c.not_dst) {
        errs.push(format!(
            "{at}: witness destination {ip} lies in {:?}",
            c.not_dst
        ));
    }
    let gateway = via == Some("gateway-endpoint");
    if via == Some("interface-endpoint") {
        let private = match ip {
            IpAddr::V4(v4) => v4.is_private(),
            IpAddr::V6(_) => !is_public(ip),
        };
        if !private {
            errs.push(format!(
                "{at}: interface-endpoint witness {ip} is not a private address"
            ));
        }
    } else if c.name == "s3" && (gateway || rep.prefix_lists) {
        if !in_any(ip, S3_CIDRS) {
            errs.push(format!(
                "{at}: s3 witness {ip} is outside the S3 prefix list"
            ));
        }
    } else if c.name == "dynamodb" && (gateway || rep.prefix_lists) {
        if !in_any(ip, DYNAMODB_CIDRS) {
            errs.push(format!(
                "{at}: dynamodb witness {ip} is outside the DynamoDB prefix list"
            ));
        }
    } else if gateway {
        errs.push(format!(
            "{at}: witness through a gateway endpoint for {}, which has none",
            c.name
        ));
    } else {
        if !is_public(ip) {
            errs.push(format!("{at}: witness {ip} is not a public address"));
        }
        if service && rep.prefix_lists && in_any(ip, &[S3_CIDRS, DYNAMODB_CIDRS].concat()) {
            errs.push(format!(
                "{at}: {} witness {ip} lies in an AWS-managed prefix list",
                c.name
            ));
        }
    }
}

/// `unknown_because` of one check: non-empty when the status is `unknown`; containing the codes of
/// every matching `Because`; empty for any other status unless a `Because` names the check.
pub fn check_because(
    rep: &RegionReport,
    notebook: &str,
    at: &str,
    c: &Check,
    v: &report::Check,
    errs: &mut Vec<String>,
) {
    let ub = &v.unknown_because;
    let named: Vec<&Because> = rep
        .because
        .iter()
        .filter(|b| (b.notebook == "*" || b.notebook == notebook) && b.checks.contains(&c.name))
        .collect();
    if v.status == Status::Unknown && ub.is_empty() {
        errs.push(format!("{at}: unknown with an empty unknown_because"));
    }
    if c.status != Status::Unknown
        && v.status != Status::Unknown
        && named.is_empty()
        && !ub.is_empty()
    {
        errs.push(format!(
            "{at}: {} but unknown_because {} (nothing of its set should be undecided)",
            c.status,
            show(ub)
        ));
    }
    for b in named {
        for want in b.codes {
            if !has_code(ub, want) {
                errs.push(format!(
                    "{at}: unknown_because lacks {want}; got {}",
                    show(ub)
                ));
            }
        }
    }
}

pub fn in_cidr(ip: IpAddr, cidr: &str) -> bool {
    let (net, len) = cidr.split_once('/').expect("CIDR");
    let len: u32 = len.parse().expect("CIDR length");
    match (ip, net.parse::<IpAddr>().expect("CIDR address")) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

pub fn in_any(ip: IpAddr, cidrs: &[&str]) -> bool {
    cidrs.iter().any(|c| in_cidr(ip, c))
}

/// DESIGN §3: public = not RFC 1918, RFC 6598, loopback, link-local, multicast, reserved (nor, for
/// IPv6, unique-local, documentation or IPv4-mapped).
pub fn is_public(ip: IpAddr) -> bool {
    let special: &[&str] = match ip {
        IpAddr::V4(_) => &[
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/4",
            "240.0.0.0/4",
            "255.255.255.255/32",
        ],
        IpAddr::V6(_) => &[
            "::/127",
            "::ffff:0:0/96",
            "fc00::/7",
            "fe80::/10",
            "ff00::/8",
            "2001:db8::/32",
        ],
    };
    !in_any(ip, special)
}
