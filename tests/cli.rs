//! The command line as a user meets it: table output of every sample (insta snapshots, one per
//! sample, so any change to what people read is a reviewable diff), `--help`, errors with exit
//! status 2 that name the file / resource / field, determinism, and the flags that shape a run.

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run vpcreach")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

const SAMPLES: &[&str] = &[
    "isolated",
    "nat-egress",
    "public-subnet",
    "direct-internet",
    "endpoint-mistakes",
    "acl-traps",
];

#[test]
fn table_output_of_every_sample() {
    for s in SAMPLES {
        let o = run(&["analyze", &format!("samples/{s}")]);
        let out = stdout(&o);
        assert!(
            matches!(o.status.code(), Some(0) | Some(1)),
            "{s}: {}",
            stderr(&o)
        );
        // Piped output is never coloured.
        assert!(!out.contains('\x1b'), "{s}: colour codes in piped output");
        insta::assert_snapshot!(format!("table_{s}"), out);
    }
}

#[test]
fn colour_only_when_asked() {
    let o = run(&["analyze", "samples/isolated", "--color", "always"]);
    assert!(stdout(&o).contains("\x1b[32m"));
    let o = run(&["analyze", "samples/isolated", "--color", "never"]);
    assert!(!stdout(&o).contains('\x1b'));
}

#[test]
fn help_teaches() {
    let o = run(&["analyze", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    insta::assert_snapshot!("analyze_help", stdout(&o));
}

#[test]
fn output_is_deterministic() {
    for s in SAMPLES {
        let a = run(&["analyze", &format!("samples/{s}"), "--format", "json"]);
        let b = run(&["analyze", &format!("samples/{s}"), "--format", "json"]);
        assert_eq!(a.stdout, b.stdout, "{s}");
    }
}

#[test]
fn json_parses_and_has_the_contract_fields() {
    let o = run(&["analyze", "samples/isolated", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for k in ["region", "profile", "notebooks", "diagnostics", "summary"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    let nb = &v["notebooks"][0];
    for k in [
        "name",
        "subnet_id",
        "vpc_id",
        "security_group_ids",
        "direct_internet_access",
        "root_access",
        "checks",
        "findings",
        "compliant",
    ] {
        assert!(nb.get(k).is_some(), "missing notebooks[0].{k}");
    }
    let checks: Vec<&String> = nb["checks"].as_object().unwrap().keys().collect();
    assert_eq!(
        checks,
        [
            "internet",
            "s3",
            "sagemaker.api",
            "sagemaker.runtime",
            "sts",
            "logs"
        ]
    );
    for (_, c) in nb["checks"].as_object().unwrap() {
        for k in ["status", "private", "via", "witness", "path", "blocked_by"] {
            assert!(c.get(k).is_some(), "missing check field {k}");
        }
    }
}

#[test]
fn require_replaces_the_service_list_and_notebook_selects() {
    let o = run(&[
        "analyze",
        "samples/isolated",
        "--format",
        "json",
        "--require",
        "sts,s3",
        "--notebook",
        "nb-isolated",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["notebooks"].as_array().unwrap().len(), 1);
    let keys: Vec<&String> = v["notebooks"][0]["checks"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["internet", "sts", "s3"]);
}

#[test]
fn errors_exit_2_and_name_what_is_wrong() {
    let dir = std::env::temp_dir().join(format!("vpcreach-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad_json = dir.join("bad.json");
    std::fs::write(&bad_json, "{\"Vpcs\": [").unwrap();
    let bad_field = dir.join("field.json");
    std::fs::write(
        &bad_field,
        r#"{"RouteTables":[{"RouteTableId":"rtb-1","VpcId":"vpc-1","Routes":[{"DestinationCidrBlock":"10.0.0.0/33","GatewayId":"local"}]}]}"#,
    )
    .unwrap();
    let bad_type = dir.join("type.json");
    std::fs::write(
        &bad_type,
        r#"{"Subnets":[{"SubnetId":"subnet-9","VpcId":"vpc-1","CidrBlock":["x"]}]}"#,
    )
    .unwrap();
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            vec!["analyze".into(), bad_json.display().to_string()],
            vec!["bad.json", "not valid JSON"],
        ),
        (
            vec!["analyze".into(), bad_field.display().to_string()],
            vec!["rtb-1", "Routes[0].DestinationCidrBlock", "10.0.0.0/33"],
        ),
        (
            vec!["analyze".into(), bad_type.display().to_string()],
            vec!["type.json", "Subnets[0] (subnet-9)", "CidrBlock"],
        ),
        (
            vec!["analyze".into(), "no/such/dir".into()],
            vec!["no/such/dir", "no such file"],
        ),
        (
            vec![
                "analyze".into(),
                "samples/isolated".into(),
                "--notebook".into(),
                "nope".into(),
            ],
            vec!["nope", "nb-isolated"],
        ),
        (
            vec![
                "analyze".into(),
                "samples/isolated".into(),
                "--require".into(),
                "".into(),
            ],
            vec!["--require"],
        ),
        (
            vec![
                "analyze".into(),
                "samples/isolated".into(),
                "--profile".into(),
                "open".into(),
            ],
            vec!["open"],
        ),
    ];
    for (args, wants) in cases {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&a);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).is_empty(), "{args:?}: error output on stdout");
        let e = stderr(&o);
        for w in wants {
            assert!(e.contains(w), "{args:?}: stderr lacks {w:?}: {e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn several_files_and_directories_make_one_snapshot() {
    // The isolated sample given file by file gives the same report as the directory.
    let mut files: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/isolated"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .map(|p| p.display().to_string())
            .collect();
    files.sort();
    let mut args = vec!["analyze".to_string(), "--format".into(), "json".into()];
    args.extend(files);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let by_files = run(&a);
    let by_dir = run(&["analyze", "--format", "json", "samples/isolated"]);
    assert_eq!(by_files.status.code(), Some(0));
    assert_eq!(by_files.stdout, by_dir.stdout);
}
