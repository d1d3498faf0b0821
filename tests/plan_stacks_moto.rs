//! Several stacks against their deployment: a network stack that exports its subnets and the
//! notebooks' security group, and a notebook stack that imports them, are deployed into moto in
//! turn (moto's CloudFormation resolves `Fn::ImportValue` against the first stack's exports; the
//! notebooks are created through the SageMaker API with the imported IDs — see
//! `tests/support_moto/deploy_stack.py` for every moto deviation), scanned by the real binary,
//! and `vpcreach plan` of both templates (the network stack named as deployed, with
//! `--stack-name`) must give the same verdicts: status, private and via of every check,
//! compliance, exit status. The notebook template alone is `unknown`.
//!
//! Skips loudly without moto, unless `VPCREACH_FULL_TESTS=1` (CI), when it fails.
#![cfg(feature = "aws")]

mod support_moto;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use support_moto::{Moto, moto_server};

const NETWORK: &str = "tests/fixtures/plans/cloudformation/moto/stacks-network.yaml";
const NOTEBOOKS: &str = "tests/fixtures/plans/cloudformation/moto/stacks-notebooks.yaml";

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
fn two_stacks_deployed_into_moto_and_scanned_are_judged_as_plan_judges_them() {
    let Some(server) = moto_server("plan_stacks_moto::two_stacks") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = server.with_file_name("python");
    let moto = Moto::start(&server);
    let deployed = Command::new(&python)
        .arg(root.join("tests/support_moto/deploy_stack.py"))
        .args([
            moto.url.as_str(),
            root.join(NETWORK).to_str().unwrap(),
            "moto-net",
            root.join(NOTEBOOKS).to_str().unwrap(),
            "moto-nb",
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
    assert_eq!(stack["NatNotebook"]["Id"], "nb-nat");
    // moto's CloudFormation resolved the import: the notebook stack's group is in the VPC.
    assert!(stack["AuditSecurityGroup"]["Id"].is_string(), "{stack}");

    let dir =
        std::env::temp_dir().join(format!("vpcreach-plan-stacks-moto-{}", std::process::id()));
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
    let prefix_lists = save.join("prefix-lists.json");
    let plan = |files: &[&str]| {
        let name = format!("{NETWORK}=moto-net");
        let mut args = vec!["plan"];
        args.extend_from_slice(files);
        if files.contains(&NETWORK) {
            args.extend_from_slice(&["--stack-name", &name]);
        }
        args.extend_from_slice(&[
            "--region",
            "us-east-1",
            "--base",
            prefix_lists.to_str().unwrap(),
            "--format",
            "json",
        ]);
        Command::new(env!("CARGO_BIN_EXE_vpcreach"))
            .current_dir(root)
            .args(&args)
            .output()
            .unwrap()
    };
    let planned_out = plan(&[NOTEBOOKS, NETWORK]);
    let planned = json(&planned_out, "plan");

    let (s, p) = (verdicts(&scanned), verdicts(&planned));
    assert_eq!(
        s.keys().collect::<Vec<_>>(),
        ["nb-iso", "nb-nat"],
        "{scanned}"
    );
    assert_eq!(s, p, "the deployed stacks and the plan disagree");
    assert_eq!(scan.status.code(), planned_out.status.code());
    // Not two equal wrong answers: what AWS semantics demand of these stacks — the isolated
    // subnet has no route out and reaches the SageMaker API privately; the NAT subnet's default
    // route leads through the NAT gateway to an attached internet gateway.
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
    assert_eq!(
        check("nb-nat", "internet"),
        ("reachable".into(), false.into(), "nat-gateway".into())
    );

    // The notebook stack alone: its placement is the other stack's exports, so unknown.
    let alone = plan(&[NOTEBOOKS]);
    let alone_r = json(&alone, "plan of the notebook stack alone");
    for (nb, (compliant, checks)) in verdicts(&alone_r) {
        assert_eq!(compliant, false, "{nb}");
        for (c, st, _, _) in checks {
            assert_eq!(st, "unknown", "{nb} {c}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
