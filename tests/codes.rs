//! The explanation codes are a public contract: other tools match on them. This test keeps
//! `docs/codes.md` equal to what the `Code` enum says (run with `UPDATE_DOCS=1` to rewrite it after
//! a deliberate change) and snapshots the list of code strings so none is renamed by accident.

use vpcreach::codes::Code;

fn render_doc() -> String {
    let mut s = String::from(
        "# Explanation codes\n\n\
         Every entry of `blocked_by` (why packets are dropped) and `unknown_because` (why a verdict \
         could not be decided) carries one of these codes, a `component` (the AWS resource ID where \
         it happens) and a `detail` naming the rule, route or missing thing. Codes reuse AWS \
         Reachability Analyzer's explanation codes where one fits. Diagnostics about the input \
         (`diagnostics` in the JSON) carry codes of the same list; those marked *Diagnostic* \
         appear only there.\n\n\
         This file is generated from `crates/core/src/codes.rs` and checked by `tests/codes.rs` \
         (`UPDATE_DOCS=1 cargo test --test codes` rewrites it).\n\n\
         | code | meaning |\n| --- | --- |\n",
    );
    for c in Code::ALL {
        s.push_str(&format!("| `{}` | {} |\n", c.as_str(), c.description()));
    }
    s
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
