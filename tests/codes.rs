//! The explanation codes are a public contract: other tools match on them. This test keeps
//! `docs/codes.md` equal to what the code says (run with `UPDATE_DOCS=1` to rewrite it after a
//! deliberate change) and snapshots the list of code strings so none is renamed by accident.
//!
//! `docs/codes.md` has three parts, each from its source of truth:
//! - the explanation and diagnostic codes: the `Code` enum (`crates/core/src/codes.rs`);
//! - the finding codes: the rules the renderers give findings (`render::sarif::finding_rules`,
//!   worded by `render::words`), which must be exactly the codes `Finding::code` can return
//!   (read from `crates/core/src/report.rs`, so a new finding code fails here until it has a
//!   rule and documentation);
//! - trace's last-step codes: the stop-code table of `docs/trace.md`, which must list exactly the
//!   codes `LastStep::code` can return (read from `crates/core/src/analysis/trace.rs`).

use std::collections::BTreeSet;

use vpcreach::codes::Code;
use vpcreach::render::{sarif, words};
use vpcreach::report::Profile;

/// The file of the repository at `path`.
fn source(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The string literals a function returns from its match arms (`=> "X"`), read from the source:
/// the body of `fn_head` inside the block that starts at `impl_head` in the file at `path`.
fn returned_literals(path: &str, impl_head: &str, fn_head: &str) -> BTreeSet<String> {
    let text = source(path);
    let at = text
        .find(impl_head)
        .unwrap_or_else(|| panic!("{path}: no `{impl_head}`"));
    let body = &text[at..];
    let at = body
        .find(fn_head)
        .unwrap_or_else(|| panic!("{path}: no `{fn_head}` in `{impl_head}`"));
    let body = &body[at..];
    // The function ends at the first line that closes a block at its own indentation.
    let end = body.find("\n    }\n").unwrap_or(body.len());
    let out: BTreeSet<String> = body[..end]
        .split("=> \"")
        .skip(1)
        .map(|s| s[..s.find('"').expect("a closed literal")].to_string())
        .collect();
    assert!(!out.is_empty(), "{path}: `{fn_head}` returns no literal");
    out
}

/// Every code a finding can carry (`Finding::code`).
fn finding_codes() -> BTreeSet<String> {
    returned_literals(
        "crates/core/src/report.rs",
        "impl Finding {",
        "pub fn code(self)",
    )
}

/// Every code trace's last step to an interface can stop with (`LastStep::code`).
fn last_step_codes() -> BTreeSet<String> {
    returned_literals(
        "crates/core/src/analysis/trace.rs",
        "impl LastStep {",
        "pub fn code(&self)",
    )
}

/// The rows of the stop-code table of `docs/trace.md` (`| `CODE` | meaning |`), as written.
fn trace_stop_rows() -> Vec<(String, String)> {
    let text = source("docs/trace.md");
    let at = text
        .find("## Stop codes")
        .expect("docs/trace.md: a `## Stop codes` section");
    text[at..]
        .lines()
        .skip_while(|l| !l.starts_with("| code |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            assert_eq!(
                cells.len(),
                2,
                "docs/trace.md: a stop-code row of two cells: {l}"
            );
            (
                cells[0].trim().trim_matches('`').to_string(),
                cells[1].trim().to_string(),
            )
        })
        .collect()
}

fn render_doc() -> String {
    let mut s = String::from(
        "# Explanation codes\n\n\
         Every entry of `blocked_by` (why packets are dropped) and `unknown_because` (why a verdict \
         could not be decided) carries one of these codes, a `component` (the AWS resource ID where \
         it happens) and a `detail` naming the rule, route or missing thing. Codes reuse AWS \
         Reachability Analyzer's explanation codes where one fits. Diagnostics about the input \
         (`diagnostics` in the JSON) carry codes of the same list; those marked *Diagnostic* \
         appear only there.\n\n\
         This file is generated and checked by `tests/codes.rs` (`UPDATE_DOCS=1 cargo test --test \
         codes` rewrites it): this table from `crates/core/src/codes.rs`, the [finding \
         codes](#finding-codes) and [trace's stop codes](#trace-stop-codes) below from theirs.\n\n\
         | code | meaning |\n| --- | --- |\n",
    );
    for c in Code::ALL {
        s.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.description()));
    }
    s.push_str(
        "\n## Finding codes\n\n\
         `findings[].code` of a source (and the SARIF rule of its result): the Security Hub \
         controls of notebook instances, and for a SageMaker Studio source the AWS Config managed \
         rule of its domain (no Security Hub control covers Studio domains' network access). \
         Severity: high. Network interfaces and EC2 instances (`--source`) carry none.\n\n\
         This part is generated from the renderers' finding rules (`crates/render/src/sarif.rs`) \
         and checked against every code `Finding::code` returns (`crates/core/src/report.rs`).\n\n\
         | code | what | meaning | under `isolated` | documentation |\n\
         | --- | --- | --- | --- | --- |\n",
    );
    for (code, f) in sarif::finding_rules() {
        s.push_str(&format!(
            "| `{code}` | {} | {} | {} | <{}> |\n",
            if f.security_hub_control().is_some() {
                "Security Hub control"
            } else {
                "AWS Config rule"
            },
            words::finding_detail(f),
            if sarif::finding_decides(Profile::Isolated, f) {
                "not compliant"
            } else {
                "reported only"
            },
            sarif::finding_rule_url(f)
        ));
    }
    s.push_str(
        "\n## Trace stop codes\n\n\
         This part is copied from the stop-code table of `docs/trace.md` and checked against every \
         code `LastStep::code` returns (`crates/core/src/analysis/trace.rs`).\n\n\
         `vpcreach trace` stops with the explanation codes above where the engine's walk stops \
         (`stop.block`), and with these at the last step to a network interface in the VPC (see \
         [trace.md](trace.md#stop-codes)):\n\n\
         | code | meaning |\n| --- | --- |\n",
    );
    for (code, meaning) in trace_stop_rows() {
        s.push_str(&format!("| `{code}` | {meaning} |\n"));
    }
    s
}

#[test]
fn every_finding_code_has_a_rule_and_documentation() {
    let ruled: BTreeSet<String> = sarif::finding_rules()
        .iter()
        .map(|(c, _)| c.to_string())
        .collect();
    let codes = finding_codes();
    assert!(codes.contains("SAGEMAKER_DOMAIN_IN_VPC"), "{codes:?}");
    assert_eq!(
        ruled, codes,
        "the finding rules (crates/render/src/sarif.rs) differ from what Finding::code returns"
    );
    // Each rule's finding carries its code.
    for (code, f) in sarif::finding_rules() {
        assert_eq!(f.code(), code);
    }
}

#[test]
fn trace_md_lists_every_last_step_code() {
    let listed: BTreeSet<String> = trace_stop_rows().into_iter().map(|(c, _)| c).collect();
    let codes = last_step_codes();
    assert!(codes.contains("NO_INTERFACE_AT_ADDRESS"), "{codes:?}");
    assert_eq!(
        listed, codes,
        "docs/trace.md's stop-code table differs from what LastStep::code returns"
    );
    // A last-step code that is not trace's own is an explanation code, documented above.
    for c in &codes {
        if c != "NO_INTERFACE_AT_ADDRESS" && c != "NAT_GATEWAY_OWN_ADDRESS" {
            assert!(
                Code::ALL.iter().any(|k| k.as_str() == c),
                "{c} is neither trace's own nor a Code"
            );
        }
    }
}

#[test]
fn docs_codes_md_matches_the_enum() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/codes.md");
    let want = render_doc();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        have, want,
        "docs/codes.md is out of date: run `UPDATE_DOCS=1 cargo test --test codes`"
    );
}

#[test]
fn code_strings_are_stable() {
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    insta::assert_snapshot!(all.join("\n"));
}

#[test]
fn codes_are_unique_and_upper_snake() {
    let mut seen = std::collections::BTreeSet::new();
    for c in Code::ALL {
        let s = c.as_str();
        assert!(seen.insert(s), "{s} twice");
        assert!(
            s.chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_'),
            "{s}"
        );
        assert!(!c.description().is_empty());
    }
}
