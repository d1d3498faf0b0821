//! The human table: one row per notebook, one column per check, a mark per cell saying whether
//! the verdict passes the profile, then why each failing notebook fails, the diagnostics and a
//! summary. Colour only when asked (on a terminal).
//!
//! [`Nouns`] (shared by the table, Markdown, HTML and the diagrams) decides what the human
//! reports call what they judge: "notebook" while every source is a notebook instance, else the
//! neutral "source", each row then naming its kind.

use std::fmt::Write;

use vpcreach_core::model::{Severity, SourceKind};
use vpcreach_core::report::{CheckReport, NotebookReport, Report};

/// What the human reports call the sources they judge. A report of notebook instances only keeps
/// the words it always had ("notebook", "Notebooks"); one that holds any other kind (a Studio user
/// profile or space, a network interface, an EC2 instance) uses the neutral "source", and every
/// row says which kind it is — a notebook instance included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Nouns {
    /// Some source is not a notebook instance.
    pub neutral: bool,
}

impl Nouns {
    /// The nouns for a report's sources.
    pub fn of(report: &Report) -> Nouns {
        Nouns::of_kinds(report.notebooks.iter().map(|n| n.kind))
    }

    /// The nouns for sources of these kinds.
    pub fn of_kinds(kinds: impl IntoIterator<Item = SourceKind>) -> Nouns {
        Nouns {
            neutral: kinds.into_iter().any(|k| k != SourceKind::NotebookInstance),
        }
    }

    /// `notebook` / `source`.
    pub fn one(self) -> &'static str {
        if self.neutral { "source" } else { "notebook" }
    }

    /// `notebooks` / `sources`.
    pub fn many(self) -> &'static str {
        if self.neutral { "sources" } else { "notebooks" }
    }

    /// `Notebooks` / `Sources` (a heading).
    pub fn heading(self) -> &'static str {
        if self.neutral { "Sources" } else { "Notebooks" }
    }

    /// What the findings are headed: `Security Hub findings` among notebook instances; beside
    /// other kinds just `Findings` (a Studio domain's finding is an AWS Config rule, not a Security
    /// Hub control).
    pub fn findings(self) -> &'static str {
        if self.neutral {
            "Findings"
        } else {
            "Security Hub findings"
        }
    }

    /// The column of a finding's code: `Security Hub control`, or `control or rule`.
    pub fn finding_code(self) -> &'static str {
        if self.neutral {
            "control or rule"
        } else {
            "Security Hub control"
        }
    }

    /// The kind a row names: [`crate::words::kind_label`] (none for a notebook instance in a
    /// report of notebooks only; "notebook instance" beside other kinds).
    pub fn kind(self, k: SourceKind) -> Option<&'static str> {
        match crate::words::kind_label(k) {
            None if self.neutral => Some("notebook instance"),
            l => l,
        }
    }

    /// A source's name as a row or section heads it: [`crate::words::notebook_title`], with the
    /// kind named for a notebook instance too when other kinds are beside it.
    pub fn title(self, n: &NotebookReport, short: bool) -> String {
        match (self.neutral, &n.planned, self.kind(n.kind)) {
            (true, None, Some(k)) => format!("{} ({k})", n.name),
            (true, Some(_), Some(k)) if short => format!("{} ({k}, planned)", n.name),
            (true, Some(p), Some(k)) => format!("{} ({k}, planned: {})", n.name, p.address),
            _ => crate::words::notebook_title(n, short),
        }
    }
}

/// Options of the table renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

const GREEN: &str = "\x1b[32m";
const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

fn paint(s: &str, code: &str, style: Style) -> String {
    if style.color {
        format!("{code}{s}{RESET}")
    } else {
        s.to_string()
    }
}

/// The cell of one check: a pass/fail mark, the status, and the way out when there is one (the
/// words the audit reports use too).
fn cell(c: &CheckReport) -> (String, &'static str) {
    let mark = super::meta::mark(c);
    let color = match mark {
        "?" => YELLOW,
        "✔" => GREEN,
        _ => RED,
    };
    (format!("{mark} {}", super::meta::summary_cell(c)), color)
}

/// Render the table.
pub fn render(report: &Report, style: Style) -> String {
    let mut out = String::new();
    let nouns = Nouns::of(report);
    let mut headers: Vec<String> = vec![nouns.one().to_uppercase()];
    let names = crate::meta::check_names(report);
    headers.extend(names.iter().map(|c| c.to_uppercase()));
    headers.push("COMPLIANT".into());
    let mut rows: Vec<Vec<(String, Option<&'static str>)>> = Vec::new();
    for n in &report.notebooks {
        let mut row = vec![(nouns.title(n, true), None)];
        for name in &names {
            match crate::meta::check(n, name) {
                Some(c) => {
                    let (t, col) = cell(c);
                    row.push((t, Some(col)));
                }
                // Not asked for this source (Studio sources have more services than notebooks).
                None => row.push(("-".into(), None)),
            }
        }
        row.push(if n.compliant {
            ("yes".into(), Some(GREEN))
        } else {
            ("NO".into(), Some(RED))
        });
        rows.push(row);
    }
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in &rows {
        for (i, (t, _)) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(t.chars().count());
            }
        }
    }
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
    let header: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| pad(h, widths[i]))
        .collect();
    let _ = writeln!(out, "{}", paint(header.join("  ").trim_end(), BOLD, style));
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, (t, col))| {
                let padded = pad(t, widths.get(i).copied().unwrap_or(0));
                match col {
                    Some(c) => paint(&padded, c, style),
                    None => padded,
                }
            })
            .collect();
        let _ = writeln!(out, "{}", cells.join("  ").trim_end());
    }

    let failing: Vec<_> = report.notebooks.iter().filter(|n| !n.compliant).collect();
    if !failing.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Why not compliant:", BOLD, style));
        for n in failing {
            let _ = writeln!(out, "  {}", n.name);
            for r in &n.reasons {
                let _ = writeln!(out, "    - {}", crate::words::reason(r));
            }
        }
    }
    if report.notebooks.iter().any(|n| !n.fixes.is_empty()) {
        let _ = writeln!(
            out,
            "\n{}",
            paint(
                "Proven fixes (each applied and the whole snapshot judged again: the check passes, nothing gets worse):",
                BOLD,
                style
            )
        );
        for n in report.notebooks.iter().filter(|n| !n.fixes.is_empty()) {
            let _ = writeln!(out, "  {}", n.name);
            let mut last = "";
            for f in &n.fixes {
                if f.check == last {
                    // Alternatives for the same check: only the best one is printed in full.
                    continue;
                }
                last = &f.check;
                let _ = writeln!(out, "    {}:", f.check);
                for (_, change) in &f.changes {
                    let _ = writeln!(out, "      - {change}");
                }
            }
        }
    }
    let findings: Vec<_> = report
        .notebooks
        .iter()
        .flat_map(|n| n.findings.iter().map(move |f| (n, f)))
        .collect();
    if !findings.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            paint(&format!("{}:", nouns.findings()), BOLD, style)
        );
        for (n, f) in findings {
            let _ = writeln!(
                out,
                "  {} {} ({}): {}",
                n.name,
                f.code(),
                f.severity(),
                crate::words::finding_detail(*f)
            );
        }
    }
    if !report.diagnostics.is_empty() {
        let _ = writeln!(out, "\n{}", paint("Diagnostics:", BOLD, style));
        for d in &report.diagnostics {
            let sev = match d.severity {
                Severity::Error => paint("error", RED, style),
                Severity::Warning => paint("warning", YELLOW, style),
                Severity::Info => "info".to_string(),
            };
            let _ = writeln!(out, "  {sev} {} {}: {}", d.code, d.resource, d.message);
        }
    }
    let _ = writeln!(
        out,
        "\n✔ passes the profile  ✘ fails it  ? unknown (fails unless --allow-unknown)\n\
         private = reachable only through VPC endpoints; (…) = the way out: endpoint, gateway-ep, NAT, IGW, EIGW, service-net"
    );
    let _ = writeln!(
        out,
        "{} of {} {}(s) compliant with profile {}{}.",
        report.summary.compliant,
        report.summary.notebooks,
        nouns.one(),
        report.profile.as_str(),
        report
            .region
            .as_deref()
            .map(|r| format!(" in {r}"))
            .unwrap_or_default()
    );
    if report.notebooks.is_empty() {
        let _ = writeln!(
            out,
            "No notebooks in the snapshot: add a NotebookInstances key (aws sagemaker describe-notebook-instance outputs)."
        );
    }
    out
}
