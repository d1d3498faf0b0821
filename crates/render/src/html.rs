//! The audit report as one self-contained HTML file: the same content as the Markdown report plus
//! a diagram per notebook, inlined as SVG (rendered by the system Graphviz `dot`). No scripts, no
//! external assets (a Content-Security-Policy forbids fetching any), a print stylesheet, and every
//! piece of text escaped. Without Graphviz the report is still written, saying in place of each
//! diagram that `dot` is missing and how to install it.

use std::fmt::Write;

use vpcreach_core::model::{Network, Severity};
use vpcreach_core::report::{CheckReport, NotebookReport, Report};

use super::dot;
use super::graphviz;
use super::meta::{self, ReportMeta};

/// Escape text for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML `id` for a notebook section.
fn anchor(name: &str) -> String {
    format!("nb-{}", dot::file_stem(name))
}

const STYLE: &str = r#"
:root { --ok: #0072B2; --bad: #D55E00; --unknown: #CC79A7; --line: #c8c8c8; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 14px;
       line-height: 1.4; color: #1a1a1a; margin: 0 auto; padding: 1.5rem; max-width: 1400px; }
h1 { font-size: 1.6rem; margin: 0 0 .8rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #333; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
table.summary { width: auto; }
table.summary th { width: 10rem; }
code, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .92em; }
.pass { color: var(--ok); font-weight: 600; }
.fail { color: var(--bad); font-weight: 700; }
.unknown { color: var(--unknown); font-weight: 700; }
td.verdict, #notebook-summary td:first-child { white-space: nowrap; }
.scroll { overflow-x: auto; }
ol.path { margin: 0; padding-left: 1.4rem; }
ul.blocks { margin: 0; padding-left: 1.1rem; }
ul.blocks li.blocked::marker { content: "✘ "; color: var(--bad); }
ul.blocks li.why-unknown::marker { content: "? "; color: var(--unknown); }
section.notebook { border-top: 1px solid var(--line); margin-top: 1.5rem; }
figure.diagram { margin: .5rem 0 1rem; overflow-x: auto; border: 1px solid var(--line); padding: .5rem; }
figure.diagram svg { max-width: 100%; height: auto; }
figure.diagram figcaption { font-size: .85rem; color: #555; }
p.no-diagram { color: var(--bad); font-style: italic; }
footer { margin-top: 2rem; font-size: .85rem; color: #555; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  section.notebook { break-before: page; border: none; }
  table, figure.diagram { break-inside: avoid; }
  figure.diagram { overflow: visible; border: none; }
  .pass, .fail, .unknown { color: #000; }
  a { color: inherit; text-decoration: none; }
  .scroll { overflow: visible; }
}
"#;

fn mark_class(c: &CheckReport) -> &'static str {
    match meta::mark(c) {
        "?" => "unknown",
        "✔" => "pass",
        _ => "fail",
    }
}

fn id(s: &str) -> String {
    format!("<code>{}</code>", escape(s))
}

fn opt_id(s: Option<&str>) -> String {
    s.map(id).unwrap_or_else(|| "—".into())
}

fn evidence(out: &mut String, c: &CheckReport) {
    let v = &c.verdict;
    if v.path.is_empty() && v.blocked_by.is_empty() && v.unknown_because.is_empty() {
        out.push('—');
        return;
    }
    if !v.path.is_empty() {
        out.push_str("<ol class=\"path\">");
        for h in &v.path {
            let _ = write!(
                out,
                "<li>{} {} — {}</li>",
                escape(h.at.kind()),
                id(&h.at.id()),
                escape(&crate::words::hop_detail(h))
            );
        }
        out.push_str("</ol>");
    }
    if !v.blocked_by.is_empty() || !v.unknown_because.is_empty() {
        out.push_str("<ul class=\"blocks\">");
        for (class, list) in [
            ("blocked", &v.blocked_by),
            ("why-unknown", &v.unknown_because),
        ] {
            for b in list {
                let (code, comp, detail) = meta::block(b);
                let _ = write!(
                    out,
                    "<li class=\"{class}\"><strong>{}</strong> at {}: {}</li>",
                    escape(&code),
                    id(&comp),
                    escape(&detail)
                );
            }
        }
        out.push_str("</ul>");
    }
}

/// How diagrams get into the report.
pub enum Diagrams<'a> {
    /// Render each notebook's diagram with Graphviz (the network is needed to draw it).
    Graphviz(&'a Network),
    /// No diagrams.
    None,
}

fn diagram(out: &mut String, d: &Diagrams, report: &Report, n: &NotebookReport, i: usize) {
    let Diagrams::Graphviz(net) = d else {
        return;
    };
    let opts = dot::Options {
        selection: dot::Selection {
            notebooks: vec![n.name.clone()],
            ..dot::Selection::default()
        },
        full: false,
        id_prefix: format!("d{i}-"),
    };
    let Ok(text) = dot::render(net, report, &opts) else {
        return;
    };
    let _ = write!(out, "<figure class=\"diagram\">");
    match graphviz::svg_fragment(&text, &format!("the diagram of {}", n.name)) {
        Ok(svg) => out.push_str(&svg),
        Err(graphviz::GraphvizError::NotInstalled { program, .. }) => {
            let _ = write!(
                out,
                "<p class=\"no-diagram\">Diagram not included: the Graphviz program <code>{}</code> \
                 is not installed (or not on PATH). Install Graphviz (Debian/Ubuntu: \
                 <code>apt-get install graphviz</code>; macOS: <code>brew install graphviz</code>) \
                 and write the report again.</p>",
                escape(&program)
            );
        }
        Err(e) => {
            let _ = write!(
                out,
                "<p class=\"no-diagram\">Diagram not included: {}.</p>",
                escape(&e.to_string())
            );
        }
    }
    let _ = write!(
        out,
        "<figcaption>The network of {} with each check's proven path; blocked checks end at the \
         blocking component. <code>vpcreach diagram SNAPSHOT --notebook {} -o {}.svg</code> draws it on its own.</figcaption></figure>",
        escape(&n.name),
        escape(&n.name),
        escape(&dot::file_stem(&n.name))
    );
}

fn notebook_section(out: &mut String, n: &NotebookReport, d: &Diagrams, report: &Report, i: usize) {
    let _ = write!(
        out,
        "<section class=\"notebook\" id=\"{}\"><h3>{} — <span class=\"{}\">{}</span></h3>",
        escape(&anchor(&n.name)),
        escape(&crate::words::notebook_title(n, false)),
        if n.compliant { "pass" } else { "fail" },
        if n.compliant {
            "compliant"
        } else {
            "NOT compliant"
        }
    );
    let _ = write!(
        out,
        "<p>VPC {}, subnet {}, security groups {}; direct internet access: {}; root access: {}.</p>",
        opt_id(n.vpc_id.as_deref()),
        opt_id(n.subnet_id.as_deref()),
        if n.security_group_ids.is_empty() {
            "—".to_string()
        } else {
            n.security_group_ids
                .iter()
                .map(|s| id(s))
                .collect::<Vec<_>>()
                .join(", ")
        },
        escape(
            n.direct_internet_access
                .as_deref()
                .unwrap_or("not reported")
        ),
        escape(n.root_access.as_deref().unwrap_or("not reported")),
    );
    if !n.reasons.is_empty() {
        out.push_str("<p>Why not compliant:</p><ul class=\"reasons\">");
        for r in &n.reasons {
            let _ = write!(out, "<li>{}</li>", escape(&crate::words::reason(r)));
        }
        out.push_str("</ul>");
    }
    out.push_str(
        "<table class=\"checks\"><thead><tr><th>check</th><th>verdict</th><th>passes</th>\
         <th>via</th><th>witness</th><th>evidence</th></tr></thead><tbody>",
    );
    for c in &n.checks.0 {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"verdict {}\">{} {}</td><td>{}</td><td>{}</td><td>{}</td><td>",
            id(&c.name),
            mark_class(c),
            meta::mark(c),
            escape(&meta::verdict_words(c)),
            if c.passes {
                "yes"
            } else {
                "<strong>no</strong>"
            },
            opt_id(meta::via(c)),
            c.verdict
                .witness
                .as_ref()
                .map(|w| escape(&meta::witness(w)))
                .unwrap_or_else(|| "—".into()),
        );
        evidence(out, c);
        out.push_str("</td></tr>");
    }
    out.push_str("</tbody></table>");
    if n.findings.is_empty() {
        out.push_str("<p>Security Hub findings: none.</p>");
    } else {
        out.push_str(
            "<table class=\"findings\"><thead><tr><th>Security Hub control</th><th>severity</th>\
             <th>finding</th></tr></thead><tbody>",
        );
        for f in &n.findings {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                id(f.code()),
                escape(f.severity()),
                escape(crate::words::finding_detail(*f))
            );
        }
        out.push_str("</tbody></table>");
    }
    diagram(out, d, report, n, i);
    out.push_str("</section>\n");
}

/// Render the report as one HTML document.
pub fn render(report: &Report, m: &ReportMeta, d: &Diagrams) -> String {
    let mut out = String::new();
    let region = report.region.as_deref().unwrap_or("unknown region");
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"generator\" content=\"vpcreach {}\">\n<title>vpcreach audit report — {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        meta::VERSION,
        escape(region),
        STYLE
    );
    out.push_str("<header><h1>vpcreach audit report</h1><table class=\"summary\"><tbody>");
    let mut row = |k: &str, v: String| {
        let _ = write!(out, "<tr><th>{k}</th><td>{v}</td></tr>");
    };
    row("Region", opt_id(report.region.as_deref()));
    row("Profile", id(report.profile.as_str()));
    row("Notebooks", report.summary.notebooks.to_string());
    row(
        "Compliant",
        format!(
            "{} of {}",
            report.summary.compliant, report.summary.notebooks
        ),
    );
    row("Tool", format!("vpcreach {}", escape(meta::VERSION)));
    if let Some(t) = &m.timestamp {
        row("Generated", escape(t));
    }
    out.push_str("</tbody></table></header>\n<main>\n<section id=\"notebooks\"><h2>Notebooks</h2>");
    if report.notebooks.is_empty() {
        out.push_str("<p>No notebooks in the snapshot.</p>");
    } else {
        out.push_str(
            "<div class=\"scroll\"><table id=\"notebook-summary\"><thead><tr><th>notebook</th>",
        );
        for c in &report.notebooks[0].checks.0 {
            let _ = write!(out, "<th>{}</th>", escape(&c.name));
        }
        out.push_str("<th>compliant</th></tr></thead><tbody>");
        for n in &report.notebooks {
            let _ = write!(
                out,
                "<tr class=\"notebook-row\" data-notebook=\"{}\"><td><a href=\"#{}\">{}</a></td>",
                escape(&n.name),
                escape(&anchor(&n.name)),
                escape(&n.name)
            );
            for c in &n.checks.0 {
                let _ = write!(
                    out,
                    "<td class=\"verdict {}\">{} {}</td>",
                    mark_class(c),
                    meta::mark(c),
                    escape(&meta::summary_cell(c)),
                );
            }
            let _ = write!(
                out,
                "<td class=\"{}\">{}</td></tr>",
                if n.compliant { "pass" } else { "fail" },
                if n.compliant { "yes" } else { "NO" }
            );
        }
        out.push_str(
            "</tbody></table></div><p>✔ passes the profile, ✘ fails it, ? unknown (fails unless \
             <code>--allow-unknown</code>). <em>private</em>: every working path ends at a VPC endpoint; in brackets the way out \
             (endpoint, gateway-ep, NAT, IGW, EIGW, service-net).</p>",
        );
    }
    out.push_str("</section>\n");
    for (i, n) in report.notebooks.iter().enumerate() {
        notebook_section(&mut out, n, d, report, i);
    }
    out.push_str("<section id=\"diagnostics\"><h2>Diagnostics</h2>");
    if report.diagnostics.is_empty() {
        out.push_str("<p>None.</p>");
    } else {
        out.push_str(
            "<table><thead><tr><th>severity</th><th>code</th><th>resource</th><th>message</th></tr></thead><tbody>",
        );
        for dg in &report.diagnostics {
            let sev = match dg.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let _ = write!(
                out,
                "<tr><td>{sev}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                id(dg.code.as_str()),
                id(&dg.resource),
                escape(&dg.message)
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>\n<section id=\"snapshot\"><h2>Snapshot files</h2>");
    if report.sources.is_empty() {
        out.push_str("<p>None recorded.</p>");
    } else {
        out.push_str("<table><thead><tr><th>file</th><th>SHA-256</th></tr></thead><tbody>");
        for s in &report.sources {
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td></tr>",
                id(&s.path),
                id(&s.sha256)
            );
        }
        out.push_str("</tbody></table>");
    }
    let _ = write!(
        out,
        "</section>\n</main>\n<footer>Generated by vpcreach {}{}.</footer>\n</body>\n</html>\n",
        escape(meta::VERSION),
        m.timestamp
            .as_ref()
            .map(|t| format!(" at {}", escape(t)))
            .unwrap_or_default()
    );
    out
}
