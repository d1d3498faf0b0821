//! A live scan whose calls failed records the failed keys under `Incomplete`; verdicts that depend
//! on that data must become `unknown`, never a confident `unreachable` (soundness first).
//! Fixture: the `isolated` sample plus `tests/fixtures/incomplete/incomplete.json`.

use std::process::Command;

#[test]
fn failed_collection_makes_dependent_verdicts_unknown() {
    let o = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "analyze",
            "samples/isolated",
            "tests/fixtures/incomplete/incomplete.json",
            "--format",
            "json",
            "--notebook",
            "nb-isolated",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let checks = &v["notebooks"][0]["checks"];
    // Interface endpoints may exist but could not be listed: every service is undecided…
    for svc in ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
        assert_eq!(checks[svc]["status"], "unknown", "{svc}: {}", checks[svc]);
        assert_eq!(checks[svc]["unknown_because"][0]["code"], "MISSING_DATA");
    }
    // …but the internet verdict does not depend on endpoints or interfaces here (no route out).
    assert_eq!(checks["internet"]["status"], "unreachable");
    let diags: Vec<&str> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "INCOMPLETE_DATA")
        .map(|d| d["resource"].as_str().unwrap())
        .collect();
    assert_eq!(diags, ["NetworkInterfaces", "VpcEndpoints"]);
}

#[test]
fn unknown_interface_means_a_public_ip_cannot_be_ruled_out() {
    // public-subnet's nb-public-no-ip is unreachable only because its ENI shows no public IP; with
    // the interfaces uncollected and the ENI entry removed, that is no longer known.
    let dir = std::env::temp_dir().join(format!("vpcreach-incomplete-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/public-subnet");
    for e in std::fs::read_dir(&root).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json")
            && p.file_name().unwrap() != "network-interfaces.json"
        {
            std::fs::copy(&p, dir.join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(
        dir.join("incomplete.json"),
        r#"{"Incomplete":[{"Key":"NetworkInterfaces","Reason":"AccessDenied"}]}"#,
    )
    .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args([
            "analyze",
            dir.to_str().unwrap(),
            "--format",
            "json",
            "--notebook",
            "nb-public-no-ip",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["notebooks"][0]["checks"]["internet"]["status"], "unknown");
    let _ = std::fs::remove_dir_all(&dir);
}
