//! Static evaluation against the deployed result: a CloudFormation template is deployed into moto
//! (its CloudFormation API creates the stack's EC2 resources; the notebooks, which moto's template
//! engine creates without their network properties, through the SageMaker API — every moto
//! deviation is listed and worked around in `tests/support_moto/deploy_stack.py`), scanned by the
//! real binary, and `vpcreach plan` on the same template must give the same verdicts: status,
//! private and via of every check, compliance, exit status.
//!
//! Skips loudly without moto, unless `VPCREACH_FULL_TESTS=1` (CI), when it fails.
#![cfg(feature = "aws")]

mod support_moto;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support_moto::{Moto, moto_server};

const TEMPLATE: &str = "tests/fixtures/plans/cloudformation/moto/two-notebooks.yaml";

/// Per notebook: its compliance and (check, status, private, via) in check order.
type Verdicts = BTreeMap<String, (Value, Vec<(String, Value, Value, Value)>)>;

fn verdicts(report: &Value) -> Verdicts {
    report["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let checks = n["checks"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, c)| {
                    (
                        k.clone(),
                        c["status"].clone(),
                        c["private"].clone(),
                        c["via"].clone(),
                    )
                })
                .collect();
            (
                n["name"].as_str().unwrap().to_string(),
                (n["compliant"].clone(), checks),
            )
        })
        .collect()
}

fn json(o: &std::process::Output, what: &str) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn a_template_deployed_into_moto_and_scanned_is_judged_as_plan_judges_it() {
    let Some(server) = moto_server("plan_moto::deployed_template") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = server.with_file_name("python");
    let moto = Moto::start(&server);
    let deployed = Command::new(&python)
        .arg(root.join("tests/support_moto/deploy_stack.py"))
        .args([
            moto.url.as_str(),
            root.join(TEMPLATE).to_str().unwrap(),
            "nb-stack",
        ])
        .output()
        .expect("run deploy_stack.py");
    assert!(
        deployed.status.success(),
        "deploy_stack.py: {}",
        String::from_utf8_lossy(&deployed.stderr)
    );
    let stack: Value = serde_json::from_slice(&deployed.stdout).unwrap();
    let vpc = stack["Vpc"]["Id"].as_str().unwrap();
    assert_eq!(stack["IsolatedNotebook"]["Id"], "nb-iso");

    let dir = std::env::temp_dir().join(format!("vpcreach-plan-moto-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let save = dir.join("snap");
    let scan = moto.scan(&[
        "--format",
        "json",
        "--save",
        save.to_str().unwrap(),
        "--vpc",
        vpc,
    ]);
    let scanned = json(&scan, "scan");

    // The plan knows no AWS-managed prefix list: the scan's is its only --base.
    let plan = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .current_dir(root)
        .args([
            "plan",
            TEMPLATE,
            "--region",
            "us-east-1",
            "--base",
            save.join("prefix-lists.json").to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let planned = json(&plan, "plan");

    let (s, p) = (verdicts(&scanned), verdicts(&planned));
    assert_eq!(
        s.keys().collect::<Vec<_>>(),
        ["nb-iso", "nb-nat"],
        "{scanned}"
    );
    assert_eq!(s, p, "the deployed stack and the plan disagree");
    assert_eq!(scan.status.code(), plan.status.code());
    // Not two equal wrong answers: what AWS semantics demand of this template.
    let check = |nb: &str, c: &str| -> (Value, Value, Value) {
        let (_, checks) = &s[nb];
        let (_, st, pr, via) = checks.iter().find(|x| x.0 == c).unwrap();
        (st.clone(), pr.clone(), via.clone())
    };
    assert_eq!(
        check("nb-iso", "internet"),
        ("unreachable".into(), false.into(), Value::Null)
    );
    assert_eq!(
        check("nb-iso", "sagemaker.api"),
        ("reachable".into(), true.into(), "interface-endpoint".into())
    );
    assert_eq!(
        check("nb-iso", "s3"),
        ("reachable".into(), true.into(), "gateway-endpoint".into())
    );
    // No logs endpoint and no NAT on the isolated subnet's routes.
    assert_eq!(check("nb-iso", "logs").0, "unreachable");
    assert_eq!(
        check("nb-nat", "internet"),
        ("reachable".into(), false.into(), "nat-gateway".into())
    );
    assert_eq!(
        check("nb-nat", "logs"),
        ("reachable".into(), false.into(), "nat-gateway".into())
    );
    // Every planned notebook is marked as such; the scanned ones are not.
    for n in planned["notebooks"].as_array().unwrap() {
        assert_eq!(n["planned"]["action"], "create", "{n}");
    }
    for n in scanned["notebooks"].as_array().unwrap() {
        assert!(n.get("planned").is_none(), "{n}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
