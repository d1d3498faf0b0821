//! JUnit XML output, for CI dashboards: `<testsuites>` with one `<testsuite name="<region>/<profile>">`
//! per report, one `<testcase classname="<notebook>" name="<check>">` per notebook × check, and one
//! test case per Security Hub control the profile counts (SageMaker.1 and SageMaker.2 under
//! `isolated`; none under `nat-egress`).
//!
//! A test case fails exactly when the report says the check fails the profile (`passes` false —
//! so an undecided check fails unless `--allow-unknown`): `<failure message="<reason>"
//! type="<CODE>">` with the evidence (witness, every block with its code, component and detail) as
//! text; `type` is the code of the block that decides it, or `PROFILE_NOT_MET` when no block does
//! (as the SARIF rule). A check that passes only because unknowns are allowed says why in its
//! `<system-out>`. Findings the profile does not count (SageMaker.3, and all of them under
//! `nat-egress`) are listed in the suite's `<system-out>`; they never fail a test. The diagnostics
//! about the input are the suite's `<system-err>`, one per line (`severity CODE resource: message`).
//!
//! Every text from the snapshot is escaped (`& < > " '`, line breaks in attributes as character
//! references; characters XML 1.0 cannot carry become U+FFFD). No time unless
//! [`ReportMeta::timestamp`] is given (then the suites' `timestamp`).

use std::fmt::Write;

use vpcreach_core::model::Severity;
use vpcreach_core::report::{CheckReport, NotebookReport, Reason, Report};

use crate::meta::{self, ReportMeta};
use crate::sarif::{self, Outcome};
use crate::words;

/// Escape text for XML content (`attr`: also for an attribute value in double quotes).
pub fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            // Not allowed in XML 1.0 at all, not even as character references.
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// One test case, before it is written.
struct Case {
    classname: String,
    name: String,
    failure: Option<(String, &'static str, String)>,
    out: Option<String>,
}

/// Render one region's report.
pub fn render(report: &Report, m: &ReportMeta) -> String {
    render_all(std::slice::from_ref(report), m)
}

/// Render several regions' reports, one suite each, in one document.
pub fn render_all(reports: &[Report], m: &ReportMeta) -> String {
    let suites: Vec<(String, Vec<Case>, Vec<String>)> = reports
        .iter()
        .map(|r| {
            let name = format!(
                "{}/{}",
                r.region.as_deref().unwrap_or("-"),
                r.profile.as_str()
            );
            let mut cases = Vec::new();
            let mut reported = Vec::new();
            for n in &r.notebooks {
                notebook_cases(r, n, &mut cases, &mut reported);
            }
            (name, cases, reported)
        })
        .collect();
    let tests: usize = suites.iter().map(|s| s.1.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|s| s.1.iter().filter(|c| c.failure.is_some()).count())
        .sum();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"vpcreach {}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">",
        meta::VERSION
    );
    for (id, (name, cases, reported)) in suites.iter().enumerate() {
        let fails = cases.iter().filter(|c| c.failure.is_some()).count();
        let _ = write!(
            x,
            "  <testsuite name=\"{}\" id=\"{id}\" tests=\"{}\" failures=\"{fails}\" errors=\"0\" skipped=\"0\"",
            escape(name, true),
            cases.len()
        );
        if let Some(t) = &m.timestamp {
            // JUnit's timestamp has no zone designator.
            let _ = write!(
                x,
                " timestamp=\"{}\"",
                escape(t.trim_end_matches('Z'), true)
            );
        }
        x.push_str(">\n");
        for c in cases {
            let _ = write!(
                x,
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(&c.classname, true),
                escape(&c.name, true)
            );
            if c.failure.is_none() && c.out.is_none() {
                x.push_str("/>\n");
                continue;
            }
            x.push_str(">\n");
            if let Some((message, kind, body)) = &c.failure {
                let _ = writeln!(
                    x,
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>",
                    escape(message, true),
                    escape(kind, true),
                    escape(body, false)
                );
            }
            if let Some(o) = &c.out {
                let _ = writeln!(x, "      <system-out>{}</system-out>", escape(o, false));
            }
            x.push_str("    </testcase>\n");
        }
        if !reported.is_empty() {
            let _ = writeln!(
                x,
                "    <system-out>{}</system-out>",
                escape(&reported.join("\n"), false)
            );
        }
        let r = &reports[id];
        if !r.diagnostics.is_empty() {
            let lines: Vec<String> = r
                .diagnostics
                .iter()
                .map(|d| {
                    let sev = match d.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    };
                    format!("{sev} {} {}: {}", d.code.as_str(), d.resource, d.message)
                })
                .collect();
            let _ = writeln!(
                x,
                "    <system-err>{}</system-err>",
                escape(&lines.join("\n"), false)
            );
        }
        x.push_str("  </testsuite>\n");
    }
    x.push_str("</testsuites>\n");
    x
}

/// The evidence of a check as lines: the witness, then every block (`CODE at component: detail`).
fn evidence(c: &CheckReport) -> String {
    let v = &c.verdict;
    let mut lines = Vec::new();
    if let Some(w) = &v.witness {
        lines.push(meta::witness(w));
    }
    for b in v.blocked_by.iter().chain(&v.unknown_because) {
        let (code, comp, detail) = meta::block(b);
        lines.push(format!("{code} at {comp}: {detail}"));
    }
    lines.join("\n")
}

fn notebook_cases(
    r: &Report,
    n: &NotebookReport,
    cases: &mut Vec<Case>,
    reported: &mut Vec<String>,
) {
    let classname = words::notebook_title(n, false);
    for c in &n.checks.0 {
        let reason = sarif::check_reason(n, c);
        let o = sarif::outcome(c);
        let failure = matches!(o, Outcome::Fail | Outcome::FailUndecided).then(|| {
            let message = reason
                .as_ref()
                .map(sarif::reason_text)
                .unwrap_or_else(|| format!("{}: {}", c.name, meta::verdict_words(c)));
            (message, sarif::rule_id(reason.as_ref()), evidence(c))
        });
        let out = (o == Outcome::PassUndecided)
            .then(|| reason.as_ref().map(sarif::reason_text))
            .flatten();
        cases.push(Case {
            classname: classname.clone(),
            name: c.name.clone(),
            failure,
            out,
        });
    }
    // The notebook-instance controls apply to notebook instances only; other sources' deciding
    // findings (a Studio domain that is not VpcOnly) are cases of their own.
    if n.kind != vpcreach_core::model::SourceKind::NotebookInstance {
        for f in n
            .findings
            .iter()
            .filter(|f| sarif::finding_decides(r.profile, **f))
        {
            let s = words::reason(&Reason::Finding(*f));
            cases.push(Case {
                classname: classname.clone(),
                name: f.code().to_string(),
                failure: Some((s.clone(), f.code(), s)),
                out: None,
            });
        }
    }
    for (control, f) in sarif::CONTROLS {
        if !sarif::finding_decides(r.profile, f)
            || n.kind != vpcreach_core::model::SourceKind::NotebookInstance
        {
            continue;
        }
        let found = n.findings.iter().find(|x| x.code() == control).copied();
        cases.push(Case {
            classname: classname.clone(),
            name: control.to_string(),
            failure: found.map(|x| {
                let s = words::reason(&Reason::Finding(x));
                (s.clone(), control, s)
            }),
            out: None,
        });
    }
    for f in &n.findings {
        if !sarif::finding_decides(r.profile, *f) {
            reported.push(format!(
                "{classname}: {}",
                words::reason(&Reason::Finding(*f))
            ));
        }
    }
}
