//! A live scan whose calls failed records the failed keys under `Incomplete`; verdicts that depend
//! on that data must become `unknown`, never a confident `unreachable` (soundness first).
//! Fixture: the `isolated` sample plus `tests/fixtures/incomplete/incomplete.json`. The reports are
//! produced in-process and read as typed data (tests/common/report.rs).

mod common;
use common::report::{self, Report, Status};

/// The one report of a run, with its exit status.
fn one_report(paths: &[&str], args: &[&str]) -> (Report, i32) {
    let a = report::analyze(paths, args)
        .unwrap_or_else(|e| panic!("`{}`: exit 2: {e}", report::cmdline(paths, args)));
    let mut reports = a.reports;
    assert_eq!(reports.len(), 1, "one region, one report");
    (reports.pop().unwrap(), a.exit)
}

#[test]
fn failed_collection_makes_dependent_verdicts_unknown() {
    let (r, exit) = one_report(
        &[
            "samples/isolated",
            "tests/fixtures/incomplete/incomplete.json",
        ],
        &["--notebook", "nb-isolated"],
    );
    assert_eq!(exit, 1);
    let checks = &r.notebooks[0].checks;
    // Interface endpoints may exist but could not be listed: every service is undecided…
    for svc in ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
        let c = checks.get(svc).unwrap_or_else(|| panic!("no {svc} check"));
        assert_eq!(c.status, Status::Unknown, "{svc}: {c:?}");
        assert_eq!(c.unknown_because[0].code, "MISSING_DATA", "{svc}: {c:?}");
    }
    // …but the internet verdict does not depend on endpoints or interfaces here (no route out).
    assert_eq!(checks.get("internet").unwrap().status, Status::Unreachable);
    let diags: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "INCOMPLETE_DATA")
        .map(|d| d.resource.as_str())
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
    let (r, _) = one_report(&[dir.to_str().unwrap()], &["--notebook", "nb-public-no-ip"]);
    assert_eq!(
        r.notebooks[0].checks.get("internet").unwrap().status,
        Status::Unknown
    );
    let _ = std::fs::remove_dir_all(&dir);
}
