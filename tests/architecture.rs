//! The crate graph is the architecture (ARCHITECTURE.md): this test reads `cargo metadata` and
//! fails when a crate gains a dependency its layer must not have — the engine (`vpcreach-core`)
//! never depends on the AWS SDK, the CLI parser, the AWS shapes or a renderer; only
//! `vpcreach-collect` compiles the SDK; renderers never see AWS shapes.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Every workspace crate and the names of its normal (non-dev) dependencies.
fn dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let out = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut m = BTreeMap::new();
    for p in v["packages"].as_array().unwrap() {
        let deps = p["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["kind"].is_null())
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        m.insert(p["name"].as_str().unwrap().to_string(), deps);
    }
    m
}

#[test]
fn each_crate_depends_only_on_what_its_layer_may() {
    let deps = dependencies();
    let of = |c: &str| deps.get(c).unwrap_or_else(|| panic!("no crate {c}"));
    let sdk = |d: &String| d.starts_with("aws-sdk") || d.starts_with("aws-config");
    // The engine: packet sets, model, analysis, report. Nothing else.
    let core: BTreeSet<&str> = of("vpcreach-core").iter().map(String::as_str).collect();
    let allowed: BTreeSet<&str> = ["ipnet", "petgraph", "rayon", "serde", "thiserror"].into();
    assert!(
        core.is_subset(&allowed),
        "vpcreach-core depends on {:?}",
        core.difference(&allowed).collect::<Vec<_>>()
    );
    for c in ["vpcreach-core", "vpcreach-aws", "vpcreach-render"] {
        let d = of(c);
        assert!(!d.iter().any(sdk), "{c} depends on the AWS SDK: {d:?}");
        assert!(!d.contains("clap"), "{c} depends on clap");
        assert!(
            !d.contains("vpcreach-collect"),
            "{c} depends on the collector"
        );
    }
    assert!(!of("vpcreach-render").contains("vpcreach-aws"));
    assert!(!of("vpcreach-aws").contains("vpcreach-render"));
    assert!(of("vpcreach-collect").iter().any(sdk));
}

/// README's library example is the doc-tested one of `vpcreach_core::assess`, line for line.
#[test]
fn readme_library_example_is_the_doc_tested_one() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(root.join("crates/core/src/assess.rs")).unwrap();
    let doc: Vec<&str> = src
        .lines()
        .filter_map(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let fenced = |lines: &[&str], open: &str| -> String {
        let i = lines.iter().position(|l| *l == open).expect(open);
        let j = i + 1 + lines[i + 1..].iter().position(|l| *l == "```").unwrap();
        lines[i + 1..j].join("\n")
    };
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let readme: Vec<&str> = readme.lines().collect();
    assert_eq!(
        fenced(&readme, "```rust"),
        fenced(&doc, "```"),
        "README.md's library example differs from crates/core/src/assess.rs's doc test"
    );
}
