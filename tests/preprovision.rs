//! Pre-provisioning as a platform team meets it on the command line: `analyze --place` judges a
//! notebook that does not exist yet exactly like a real one (same verdicts as a real notebook in the
//! same placement, same exit status), `plan` reads Terraform plans and CloudFormation templates,
//! and `diff` compares two states and fails on a regression. Reports are parsed back and checked
//! structurally.

use std::path::Path;
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
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn notebook<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("no notebook {name} in {report}"))
}

/// status, private and via of every check, in order.
fn verdicts(nb: &Value) -> Vec<(String, Value, Value, Value)> {
    nb["checks"]
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
        .collect()
}

/// (sample, the real notebook, its subnet and security groups): a planned notebook in the same
/// placement must be judged exactly like it.
const TWINS: &[(&str, &str, &str, &[&str])] = &[
    (
        "isolated",
        "nb-isolated",
        "subnet-00dc4578058d31b14",
        &["sg-0d1e541b60ea2ce53"],
    ),
    (
        "nat-egress",
        "nb-nat-egress",
        "subnet-043aa3fb15f7c1677",
        &["sg-0d4e5d3a3001482d3"],
    ),
];

#[test]
fn a_placed_notebook_is_judged_like_a_real_one_in_the_same_placement() {
    for (sample, real, subnet, sgs) in TWINS {
        let dir = format!("samples/{sample}");
        let mut spec = format!("nb-planned:subnet={subnet},direct-internet-access=Disabled");
        for g in *sgs {
            spec.push_str(&format!(",sg={g}"));
        }
        let o = run(&["analyze", &dir, "--place", &spec, "--format", "json"]);
        let r = json(&o);
        let planned = notebook(&r, "nb-planned");
        assert_eq!(planned["planned"]["address"], "--place nb-planned");
        assert_eq!(planned["planned"]["action"], "create");
        assert_eq!(planned["subnet_id"], *subnet);
        assert_eq!(
            verdicts(planned),
            verdicts(notebook(&r, real)),
            "{sample}: the planned twin of {real} is judged differently"
        );
        // Only the planned notebook: the exit status is its own verdict.
        let o = run(&[
            "analyze",
            &dir,
            "--place",
            &spec,
            "--notebook",
            "nb-planned",
        ]);
        let expected = if *sample == "isolated" { 0 } else { 1 };
        assert_eq!(o.status.code(), Some(expected), "{sample}: {}", stderr(&o));
        let table = String::from_utf8_lossy(&o.stdout);
        assert!(table.contains("nb-planned (planned)"), "{table}");
    }
}

#[test]
fn a_notebook_placed_behind_a_nat_route_fails_isolated_before_it_exists() {
    let o = run(&[
        "analyze",
        "samples/nat-egress",
        "--place",
        "nb-new:subnet=subnet-043aa3fb15f7c1677,sg=sg-0d4e5d3a3001482d3,direct-internet-access=Disabled,root-access=Disabled",
        "--notebook",
        "nb-new",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let nb = notebook(&r, "nb-new");
    assert_eq!(nb["checks"]["internet"]["status"], "reachable");
    assert_eq!(nb["checks"]["internet"]["via"], "nat-gateway");
    assert_eq!(nb["compliant"], false);
    // Under nat-egress the same placement passes.
    let o = run(&[
        "analyze",
        "samples/nat-egress",
        "--place",
        "nb-new:subnet=subnet-043aa3fb15f7c1677,sg=sg-0d4e5d3a3001482d3,direct-internet-access=Disabled",
        "--notebook",
        "nb-new",
        "--profile",
        "nat-egress",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_placement_without_toggles_gets_aws_defaults_and_fails_sagemaker_1() {
    let o = run(&[
        "analyze",
        "samples/isolated",
        "--place",
        "nb-default:subnet=subnet-00dc4578058d31b14,sg=sg-0d1e541b60ea2ce53",
        "--notebook",
        "nb-default",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    let nb = notebook(&r, "nb-default");
    assert_eq!(nb["direct_internet_access"], "Enabled");
    assert_eq!(nb["root_access"], "Enabled");
    assert_eq!(nb["checks"]["internet"]["via"], "service-network");
    let codes: Vec<&str> = nb["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["SageMaker.1", "SageMaker.3"]);
}

#[test]
fn a_place_file_takes_create_notebook_instance_input() {
    let dir = std::env::temp_dir().join(format!("vpcreach-place-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("planned.json");
    std::fs::write(
        &f,
        r#"{"NotebookInstances": [
            {"NotebookInstanceName": "a", "SubnetId": "subnet-00dc4578058d31b14",
             "SecurityGroupIds": ["sg-0d1e541b60ea2ce53"], "DirectInternetAccess": "Disabled",
             "RootAccess": "Disabled", "InstanceType": "ml.t3.medium"},
            {"NotebookInstanceName": "b", "SubnetId": "subnet-00dc4578058d31b14",
             "SecurityGroupIds": ["sg-0d1e541b60ea2ce53"]}]}"#,
    )
    .unwrap();
    let o = run(&[
        "analyze",
        "samples/isolated",
        "--place-file",
        f.to_str().unwrap(),
        "--notebook",
        "a",
        "--notebook",
        "b",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(notebook(&r, "a")["compliant"], true);
    assert_eq!(notebook(&r, "b")["compliant"], false);
    assert_eq!(r["summary"]["notebooks"], 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_placement_aws_would_refuse_is_an_input_error() {
    for (spec, says) in [
        (
            "nb:subnet=subnet-0nope,sg=sg-0d1e541b60ea2ce53",
            "subnet subnet-0nope is not in the snapshot (it has: subnet-",
        ),
        (
            "nb:subnet=subnet-00dc4578058d31b14,sg=sg-0nope",
            "security group sg-0nope is not in the snapshot",
        ),
        (
            "nb-isolated:subnet=subnet-00dc4578058d31b14,sg=sg-0d1e541b60ea2ce53",
            "already exists",
        ),
        ("nb:sg=sg-0d1e541b60ea2ce53", "subnet=subnet-… is required"),
        (
            "nb:subnet=subnet-00dc4578058d31b14,sg=sg-0d1e541b60ea2ce53,direct-internet-access=maybe",
            "expected Enabled or Disabled",
        ),
    ] {
        let o = run(&["analyze", "samples/isolated", "--place", spec]);
        assert_eq!(o.status.code(), Some(2), "{spec}");
        assert!(stderr(&o).contains(says), "{spec}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{spec}: an error prints no report");
    }
}

#[test]
fn a_security_group_of_another_vpc_is_refused() {
    // samples/large holds several VPCs: a group of one with a subnet of another.
    let snap =
        vpcreach::aws::load_paths(&[Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/large")])
            .unwrap()
            .snapshot;
    let subnet = &snap.subnets[0];
    let group = snap
        .security_groups
        .iter()
        .find(|g| g.vpc_id.as_deref() != Some(subnet.vpc_id.as_str()))
        .expect("samples/large has groups in several VPCs");
    let spec = format!("nb:subnet={},sg={}", subnet.subnet_id, group.group_id);
    let o = run(&["analyze", "samples/large", "--place", &spec]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not in the subnet's VPC"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn plan_refuses_what_is_neither_a_plan_nor_a_template() {
    let o = run(&["plan", "samples/isolated/vpcs.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("neither a Terraform plan"),
        "{}",
        stderr(&o)
    );
    assert!(o.stdout.is_empty());
}

/// A copy of a sample in a fresh temporary directory, with `edit` applied to one of its files.
fn edited_sample(sample: &str, file: &str, edit: impl Fn(String) -> String) -> std::path::PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = std::env::temp_dir().join(format!(
        "vpcreach-diff-{sample}-{}-{}",
        std::process::id(),
        file.replace('.', "_")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for e in std::fs::read_dir(root.join("samples").join(sample)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = p.file_name().unwrap().to_str().unwrap().to_string();
            let text = if name == file { edit(text) } else { text };
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    dir
}

#[test]
fn diff_fails_on_a_regression_between_two_snapshots_and_not_on_an_improvement() {
    // Direct internet access turned on for every notebook of the isolated sample.
    let exposed = edited_sample("isolated", "notebook-instances.json", |t| {
        t.replace(
            "\"DirectInternetAccess\": \"Disabled\"",
            "\"DirectInternetAccess\": \"Enabled\"",
        )
    });
    let exposed = exposed.to_str().unwrap();
    let o = run(&["diff", "samples/isolated", exposed, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d = json(&o);
    assert!(d["regressions"].as_u64().unwrap() >= 2, "{d}");
    let nb = d["notebooks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "nb-isolated")
        .unwrap();
    assert_eq!(nb["change"], "changed");
    assert_eq!(nb["compliant"]["old"], true);
    assert_eq!(nb["compliant"]["new"], false);
    let internet = nb["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "internet")
        .unwrap();
    assert_eq!(internet["old"]["status"], "unreachable");
    assert_eq!(internet["new"]["status"], "reachable");
    assert_eq!(internet["new"]["via"], "service-network");
    assert_eq!(internet["kind"], "regression");
    // The other way round is an improvement: exit 0.
    let o = run(&["diff", exposed, "samples/isolated"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("0 regressions"));
    // Markdown for a pull-request comment names the regression.
    let o = run(&["diff", "samples/isolated", exposed, "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(1));
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.contains("❌"), "{md}");
    std::fs::remove_dir_all(exposed).unwrap();
}

#[test]
fn diff_reads_a_saved_report_and_refuses_what_is_none_of_the_four_forms() {
    let dir = std::env::temp_dir().join(format!("vpcreach-diff-saved-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("before.json");
    let o = run(&["analyze", "samples/nat-egress", "--format", "json"]);
    std::fs::write(&saved, &o.stdout).unwrap();
    let o = run(&["diff", saved.to_str().unwrap(), "samples/nat-egress"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 unchanged notebook"));
    let junk = dir.join("junk.json");
    std::fs::write(&junk, r#"{"hello": "world"}"#).unwrap();
    let o = run(&["diff", junk.to_str().unwrap(), "samples/nat-egress"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("junk.json"), "{}", stderr(&o));
    // A report without notebooks never passes a gate, on either side.
    let empty = dir.join("empty.json");
    std::fs::write(
        &empty,
        r#"{"region": "us-east-1", "profile": "isolated", "notebooks": [], "diagnostics": [],
            "summary": {"notebooks": 0, "compliant": 0}}"#,
    )
    .unwrap();
    let o = run(&["diff", empty.to_str().unwrap(), empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("holds no notebook"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

const TF: &str = "tests/fixtures/plans/terraform";
const CFN: &str = "tests/fixtures/plans/cloudformation";

#[test]
fn plan_judges_terraform_and_cloudformation_before_anything_exists() {
    // (plan, extra args, notebook, exit, internet status, internet via)
    type Case<'a> = (&'a str, &'a [&'a str], &'a str, i32, &'a str, Value);
    let cases: &[Case] = &[
        (
            "terraform/isolated.json",
            &[
                "--base",
                "tests/fixtures/plans/terraform/base-s3-prefix-list.json",
            ],
            "planned-nb",
            0,
            "unreachable",
            Value::Null,
        ),
        (
            "terraform/isolated-plus-nat.json",
            &[
                "--base",
                "tests/fixtures/plans/terraform/base-s3-prefix-list.json",
            ],
            "planned-nb",
            1,
            "reachable",
            "nat-gateway".into(),
        ),
        (
            "cloudformation/isolated.yaml",
            &[
                "--region",
                "us-east-1",
                "--base",
                "tests/fixtures/plans/cloudformation/base-s3-prefix-list.json",
            ],
            "isolated-notebook",
            0,
            "unreachable",
            Value::Null,
        ),
        (
            "cloudformation/with-nat.yaml",
            &[
                "--region",
                "us-east-1",
                "--base",
                "tests/fixtures/plans/cloudformation/base-s3-prefix-list.json",
            ],
            "with-nat-notebook",
            1,
            "reachable",
            "nat-gateway".into(),
        ),
    ];
    for (file, extra, nb, exit, status, via) in cases {
        let path = format!("tests/fixtures/plans/{file}");
        let mut args = vec!["plan", path.as_str(), "--format", "json"];
        args.extend_from_slice(extra);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(*exit), "{file}: {}", stderr(&o));
        let r = json(&o);
        let n = notebook(&r, nb);
        assert_eq!(n["planned"]["action"], "create", "{file}");
        assert_eq!(n["checks"]["internet"]["status"], *status, "{file}");
        assert_eq!(n["checks"]["internet"]["via"], *via, "{file}");
        assert_eq!(
            r["sources"],
            Value::Null,
            "sources are not part of the JSON contract"
        );
    }
}

#[test]
fn without_the_s3_prefix_list_a_plan_says_unknown_never_a_guess() {
    let o = run(&["plan", &format!("{TF}/isolated.json"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    let nb = notebook(&r, "planned-nb");
    assert_eq!(nb["checks"]["s3"]["status"], "unknown");
    assert_eq!(nb["checks"]["internet"]["status"], "unreachable");
    // --allow-unknown lets exactly that pass.
    let o = run(&["plan", &format!("{TF}/isolated.json"), "--allow-unknown"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_saved_plan_is_a_snapshot_that_analyze_and_diagram_read() {
    let dir = std::env::temp_dir().join(format!("vpcreach-plan-save-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let save = dir.join("planned");
    let args = |fmt: &'static str| {
        vec![
            "plan".to_string(),
            format!("{CFN}/isolated.yaml"),
            "--region".into(),
            "us-east-1".into(),
            "--base".into(),
            format!("{CFN}/base-s3-prefix-list.json"),
            "--format".into(),
            fmt.into(),
        ]
    };
    let mut with_save = args("json");
    with_save.extend(["--save".into(), save.to_str().unwrap().into()]);
    let o = run(&with_save.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let planned = json(&o);
    let a = run(&["analyze", save.to_str().unwrap(), "--format", "json"]);
    assert_eq!(a.status.code(), Some(0), "{}", stderr(&a));
    let analysed = json(&a);
    assert_eq!(
        planned["notebooks"], analysed["notebooks"],
        "analyze on the saved plan judges as plan did"
    );
    // The save says what was planned, and where.
    let pr: Value = serde_json::from_str(
        &std::fs::read_to_string(save.join("planned-resources.json")).unwrap(),
    )
    .unwrap();
    let entries = pr["PlannedResources"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|p| p["Id"] == "subnet-cfn:PrivateSubnetA"
                && p["Type"] == "AWS::EC2::Subnet"
                && p["Line"].as_u64().is_some())
    );
    // Diagrams of a plan mark what does not exist yet.
    let dot = dir.join("planned.dot");
    let o = run(&[
        "diagram",
        save.to_str().unwrap(),
        "-o",
        dot.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&dot).unwrap();
    assert!(text.contains("planned: PrivateSubnetA"), "{text}");
    assert!(text.contains("planned: Notebook"), "{text}");
    assert!(text.contains("dashed"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plan_place_judges_a_notebook_in_a_network_the_plan_creates() {
    let o = run(&[
        "plan",
        &format!("{TF}/isolated-plus-nat.json"),
        "--base",
        &format!("{TF}/base-s3-prefix-list.json"),
        "--place",
        "nb-extra:subnet=subnet-tf:aws_subnet.private,sg=sg-tf:aws_security_group.notebook,direct-internet-access=Disabled",
        "--notebook",
        "nb-extra",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let nb = notebook(&r, "nb-extra");
    assert_eq!(nb["planned"]["address"], "--place nb-extra");
    assert_eq!(nb["checks"]["internet"]["via"], "nat-gateway");
}

#[test]
fn diff_of_two_plans_fails_when_the_second_opens_a_way_out() {
    let base = format!("{TF}/base-s3-prefix-list.json");
    let o = run(&[
        "diff",
        &format!("{TF}/isolated.json"),
        &format!("{TF}/isolated-plus-nat.json"),
        "--base",
        &base,
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let d = json(&o);
    assert!(d["regressions"].as_u64().unwrap() >= 1, "{d}");
}

#[test]
fn an_imported_security_group_peer_is_unknown_until_given() {
    let file = format!("{CFN}/imported-endpoint-peer.yaml");
    let base = format!("{CFN}/base-s3-prefix-list.json");
    let common = [
        "--region",
        "us-east-1",
        "--base",
        base.as_str(),
        "--format",
        "json",
    ];
    let mut args = vec!["plan", file.as_str()];
    args.extend_from_slice(&common);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let nb = notebook(&r, "imported-endpoint-peer-notebook");
    for svc in ["sagemaker.api", "sagemaker.runtime", "sts", "logs"] {
        assert_eq!(nb["checks"][svc]["status"], "unknown", "{svc}: {nb}");
    }
    assert!(
        r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "PLAN_VALUE_UNRESOLVED"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("shared-notebook-sg")),
        "{}",
        r["diagnostics"]
    );
    // Given the import (the notebook's own group), the verdict is definite.
    args.extend_from_slice(&[
        "--parameter",
        "shared-notebook-sg=sg-cfn:NotebookSecurityGroup",
    ]);
    let o = run(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

const STACKS: &str = "tests/fixtures/plans/cloudformation/stacks";
const SDS: &str = "tests/fixtures/plans/cloudformation/real/multi/secure-data-science";

/// `vpcreach plan` of several stacks: args for the files, with the region, the S3 prefix list
/// as --base, JSON output and `extra` flags.
fn plan_stacks(files: &[String], extra: &[&str]) -> Output {
    let base = format!("{CFN}/base-s3-prefix-list.json");
    let mut args = vec!["plan"];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(&[
        "--region",
        "us-east-1",
        "--base",
        base.as_str(),
        "--format",
        "json",
    ]);
    args.extend_from_slice(extra);
    run(&args)
}

fn all_status(nb: &Value) -> Vec<Value> {
    verdicts(nb).into_iter().map(|(_, s, _, _)| s).collect()
}

/// Several stacks on the command line are one deployment: the notebook stack's imports are the
/// network stack's exports, and the verdict is definite (exit 0: compliant, see
/// `crates/iac/tests/stacks.rs` for why); the notebook stack alone is `unknown` (exit 1) and the
/// diagnostic names the export. `--stack-name` renames the network stack, and with it its
/// `!Sub "${AWS::StackName}-…"` exports.
#[test]
fn plan_judges_an_export_and_import_deployment_as_a_whole() {
    let net = format!("{STACKS}/network.yaml");
    let nb = format!("{STACKS}/notebook.yaml");
    let o = plan_stacks(&[net.clone(), nb.clone()], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json(&o);
    let n = notebook(&r, "notebook-nb");
    assert_eq!(n["compliant"], true);
    assert_eq!(n["checks"]["internet"]["status"], "unreachable");

    let o = plan_stacks(std::slice::from_ref(&nb), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert!(
        all_status(notebook(&r, "notebook-nb"))
            .iter()
            .all(|s| s == "unknown")
    );
    assert!(
        r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "PLAN_VALUE_UNRESOLVED"
                && d["message"]
                    .as_str()
                    .unwrap()
                    .contains("!ImportValue network-PrivateSubnet")),
        "{}",
        r["diagnostics"]
    );

    let rename = format!("{net}=prod-net");
    let o = plan_stacks(
        &[net.clone(), nb.clone()],
        &[
            "--stack-name",
            &rename,
            "--parameter",
            "NetworkStackName=prod-net",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = plan_stacks(&[net, nb], &["--stack-name", &rename]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

/// Input errors of a deployment are exit 2 with a message naming what is wrong: one export
/// name in two templates (both files named), templates that nest each other in a circle, a
/// --stack-name for a file not given.
#[test]
fn plan_refuses_colliding_exports_and_circular_nesting() {
    let o = plan_stacks(
        &[
            format!("{STACKS}/export-a.yaml"),
            format!("{STACKS}/export-b.yaml"),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("shared-vpc-id") && e.contains("export-a.yaml") && e.contains("export-b.yaml"),
        "{e}"
    );
    let o = plan_stacks(&[format!("{STACKS}/loop-a.yaml")], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nest in a circle"), "{}", stderr(&o));
    let o = plan_stacks(
        &[format!("{STACKS}/network.yaml")],
        &["--stack-name", "elsewhere.yaml=x"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("elsewhere.yaml"), "{}", stderr(&o));
}

/// A nested stack's S3 TemplateURL: without --template-map the notebook (nested, fed by the
/// network's outputs) is `unknown` and the diagnostic names the URL; with the map it is the
/// compliant isolated design.
#[test]
fn plan_reads_nested_stacks_through_the_template_map() {
    let parent = format!("{STACKS}/parent-s3.yaml");
    let url = "https://example-bucket.s3.us-east-1.amazonaws.com/stacks/network.yaml";
    let o = plan_stacks(std::slice::from_ref(&parent), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert!(
        all_status(notebook(&r, "params-nb"))
            .iter()
            .all(|s| s == "unknown")
    );
    assert!(
        r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["message"].as_str().unwrap().contains(url)),
        "{}",
        r["diagnostics"]
    );
    let map = format!("{url}={STACKS}/network.yaml");
    let o = plan_stacks(&[parent], &["--template-map", &map]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// The secure data science reference architecture (aws-samples) through `vpcreach plan`: the
/// parent environment stack nests the network, whose exports the notebook product imports. As
/// a whole: compliant (exit 0; the AWS reasoning is in `crates/iac/tests/stacks.rs`); the notebook
/// template alone: every check `unknown` (exit 1). `--save` writes the planned state, which
/// lists the nested network's resources with the nested template as their file.
#[test]
fn plan_judges_the_real_nested_secure_data_science_deployment() {
    let params = [
        "--parameter",
        "ProjectName=fraud",
        "--parameter",
        "NotebookOwnerUsername=alice",
        "--parameter",
        "NotebookOwnerEmail=alice@example.com",
        "--parameter",
        "srv-endsrv-pypimirror-DSSharedServices=vpce-svc-0123456789abcdef0",
    ];
    let dir = std::env::temp_dir().join(format!("vpcreach-stacks-{}", std::process::id()));
    let save = dir.join("planned.json");
    let save_s = save.display().to_string();
    let mut extra = params.to_vec();
    extra.extend_from_slice(&["--save", &save_s]);
    let o = plan_stacks(
        &[
            format!("{SDS}/ds_environment.yaml"),
            format!("{SDS}/ds_notebook_v2.yaml"),
        ],
        &extra,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r = json(&o);
    let nb = notebook(&r, "ds-notebook-fraud-dev-alice");
    assert_eq!(nb["compliant"], true);
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(&save).expect("saved")).expect("JSON");
    assert!(
        saved["PlannedResources"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |p| p["Id"] == "subnet-cfn:ds_environment/DSEnvironmentNetwork/PrivateSubnetA"
                    && p["File"].as_str().unwrap().ends_with("ds_env_network.yaml")
            ),
        "{}",
        saved["PlannedResources"]
    );
    let _ = std::fs::remove_dir_all(&dir);

    let o = plan_stacks(&[format!("{SDS}/ds_notebook_v2.yaml")], &params);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert!(
        all_status(notebook(&r, "ds-notebook-fraud-dev-alice"))
            .iter()
            .all(|s| s == "unknown")
    );
}
