//! Proven remediation as a user meets it: `vpcreach fix SAMPLE --out DIR` writes a snapshot that
//! `analyze` reads, `vpcreach diff SAMPLE DIR` finds no regression in it (no verdict of any
//! notebook got worse), and the notebooks whose failing checks a change of the network can
//! repair are compliant in it. `analyze --fixes` lists each fix with its AWS CLI, Terraform and
//! CloudFormation spellings, and every one of them is a proof: applied alone, it repairs its check.

use std::process::{Command, Output};

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpcreach")
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&o.stderr)))
}

/// (sample, notebooks still not compliant after `fix`): every notebook of every sample can be
/// repaired by a proven change of the network (or by re-creating it where another notebook lives).
const SAMPLES: &[(&str, &[&str])] = &[
    ("isolated", &[]),
    ("nat-egress", &[]),
    ("public-subnet", &[]),
    ("direct-internet", &[]),
    ("endpoint-mistakes", &[]),
    ("acl-traps", &[]),
    ("large", &[]),
];

#[test]
fn fix_writes_a_snapshot_with_no_regression_where_repairable_notebooks_are_compliant() {
    let tmp = std::env::temp_dir().join(format!("vpcreach-fix-{}", std::process::id()));
    for (sample, left) in SAMPLES {
        let src = format!("samples/{sample}");
        let out = tmp.join(sample);
        let o = run(&["fix", &src, "--out", out.to_str().unwrap()]);
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{sample}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // Nothing got worse, for any notebook.
        let d = run(&["diff", &src, out.to_str().unwrap(), "--format", "json"]);
        assert_eq!(
            d.status.code(),
            Some(0),
            "{sample}: {}",
            String::from_utf8_lossy(&d.stdout)
        );
        assert_eq!(json(&d)["regressions"], 0);
        // The fixed snapshot is a snapshot: analyze reads it.
        let a = json(&run(&[
            "analyze",
            out.to_str().unwrap(),
            "--format",
            "json",
        ]));
        let mut not: Vec<&str> = a["notebooks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["compliant"] == false)
            .map(|n| n["name"].as_str().unwrap())
            .collect();
        not.sort();
        assert_eq!(&not, left, "{sample}: still not compliant after fix");
        assert_eq!(
            run(&["fix", &src, "--out", out.to_str().unwrap()])
                .status
                .code(),
            Some(if left.is_empty() { 0 } else { 1 }),
            "{sample}: fix's exit status is the fixed snapshot's"
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

#[test]
fn every_failing_check_that_can_be_repaired_lists_a_proven_fix_with_its_spellings() {
    let o = run(&[
        "analyze",
        "samples/endpoint-mistakes",
        "--fixes",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    for n in r["notebooks"].as_array().unwrap() {
        let fixes = n["fixes"].as_array().cloned().unwrap_or_default();
        for (check, c) in n["checks"].as_object().unwrap() {
            if n["reasons"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x.as_str().unwrap().starts_with(&format!("{check}:")))
            {
                let f = fixes
                    .iter()
                    .find(|f| f["check"] == *check)
                    .unwrap_or_else(|| panic!("{}: no fix for {check} ({c})", n["name"]));
                assert_eq!(f["proven"], true);
                assert!(f["rechecked"].as_u64().unwrap() >= 6);
                assert!(!f["changes"].as_array().unwrap().is_empty());
                assert!(f["aws_cli"][0].as_str().unwrap().starts_with("aws "));
                assert!(!f["terraform"].as_str().unwrap().is_empty());
                assert!(!f["cloudformation"].as_str().unwrap().is_empty());
                assert!(
                    f["affected_notebooks"]
                        .as_array()
                        .unwrap()
                        .contains(&n["name"])
                );
            }
        }
    }
    // The resource to change, by name, for the endpoint whose group admits nobody.
    let nb = r["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "nb-endpoint-sg-no-ingress")
        .unwrap();
    let change = &nb["fixes"][0]["changes"][0];
    assert!(
        change["resource"].as_str().unwrap().starts_with("sg-"),
        "{change}"
    );
    assert!(change["change"].as_str().unwrap().contains("ingress rule"));
    // The table names what to change, too.
    let t = String::from_utf8(run(&["analyze", "samples/endpoint-mistakes", "--fixes"]).stdout)
        .unwrap();
    assert!(t.contains("Proven fixes"), "{t}");
    assert!(
        t.contains("turn on private DNS of interface endpoint"),
        "{t}"
    );
}
