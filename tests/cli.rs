//! The command line as a user meets it: table output of every sample (insta snapshots, one per
//! sample, so any change to what people read is a reviewable diff), `--help`, errors with exit
//! status 2 that name the file / resource / field, determinism, and the flags that shape a run.
//! Also the proof the other suites rest on: the in-process run of tests/common/report.rs prints
//! the binary's JSON byte for byte and exits alike, for every sample, scenario fixture, Batfish
//! snapshot and adversarial case; and the typed report rejects output that breaks the contract.

mod common;
use common::expect::par_map;
use common::report;

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

/// The binary's JSON reads as the typed report of DESIGN §4 (every field present, none unknown),
/// `internet` first and then the services in the default order.
#[test]
fn json_parses_and_has_the_contract_fields() {
    let o = run(&["analyze", "samples/isolated", "--format", "json"]);
    let reports = report::parse_stream(&stdout(&o)).unwrap();
    assert_eq!(reports.len(), 1);
    let nb = &reports[0].notebooks[0];
    assert_eq!(
        nb.checks.names(),
        [
            "internet",
            "s3",
            "sagemaker.api",
            "sagemaker.runtime",
            "sts",
            "logs"
        ]
    );
}

/// `--evidence witness|none` keep every key and every verdict of the full report and leave out
/// exactly what they say (the hop-by-hop path; then the witness and the reasons too), on every
/// sample; with any format but JSON the flag is an error.
#[test]
fn evidence_levels_keep_the_verdicts_and_the_keys() {
    use serde_json::Value;
    for sample in SAMPLES
        .iter()
        .chain(&["studio-vpc-only", "studio-public-internet"])
    {
        let dir = format!("samples/{sample}");
        let json = |level: &str| {
            let o = run(&["analyze", &dir, "--format", "json", "--evidence", level]);
            assert!(
                matches!(o.status.code(), Some(0 | 1)),
                "{sample} {level}: {}",
                stderr(&o)
            );
            // The typed report parses every level: the keys are those of the contract.
            report::parse_stream(&stdout(&o)).unwrap_or_else(|e| panic!("{sample} {level}: {e}"));
            (
                stdout(&o).len(),
                serde_json::from_str::<Value>(&stdout(&o)).unwrap(),
            )
        };
        let (full_len, full) = json("full");
        let (witness_len, witness) = json("witness");
        let (none_len, none) = json("none");
        assert_eq!(
            full,
            serde_json::from_str::<Value>(&stdout(&run(&["analyze", &dir, "--format", "json"])))
                .unwrap()
        );
        assert!(
            none_len < witness_len && witness_len < full_len,
            "{sample}: {none_len} {witness_len} {full_len}"
        );
        let nbs = |v: &Value| v["notebooks"].as_array().unwrap().clone();
        let mut paths = 0;
        for ((f, w), n) in nbs(&full).iter().zip(nbs(&witness)).zip(nbs(&none)) {
            for k in ["name", "compliant", "reasons", "findings", "subnet_id"] {
                assert_eq!(f[k], w[k], "{sample}: {k}");
                assert_eq!(f[k], n[k], "{sample}: {k}");
            }
            for (name, fc) in f["checks"].as_object().unwrap() {
                let (wc, nc) = (&w["checks"][name], &n["checks"][name]);
                for k in ["status", "private", "via", "vias"] {
                    assert_eq!(fc[k], wc[k], "{sample} {name} {k}");
                    assert_eq!(fc[k], nc[k], "{sample} {name} {k}");
                }
                for k in ["witness", "blocked_by", "unknown_because"] {
                    assert_eq!(fc[k], wc[k], "{sample} {name} {k}");
                }
                paths += fc["path"].as_array().unwrap().len();
                assert_eq!(wc["path"], Value::Array(vec![]), "{sample} {name}");
                assert_eq!(nc["witness"], Value::Null, "{sample} {name}");
                for k in ["path", "blocked_by", "unknown_because"] {
                    assert_eq!(nc[k], Value::Array(vec![]), "{sample} {name} {k}");
                }
            }
        }
        assert!(paths > 0, "{sample}: the full report shows some path");
    }
    let o = run(&["analyze", "samples/isolated", "--evidence", "none"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--evidence none") && stderr(&o).contains("--format json"),
        "{}",
        stderr(&o)
    );
}

/// The typed report pins the contract: a missing field (nullable ones included), an unknown
/// field, an unknown status or `via`, or a repeated check fails to parse.
#[test]
fn typed_report_rejects_a_broken_contract() {
    let good = report::analyze(&["samples/isolated"], &[]).unwrap().json;
    assert!(report::parse_stream(&good).is_ok());
    let v: serde_json::Value = serde_json::from_str(&good).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let edits: [(&str, Edit); 8] = [
        ("no region", |v| {
            v.as_object_mut().unwrap().remove("region");
        }),
        ("no subnet_id", |v| {
            v["notebooks"][0]
                .as_object_mut()
                .unwrap()
                .remove("subnet_id");
        }),
        ("no via", |v| {
            v["notebooks"][0]["checks"]["internet"]
                .as_object_mut()
                .unwrap()
                .remove("via");
        }),
        ("no witness", |v| {
            v["notebooks"][0]["checks"]["s3"]
                .as_object_mut()
                .unwrap()
                .remove("witness");
        }),
        ("an unknown field", |v| {
            v["notebooks"][0]["checks"]["s3"]["extra"] = true.into();
        }),
        ("an unknown status", |v| {
            v["notebooks"][0]["checks"]["s3"]["status"] = "maybe".into();
        }),
        ("an unknown via", |v| {
            v["notebooks"][0]["checks"]["s3"]["via"] = "teleport".into();
        }),
        ("a non-address witness", |v| {
            v["notebooks"][0]["checks"]["s3"]["witness"]["destination"] = "s3".into();
        }),
    ];
    for (what, edit) in edits {
        let mut bad = v.clone();
        edit(&mut bad);
        assert!(
            report::parse_stream(&bad.to_string()).is_err(),
            "a report with {what} parsed"
        );
    }
    let twice = good.replacen("\"s3\": {", "\"internet\": {", 1);
    assert!(
        report::parse_stream(&twice).is_err(),
        "a report with a repeated check parsed"
    );
}

/// A list of `--require` services and `--notebook` shape the run.
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
    let reports = report::parse_stream(&stdout(&o)).unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].notebooks.len(), 1);
    assert_eq!(
        reports[0].notebooks[0].checks.names(),
        ["internet", "sts", "s3"]
    );
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

/// The in-process run every verdict suite uses (tests/common/report.rs) prints exactly what the
/// binary prints and exits alike: for every sample (both profiles, and with the flags that shape a
/// run), every scenario fixture (both profiles), every Batfish snapshot (and the variants the
/// Batfish suite runs), every adversarial case with its arguments, and the incomplete-data fixture.
/// Where the binary exits 2, the in-process run fails too and the binary prints nothing on stdout.
#[test]
fn in_process_analyze_equals_the_binary() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listing = |dir: &str, dirs: bool| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                if dirs {
                    p.is_dir()
                        && !p
                            .file_name()
                            .unwrap()
                            .to_string_lossy()
                            .starts_with(['.', '_'])
                } else {
                    p.extension().is_some_and(|x| x == "json")
                }
            })
            .map(|p| p.strip_prefix(root).unwrap().display().to_string())
            .collect();
        v.sort();
        v
    };
    let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let nat_egress = args(&["--profile", "nat-egress"]);
    let mut runs: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for s in listing("samples", true) {
        runs.push((vec![s.clone()], vec![]));
        runs.push((vec![s.clone()], nat_egress.clone()));
        runs.push((
            vec![s],
            args(&["--allow-unknown", "--require", "sts,S3,logs"]),
        ));
    }
    runs.push((
        vec!["samples/endpoint-mistakes".into()],
        args(&["--notebook", "nb-sts-private-dns-off"]),
    ));
    runs.push((
        vec!["samples/isolated".into()],
        args(&["--require", "sts,s3", "--notebook", "nb-isolated"]),
    ));
    for f in listing("tests/fixtures/scenarios", false) {
        runs.push((vec![f.clone()], vec![]));
        runs.push((vec![f], nat_egress.clone()));
    }
    for b in listing("tests/fixtures/batfish", true) {
        runs.push((vec![b.clone()], vec![]));
        runs.push((vec![b], args(&["--allow-unknown"])));
    }
    for b in ["test-vpc-endpoint-gateway", "test-vpc-endpoint-interface"] {
        runs.push((
            vec![
                format!("tests/fixtures/batfish/{b}/aws_configs"),
                format!("tests/fixtures/batfish/{b}/notebooks.json"),
            ],
            args(&["--require", "cloudtrail,s3,sts"]),
        ));
    }
    runs.push((
        vec!["tests/fixtures/batfish/test-transit-gateway-peering".into()],
        args(&["--region", "us-west-1"]),
    ));
    for d in listing("tests/fixtures/adversarial", true) {
        let exp: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(&d).join("expect.json")).unwrap(),
        )
        .unwrap();
        let a = exp["args"]
            .as_array()
            .map(|a| a.iter().map(|x| x.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        runs.push((vec![format!("{d}/snapshot")], a));
    }
    runs.push((
        vec![
            "samples/isolated".into(),
            "tests/fixtures/incomplete/incomplete.json".into(),
        ],
        args(&["--notebook", "nb-isolated"]),
    ));

    let results = par_map(&runs, |(paths, a)| {
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let cmd = report::cmdline(paths, &a);
        let bin = report::run_binary(paths, &[&["--format", "json"][..], &a].concat());
        let code = bin.status.code();
        match report::analyze(paths, &a) {
            Ok(x) if code == Some(x.exit) && bin.stdout == x.json.as_bytes() => (Ok(()), true),
            Ok(x) => (
                Err(format!(
                    "`{cmd}`: binary exit {code:?} and {} bytes, in-process exit {} and {} bytes{}",
                    bin.stdout.len(),
                    x.exit,
                    x.json.len(),
                    if bin.stdout == x.json.as_bytes() {
                        ""
                    } else {
                        " (the JSON differs)"
                    }
                )),
                true,
            ),
            Err(_) if code == Some(2) && bin.stdout.is_empty() => (Ok(()), false),
            Err(e) => (
                Err(format!(
                    "`{cmd}`: in-process exit 2 ({e}), binary exit {code:?}: {}",
                    stderr(&bin).trim()
                )),
                false,
            ),
        }
    });
    let reports = results.iter().filter(|(_, ok)| *ok).count();
    let errs: Vec<&String> = results
        .iter()
        .filter_map(|(r, _)| r.as_ref().err())
        .collect();
    eprintln!(
        "in-process vs binary: {} runs ({reports} with reports, {} exit 2), {} differ",
        runs.len(),
        runs.len() - reports,
        errs.len()
    );
    assert!(
        errs.is_empty(),
        "{} run(s) differ:\n  {}",
        errs.len(),
        errs.iter()
            .map(|e| e.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    assert_eq!(results.len(), runs.len(), "every run was compared");
    assert!(
        reports > 250 && reports < runs.len(),
        "runs with and without reports"
    );
}
