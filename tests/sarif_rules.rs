//! SARIF's rules are complete: every `ruleId` a result carries names a rule of
//! `tool.driver.rules` of its run (code-scanning dashboards drop or mislabel a result whose rule
//! is not declared), for every bundled sample — the Studio samples included — under both
//! profiles, as `vpcreach analyze --format sarif` writes it. The rule of a Studio domain that is
//! not `VpcOnly` (`SAGEMAKER_DOMAIN_IN_VPC`, an AWS Config rule) is declared with its
//! documentation, and a Studio source is located at its own ARN, never at a notebook instance's.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Every directory of `samples/`, in name order (a new sample is checked without editing this
/// test).
fn samples() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut out: Vec<String> = std::fs::read_dir(&root)
        .expect("samples/")
        .map(|e| e.expect("a samples/ entry").path())
        .filter(|p| p.is_dir())
        .map(|p| format!("samples/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    out.sort();
    out
}

/// `vpcreach analyze SAMPLE --format sarif --profile PROFILE`, parsed.
fn sarif(sample: &str, profile: &str) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", sample, "--format", "sarif", "--profile", profile])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpcreach");
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{sample} {profile}: {:?} {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{sample} {profile}: not JSON: {e}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("no string {key:?} in {v}"))
}

#[test]
fn every_result_names_a_declared_rule() {
    let all = samples();
    for want in ["samples/studio-vpc-only", "samples/studio-public-internet"] {
        assert!(all.iter().any(|s| s == want), "{want} is missing: {all:?}");
    }
    let mut rule_ids_used = BTreeSet::new();
    for sample in &all {
        for profile in ["isolated", "nat-egress"] {
            let log = sarif(sample, profile);
            assert_eq!(log["version"], "2.1.0");
            let runs = log["runs"].as_array().expect("runs");
            assert!(!runs.is_empty(), "{sample}: no run");
            for run in runs {
                let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
                let mut ids = BTreeSet::new();
                for r in rules {
                    let id = str_of(r, "id");
                    assert!(ids.insert(id), "{sample}: rule {id} declared twice");
                    assert!(
                        !str_of(&r["shortDescription"], "text").is_empty(),
                        "{sample}: rule {id} has no description"
                    );
                }
                let results = run["results"].as_array().expect("results");
                for res in results {
                    let id = str_of(res, "ruleId");
                    assert!(
                        ids.contains(id),
                        "{sample} ({profile}): result's ruleId {id} is not among the run's rules: {res}"
                    );
                    rule_ids_used.insert(id.to_string());
                }
            }
        }
    }
    // Not vacuous: the samples' results carry blocks' codes, Security Hub controls, the Studio
    // domain's Config rule and the profile's own rule.
    for want in [
        "SAGEMAKER_DOMAIN_IN_VPC",
        "SageMaker.1",
        "SageMaker.2",
        "PROFILE_NOT_MET",
        "NO_ROUTE_TO_DESTINATION",
    ] {
        assert!(
            rule_ids_used.contains(want),
            "no sample gives a {want} result: {rule_ids_used:?}"
        );
    }
}

#[test]
fn the_studio_domain_rule_is_documented_and_located_at_the_studio_arn() {
    let log = sarif("samples/studio-public-internet", "isolated");
    let run = &log["runs"][0];
    let rule = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "SAGEMAKER_DOMAIN_IN_VPC")
        .expect("a SAGEMAKER_DOMAIN_IN_VPC rule");
    assert_eq!(
        rule["helpUri"],
        "https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-domain-in-vpc.html"
    );
    assert_eq!(
        rule["properties"]["awsConfigRuleId"],
        "SAGEMAKER_DOMAIN_IN_VPC"
    );
    // Not a Security Hub control: no control ID is claimed for it.
    assert!(
        rule["properties"].get("securityHubControlId").is_none(),
        "{rule}"
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");

    let results = run["results"].as_array().unwrap();
    let domain = results
        .iter()
        .find(|r| r["ruleId"] == "SAGEMAKER_DOMAIN_IN_VPC")
        .expect("a SAGEMAKER_DOMAIN_IN_VPC result");
    assert_eq!(domain["level"], "error");
    assert!(
        str_of(&domain["message"], "text").contains("PublicInternetOnly"),
        "{domain}"
    );
    // Every result of the Studio user profile is located at the profile's ARN, as
    // DescribeUserProfile gives it, never at a made-up notebook instance.
    for r in results {
        let loc = &r["locations"][0];
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-9pw3kd2hq8ne/carol",
            "{r}"
        );
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "arn:aws:sagemaker:us-east-1:111122223333:user-profile/d-9pw3kd2hq8ne/carol"
        );
    }
    // A Studio space's ARN names its domain and space.
    let log = sarif("samples/studio-vpc-only", "isolated");
    let arns: BTreeSet<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        arns.contains("arn:aws:sagemaker:us-east-1:111122223333:space/d-4xq7mrzyb1ka/team-space"),
        "{arns:?}"
    );
    assert!(
        !arns.iter().any(|a| a.contains("notebook-instance")),
        "{arns:?}"
    );
}
