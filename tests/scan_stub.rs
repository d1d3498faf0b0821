//! `vpcreach scan` against a loopback stub of the EC2, SageMaker and STS APIs
//! (`tests/support_scan/`): no moto, no network but 127.0.0.1, so these run on every `cargo test`.
//!
//! - every bundled sample, served two items per page, scans to the byte-identical report
//!   `vpcreach analyze` gives on the sample itself (so no field is lost between the SDK and the
//!   snapshot, and every paginated call is read to its end);
//! - an operation answering AccessDenied becomes a diagnostic and an `Incomplete` entry, the scan
//!   goes on, and only verdicts are `unknown` that needed the data — checked for every operation;
//! - a prefix list whose entries cannot be read is kept with its entries unknown; a notebook that
//!   cannot be described is kept as its summary, its verdicts unknown;
//! - throttling is retried; several regions give one report each; several accounts through
//!   AssumeRole merge and label each notebook with its account;
//! - no credentials, or a scan in which every call failed → exit 2; the secret key never appears
//!   in any output or saved file.
#![cfg(feature = "aws")]

mod support_scan;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;

use serde_json::Value;
use support_scan::{Config, Fault, SECRET, Stub, vpcreach, vpcreach_env};

const SAMPLES: &[&str] = &[
    "isolated",
    "nat-egress",
    "public-subnet",
    "direct-internet",
    "endpoint-mistakes",
    "acl-traps",
    "studio-vpc-only",
    "studio-public-internet",
];

/// `scan` against the stub in us-east-1, JSON output unless `extra` names a format.
fn scan_args<'a>(stub: &'a Stub, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["scan", "--endpoint-url", &stub.url, "--region", "us-east-1"];
    if !extra.contains(&"--format") {
        a.extend(["--format", "json"]);
    }
    a.extend_from_slice(extra);
    a
}

fn analyze(path: &str) -> std::process::Output {
    vpcreach(&["analyze", path, "--format", "json"])
}

fn json(out: &[u8]) -> Value {
    serde_json::from_slice(out).unwrap_or_else(|e| {
        panic!(
            "not one JSON object ({e}):\n{}",
            String::from_utf8_lossy(out)
        )
    })
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vpcreach-scan-stub-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// notebook → check → status.
fn statuses(report: &Value) -> BTreeMap<(String, String), String> {
    let mut m = BTreeMap::new();
    for nb in report["notebooks"].as_array().unwrap() {
        for (check, v) in nb["checks"].as_object().unwrap() {
            m.insert(
                (nb["name"].as_str().unwrap().to_string(), check.clone()),
                v["status"].as_str().unwrap().to_string(),
            );
        }
    }
    m
}

#[test]
fn every_sample_scans_to_the_report_analyze_gives() {
    for sample in SAMPLES {
        let path = format!("samples/{sample}");
        let stub = Stub::start(Config::sample(&path));
        let scan = vpcreach(&scan_args(&stub, &[]));
        let want = analyze(&path);
        assert_eq!(
            String::from_utf8_lossy(&scan.stdout),
            String::from_utf8_lossy(&want.stdout),
            "{sample}: scan and analyze differ; stderr:\n{}",
            String::from_utf8_lossy(&scan.stderr)
        );
        assert_eq!(scan.status.code(), want.status.code(), "{sample}");
        assert!(
            scan.stderr.is_empty(),
            "{sample}: nothing on stderr when piped, got:\n{}",
            String::from_utf8_lossy(&scan.stderr)
        );
        // Two items per page: every list of three or more took several pages.
        let s = support_scan::load(&path);
        for (action, key) in [
            ("DescribeDhcpOptions", "DhcpOptions"),
            ("DescribeSubnets", "Subnets"),
            ("DescribeSecurityGroups", "SecurityGroups"),
            ("DescribeNetworkInterfaces", "NetworkInterfaces"),
        ] {
            let n = s[key].as_array().unwrap().len();
            assert_eq!(
                stub.calls(action),
                n.div_ceil(2).max(1),
                "{sample}: {action}"
            );
        }
        // One DescribeVpcAttribute per VPC and attribute, one DescribeNotebookInstance each.
        assert_eq!(
            stub.calls("DescribeVpcAttribute"),
            2 * s["Vpcs"].as_array().unwrap().len(),
            "{sample}"
        );
        assert_eq!(
            stub.calls("DescribeNotebookInstance"),
            s["NotebookInstances"].as_array().unwrap().len(),
            "{sample}"
        );
        // Studio: one DescribeDomain / DescribeUserProfile / DescribeSpace each.
        for (action, key) in [
            ("DescribeDomain", "Domains"),
            ("DescribeUserProfile", "UserProfiles"),
            ("DescribeSpace", "Spaces"),
        ] {
            let n = s.get(key).and_then(|v| v.as_array()).map_or(0, Vec::len);
            assert_eq!(stub.calls(action), n, "{sample}: {action}");
        }
    }
}

#[test]
fn prefix_list_entries_come_from_the_managed_list_calls_when_cidrs_are_missing() {
    let stub = Stub::start(Config {
        prefix_lists_without_cidrs: true,
        ..Config::sample("samples/isolated")
    });
    let scan = vpcreach(&scan_args(&stub, &[]));
    assert_eq!(scan.stdout, analyze("samples/isolated").stdout);
    // Two lists (S3 with 4 CIDRs, DynamoDB with 2), two entries per page: 2 + 1 calls.
    assert_eq!(stub.calls("GetManagedPrefixListEntries"), 3);
}

#[test]
fn save_then_analyze_gives_the_same_bytes() {
    let stub = Stub::start(
        Config::sample("samples/endpoint-mistakes").fault("DescribeNatGateways", Fault::Deny),
    );
    let dir = tmp("save");
    let file = dir.join("one.json");
    for target in [dir.join("snap"), file.clone()] {
        let t = target.to_str().unwrap();
        let scan = vpcreach(&scan_args(&stub, &["--save", t]));
        let again = vpcreach(&["analyze", t, "--format", "json"]);
        assert_eq!(
            String::from_utf8_lossy(&scan.stdout),
            String::from_utf8_lossy(&again.stdout),
            "{t}"
        );
        assert_eq!(scan.status.code(), again.status.code());
        let table = vpcreach(&scan_args(&stub, &["--format", "table"]));
        let table_again = vpcreach(&["analyze", t]);
        assert_eq!(table.stdout, table_again.stdout, "{t}");
    }
    let d = dir.join("snap");
    for f in [
        "vpcs.json",
        "vpc-attributes.json",
        "dhcp-options.json",
        "subnets.json",
        "route-tables.json",
        "internet-gateways.json",
        "egress-only-internet-gateways.json",
        "nat-gateways.json",
        "vpc-endpoints.json",
        "security-groups.json",
        "network-acls.json",
        "prefix-lists.json",
        "network-interfaces.json",
        "vpc-peering-connections.json",
        "transit-gateways.json",
        "notebook-instances.json",
        "region.json",
        "incomplete.json",
    ] {
        let v: Value = serde_json::from_slice(&std::fs::read(d.join(f)).unwrap()).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 1, "{f} holds one key");
    }
    let inc: Value =
        serde_json::from_slice(&std::fs::read(d.join("incomplete.json")).unwrap()).unwrap();
    assert_eq!(inc["Incomplete"][0]["Key"], "NatGateways");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn access_denied_becomes_a_diagnostic_and_unknown_verdicts_and_the_scan_goes_on() {
    let stub =
        Stub::start(Config::sample("samples/isolated").fault("DescribeVpcEndpoints", Fault::Deny));
    let o = vpcreach(&scan_args(&stub, &[]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("DescribeVpcEndpoints in us-east-1: UnauthorizedOperation"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one diagnostic: {err}");
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o.stdout);
    assert_eq!(
        v["notebooks"].as_array().unwrap().len(),
        2,
        "the scan went on"
    );
    for nb in v["notebooks"].as_array().unwrap() {
        let c = &nb["checks"];
        // The S3 route's gateway endpoint is now unknown too, so even `internet` may be.
        assert_ne!(c["internet"]["status"], "reachable", "{}", nb["name"]);
        for svc in ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
            assert_eq!(c[svc]["status"], "unknown", "{} {svc}", nb["name"]);
        }
    }
    let d = &v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "INCOMPLETE_DATA")
        .unwrap()["message"];
    assert!(
        d.as_str()
            .unwrap()
            .contains("DescribeVpcEndpoints in us-east-1"),
        "{d}"
    );
}

#[test]
fn a_failed_call_never_makes_a_verdict_more_confident() {
    // For every operation, on every sample: a scan where that operation is denied gives, for each
    // notebook and check, the full scan's status or `unknown` — never another answer.
    const ACTIONS: &[&str] = &[
        "DescribeVpcs",
        "DescribeVpcAttribute",
        "DescribeDhcpOptions",
        "DescribeSubnets",
        "DescribeRouteTables",
        "DescribeInternetGateways",
        "DescribeEgressOnlyInternetGateways",
        "DescribeNatGateways",
        "DescribeVpcEndpoints",
        "DescribeSecurityGroups",
        "DescribeNetworkAcls",
        "DescribePrefixLists",
        "DescribeManagedPrefixLists",
        "GetManagedPrefixListEntries",
        "DescribeNetworkInterfaces",
        "DescribeVpcPeeringConnections",
        "DescribeTransitGateways",
        "ListNotebookInstances",
        "DescribeNotebookInstance",
    ];
    // Operations whose denial the engine does not yet turn into `unknown` everywhere (reported
    // loudly here, not failed). None now: a missing VPC became a dangling reference.
    const KNOWN_ENGINE_GAPS: &[&str] = &[];
    let mut problems = Vec::new();
    let mut known = Vec::new();
    for sample in SAMPLES {
        let path = format!("samples/{sample}");
        // Prefix-list entries only through GetManagedPrefixListEntries, so that call is made.
        let base = Config {
            prefix_lists_without_cidrs: true,
            ..Config::sample(&path)
        };
        let full_report = json(&analyze(&path).stdout);
        let full = statuses(&full_report);
        let in_vpc: Vec<String> = full_report["notebooks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["vpc_id"].is_string())
            .map(|n| n["name"].as_str().unwrap().to_string())
            .collect();
        for action in ACTIONS {
            if *action == "DescribeNotebookInstance" && sample.starts_with("studio") {
                // The Studio samples hold no notebook instance: the call is never made.
                continue;
            }
            let stub = Stub::start(base.clone().fault(action, Fault::Deny));
            let o = vpcreach(&scan_args(&stub, &[]));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains(action) && err.contains("us-east-1"),
                "{sample}/{action}: {err}"
            );
            if *action == "ListNotebookInstances" && sample.starts_with("studio") {
                // Studio sources are still judged; the notebooks that could not be listed fail
                // the run as unknown verdicts would (never a pass).
                assert_eq!(o.status.code(), Some(1), "{sample}/{action}: {err}");
                assert!(
                    err.contains("NotebookInstances is incomplete"),
                    "{sample}/{action}: {err}"
                );
                continue;
            }
            if *action == "ListNotebookInstances" {
                // No notebook could be listed: nothing to judge, an input error naming the call.
                assert_eq!(o.status.code(), Some(2), "{sample}/{action}: {err}");
                assert!(o.stdout.is_empty(), "{sample}/{action}");
                assert!(
                    err.contains("no notebook instance could be read"),
                    "{sample}/{action}: {err}"
                );
                continue;
            }
            let v = json(&o.stdout);
            let got = statuses(&v);
            match *action {
                // Every notebook kept as its ListNotebookInstances summary: all unknown.
                "DescribeNotebookInstance" => {
                    assert_eq!(got.len(), full.len(), "{sample}/{action}: {got:?}");
                    assert!(
                        got.values().all(|s| s == "unknown"),
                        "{sample}/{action}: {got:?}"
                    );
                    assert_eq!(o.status.code(), Some(1), "{sample}/{action}");
                }
                // Every VPC's resolver unknown: no service is known to be reachable from a
                // notebook in a VPC (one outside any VPC resolves through the service network).
                "DescribeDhcpOptions" => {
                    for ((nb, check), want) in &full {
                        if check != "internet" && want == "reachable" && in_vpc.contains(nb) {
                            assert_eq!(
                                got[&(nb.clone(), check.clone())],
                                "unknown",
                                "{sample}/{action}: {nb} {check}"
                            );
                        }
                    }
                }
                _ => {}
            }
            for (k, want) in &full {
                match got.get(k) {
                    Some(s) if s == want || s == "unknown" => {}
                    other => {
                        let p = format!(
                            "{sample}: with {action} denied, {} {} is {other:?}, was {want}",
                            k.0, k.1
                        );
                        if KNOWN_ENGINE_GAPS.contains(action) {
                            known.push(p);
                        } else {
                            problems.push(p);
                        }
                    }
                }
            }
            if *action != "DescribePrefixLists" {
                assert!(
                    v["diagnostics"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|d| d["code"] == "INCOMPLETE_DATA"),
                    "{sample}/{action}"
                );
            }
        }
    }
    if !known.is_empty() {
        // Straight to the process's stderr: libtest captures `eprintln!` of passing tests.
        let _ = writeln!(
            std::io::stderr(),
            "KNOWN ENGINE GAP (not a collector bug; see the comment above):\n{}",
            known.join("\n")
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn throttling_is_retried() {
    let stub = Stub::start(
        Config::sample("samples/nat-egress")
            .fault("DescribeRouteTables", Fault::ThrottleOnce)
            .fault("ListNotebookInstances", Fault::ThrottleOnce),
    );
    let o = vpcreach(&scan_args(&stub, &[]));
    assert_eq!(o.stdout, analyze("samples/nat-egress").stdout);
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(stub.calls("ListNotebookInstances"), 2);
}

#[test]
fn throttled_past_the_retries_is_incomplete_not_fatal() {
    let stub = Stub::start(
        Config::sample("samples/public-subnet")
            .fault("DescribeNetworkInterfaces", Fault::ThrottleAlways),
    );
    let o = vpcreach(&scan_args(&stub, &[]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("DescribeNetworkInterfaces in us-east-1: RequestLimitExceeded"),
        "{err}"
    );
    assert_eq!(
        stub.calls("DescribeNetworkInterfaces"),
        3,
        "AWS_MAX_ATTEMPTS=3"
    );
    let v = json(&o.stdout);
    // Without the interfaces a public IP cannot be ruled out: the IGW route is undecided.
    let nb = v["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "nb-public-no-ip")
        .unwrap();
    assert_eq!(nb["checks"]["internet"]["status"], "unknown");
}

#[test]
fn vpc_filter_is_asked_of_the_api_and_keeps_only_that_vpcs_notebooks() {
    let stub = Stub::start(Config::sample("samples/endpoint-mistakes"));
    let all = json(&analyze("samples/endpoint-mistakes").stdout);
    let vpc = all["notebooks"][0]["vpc_id"].as_str().unwrap().to_string();
    let dir = tmp("vpc-filter");
    let save = dir.join("snap");
    let o = vpcreach(&scan_args(
        &stub,
        &["--vpc", &vpc, "--save", save.to_str().unwrap()],
    ));
    let v = json(&o.stdout);
    let nbs = v["notebooks"].as_array().unwrap();
    assert!(!nbs.is_empty());
    assert!(nbs.iter().all(|n| n["vpc_id"] == vpc.as_str()));
    let want: Vec<&Value> = all["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["vpc_id"] == vpc.as_str())
        .collect();
    assert_eq!(nbs.len(), want.len());
    for (a, b) in nbs.iter().zip(want) {
        assert_eq!(a["checks"], b["checks"], "{}", a["name"]);
    }
    let seen = stub.seen.lock().unwrap();
    for action in [
        "DescribeVpcs",
        "DescribeSubnets",
        "DescribeRouteTables",
        "DescribeNatGateways",
        "DescribeVpcEndpoints",
        "DescribeSecurityGroups",
        "DescribeNetworkAcls",
        "DescribeNetworkInterfaces",
    ] {
        assert!(
            seen.filters[action].contains("vpc-id"),
            "{action}: {:?}",
            seen.filters[action]
        );
    }
    assert!(seen.filters["DescribeInternetGateways"].contains("attachment.vpc-id"));
    // Only the option set the chosen VPC uses, asked of the API by ID.
    assert!(seen.filters["DescribeDhcpOptions"].contains("dhcp-options-id"));
    let vpcs = support_scan::load("samples/endpoint-mistakes");
    let dopt = vpcs["Vpcs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["VpcId"] == vpc.as_str())
        .unwrap()["DhcpOptionsId"]
        .clone();
    let saved: Value =
        serde_json::from_slice(&std::fs::read(save.join("dhcp-options.json")).unwrap()).unwrap();
    let ids: Vec<&Value> = saved["DhcpOptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["DhcpOptionsId"])
        .collect();
    assert_eq!(ids, vec![&dopt]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn several_regions_give_one_report_each_and_the_worst_exit_status() {
    // eu-west-1 holds sample (a) moved there, us-east-1 sample (b), ap-south-1 nothing.
    let isolated_eu = serde_json::to_string(&support_scan::load("samples/isolated"))
        .unwrap()
        .replace("us-east-1", "eu-west-1");
    let mut cfg = Config::sample("samples/nat-egress");
    cfg.other_regions.insert(
        "eu-west-1".into(),
        serde_json::from_str(&isolated_eu).unwrap(),
    );
    let stub = Stub::start(cfg);
    let dir = tmp("regions");
    std::fs::create_dir_all(&dir).unwrap();
    let eu_file = dir.join("isolated-eu-west-1.json");
    std::fs::write(&eu_file, &isolated_eu).unwrap();
    let save = dir.join("snap");
    let o = vpcreach(&[
        "scan",
        "--endpoint-url",
        &stub.url,
        "--region",
        "ap-south-1",
        "--region",
        "eu-west-1,us-east-1",
        "--format",
        "json",
        "--save",
        save.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    let reports: Vec<Value> = serde_json::Deserializer::from_slice(&o.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(reports.len(), 2, "no report for a region without notebooks");
    assert!(
        err.contains("ap-south-1 holds no notebook instance"),
        "{err}"
    );
    assert_eq!(reports[0]["region"], "eu-west-1");
    assert_eq!(reports[0], json(&analyze(eu_file.to_str().unwrap()).stdout));
    assert_eq!(reports[1]["region"], "us-east-1");
    assert_eq!(reports[1], json(&analyze("samples/nat-egress").stdout));
    assert_eq!(
        o.status.code(),
        Some(1),
        "nat-egress fails the isolated profile, (a) passes: the worst"
    );
    for r in ["eu-west-1", "us-east-1"] {
        let again = vpcreach(&[
            "analyze",
            save.join(r).to_str().unwrap(),
            "--format",
            "json",
        ]);
        assert_eq!(json(&again.stdout)["region"], r);
    }
    // The empty region is saved too: analysing it alone finds nothing to judge.
    let again = vpcreach(&["analyze", save.join("ap-south-1").to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    // --notebook picks the region that has it.
    let o = vpcreach(&[
        "scan",
        "--endpoint-url",
        &stub.url,
        "--region",
        "eu-west-1,us-east-1",
        "--format",
        "json",
        "--notebook",
        "nb-nat-egress",
        "--profile",
        "nat-egress",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(json(&o.stdout)["notebooks"][0]["name"], "nb-nat-egress");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn several_accounts_through_assume_role_merge_and_carry_their_account() {
    let mut cfg = Config::sample("samples/isolated");
    let other = serde_json::to_string(&support_scan::load("samples/nat-egress"))
        .unwrap()
        .replace("111122223333", "444455556666");
    cfg.accounts
        .push(("444455556666".into(), serde_json::from_str(&other).unwrap()));
    let stub = Stub::start(cfg);
    let o = vpcreach(&scan_args(
        &stub,
        &[
            "--assume-role",
            "arn:aws:iam::111122223333:role/VpcreachScan",
            "--assume-role",
            "arn:aws:iam::444455556666:role/VpcreachScan",
        ],
    ));
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json(&o.stdout);
    let accounts: BTreeMap<&str, &str> = v["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["name"].as_str().unwrap(),
                n["account_id"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        accounts,
        BTreeMap::from([
            ("nb-isolated", "111122223333"),
            ("nb-isolated-hardened", "111122223333"),
            ("nb-nat-egress", "444455556666"),
        ])
    );
    let seen = stub.seen.lock().unwrap();
    assert_eq!(
        seen.calls["AssumeRole"], 4,
        "one check and one use per role"
    );
    drop(seen);

    // A role that cannot be assumed: that account's data is all missing, the other is scanned.
    let o = vpcreach(&scan_args(
        &stub,
        &[
            "--assume-role",
            "arn:aws:iam::111122223333:role/VpcreachScan",
            "--assume-role",
            "arn:aws:iam::999999999999:role/VpcreachScan",
        ],
    ));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("AssumeRole arn:aws:iam::999999999999:role/VpcreachScan"),
        "{err}"
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "notebooks of that account could not be read"
    );
    let v = json(&o.stdout);
    assert_eq!(v["notebooks"].as_array().unwrap().len(), 2);
}

#[test]
fn no_credentials_exit_2_with_advice() {
    let o = vpcreach_env(
        &[
            "scan",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--region",
            "us-east-1",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("no AWS credentials"), "{err}");
    assert!(err.contains("vpcreach analyze"), "{err}");
    assert!(err.lines().count() <= 3, "short: {err}");
}

#[test]
fn bad_arguments_exit_2() {
    for (args, want) in [
        (
            vec!["--assume-role", "arn:aws:iam::1:user/x"],
            "not an IAM role ARN",
        ),
        (vec!["--region", "US East"], "not a region name"),
    ] {
        let mut a = vec!["scan", "--endpoint-url", "http://127.0.0.1:9"];
        a.extend(args);
        let o = vpcreach(&a);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains(want));
    }
}

#[test]
fn credentials_never_appear_in_any_output() {
    let stub = Stub::start(
        Config::sample("samples/isolated")
            .fault("DescribeSubnets", Fault::Deny)
            .fault("DescribeNotebookInstance", Fault::ThrottleAlways),
    );
    let dir = tmp("secret");
    let save = dir.join("snap");
    let mut outputs = Vec::new();
    for format in ["json", "table"] {
        let o = vpcreach(&scan_args(
            &stub,
            &[
                "--format",
                format,
                "--save",
                save.to_str().unwrap(),
                "--assume-role",
                "arn:aws:iam::111122223333:role/VpcreachScan",
            ],
        ));
        outputs.push(o.stdout);
        outputs.push(o.stderr);
    }
    for e in std::fs::read_dir(&save).unwrap() {
        outputs.push(std::fs::read(e.unwrap().path()).unwrap());
    }
    for o in outputs {
        let text = String::from_utf8_lossy(&o);
        assert!(!text.contains(SECRET), "secret leaked:\n{text}");
        assert!(
            !text.contains("stub-session-token"),
            "token leaked:\n{text}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_prefix_list_whose_entries_cannot_be_read_is_kept_with_its_entries_unknown() {
    // The S3 list's entries are denied (and DescribePrefixLists prints no Cidrs, as moto does):
    // the list stays, without Cidrs, so the S3 gateway-endpoint route is undecided — never
    // empty, which would make S3 unreachable, and never missing, which would be a dangling
    // reference.
    let stub = Stub::start(
        Config {
            prefix_lists_without_cidrs: true,
            ..Config::sample("samples/isolated")
        }
        .deny_resource("pl-63a5400a"),
    );
    let dir = tmp("unreadable-pl");
    let save = dir.join("snap");
    let o = vpcreach(&scan_args(&stub, &["--save", save.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "GetManagedPrefixListEntries in us-east-1 failed for 1 resource (pl-63a5400a)"
        ),
        "{err}"
    );
    let saved: Value =
        serde_json::from_slice(&std::fs::read(save.join("prefix-lists.json")).unwrap()).unwrap();
    let lists = saved["PrefixLists"].as_array().unwrap();
    assert_eq!(lists.len(), 2, "{saved}");
    let s3 = lists
        .iter()
        .find(|p| p["PrefixListId"] == "pl-63a5400a")
        .unwrap();
    assert!(
        s3.get("Cidrs").is_none(),
        "entries unknown, not empty: {s3}"
    );
    assert_eq!(s3["PrefixListName"], "com.amazonaws.us-east-1.s3");
    assert_eq!(s3["AddressFamily"], "IPv4");
    assert_eq!(s3["OwnerId"], "AWS");
    let ddb = lists
        .iter()
        .find(|p| p["PrefixListId"] == "pl-02cd2c6b")
        .unwrap();
    assert_eq!(ddb["Cidrs"].as_array().unwrap().len(), 2);
    let inc: Value =
        serde_json::from_slice(&std::fs::read(save.join("incomplete.json")).unwrap()).unwrap();
    assert_eq!(inc["Incomplete"][0]["Key"], "PrefixLists");

    let v = json(&o.stdout);
    let full = statuses(&json(&analyze("samples/isolated").stdout));
    for ((nb, check), status) in statuses(&v) {
        if check == "s3" {
            assert_eq!(status, "unknown", "{nb} s3");
        } else {
            assert!(
                status == full[&(nb.clone(), check.clone())] || status == "unknown",
                "{nb} {check}: {status}"
            );
        }
    }
    // The saved scan gives the same report.
    let again = vpcreach(&["analyze", save.to_str().unwrap(), "--format", "json"]);
    assert_eq!(again.stdout, o.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_notebook_that_cannot_be_described_is_kept_as_its_summary_with_unknown_verdicts() {
    let stub = Stub::start(Config::sample("samples/isolated").deny_resource("nb-isolated"));
    let dir = tmp("undescribed-notebook");
    let save = dir.join("snap");
    let o = vpcreach(&scan_args(&stub, &["--save", save.to_str().unwrap()]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("DescribeNotebookInstance in us-east-1 failed for 1 resource (nb-isolated)"),
        "{err}"
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "an unknown notebook is not compliant"
    );
    let v = json(&o.stdout);
    let got = statuses(&v);
    let full = statuses(&json(&analyze("samples/isolated").stdout));
    assert_eq!(got.len(), full.len(), "both notebooks reported: {got:?}");
    for (k, want) in &full {
        if k.0 == "nb-isolated" {
            assert_eq!(got[k], "unknown", "{k:?}");
        } else {
            assert_eq!(&got[k], want, "{k:?}");
        }
    }
    let nb = v["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "nb-isolated")
        .unwrap();
    assert_eq!(nb["account_id"], "111122223333", "from the summary's ARN");
    assert!(
        v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "NOTEBOOK_PLACEMENT_UNKNOWN"),
        "{}",
        v["diagnostics"]
    );
    // Saved as ListNotebookInstances prints it: name, ARN, status, type, no placement.
    let saved: Value =
        serde_json::from_slice(&std::fs::read(save.join("notebook-instances.json")).unwrap())
            .unwrap();
    let summary = saved["NotebookInstances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["NotebookInstanceName"] == "nb-isolated")
        .unwrap();
    assert!(summary.get("SubnetId").is_none(), "{summary}");
    assert!(summary["NotebookInstanceArn"].is_string(), "{summary}");
    assert!(summary["NotebookInstanceStatus"].is_string(), "{summary}");
    assert!(summary["InstanceType"].is_string(), "{summary}");
    let again = vpcreach(&["analyze", save.to_str().unwrap(), "--format", "json"]);
    assert_eq!(again.stdout, o.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every operation the collector makes once per region.
const REGION_ACTIONS: &[&str] = &[
    "DescribeVpcs",
    "DescribeDhcpOptions",
    "DescribeSubnets",
    "DescribeRouteTables",
    "DescribeInternetGateways",
    "DescribeEgressOnlyInternetGateways",
    "DescribeNatGateways",
    "DescribeVpcEndpoints",
    "DescribeSecurityGroups",
    "DescribeNetworkAcls",
    "DescribePrefixLists",
    "DescribeManagedPrefixLists",
    "DescribeNetworkInterfaces",
    "DescribeVpcPeeringConnections",
    "DescribeTransitGateways",
    "ListNotebookInstances",
    "ListDomains",
];

#[test]
fn a_scan_in_which_every_call_failed_is_exit_2_naming_the_calls_and_the_first_error() {
    // Every call denied, in two regions.
    let mut cfg = Config::sample("samples/isolated");
    for a in REGION_ACTIONS {
        cfg = cfg.fault(a, Fault::Deny);
    }
    let stub = Stub::start(cfg);
    let o = vpcreach(&scan_args(&stub, &["--region", "eu-west-1"]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty(), "no report");
    assert!(
        err.contains("every API call of the scan failed, so nothing was collected"),
        "{err}"
    );
    for a in REGION_ACTIONS {
        assert!(err.contains(a), "{a}: {err}");
    }
    assert!(err.contains("in us-east-1, eu-west-1"), "{err}");
    assert!(
        err.contains("The first error: DescribeVpcs in us-east-1: UnauthorizedOperation"),
        "{err}"
    );
    assert!(err.contains("docs/iam-policy.json"), "{err}");
    assert_eq!(
        err.lines().count(),
        1,
        "one error, no list of warnings: {err}"
    );

    // Nothing listening: connection refused, every call. Port 1 (tcpmux) is privileged and
    // outside the ephemeral range every other test's server binds in: a port bound and released
    // here could be taken by a parallel test's stub before the scan connects (it was, once).
    assert!(
        std::net::TcpStream::connect("127.0.0.1:1").is_err(),
        "something listens on 127.0.0.1:1; this test needs a port nothing listens on"
    );
    let url = "http://127.0.0.1:1".to_string();
    let o = vpcreach(&["scan", "--endpoint-url", &url, "--region", "us-east-1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty());
    assert!(
        err.contains("every API call of the scan failed")
            && err.contains("DescribeVpcs in us-east-1"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("connect"), "{err}");

    // One call that succeeds is enough for a report (its verdicts unknown where data is missing).
    let mut cfg = Config::sample("samples/isolated");
    for a in REGION_ACTIONS
        .iter()
        .filter(|a| **a != "ListNotebookInstances")
    {
        cfg = cfg.fault(a, Fault::Deny);
    }
    let stub = Stub::start(cfg);
    let o = vpcreach(&scan_args(&stub, &[]));
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let got = statuses(&json(&o.stdout));
    assert!(!got.is_empty());
    assert!(got.values().all(|s| s == "unknown"), "{got:?}");
}

#[test]
fn every_role_unassumable_is_exit_2() {
    let stub = Stub::start(Config::sample("samples/isolated"));
    let o = vpcreach(&scan_args(
        &stub,
        &[
            "--assume-role",
            "arn:aws:iam::999999999999:role/VpcreachScan",
        ],
    ));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(o.stdout.is_empty());
    assert!(
        err.contains("every API call of the scan failed") && err.contains("AssumeRole"),
        "{err}"
    );
}
