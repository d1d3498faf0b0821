//! The audit reports: `analyze --format markdown` and `--format html`; the formats security
//! tooling consumes as the CLI writes them (SARIF, ASFF, JUnit, CSV — one document for every
//! region), and the flags that decide where a report goes and what the exit status is.
//!
//! One insta snapshot per sample and format (a change to what auditors read is a reviewable
//! diff). The HTML snapshots are taken with Graphviz made unavailable (`VPCREACH_DOT` names a
//! program that does not exist): inline SVG differs between Graphviz versions, and this way the
//! snapshot also pins the report's fallback text in place of each diagram. Real SVG in the HTML
//! is checked by `tests/browser.rs`. The tool version is masked so a release does not touch every
//! snapshot.

use std::process::{Command, Output};

const SAMPLES: &[&str] = &[
    "isolated",
    "nat-egress",
    "public-subnet",
    "direct-internet",
    "endpoint-mistakes",
    "acl-traps",
];

/// A program name that is never installed: HTML reports are rendered without Graphviz.
const NO_DOT: &str = "vpcreach-test-no-such-dot";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VPCREACH_DOT", NO_DOT)
        .output()
        .expect("run vpcreach")
}

fn report(sample: &str, format: &str, extra: &[&str]) -> String {
    let path = format!("samples/{sample}");
    let mut args = vec!["analyze", path.as_str(), "--format", format];
    args.extend(extra);
    let o = run(&args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{sample} {format}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn masked(s: &str) -> String {
    s.replace(
        &format!("vpcreach {}", env!("CARGO_PKG_VERSION")),
        "vpcreach [VERSION]",
    )
}

#[test]
fn markdown_of_every_sample() {
    for s in SAMPLES {
        let md = report(s, "markdown", &[]);
        insta::assert_snapshot!(format!("markdown_{s}"), masked(&md));
    }
}

#[test]
fn html_of_every_sample() {
    for s in SAMPLES {
        let html = report(s, "html", &[]);
        insta::assert_snapshot!(format!("html_{s}"), masked(&html));
    }
}

#[test]
fn summary_states_version_profile_region_and_snapshot_hashes() {
    let md = report("nat-egress", "markdown", &["--profile", "nat-egress"]);
    for want in [
        "| Region | `us-east-1` |",
        "| Profile | `nat-egress` |",
        "| Notebooks | 1 |",
        "| Compliant | 1 of 1 |",
        &format!("| Tool | vpcreach {} |", env!("CARGO_PKG_VERSION")),
        "| `samples/nat-egress/vpcs.json` | `",
    ] {
        assert!(md.contains(want), "missing {want:?}");
    }
    let html = report("nat-egress", "html", &[]);
    assert!(html.contains(&format!("vpcreach {}", env!("CARGO_PKG_VERSION"))));
    assert!(html.contains("<code>samples/nat-egress/vpcs.json</code>"));
}

#[test]
fn evidence_findings_and_diagnostics_are_in_the_reports() {
    let md = report("acl-traps", "markdown", &[]);
    // blocked_by with its code, component and rule
    assert!(md.contains(
        "blocked: `ACL_RETURN_TRAFFIC` at `acl-08de8a1b293efa1bf`: return traffic to the NAT gateway's ports"
    ));
    // a path hop by hop
    assert!(md.contains("5. nat-gateway `nat-04f9edb23934a36c5` — translates the source"));
    let md = report("direct-internet", "markdown", &[]);
    assert!(md.contains("| `SageMaker.2` | high |"), "{md}");
    assert!(md.contains("| `SageMaker.1` | high | direct internet access is enabled |"));
    let html = report("direct-internet", "html", &[]);
    assert!(html.contains("<td><code>SageMaker.2</code></td><td>high</td>"));
}

#[test]
fn html_is_self_contained_with_one_row_per_notebook() {
    let html = report("endpoint-mistakes", "html", &[]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("class=\"notebook-row\"").count(), 4);
    assert!(html.contains("@media print"));
    assert!(html.contains("default-src 'none'"));
    for external in ["<script", "<link", "src=\"http", "href=\"http", "url("] {
        assert!(!html.contains(external), "external asset {external:?}");
    }
    // Without Graphviz, the report says so where the diagram would be.
    assert_eq!(
        html.matches("<p class=\"no-diagram\">Diagram not included: the Graphviz program <code>vpcreach-test-no-such-dot</code> is not installed").count(),
        4
    );
    assert!(html.contains("<code>apt-get install graphviz</code>"));
}

#[test]
fn deterministic_unless_timestamp() {
    for f in ["markdown", "html"] {
        assert_eq!(
            report("acl-traps", f, &[]),
            report("acl-traps", f, &[]),
            "{f}"
        );
        let row = ["| Generated |", "<th>Generated</th>"];
        let plain = report("acl-traps", f, &[]);
        assert!(!row.iter().any(|r| plain.contains(r)), "{f}");
        let t = report("acl-traps", f, &["--timestamp"]);
        assert!(row.iter().any(|r| t.contains(r)), "{f}");
        // RFC 3339, UTC
        assert!(t.contains("Z |") || t.contains("Z</td>"), "{f}");
    }
}

#[test]
fn rfc3339_is_right() {
    use std::time::{Duration, UNIX_EPOCH};
    use vpcreach::render::meta::rfc3339;
    assert_eq!(rfc3339(UNIX_EPOCH), "1970-01-01T00:00:00Z");
    assert_eq!(
        rfc3339(UNIX_EPOCH + Duration::from_secs(951_782_400)),
        "2000-02-29T00:00:00Z"
    );
    assert_eq!(
        rfc3339(UNIX_EPOCH + Duration::from_secs(1_774_087_445)),
        "2026-03-21T10:04:05Z"
    );
}

#[test]
fn text_from_the_snapshot_is_escaped() {
    use vpcreach::render::{html, markdown};
    assert_eq!(
        html::escape("<script>alert('x')</script> & \"q\""),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
    );
    assert_eq!(
        markdown::escape("a|b *c* _d_ <e> [f](g) `h`"),
        "a\\|b \\*c\\* \\_d\\_ &lt;e&gt; \\[f\\](g) \\`h\\`"
    );
    // End to end: a hostile notebook name in a real snapshot.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-evil");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for f in std::fs::read_dir("samples/isolated").unwrap() {
        let f = f.unwrap().path();
        if f.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&f)
                .unwrap()
                .replace("\"nb-isolated\"", "\"<img src=x onerror=alert(1)>|nb\"");
            std::fs::write(dir.join(f.file_name().unwrap()), text).unwrap();
        }
    }
    let d = dir.to_str().unwrap();
    let o = run(&["analyze", d, "--format", "html"]);
    let html = String::from_utf8(o.stdout).unwrap();
    assert!(!html.contains("<img"), "unescaped name in HTML");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;|nb"));
    let o = run(&["analyze", d, "--format", "markdown"]);
    let md = String::from_utf8(o.stdout).unwrap();
    assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;\\|nb"));
}

#[test]
fn tooling_formats_are_one_document_for_every_region() {
    // Two regions: two reports, one SARIF log / XML / CSV / ASFF holding both.
    let dir = "tests/fixtures/adversarial/two-regions-in-one-tree/snapshot";
    for (format, check) in [
        (
            "sarif",
            (|t: &str| {
                let v: serde_json::Value = serde_json::from_str(t).expect("one SARIF document");
                assert_eq!(v["version"], "2.1.0");
                assert!(!v["runs"].as_array().unwrap().is_empty());
            }) as fn(&str),
        ),
        ("asff", |t: &str| {
            let v: serde_json::Value = serde_json::from_str(t).expect("one ASFF document");
            let regions: std::collections::BTreeSet<&str> = v["Findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["Resources"][0]["Region"].as_str().unwrap())
                .collect();
            assert_eq!(regions.len(), 2, "{regions:?}");
        }),
        ("junit", |t: &str| {
            assert_eq!(t.matches("<testsuites").count(), 1, "{t}");
            assert_eq!(
                t.matches("<testsuite ").count(),
                2,
                "one suite per region: {t}"
            );
        }),
        ("csv", |t: &str| {
            assert_eq!(
                t.lines()
                    .filter(|l| l.starts_with("region,account_id,notebook,check"))
                    .count(),
                1
            );
            assert!(
                t.contains("\neu-west-1,") && t.contains("\nus-east-1,"),
                "{t}"
            );
        }),
    ] {
        let o = run(&["analyze", dir, "--format", format]);
        assert!(matches!(o.status.code(), Some(0 | 1)), "{format}");
        check(&String::from_utf8(o.stdout).unwrap());
    }
}

#[test]
fn out_file_exit_policy_and_aws_cli_spellings() {
    let tmp = std::env::temp_dir().join(format!("vpcreach-out-{}.json", std::process::id()));
    let out = tmp.to_str().unwrap();
    // nat-egress is not compliant under isolated: exit 1, unless the policy says otherwise.
    let o = run(&[
        "analyze",
        "samples/nat-egress",
        "--output",
        "json",
        "-o",
        out,
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "-o writes the file, not stdout");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&tmp).unwrap()).unwrap();
    assert_eq!(v["summary"]["compliant"], 0);
    for flags in [&["--exit-zero"][..], &["--fail-on", "none"][..]] {
        let mut args = vec!["analyze", "samples/nat-egress"];
        args.extend_from_slice(flags);
        assert_eq!(run(&args).status.code(), Some(0), "{flags:?}");
    }
    // --fail-on unknown fails on an unknown verdict even when --allow-unknown passes it.
    let unknown = ["analyze", "samples/endpoint-mistakes", "--allow-unknown"];
    let base = run(&unknown).status.code();
    let mut strict = unknown.to_vec();
    strict.extend_from_slice(&["--fail-on", "unknown"]);
    let o = run(&strict);
    let text =
        String::from_utf8(run(&[unknown[0], unknown[1], "--format", "json"]).stdout).unwrap();
    if text.contains("\"unknown\"") {
        assert_eq!(o.status.code(), Some(1));
    } else {
        assert_eq!(o.status.code(), base);
    }
    // --require +SVC adds to the default list; --notebook takes a comma-separated list.
    let o = run(&[
        "analyze",
        "samples/isolated",
        "--require",
        "+kms",
        "--notebook",
        "nb-isolated,nb-isolated-hardened",
        "--format",
        "json",
        "--no-color",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let checks: Vec<&String> = v["notebooks"][0]["checks"]
        .as_object()
        .unwrap()
        .keys()
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
            "kms"
        ]
    );
    assert_eq!(v["summary"]["notebooks"], 2);
    let _ = std::fs::remove_file(&tmp);
}
