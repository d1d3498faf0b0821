//! Every sentence of evidence users read, pinned: for each input the suites use (bundled samples,
//! scenario, adversarial, failed-collection and Batfish snapshots), the JSON report's `blocked_by`
//! and `unknown_because` entries (`check: CODE component — detail`) and its diagnostics
//! (`severity CODE resource — message`), in one insta snapshot.
//!
//! Evidence is typed data worded only in `vpcreach-render` (`words.rs`); this snapshot is what
//! makes a change of wording — or of which causes are found — a reviewable diff rather than a
//! silent one. (The verdicts themselves are asserted by the expectation suites.)

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// The inputs, as `vpcreach analyze` arguments, in a fixed order.
fn inputs() -> Vec<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sorted = |dir: &str| -> Vec<std::path::PathBuf> {
        let mut v: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    let rel = |p: &Path| p.strip_prefix(root).unwrap().display().to_string();
    let mut out = Vec::new();
    for p in sorted("samples").into_iter().filter(|p| p.is_dir()) {
        out.push(vec![rel(&p)]);
    }
    for dir in ["tests/fixtures/scenarios", "tests/fixtures/incomplete"] {
        for p in sorted(dir)
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            out.push(vec![rel(&p)]);
        }
    }
    for p in sorted("tests/fixtures/adversarial") {
        if p.join("snapshot").is_dir() {
            out.push(vec![rel(&p.join("snapshot"))]);
        }
    }
    for p in sorted("tests/fixtures/batfish") {
        if p.join("aws_configs").is_dir() {
            let mut args = vec![rel(&p.join("aws_configs"))];
            if p.join("notebooks.json").is_file() {
                args.push(rel(&p.join("notebooks.json")));
            }
            out.push(args);
        }
    }
    out
}

/// The JSON documents of one run (one per region).
fn reports(stdout: &[u8]) -> Vec<Value> {
    serde_json::Deserializer::from_slice(stdout)
        .into_iter::<Value>()
        .map(|v| v.expect("the JSON output parses"))
        .collect()
}

fn describe(args: &[String], out: &mut String) {
    let o = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .arg("analyze")
        .args(args)
        .args(["--format", "json"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpcreach");
    let _ = writeln!(out, "## {}", args.join(" "));
    if o.status.code() == Some(2) {
        let _ = writeln!(
            out,
            "exit 2: {}",
            String::from_utf8_lossy(&o.stderr).trim_end()
        );
        return;
    }
    for r in reports(&o.stdout) {
        let _ = writeln!(out, "# region {}", r["region"].as_str().unwrap_or("?"));
        for nb in r["notebooks"].as_array().unwrap() {
            let name = nb["name"].as_str().unwrap();
            for (check, c) in nb["checks"].as_object().unwrap() {
                for field in ["blocked_by", "unknown_because"] {
                    for e in c[field].as_array().unwrap() {
                        let _ = writeln!(
                            out,
                            "{name} {check} {field}: {} {} — {}",
                            e["code"].as_str().unwrap(),
                            e["component"].as_str().unwrap_or("-"),
                            e["detail"].as_str().unwrap()
                        );
                    }
                }
            }
        }
        for d in r["diagnostics"].as_array().unwrap() {
            let _ = writeln!(
                out,
                "diagnostic {} {} {} — {}",
                d["severity"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["resource"].as_str().unwrap(),
                d["message"].as_str().unwrap()
            );
        }
    }
}

#[test]
fn every_evidence_sentence_of_every_fixture() {
    let inputs = inputs();
    assert!(
        inputs.len() > 150,
        "only {} inputs found: are the fixtures there?",
        inputs.len()
    );
    let mut out = String::new();
    for args in &inputs {
        describe(args, &mut out);
    }
    insta::assert_snapshot!("evidence", out);
}
