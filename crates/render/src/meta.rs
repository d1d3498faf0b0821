//! What the audit reports (Markdown, HTML) say about themselves and share in wording: the tool
//! version, the optional generation time, and the words for verdicts, witnesses and evidence, so
//! both formats read the same.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use vpcreach_core::analysis::{Block, Status, Via, Witness};
use vpcreach_core::model::TargetKind;
use vpcreach_core::report::{CheckReport, NotebookReport, Profile, Report};

/// The version of vpcreach that produced a report.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Options shared by the audit reports.
#[derive(Debug, Clone, Default)]
pub struct ReportMeta {
    /// When the report was generated (RFC 3339, UTC); `None` keeps the output deterministic.
    pub timestamp: Option<String>,
}

/// `now` as RFC 3339 in UTC, to the second (`2026-03-21T10:04:05Z`).
pub fn rfc3339(now: SystemTime) -> String {
    let secs = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// ✔ passes the profile, ✘ fails it, ? unknown (as in the table output).
pub fn mark(c: &CheckReport) -> &'static str {
    match (c.passes, c.verdict.status) {
        (_, Status::Unknown) => "?",
        _ if c.undecided => "?",
        (true, _) => "✔",
        (false, _) => "✘",
    }
}

/// `reachable, private` / `unreachable` / `partial` … and `; part unknown` when some of the set
/// is undecided beside what is reachable.
pub fn verdict_words(c: &CheckReport) -> String {
    let v = &c.verdict;
    let mut w = match v.status {
        Status::Reachable | Status::Partial if v.private => {
            format!("{}, private", v.status.as_str())
        }
        s => s.as_str().to_string(),
    };
    if matches!(v.status, Status::Reachable | Status::Partial) && !v.unknown_because.is_empty() {
        w.push_str("; part unknown");
    }
    w
}

/// The way out, when there is one.
pub fn via(c: &CheckReport) -> Option<&'static str> {
    let v = &c.verdict;
    if v.status == Status::Unreachable {
        None
    } else {
        v.via.map(|x| x.as_str())
    }
}

/// The compact word for a summary cell, as the table output writes it: `private (gateway-ep)`,
/// `reachable (NAT)`, `unreachable`, `unknown (transit-gateway)`.
pub fn summary_cell(c: &CheckReport) -> String {
    let v = &c.verdict;
    let word = if v.status == Status::Reachable && v.private {
        "private"
    } else {
        v.status.as_str()
    };
    let mut cell = match v.via.filter(|_| v.status != Status::Unreachable) {
        Some(via) => format!("{word} ({})", short_via(via)),
        None => word.to_string(),
    };
    if matches!(v.status, Status::Reachable | Status::Partial) && !v.unknown_because.is_empty() {
        cell.push_str(" + part unknown");
    }
    cell
}

fn short_via(v: Via) -> &'static str {
    match v {
        Via::InterfaceEndpoint => "endpoint",
        Via::ServiceNetwork => "service-net",
        Via::Target(TargetKind::GatewayEndpoint) => "gateway-ep",
        Via::Target(TargetKind::NatGateway) => "NAT",
        Via::Target(TargetKind::InternetGateway) => "IGW",
        Via::Target(TargetKind::EgressOnlyInternetGateway) => "EIGW",
        Via::Target(k) => k.as_str(),
    }
}

/// `tcp 52.216.0.1:443 (source port 32768)`.
pub fn witness(w: &Witness) -> String {
    let mut s = format!("{} {}:{}", w.protocol, w.destination, w.port);
    if let Some(p) = w.source_port {
        s.push_str(&format!(" (source port {p})"));
    }
    s
}

/// `CODE at component: detail`.
pub fn block(b: &Block) -> (String, String, String) {
    (
        b.code.as_str().to_string(),
        b.component(),
        crate::words::block_detail(b),
    )
}

/// Is `c` an `unreachable` verdict the profile requires (the `internet` check under `isolated`)?
/// Its blocks are then the proof the report asks for, shown as a pass ("blocked as required").
pub fn blocked_as_required(profile: Profile, c: &CheckReport) -> bool {
    profile == Profile::Isolated
        && c.name == "internet"
        && c.passes
        && !c.undecided
        && c.verdict.status == Status::Unreachable
}

/// The account IDs of the report's notebooks, sorted, each once (empty when none is reported).
pub fn accounts(report: &Report) -> Vec<&str> {
    let set: BTreeSet<&str> = report
        .notebooks
        .iter()
        .filter_map(|n| n.account_id.as_deref())
        .collect();
    set.into_iter().collect()
}

/// The services the notebooks are checked for (the checks other than `internet`, in order of first
/// appearance: Studio sources add Studio's services after the notebooks' defaults).
pub fn required_services(report: &Report) -> Vec<&str> {
    check_names(report)
        .into_iter()
        .filter(|c| *c != "internet")
        .collect()
}

/// Every check name of the report's sources, in order of first appearance: the columns of a
/// summary table (a source without one of them shows an empty cell).
pub fn check_names(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in report.notebooks.iter().flat_map(|n| &n.checks.0) {
        if !out.contains(&c.name.as_str()) {
            out.push(&c.name);
        }
    }
    out
}

/// The check of `n` named `name`, if it has one.
pub fn check<'a>(n: &'a NotebookReport, name: &str) -> Option<&'a CheckReport> {
    n.checks.0.iter().find(|c| c.name == name)
}

/// The Security Hub findings of all notebooks, per severity, then per control: how many.
pub fn findings_by_severity(
    report: &Report,
) -> BTreeMap<&'static str, BTreeMap<&'static str, usize>> {
    let mut m: BTreeMap<&'static str, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for f in report.notebooks.iter().flat_map(|n| &n.findings) {
        *m.entry(f.severity())
            .or_default()
            .entry(f.code())
            .or_default() += 1;
    }
    m
}
