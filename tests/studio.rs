//! SageMaker Studio domains, user profiles and spaces, and any workload (`--source eni-…|i-…`), as
//! sources judged like notebooks: the JSON report parsed back and checked per source.
//!
//! - `samples/studio-vpc-only`: a `VpcOnly` domain (two subnets) with two user profiles and a
//!   shared space in a VPC with endpoints for every service Studio's VPC-only mode documents but
//!   `sagemaker.runtime`: every source fails that one check with a clear block, passes the others.
//! - `samples/studio-public-internet`: a `PublicInternetOnly` domain: internet reachable through
//!   the SageMaker service network whatever its VPC holds, nothing private, the AWS Config
//!   `sagemaker-domain-in-vpc` finding.
//! - `tests/fixtures/studio/adversarial`: a VPC behind a NAT gateway in which the domain's default
//!   security group allows HTTPS inside the VPC only: the profile without groups of its own fails,
//!   the one that adds an open group passes (`nat-egress`); a domain whose subnet is in another VPC
//!   and a `list-domains` summary are `unknown`, with diagnostics.
//! - Batfish's snapshots: their `describe-instances` instances as `--source`.

use std::process::Output;

use serde_json::Value;

fn run(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("analyze")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run vpcreach")
}

/// The JSON report of `analyze ARGS --format json`, and the exit status.
fn json(args: &[&str]) -> (Value, i32) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = run(&all);
    let code = out.status.code().unwrap_or(-1);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "`vpcreach analyze {}`: not JSON ({e}); exit {code}; stderr: {}",
            all.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (v, code)
}

fn sources(report: &Value) -> &Vec<Value> {
    report["notebooks"].as_array().expect("notebooks is a list")
}

fn source<'a>(report: &'a Value, name: &str) -> &'a Value {
    sources(report)
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| {
            panic!(
                "no source {name}; the report has {:?}",
                sources(report)
                    .iter()
                    .map(|n| n["name"].as_str().unwrap_or_default())
                    .collect::<Vec<_>>()
            )
        })
}

fn status<'a>(n: &'a Value, check: &str) -> &'a str {
    n["checks"][check]["status"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no check {check}: {}", n["name"], n["checks"]))
}

const STUDIO: &str = "aws.sagemaker.us-east-1.studio";

#[test]
fn vpc_only_domain_missing_one_endpoint() {
    let (r, code) = json(&["samples/studio-vpc-only"]);
    assert_eq!(code, 1, "one endpoint missing: not compliant");
    let d = "d-4xq7mrzyb1ka";
    let subnets = ["subnet-00dc4578058d31b14", "subnet-0ca678254bbfc795f"];
    let members = [
        ("user/alice", "studio-user-profile"),
        ("user/bob", "studio-user-profile"),
        ("space/team-space", "studio-space"),
    ];
    assert_eq!(sources(&r).len(), members.len() * subnets.len());
    for (m, kind) in members {
        for s in subnets {
            let n = source(&r, &format!("{d}/{m}@{s}"));
            assert_eq!(n["kind"], kind);
            assert_eq!(n["subnet_id"], s);
            assert_eq!(n["vpc_id"], "vpc-00a0029d65932575b");
            assert_eq!(n["studio"]["domain_id"], d);
            assert_eq!(n["studio"]["app_network_access_type"], "VpcOnly");
            assert_eq!(n["compliant"], false);
            assert_eq!(n["findings"].as_array().unwrap().len(), 0);
            let checks: Vec<&str> = n["checks"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                checks,
                [
                    "internet",
                    "s3",
                    "sagemaker.api",
                    "sagemaker.runtime",
                    "sts",
                    "logs",
                    "servicecatalog",
                    STUDIO
                ],
                "Studio's default list: the notebook defaults plus what VPC-only mode documents"
            );
            assert_eq!(status(n, "internet"), "unreachable");
            for svc in [
                "s3",
                "sagemaker.api",
                "sts",
                "logs",
                "servicecatalog",
                STUDIO,
            ] {
                assert_eq!(status(n, svc), "reachable", "{} {svc}", n["name"]);
                assert_eq!(n["checks"][svc]["private"], true, "{} {svc}", n["name"]);
            }
            let rt = &n["checks"]["sagemaker.runtime"];
            assert_eq!(rt["status"], "unreachable");
            assert_eq!(rt["blocked_by"][0]["code"], "NO_ROUTE_TO_DESTINATION");
            assert_eq!(rt["blocked_by"][0]["component"], "rtb-011680e8fbd635d73");
        }
    }
    // bob's own group is added to the domain's default one (aggregated, not replaced).
    let bob = source(&r, &format!("{d}/user/bob@{}", subnets[0]));
    assert_eq!(
        bob["security_group_ids"],
        serde_json::json!(["sg-0d1e541b60ea2ce53", "sg-085bfe263b2179c27"])
    );
    assert_eq!(r["summary"]["notebooks"], 6);
    assert_eq!(r["summary"]["compliant"], 0);
}

#[test]
fn require_overrides_the_studio_list() {
    let (r, code) = json(&["samples/studio-vpc-only", "--require", "s3,sagemaker.api"]);
    assert_eq!(code, 0, "every asked check passes");
    for n in sources(&r) {
        let checks: Vec<&String> = n["checks"].as_object().unwrap().keys().collect();
        assert_eq!(checks, ["internet", "s3", "sagemaker.api"]);
        assert_eq!(n["compliant"], true);
    }
}

#[test]
fn public_internet_only_goes_out_through_the_service_network() {
    let (r, code) = json(&["samples/studio-public-internet"]);
    assert_eq!(code, 1);
    assert_eq!(sources(&r).len(), 1);
    let n = source(&r, "d-9pw3kd2hq8ne/user/carol");
    assert_eq!(n["kind"], "studio-user-profile");
    assert_eq!(n["studio"]["app_network_access_type"], "PublicInternetOnly");
    assert_eq!(n["studio"]["domain_vpc_id"], "vpc-00a0029d65932575b");
    let internet = &n["checks"]["internet"];
    assert_eq!(internet["status"], "reachable");
    assert_eq!(internet["via"], "service-network");
    // The domain's VPC has interface endpoints for every service, but Studio's non-EFS traffic
    // does not use that VPC: nothing is private.
    for (name, c) in n["checks"].as_object().unwrap() {
        assert_eq!(c["status"], "reachable", "{name}");
        assert_eq!(c["private"], false, "{name}");
        assert_eq!(c["via"], "service-network", "{name}");
    }
    let codes: Vec<&str> = n["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SAGEMAKER_DOMAIN_IN_VPC"]);
    assert_eq!(n["compliant"], false);
}

#[test]
fn adversarial_profile_groups_other_vpc_subnet_and_summary() {
    let (r, code) = json(&[
        "tests/fixtures/studio/adversarial",
        "--profile",
        "nat-egress",
    ]);
    assert_eq!(code, 1);
    let s = "subnet-043aa3fb15f7c1677";
    // alice has only the domain's default group (HTTPS inside the VPC): nothing gets out.
    let alice = source(&r, &format!("d-natonly0001/user/alice@{s}"));
    assert_eq!(
        alice["security_group_ids"],
        serde_json::json!(["sg-0e7a11c3b5d9f2041"])
    );
    assert_eq!(status(alice, "internet"), "unreachable");
    assert_eq!(status(alice, "sts"), "unreachable");
    assert_eq!(
        alice["checks"]["sts"]["blocked_by"][0]["code"],
        "ENI_SG_RULES_MISMATCH"
    );
    assert_eq!(alice["compliant"], false);
    // bob adds an open group: out through the NAT gateway, which nat-egress allows.
    let bob = source(&r, &format!("d-natonly0001/user/bob@{s}"));
    assert_eq!(
        bob["security_group_ids"],
        serde_json::json!(["sg-0e7a11c3b5d9f2041", "sg-0d4e5d3a3001482d3"])
    );
    assert_eq!(status(bob, "internet"), "reachable");
    assert_eq!(bob["checks"]["internet"]["via"], "nat-gateway");
    assert_eq!(bob["compliant"], true);
    // The domain whose subnet is in another VPC, and the list-domains summary: unknown.
    for name in [
        format!("d-mismatch001/defaults@{s}"),
        "d-listed00001/defaults".to_string(),
    ] {
        let n = source(&r, &name);
        assert_eq!(n["kind"], "studio-domain-defaults");
        for (check, c) in n["checks"].as_object().unwrap() {
            assert_eq!(c["status"], "unknown", "{name} {check}");
        }
        assert_eq!(n["compliant"], false);
    }
    let diags: Vec<(&str, &str)> = r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["resource"].as_str().unwrap(),
                d["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        diags
            .iter()
            .any(|(res, m)| *res == "d-mismatch001" && m.contains("not in the domain's VPC")),
        "{diags:?}"
    );
    assert!(
        diags
            .iter()
            .any(|(res, m)| *res == "d-listed00001" && m.contains("list-domains summary")),
        "{diags:?}"
    );
}

#[test]
fn notebook_reports_are_unchanged_and_carry_no_kind() {
    let (r, _) = json(&["samples/isolated"]);
    for n in sources(&r) {
        assert!(n.get("kind").is_none(), "{}", n["name"]);
        assert!(n.get("studio").is_none(), "{}", n["name"]);
    }
}

#[test]
fn raw_describe_outputs_load_and_a_domain_is_not_a_vpc_attribute() {
    // The VpcOnly sample keeps its domain as one raw `describe-domain` object (top-level
    // `DomainArn` and `VpcId`) and its space as a raw `describe-space`; both load as what they are.
    let (r, _) = json(&[
        "samples/studio-vpc-only",
        "--notebook",
        "d-4xq7mrzyb1ka/space/team-space@subnet-00dc4578058d31b14",
    ]);
    assert_eq!(sources(&r).len(), 1);
    assert_eq!(sources(&r)[0]["studio"]["space"], "team-space");
}

const BATFISH_PUBLIC: &str = "tests/fixtures/batfish/test-public-subnet/aws_configs";

#[test]
fn ec2_instance_and_eni_as_sources() {
    if !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(BATFISH_PUBLIC)
        .exists()
    {
        panic!("{BATFISH_PUBLIC} is missing");
    }
    let (r, code) = json(&[BATFISH_PUBLIC, "--source", "i-06669a407b2ef3ae5"]);
    assert_eq!(code, 1);
    assert_eq!(sources(&r).len(), 1);
    let i = source(&r, "i-06669a407b2ef3ae5");
    assert_eq!(i["kind"], "ec2-instance");
    assert_eq!(i["subnet_id"], "subnet-0bb82ae8b3ea5dc78");
    // A public IPv4 address on its primary interface and a route to an internet gateway.
    assert_eq!(i["checks"]["internet"]["status"], "reachable");
    assert_eq!(i["checks"]["internet"]["via"], "internet-gateway");
    assert_eq!(i["findings"].as_array().unwrap().len(), 0);
    let (r, _) = json(&[BATFISH_PUBLIC, "--source", "eni-00064850627e198ee"]);
    let e = source(&r, "eni-00064850627e198ee");
    assert_eq!(e["kind"], "network-interface");
    assert_eq!(e["checks"]["internet"]["status"], "reachable");
}

#[test]
fn unknown_source_is_exit_2_with_a_close_match() {
    let out = run(&[BATFISH_PUBLIC, "--source", "eni-00064850627e198e"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--source"), "{err}");
    assert!(err.contains("eni-00064850627e198e"), "{err}");
    assert!(err.contains("did you mean eni-00064850627e198ee"), "{err}");
}

#[test]
fn readable_formats_name_the_kind_and_every_check_column() {
    let out = run(&["samples/studio-vpc-only", "--format", "markdown"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("(Studio space)"), "{md}");
    assert!(md.contains("(Studio user profile)"), "{md}");
    assert!(md.contains("`servicecatalog`"), "{md}");
    let out = run(&["samples/studio-vpc-only"]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("AWS.SAGEMAKER.US-EAST-1.STUDIO"), "{table}");
}

/// Every EC2 instance of every Batfish snapshot (their `describe-instances` output) as a source:
/// typed verdicts for each, never a parse, type or selection error.
#[test]
fn every_batfish_instance_is_a_source() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/batfish");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path().join("aws_configs"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut judged = 0;
    for dir in dirs {
        let mut ids = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.file_name().is_some_and(|n| n == "Reservations.json") {
                    let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                    for r in v["Reservations"].as_array().unwrap() {
                        for i in r["Instances"].as_array().unwrap() {
                            ids.push(i["InstanceId"].as_str().unwrap().to_string());
                        }
                    }
                }
            }
        }
        if ids.is_empty() {
            continue;
        }
        ids.sort();
        ids.dedup();
        let rel = dir.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
        let list = ids.join(",");
        let out = run(&[rel.to_str().unwrap(), "--source", &list, "--format", "json"]);
        let code = out.status.code();
        assert!(
            matches!(code, Some(0 | 1)),
            "{}: exit {code:?}: {}",
            rel.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let mut seen = Vec::new();
        for doc in serde_json::Deserializer::from_slice(&out.stdout).into_iter::<Value>() {
            let doc = doc.unwrap();
            for n in sources(&doc) {
                assert_eq!(n["kind"], "ec2-instance", "{}", rel.display());
                assert!(n["checks"]["internet"]["status"].is_string());
                seen.push(n["name"].as_str().unwrap().to_string());
            }
        }
        seen.sort();
        assert_eq!(seen, ids, "{}", rel.display());
        judged += ids.len();
    }
    assert!(judged > 10, "only {judged} instances found");
}

/// A Studio list that could not be collected leaves sources unread: like notebooks that could not
/// be read, the run fails unless unknowns are allowed.
#[test]
fn an_incomplete_studio_list_fails_the_run_unless_unknowns_are_allowed() {
    let both = [
        "samples/studio-vpc-only",
        "tests/fixtures/studio/incomplete-user-profiles.json",
        "--require",
        "s3,sagemaker.api",
    ];
    let (r, code) = json(&both);
    assert_eq!(code, 1, "sources may be missing");
    assert!(sources(&r).iter().all(|n| n["compliant"] == true));
    assert!(
        r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "INCOMPLETE_DATA" && d["resource"] == "UserProfiles")
    );
    let mut allowed = both.to_vec();
    allowed.push("--allow-unknown");
    let (_, code) = json(&allowed);
    assert_eq!(code, 0);
}
