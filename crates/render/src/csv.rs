//! CSV output (RFC 4180): a header, then one row per notebook × check, lines ending in CRLF.
//!
//! Columns: `region,account_id,notebook,check,status,private,via,passes,code,component,detail`.
//! `status`, `private` and `via` are the verdict's (as in the JSON; `via` empty when there is none),
//! `passes` the profile's judgement (`true`/`false`). For a check that does not simply pass (it
//! fails, or passes only with `--allow-unknown`), `code` is the code of the block that decides it
//! (or `PROFILE_NOT_MET` when none does, as the SARIF rule), `component` that block's component,
//! and `detail` the sentence of the reason and the block ([`words::reason`](crate::words::reason),
//! [`words::block_detail`](crate::words::block_detail)); all three are empty for a check that passes. Unknown region or
//! account: empty field. A field is quoted when it holds a comma, a double quote (doubled), CR or
//! LF, or starts or ends with a space.

use vpcreach_core::report::Report;

use crate::meta;
use crate::sarif::{self, Outcome};

pub const HEADER: [&str; 11] = [
    "region",
    "account_id",
    "notebook",
    "check",
    "status",
    "private",
    "via",
    "passes",
    "code",
    "component",
    "detail",
];

/// One field, quoted when RFC 4180 requires it.
pub fn field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn row(out: &mut String, fields: &[&str]) {
    let line: Vec<String> = fields.iter().map(|f| field(f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// Render one region's report.
pub fn render(report: &Report) -> String {
    render_all(std::slice::from_ref(report))
}

/// Render several regions' reports under one header.
pub fn render_all(reports: &[Report]) -> String {
    let mut out = String::new();
    row(&mut out, &HEADER);
    for r in reports {
        for n in &r.notebooks {
            for c in &n.checks.0 {
                let (code, component, detail) = if sarif::outcome(c) == Outcome::Pass {
                    (String::new(), String::new(), String::new())
                } else {
                    let reason = sarif::check_reason(n, c);
                    let block = reason.as_ref().and_then(sarif::reason_block);
                    (
                        sarif::rule_id(reason.as_ref()).to_string(),
                        block.map(|b| b.component()).unwrap_or_default(),
                        reason
                            .as_ref()
                            .map(sarif::reason_text)
                            .unwrap_or_else(|| meta::verdict_words(c)),
                    )
                };
                row(
                    &mut out,
                    &[
                        r.region.as_deref().unwrap_or(""),
                        n.account_id.as_deref().unwrap_or(""),
                        &n.name,
                        &c.name,
                        c.verdict.status.as_str(),
                        if c.verdict.private { "true" } else { "false" },
                        meta::via(c).unwrap_or(""),
                        if c.passes { "true" } else { "false" },
                        &code,
                        &component,
                        &detail,
                    ],
                );
            }
        }
    }
    out
}
