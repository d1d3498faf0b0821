//! `vpcreach scan --organization` and its sharded form against moto in server mode (a real
//! implementation of Organizations, STS, IAM, EC2 and SageMaker on 127.0.0.1).
//!
//! `tests/support_moto/organization.py` builds an organisation: the management account (moto's
//! 123456789012, the caller) and four members — analytics and research, whose role
//! `VpcreachScan` holds docs/iam-policy.json; sandbox, whose role may do nothing; retired,
//! closed (SUSPENDED). Each member's topology is built through the SDK with that account's own
//! credentials (moto keeps every account apart), then moto's IAM authorisation is turned on and
//! the scans run as an IAM user holding exactly the README's caller policy
//! (docs/iam-policy-organization.json + docs/iam-policy.json). The moto deviations are listed in
//! organization.py.
//!
//! Asserted structurally (JSON parsed back): each account's verdicts, in two regions; sandbox's
//! notebook unread, named with its account and failed call, failing the run while the others are
//! judged; retired skipped; `analyze` of the saved `accounts/<id>/<region>/` tree gives the very
//! same report; two `--accounts` shards saved apart and analysed together give the same verdicts
//! as the whole organisation.
//!
//! Skips loudly without moto, unless `VPCREACH_FULL_TESTS=1` (CI), when it fails.
#![cfg(feature = "aws")]

mod support_moto;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support_moto::{Builder, Creds, INTERFACE_SERVICES, Moto, moto_server, runtime};

const REGIONS: &str = "us-east-1,eu-west-1";

/// Every JSON report on stdout (one per region, one after another).
fn reports(o: &Output) -> Vec<Value> {
    let all: Result<Vec<Value>, _> = serde_json::Deserializer::from_slice(&o.stdout)
        .into_iter::<Value>()
        .collect();
    let all = all.unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    assert!(
        !all.is_empty(),
        "no report; stderr:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    all
}

fn region<'a>(rs: &'a [Value], name: &str) -> &'a Value {
    rs.iter()
        .find(|r| r["region"] == name)
        .unwrap_or_else(|| panic!("no report for {name}"))
}

/// Per notebook: its account, whether it is compliant, and each check's status.
fn verdicts(rs: &[Value]) -> BTreeMap<String, (String, bool, BTreeMap<String, String>)> {
    let mut out = BTreeMap::new();
    for r in rs {
        for n in r["notebooks"].as_array().unwrap() {
            let checks = n["checks"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v["status"].as_str().unwrap().to_string()))
                .collect();
            let name = format!(
                "{}/{}",
                r["region"].as_str().unwrap(),
                n["name"].as_str().unwrap()
            );
            out.insert(
                name,
                (
                    n["account_id"].as_str().unwrap_or("").to_string(),
                    n["compliant"].as_bool().unwrap(),
                    checks,
                ),
            );
        }
    }
    out
}

fn creds(v: &Value) -> Creds {
    Creds {
        key: v["key"].as_str().unwrap().into(),
        secret: v["secret"].as_str().unwrap().into(),
        token: v["token"].as_str().map(str::to_string),
    }
}

fn organization_py(python: &Path, moto: &Moto, args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(python)
        .arg(root.join("tests/support_moto/organization.py"))
        .arg(&moto.url)
        .args(args)
        .output()
        .expect("run organization.py");
    assert!(
        o.status.success(),
        "organization.py {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn diagnostics_text(r: &Value) -> String {
    r["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "INCOMPLETE_DATA")
        .map(|d| d["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn an_organisation_is_scanned_account_by_account_saved_sharded_and_analysed_alike() {
    let Some(server) = moto_server("scan_org_moto::organisation") else {
        return;
    };
    let python = server.with_file_name("python");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let moto = Moto::start(&server);
    let setup = organization_py(
        &python,
        &moto,
        &[
            "setup",
            root.join("docs/iam-policy.json").to_str().unwrap(),
            root.join("docs/iam-policy-organization.json")
                .to_str()
                .unwrap(),
        ],
    );
    let org: Value = serde_json::from_slice(&setup.stdout).unwrap();
    let id = |name: &str| org["accounts"][name]["id"].as_str().unwrap().to_string();
    let (analytics, research, sandbox, retired) = (
        id("analytics"),
        id("research"),
        id("sandbox"),
        id("retired"),
    );
    let management = org["management"].as_str().unwrap().to_string();
    let member = |name: &str, region: &str| {
        Builder::as_account(&moto, &creds(&org["accounts"][name]), region)
    };

    runtime().block_on(async {
        // analytics, us-east-1: sample (a), compliant — endpoints for every service, S3 through
        // its gateway endpoint, no way out.
        let b = member("analytics", "us-east-1");
        let vpc = b.vpc("10.20.0.0/16", true, true).await;
        let nb_subnet = b.subnet(&vpc, "10.20.1.0/24", "us-east-1a").await;
        let ep_subnet = b.subnet(&vpc, "10.20.11.0/24", "us-east-1a").await;
        let nb_sg = b.security_group(&vpc, "nb-analytics").await;
        let ep_sg = b.security_group(&vpc, "endpoints").await;
        b.allow_https_from(&ep_sg, &nb_sg).await;
        for svc in INTERFACE_SERVICES {
            b.interface_endpoint(&vpc, svc, &ep_subnet, &ep_sg, true)
                .await;
        }
        let main = b.main_route_table(&vpc).await;
        b.s3_gateway_endpoint(&vpc, &[&main]).await;
        b.notebook("nb-analytics", &nb_subnet, &[&nb_sg]).await;

        // research, us-east-1: sample (b), the internet through a NAT gateway.
        let b = member("research", "us-east-1");
        let vpc = b.vpc("10.30.0.0/16", true, true).await;
        let public = b.subnet(&vpc, "10.30.0.0/24", "us-east-1a").await;
        let private = b.subnet(&vpc, "10.30.1.0/24", "us-east-1a").await;
        b.internet_gateway(&vpc, &public).await;
        let nat = b.nat_gateway(&public).await;
        let rt = b.route_table(&vpc, &[&private]).await;
        b.route_to_nat(&rt, &nat).await;
        let sg = b.security_group(&vpc, "nb-research-nat").await;
        b.notebook("nb-research-nat", &private, &[&sg]).await;

        // research, eu-west-1: a notebook with no route out and no endpoint at all.
        let b = member("research", "eu-west-1");
        let vpc = b.vpc("10.40.0.0/16", true, true).await;
        let subnet = b.subnet(&vpc, "10.40.1.0/24", "eu-west-1a").await;
        let sg = b.security_group(&vpc, "nb-research-eu").await;
        b.notebook("nb-research-eu", &subnet, &[&sg]).await;

        // sandbox, us-east-1: a notebook nobody will be allowed to read.
        let b = member("sandbox", "us-east-1");
        let vpc = b.vpc("10.50.0.0/16", true, true).await;
        let subnet = b.subnet(&vpc, "10.50.1.0/24", "us-east-1a").await;
        let sg = b.security_group(&vpc, "nb-sandbox").await;
        b.notebook("nb-sandbox", &subnet, &[&sg]).await;
    });
    organization_py(&python, &moto, &["enforce"]);
    let scanner = creds(&org["scanner"]);

    let dir = std::env::temp_dir().join(format!("vpcreach-org-moto-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = |p: &str| -> PathBuf { dir.join(p) };
    let scan = |extra: &[&str]| {
        let mut args = vec![
            "scan",
            "--endpoint-url",
            moto.url.as_str(),
            "--region",
            REGIONS,
            "--role-name",
            "VpcreachScan",
            "--format",
            "json",
            // AccessDenied is not retried anyway; moto answers at once.
            "--max-attempts",
            "2",
        ];
        args.extend_from_slice(extra);
        moto.vpcreach_as(&scanner, &args)
    };

    // The whole organisation.
    let whole = path("org");
    let o = scan(&["--organization", "--save", whole.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr).to_string();
    assert_eq!(o.status.code(), Some(1), "sandbox is unread: {err}");
    let rs = reports(&o);
    assert_eq!(rs.len(), 2, "one report per region");
    let v = verdicts(&rs);
    let names: Vec<&str> = v.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "eu-west-1/nb-research-eu",
            "us-east-1/nb-analytics",
            "us-east-1/nb-research-nat"
        ],
        "sandbox's notebook cannot be read, so it is not judged"
    );
    let (acc, ok, checks) = &v["us-east-1/nb-analytics"];
    assert_eq!(acc, &analytics);
    assert!(*ok, "{checks:?}");
    assert_eq!(checks["internet"], "unreachable");
    for svc in ["s3", "sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
        assert_eq!(checks[svc], "reachable", "{svc}");
    }
    let nb = region(&rs, "us-east-1")["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "nb-analytics")
        .unwrap();
    assert_eq!(nb["checks"]["sts"]["private"], true);
    let (acc, ok, checks) = &v["us-east-1/nb-research-nat"];
    assert_eq!(acc, &research);
    assert!(!ok);
    assert_eq!(checks["internet"], "reachable");
    let (acc, ok, checks) = &v["eu-west-1/nb-research-eu"];
    assert_eq!(acc, &research);
    assert!(!ok);
    assert_eq!(checks["internet"], "unreachable");
    // sandbox: on stderr and in every region's JSON, with its account and the call refused.
    assert!(
        err.contains(&sandbox) && err.contains("AccessDenied"),
        "{err}"
    );
    for r in &rs {
        let d = diagnostics_text(r);
        assert!(
            d.contains(&format!("account {sandbox}")) && d.contains("AccessDenied"),
            "{}: {d}",
            r["region"]
        );
        for other in [&analytics, &research, &management] {
            assert!(!d.contains(other.as_str()), "{other} was read: {d}");
        }
    }
    // retired: skipped, said so, never entered.
    assert!(
        err.contains(&retired) && err.contains("SUSPENDED") && err.contains("skipped"),
        "{err}"
    );
    // The saved tree: accounts/<id>/<region>/ for every ACTIVE account, the caller's included.
    let mut saved: Vec<String> = std::fs::read_dir(whole.join("accounts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    let mut want = vec![
        analytics.clone(),
        research.clone(),
        sandbox.clone(),
        management.clone(),
    ];
    want.sort();
    assert_eq!(saved, want);
    for a in &want {
        for r in ["us-east-1", "eu-west-1"] {
            let f = whole
                .join("accounts")
                .join(a)
                .join(r)
                .join("incomplete.json");
            assert!(f.is_file(), "{}", f.display());
        }
    }

    // analyze of the saved tree: the very same report, the same exit status.
    let again = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(["analyze", whole.to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(again.status.code(), Some(1));

    // The sharded form: no Organizations call, any split of the accounts, one analyze over the
    // shards' directories.
    let shard0 = path("shards/0");
    let shard1 = path("shards/1");
    let s0 = scan(&[
        "--accounts",
        &format!("{analytics},{sandbox}"),
        "--save",
        shard0.to_str().unwrap(),
    ]);
    assert_eq!(
        s0.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&s0.stderr)
    );
    let s1 = scan(&[
        "--accounts",
        &format!("{research},{management}"),
        "--save",
        shard1.to_str().unwrap(),
    ]);
    assert_eq!(
        s1.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&s1.stderr)
    );
    let merged = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args([
            "analyze",
            shard0.to_str().unwrap(),
            shard1.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(merged.status.code(), Some(1));
    let m = reports(&merged);
    assert_eq!(verdicts(&m), v, "the shards together judge as the whole");
    for r in &m {
        assert!(diagnostics_text(r).contains(&format!("account {sandbox}")));
    }

    // A shard whose only account cannot be read: exit 2 (nothing to judge), and its save still
    // says so, so the merged analysis cannot pass without it.
    let lone = path("shards/2");
    let s2 = scan(&["--accounts", &sandbox, "--save", lone.to_str().unwrap()]);
    assert_eq!(
        s2.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&s2.stderr)
    );
    assert!(
        String::from_utf8_lossy(&s2.stderr).contains("no notebook instance could be read"),
        "{}",
        String::from_utf8_lossy(&s2.stderr)
    );
    let healthy = Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args([
            "analyze",
            shard1.to_str().unwrap(),
            lone.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        healthy.status.code(),
        Some(1),
        "sandbox's marker fails the run"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
