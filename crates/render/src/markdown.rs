//! The audit report in Markdown (GitHub-flavoured): a summary (notebooks, compliant, profile,
//! region, tool version, snapshot files with their SHA-256), a table of all notebooks, then per
//! notebook one table with every check and its evidence (the path hop by hop, or what blocks it
//! with its code, or why it is unknown), its Security Hub findings, and the diagnostics.
//!
//! Every piece of text from the snapshot is escaped, so a name cannot break a table or inject
//! markup. No timestamp unless asked for: the same snapshot gives the same bytes.

use std::fmt::Write;

use vpcreach_core::model::{Severity, SourceKind};
use vpcreach_core::report::{CheckReport, NotebookReport, Report};

use super::meta::{self, ReportMeta};
use super::table::Nouns;

/// Escape text for a Markdown table cell or paragraph.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An identifier as code, when it is safe to put in a code span; escaped text otherwise.
fn code(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@, ".contains(c))
    {
        format!("`{s}`")
    } else {
        escape(s)
    }
}

fn or_dash(s: Option<&str>) -> String {
    s.map(code).unwrap_or_else(|| "—".into())
}

/// The evidence of one check, as `<br>`-separated lines in one cell.
fn evidence(c: &CheckReport) -> String {
    let v = &c.verdict;
    let mut lines: Vec<String> = Vec::new();
    for (i, h) in v.path.iter().enumerate() {
        lines.push(format!(
            "{}. {} {} — {}",
            i + 1,
            escape(h.at.kind()),
            code(&h.at.id()),
            escape(&crate::words::hop_detail(h))
        ));
    }
    for b in &v.blocked_by {
        let (c, comp, d) = meta::block(b);
        lines.push(format!(
            "blocked: {} at {}: {}",
            code(&c),
            code(&comp),
            escape(&d)
        ));
    }
    for b in &v.unknown_because {
        let (c, comp, d) = meta::block(b);
        lines.push(format!(
            "unknown: {} at {}: {}",
            code(&c),
            code(&comp),
            escape(&d)
        ));
    }
    if lines.is_empty() {
        "—".into()
    } else {
        lines.join("<br>")
    }
}

/// Where a source is, in one sentence: `VPC …, subnet …, security groups …; direct internet access:
/// …; root access: ….` (a notebook instance's words). A Studio source first names its domain, its
/// network access type and its profile or space; a source that is not a notebook instance leaves
/// out the settings it does not report (an interface has no direct internet or root access).
fn placement(n: &NotebookReport) -> String {
    let mut s = String::new();
    if let Some(st) = &n.studio {
        let _ = write!(
            s,
            "Studio domain {}{}, network access type {}",
            match &st.domain_name {
                Some(name) => format!("{} ", code(name)),
                None => String::new(),
            },
            match &st.domain_name {
                Some(_) => format!("({})", code(&st.domain_id)),
                None => code(&st.domain_id),
            },
            escape(st.access.as_str().unwrap_or("not reported")),
        );
        if let Some(p) = &st.user_profile {
            let _ = write!(s, ", user profile {}", code(p));
        }
        if let Some(sp) = &st.space {
            let _ = write!(s, ", space {}", code(sp));
        }
        s.push_str("; ");
    }
    let _ = write!(
        s,
        "VPC {}, subnet {}, security groups {}",
        or_dash(n.vpc_id.as_deref()),
        or_dash(n.subnet_id.as_deref()),
        if n.security_group_ids.is_empty() {
            "—".to_string()
        } else {
            n.security_group_ids
                .iter()
                .map(|s| code(s))
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    let notebook = n.kind == SourceKind::NotebookInstance;
    let mut settings = Vec::new();
    for (what, v) in [
        ("direct internet access", &n.direct_internet_access),
        ("root access", &n.root_access),
    ] {
        match v {
            Some(v) => settings.push(format!("{what}: {}", escape(v))),
            None if notebook => settings.push(format!("{what}: not reported")),
            None => {}
        }
    }
    if !settings.is_empty() {
        let _ = write!(s, "; {}", settings.join("; "));
    }
    s.push('.');
    s
}

fn notebook_section(out: &mut String, n: &NotebookReport, nouns: Nouns) {
    let _ = writeln!(
        out,
        "### {} — {}\n",
        escape(&nouns.title(n, false)),
        if n.compliant {
            "compliant"
        } else {
            "NOT compliant"
        }
    );
    let _ = writeln!(out, "{}\n", placement(n));
    if !n.reasons.is_empty() {
        let _ = writeln!(out, "Why not compliant:\n");
        for r in &n.reasons {
            let _ = writeln!(out, "- {}", escape(&crate::words::reason(r)));
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "| check | verdict | passes | via | witness | evidence |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for c in &n.checks.0 {
        let _ = writeln!(
            out,
            "| {} | {} {} | {} | {} | {} | {} |",
            code(&c.name),
            meta::mark(c),
            escape(&meta::verdict_words(c)),
            if c.passes { "yes" } else { "**no**" },
            or_dash(meta::via(c)),
            c.verdict
                .witness
                .as_ref()
                .map(|w| escape(&meta::witness(w)))
                .unwrap_or_else(|| "—".into()),
            evidence(c)
        );
    }
    out.push('\n');
    if !n.fixes.is_empty() {
        let _ = writeln!(
            out,
            "Proven fixes (each applied and every {} judged again: the check passes, no verdict gets worse):\n",
            nouns.one()
        );
        for f in &n.fixes {
            let changes: Vec<String> = f.changes.iter().map(|(_, c)| escape(c)).collect();
            let _ = writeln!(out, "- {}: {}", code(&f.check), changes.join("; "));
            if !f.aws_cli.is_empty() {
                let _ = writeln!(out, "\n  ```sh");
                for c in &f.aws_cli {
                    let _ = writeln!(out, "  {c}");
                }
                let _ = writeln!(out, "  ```");
            }
        }
        out.push('\n');
    }
    if n.findings.is_empty() {
        let _ = writeln!(out, "{}: none.\n", nouns.findings());
    } else {
        let _ = writeln!(out, "| {} | severity | finding |", nouns.finding_code());
        let _ = writeln!(out, "|---|---|---|");
        for f in &n.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                code(f.code()),
                escape(f.severity()),
                escape(crate::words::finding_detail(*f))
            );
        }
        out.push('\n');
    }
}

/// Render the report as Markdown.
pub fn render(report: &Report, m: &ReportMeta) -> String {
    let mut out = String::new();
    let nouns = Nouns::of(report);
    let _ = writeln!(out, "# vpcreach audit report\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Region | {} |", or_dash(report.region.as_deref()));
    let _ = writeln!(out, "| Profile | {} |", code(report.profile.as_str()));
    let _ = writeln!(
        out,
        "| {} | {} |",
        nouns.heading(),
        report.summary.notebooks
    );
    let _ = writeln!(
        out,
        "| Compliant | {} of {} |",
        report.summary.compliant, report.summary.notebooks
    );
    let _ = writeln!(out, "| Tool | vpcreach {} |", meta::VERSION);
    if let Some(t) = &m.timestamp {
        let _ = writeln!(out, "| Generated | {} |", escape(t));
    }
    out.push('\n');

    let _ = writeln!(out, "## {}\n", nouns.heading());
    if report.notebooks.is_empty() {
        let _ = writeln!(out, "No notebooks in the snapshot.\n");
    } else {
        let checks = meta::check_names(report);
        let names: Vec<String> = checks.iter().map(|c| code(c)).collect();
        let _ = writeln!(
            out,
            "| {} | {} | compliant |",
            nouns.one(),
            names.join(" | ")
        );
        let _ = writeln!(out, "|---|{}---|", "---|".repeat(names.len()));
        for n in &report.notebooks {
            let cells: Vec<String> = checks
                .iter()
                .map(|name| match meta::check(n, name) {
                    Some(c) => format!("{} {}", meta::mark(c), escape(&meta::summary_cell(c))),
                    None => "–".into(),
                })
                .collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(&match nouns.kind(n.kind) {
                    Some(k) => format!("{} ({k})", n.name),
                    None => n.name.clone(),
                }),
                cells.join(" | "),
                if n.compliant { "yes" } else { "**NO**" }
            );
        }
        let _ = writeln!(
            out,
            "\n✔ passes the profile, ✘ fails it, ? unknown (fails unless `--allow-unknown`). \
             `private`: every working path ends at a VPC endpoint; \
             in brackets the way out (endpoint, gateway-ep, NAT, IGW, EIGW, service-net).\n"
        );
        for n in &report.notebooks {
            notebook_section(&mut out, n, nouns);
        }
    }

    let _ = writeln!(out, "## Diagnostics\n");
    if report.diagnostics.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        let _ = writeln!(
            out,
            "| severity | code | resource | message |\n|---|---|---|---|"
        );
        for d in &report.diagnostics {
            let sev = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let _ = writeln!(
                out,
                "| {sev} | {} | {} | {} |",
                code(d.code.as_str()),
                code(&d.resource),
                escape(&d.message)
            );
        }
        out.push('\n');
    }

    let _ = writeln!(out, "## Snapshot files\n");
    if report.sources.is_empty() {
        let _ = writeln!(out, "None recorded.");
    } else {
        let _ = writeln!(out, "| file | SHA-256 |\n|---|---|");
        for s in &report.sources {
            let _ = writeln!(out, "| {} | `{}` |", code(&s.path), escape(&s.sha256));
        }
    }
    out
}
