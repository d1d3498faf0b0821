//! The CI formats (SARIF, ASFF, JUnit XML, CSV) over every bundled sample, judged in-process:
//! each rendering is parsed back and checked against the typed report it came from — SARIF also
//! against the official SARIF 2.1.0 JSON schema (`tests/data/`, see its README), ASFF against
//! Security Hub's required fields and limits — plus one insta snapshot per format.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;
use vpcreach_core::assess::Options;
use vpcreach_core::model::Planned;
use vpcreach_core::report::{Judgement, Profile, Report};
use vpcreach_render::meta::ReportMeta;
use vpcreach_render::{asff, csv as csv_out, junit, sarif};

const SAMPLES: &[&str] = &[
    "acl-traps",
    "direct-internet",
    "endpoint-mistakes",
    "isolated",
    "large",
    "nat-egress",
    "public-subnet",
];

const TIME: &str = "2026-03-21T10:04:05Z";

fn sample_dir(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../samples")).join(name)
}

/// The reports of one bundled sample, judged in-process under `opts`.
fn reports_with(name: &str, opts: &Options) -> Vec<Report> {
    let loaded = vpcreach_aws::load_paths(&[sample_dir(name)]).unwrap();
    vpcreach_aws::judge(&[loaded], opts)
        .unwrap()
        .reports
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

/// Every sample under the default options, then under `nat-egress` with unknowns allowed (so
/// that both profiles and `--allow-unknown` are rendered).
fn all_reports() -> &'static Vec<(String, Report)> {
    static R: OnceLock<Vec<(String, Report)>> = OnceLock::new();
    R.get_or_init(|| {
        let mut out = Vec::new();
        let nat = Options {
            judgement: Judgement {
                profile: Profile::NatEgress,
                allow_unknown: true,
            },
            ..Options::default()
        };
        for s in SAMPLES {
            for r in reports_with(s, &Options::default()) {
                out.push((s.to_string(), r));
            }
            for r in reports_with(s, &nat) {
                out.push((format!("{s} (nat-egress)"), r));
            }
        }
        out
    })
}

fn one(name: &str) -> Report {
    let mut r = reports_with(name, &Options::default());
    assert_eq!(r.len(), 1);
    r.remove(0)
}

// ---------------------------------------------------------------------------------------------
// SARIF

fn sarif_validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/sarif-schema-2.1.0.json"
        ))
        .unwrap();
        let schema: Value = serde_json::from_str(&text).unwrap();
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles")
    })
}

fn schema_errors(doc: &Value) -> Vec<String> {
    sarif_validator()
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn no_time() -> ReportMeta {
    ReportMeta::default()
}

#[test]
fn sarif_of_every_sample_is_valid_sarif_2_1_0() {
    for (name, r) in all_reports() {
        let doc: Value = serde_json::from_str(&sarif::render(r, &no_time())).unwrap();
        let errors = schema_errors(&doc);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
    // Several regions in one log, with a time.
    let reports: Vec<Report> = all_reports().iter().map(|(_, r)| r.clone()).collect();
    let m = ReportMeta {
        timestamp: Some(TIME.into()),
    };
    let doc: Value = serde_json::from_str(&sarif::render_all(&reports, &m)).unwrap();
    assert!(schema_errors(&doc).is_empty());
    assert_eq!(doc["runs"].as_array().unwrap().len(), reports.len());
    assert_eq!(doc["runs"][0]["invocations"][0]["endTimeUtc"], TIME);
}

/// A change that makes a valid SARIF log invalid.
type Breaker = fn(&mut Value);

#[test]
fn the_schema_rejects_invalid_sarif() {
    let good: Value =
        serde_json::from_str(&sarif::render(&one("public-subnet"), &no_time())).unwrap();
    assert!(schema_errors(&good).is_empty());
    assert!(!good["runs"][0]["results"].as_array().unwrap().is_empty());
    let broken: Vec<(&str, Breaker)> = vec![
        ("no version", |d| {
            d.as_object_mut().unwrap().remove("version");
        }),
        ("wrong version", |d| d["version"] = "2.0.0".into()),
        ("unknown level", |d| {
            d["runs"][0]["results"][0]["level"] = "fatal".into()
        }),
        ("message without text", |d| {
            d["runs"][0]["results"][0]["message"] = serde_json::json!({})
        }),
        ("line 0", |d| {
            d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"] =
                serde_json::json!({"startLine": 0})
        }),
        ("tool without driver", |d| {
            d["runs"][0]["tool"] = serde_json::json!({})
        }),
        ("unknown top-level key", |d| d["extra"] = true.into()),
    ];
    for (what, f) in broken {
        let mut d = good.clone();
        f(&mut d);
        assert!(!schema_errors(&d).is_empty(), "{what} was accepted");
    }
}

#[test]
fn sarif_results_match_the_report() {
    for (name, r) in all_reports() {
        let doc: Value = serde_json::from_str(&sarif::render(r, &no_time())).unwrap();
        let run = &doc["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "vpcreach");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{name}: rule ids are unique");
        for c in vpcreach_core::analysis::Code::ALL {
            assert!(unique.contains(c.as_str()));
        }
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            assert!(
                !rule["shortDescription"]["text"]
                    .as_str()
                    .unwrap()
                    .is_empty()
            );
            assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
            if id.starts_with("SageMaker.") {
                assert_eq!(rule["properties"]["securityHubControlId"], id);
                assert!(rule["properties"].get("awsConfigRuleId").is_none(), "{id}");
            } else if id == "SAGEMAKER_DOMAIN_IN_VPC" {
                // An AWS Config rule: no Security Hub control is claimed for it.
                assert_eq!(rule["properties"]["awsConfigRuleId"], id);
                assert!(
                    rule["properties"].get("securityHubControlId").is_none(),
                    "{id}"
                );
            } else {
                assert!(rule.get("properties").is_none(), "{id} has no control");
            }
        }
        // The diagnostics, one notification each, in order.
        let notes = run
            .pointer("/invocations/0/toolExecutionNotifications")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        assert_eq!(notes.len(), r.diagnostics.len(), "{name}");
        for (note, d) in notes.iter().zip(&r.diagnostics) {
            assert_eq!(note["descriptor"]["id"], d.code.as_str());
            assert_eq!(note["message"]["text"], d.message.as_str());
            assert_eq!(
                note["locations"][0]["logicalLocations"][0]["name"],
                d.resource.as_str()
            );
        }
        let results = run["results"].as_array().unwrap();
        // One result per check that does not simply pass, and one per finding.
        let expected: usize = r
            .notebooks
            .iter()
            .map(|n| {
                n.checks
                    .0
                    .iter()
                    .filter(|c| !c.passes || c.undecided)
                    .count()
                    + n.findings.len()
            })
            .sum();
        assert_eq!(results.len(), expected, "{name}");
        for res in results {
            let rule = res["ruleId"].as_str().unwrap();
            assert!(unique.contains(rule), "{name}: {rule} is defined");
            let level = res["level"].as_str().unwrap();
            let nb_name = res["locations"][0]["logicalLocations"][0]["name"]
                .as_str()
                .unwrap();
            let n = r.notebooks.iter().find(|n| n.name == nb_name).unwrap();
            let arn = format!(
                "arn:aws:sagemaker:{}:{}:notebook-instance/{}",
                r.region.as_deref().unwrap(),
                n.account_id.as_deref().unwrap(),
                n.name.to_lowercase()
            );
            assert_eq!(
                res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                arn
            );
            assert!(
                res["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with(&n.name)
            );
            if let Some(check) = res["properties"]["check"].as_str() {
                let c = n.checks.0.iter().find(|c| c.name == check).unwrap();
                let want = match (c.passes, c.undecided) {
                    (false, false) => "error",
                    (false, true) => "warning",
                    (true, true) => "note",
                    (true, false) => panic!("{name}: a passing check has a result"),
                };
                assert_eq!(level, want, "{name}: {nb_name} {check}");
            } else {
                assert!(rule.starts_with("SageMaker."));
                let decides = r.profile == Profile::Isolated && rule != "SageMaker.3";
                assert_eq!(level, if decides { "error" } else { "warning" });
            }
        }
    }
}

#[test]
fn sarif_locates_a_planned_notebook_at_its_file_and_line() {
    let mut r = one("public-subnet");
    let n = &mut r.notebooks[0];
    n.account_id = None;
    n.planned = Some(Planned {
        address: "aws_sagemaker_notebook_instance.nb".into(),
        action: "create".into(),
        file: Some("infra/my plan.json".into()),
        line: Some(42),
    });
    let name = n.name.clone();
    let doc: Value = serde_json::from_str(&sarif::render(&r, &no_time())).unwrap();
    assert!(schema_errors(&doc).is_empty());
    let mine: Vec<&Value> = doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["locations"][0]["logicalLocations"][0]["name"] == name.as_str())
        .collect();
    assert!(!mine.is_empty());
    for res in mine {
        let loc = &res["locations"][0];
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"],
            "infra/my%20plan.json"
        );
        assert_eq!(loc["physicalLocation"]["region"]["startLine"], 42);
        assert_eq!(
            loc["logicalLocations"][0]["decoratedName"],
            "aws_sagemaker_notebook_instance.nb"
        );
        // Without an account there is no ARN: the name is all there is.
        assert_eq!(
            loc["logicalLocations"][0]["fullyQualifiedName"],
            name.as_str()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// ASFF

const ASFF_REQUIRED: &[&str] = &[
    "SchemaVersion",
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "Types",
    "CreatedAt",
    "UpdatedAt",
    "Severity",
    "Title",
    "Description",
    "Resources",
];

#[test]
fn asff_findings_have_the_required_fields_within_limits() {
    for (name, r) in all_reports() {
        let out = asff::render(r, TIME);
        assert!(
            out.skipped.is_empty(),
            "{name}: every sample notebook has an account"
        );
        let doc: Value = serde_json::from_str(&out.json).unwrap();
        let findings = doc["Findings"].as_array().unwrap();
        let expected: usize = r.notebooks.iter().map(|n| n.checks.0.len() + 3).sum();
        assert_eq!(findings.len(), expected, "{name}");
        let ids: BTreeSet<&str> = findings.iter().map(|f| f["Id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), findings.len(), "{name}: ids are unique");
        for f in findings {
            for k in ASFF_REQUIRED {
                assert!(f.get(*k).is_some(), "{name}: {k} missing in {f}");
            }
            assert_eq!(f["SchemaVersion"], "2018-10-08");
            assert_eq!(f["CreatedAt"], TIME);
            assert_eq!(f["UpdatedAt"], TIME);
            let account = f["AwsAccountId"].as_str().unwrap();
            assert!(account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()));
            let region = r.region.as_deref().unwrap();
            assert_eq!(
                f["ProductArn"],
                format!("arn:aws:securityhub:{region}:{account}:product/{account}/default")
            );
            assert!(f["Title"].as_str().unwrap().chars().count() <= asff::TITLE_MAX);
            assert!(f["Description"].as_str().unwrap().chars().count() <= asff::DESCRIPTION_MAX);
            assert!(f["Id"].as_str().unwrap().len() <= 512);
            assert!(f["GeneratorId"].as_str().unwrap().len() <= 512);
            assert!(!f["Types"].as_array().unwrap().is_empty());
            let label = f["Severity"]["Label"].as_str().unwrap();
            let status = f["Compliance"]["Status"].as_str().unwrap();
            let want_label = match status {
                "PASSED" => "INFORMATIONAL",
                "WARNING" => "MEDIUM",
                "FAILED" => "HIGH",
                s => panic!("{name}: compliance status {s}"),
            };
            assert_eq!(label, want_label);
            if let Some(rec) = f.pointer("/Remediation/Recommendation/Text") {
                let t = rec.as_str().unwrap();
                assert!(!t.is_empty() && t.chars().count() <= asff::RECOMMENDATION_MAX);
            }
            let res = &f["Resources"][0];
            assert_eq!(res["Type"], "AwsSageMakerNotebookInstance");
            assert!(res["Id"].as_str().unwrap().starts_with(&format!(
                "arn:aws:sagemaker:{region}:{account}:notebook-instance/"
            )));
            assert_eq!(res["Region"], region);
            for v in f["ProductFields"].as_object().unwrap().values() {
                assert!(v.is_string(), "ProductFields values are strings");
            }
        }
        // Compliance follows the report's judgement, check by check and control by control.
        for n in &r.notebooks {
            let prefix = format!(
                "vpcreach/{}/{}/{}/",
                r.region.as_deref().unwrap(),
                n.account_id.as_deref().unwrap(),
                n.name
            );
            let get = |what: &str| {
                findings
                    .iter()
                    .find(|f| f["Id"] == format!("{prefix}{what}").as_str())
                    .unwrap_or_else(|| panic!("{name}: no finding {prefix}{what}"))
            };
            for c in &n.checks.0 {
                let f = get(&c.name);
                let want = match (c.passes, c.undecided) {
                    (_, true) => "WARNING",
                    (true, false) => "PASSED",
                    (false, false) => "FAILED",
                };
                assert_eq!(f["Compliance"]["Status"], want, "{name} {prefix}{}", c.name);
                assert!(f["Compliance"].get("SecurityControlId").is_none());
                if want == "FAILED" {
                    assert!(
                        f.get("Remediation").is_some()
                            || f["Title"].as_str().unwrap().contains(&c.name)
                    );
                }
            }
            for control in ["SageMaker.1", "SageMaker.2", "SageMaker.3"] {
                let f = get(control);
                assert_eq!(f["Compliance"]["SecurityControlId"], control);
                let found = n.findings.iter().any(|x| x.code() == control);
                let status = f["Compliance"]["Status"].as_str().unwrap();
                assert_eq!(status == "FAILED", found, "{name} {prefix}{control}");
                if found {
                    assert!(
                        f["Remediation"]["Recommendation"]["Url"]
                            .as_str()
                            .unwrap()
                            .ends_with(&control.to_lowercase().replace('.', "-"))
                    );
                }
            }
        }
    }
}

#[test]
fn asff_leaves_out_notebooks_without_an_account_and_cuts_long_text() {
    let mut r = one("direct-internet");
    assert!(r.notebooks.len() >= 2);
    let skipped = r.notebooks[0].name.clone();
    r.notebooks[0].account_id = None;
    // A name far beyond Security Hub's limits: the description is cut, not rejected.
    r.notebooks[1].name = "n".repeat(3000);
    let out = asff::render(&r, TIME);
    assert_eq!(
        out.skipped,
        vec![format!("{}/{skipped}", r.region.as_deref().unwrap())]
    );
    let doc: Value = serde_json::from_str(&out.json).unwrap();
    let findings = doc["Findings"].as_array().unwrap();
    let expected: usize = r.notebooks[1..].iter().map(|n| n.checks.0.len() + 3).sum();
    assert_eq!(findings.len(), expected);
    for f in findings {
        assert!(!f["Id"].as_str().unwrap().contains(&format!("/{skipped}/")));
        let d = f["Description"].as_str().unwrap();
        assert_eq!(d.chars().count(), asff::DESCRIPTION_MAX);
        assert!(d.ends_with('…'));
        assert!(f["Title"].as_str().unwrap().chars().count() <= asff::TITLE_MAX);
    }
}

#[test]
fn asff_controls_of_a_notebook_whose_placement_is_unknown_are_warnings() {
    let mut r = one("isolated");
    // What a list-notebook-instances summary gives: no subnet, and no findings either way.
    let n = &mut r.notebooks[0];
    n.subnet_id = None;
    n.findings.clear();
    let prefix = format!(
        "vpcreach/{}/{}/{}/",
        r.region.as_deref().unwrap(),
        n.account_id.as_deref().unwrap(),
        n.name
    );
    let doc: Value = serde_json::from_str(&asff::render(&r, TIME).json).unwrap();
    for control in ["SageMaker.1", "SageMaker.2", "SageMaker.3"] {
        let f = doc["Findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["Id"] == format!("{prefix}{control}").as_str())
            .unwrap();
        assert_eq!(f["Compliance"]["Status"], "WARNING", "{control}");
        assert_eq!(f["Severity"]["Label"], "MEDIUM");
        assert!(f.get("Remediation").is_none());
    }
}

// ---------------------------------------------------------------------------------------------
// JUnit

#[derive(Debug, Default)]
struct XmlCase {
    suite: String,
    classname: String,
    name: String,
    failure: Option<(String, String, String)>,
}

/// Parse a JUnit document back: its test cases, and the `tests`/`failures` counts it declares.
fn parse_junit(xml: &str) -> (Vec<XmlCase>, usize, usize) {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases = Vec::new();
    let (mut tests, mut failures) = (0, 0);
    let mut suite = String::new();
    let mut in_failure = false;
    let attr = |e: &quick_xml::events::BytesStart, k: &str| -> String {
        e.try_get_attribute(k)
            .unwrap()
            .unwrap_or_else(|| panic!("attribute {k}"))
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .unwrap()
            .into_owned()
    };
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if e.name().0 == "testsuites" => {
                tests = attr(&e, "tests").parse().unwrap();
                failures = attr(&e, "failures").parse().unwrap();
            }
            Event::Start(e) if e.name().0 == "testsuite" => suite = attr(&e, "name"),
            Event::Start(e) | Event::Empty(e) if e.name().0 == "testcase" => cases.push(XmlCase {
                suite: suite.clone(),
                classname: attr(&e, "classname"),
                name: attr(&e, "name"),
                failure: None,
            }),
            Event::Start(e) if e.name().0 == "failure" => {
                in_failure = true;
                cases.last_mut().unwrap().failure =
                    Some((attr(&e, "message"), attr(&e, "type"), String::new()));
            }
            Event::Text(t) if in_failure => {
                let f = cases.last_mut().unwrap().failure.as_mut().unwrap();
                f.2.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_failure => {
                let f = cases.last_mut().unwrap().failure.as_mut().unwrap();
                if let Some(c) = r.resolve_char_ref().unwrap() {
                    f.2.push(c);
                } else {
                    f.2.push_str(match r.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("entity {other}"),
                    });
                }
            }
            Event::End(e) if e.name().0 == "failure" => in_failure = false,
            _ => {}
        }
    }
    (cases, tests, failures)
}

#[test]
fn junit_has_a_case_per_notebook_and_check_failing_as_the_report_says() {
    for (name, r) in all_reports() {
        let xml = junit::render(r, &no_time());
        let (cases, tests, failures) = parse_junit(&xml);
        assert_eq!(tests, cases.len());
        assert_eq!(
            failures,
            cases.iter().filter(|c| c.failure.is_some()).count()
        );
        let suite = format!("{}/{}", r.region.as_deref().unwrap(), r.profile.as_str());
        let controls = if r.profile == Profile::Isolated { 2 } else { 0 };
        let expected: usize = r
            .notebooks
            .iter()
            .map(|n| n.checks.0.len() + controls)
            .sum();
        assert_eq!(cases.len(), expected, "{name}");
        for n in &r.notebooks {
            for c in &n.checks.0 {
                let case = cases
                    .iter()
                    .find(|x| x.classname == n.name && x.name == c.name)
                    .unwrap_or_else(|| panic!("{name}: {} {}", n.name, c.name));
                assert_eq!(case.suite, suite);
                assert_eq!(
                    case.failure.is_some(),
                    !c.passes,
                    "{name}: {} {}",
                    n.name,
                    c.name
                );
                if let Some((message, kind, _)) = &case.failure {
                    assert!(message.starts_with(&c.name), "{message}");
                    assert!(!kind.is_empty());
                    if let Some(b) = c
                        .verdict
                        .blocked_by
                        .first()
                        .or(c.verdict.unknown_because.first())
                    {
                        assert!(case.failure.as_ref().unwrap().2.contains(b.code.as_str()));
                    }
                }
            }
            if r.profile == Profile::Isolated {
                for control in ["SageMaker.1", "SageMaker.2"] {
                    let case = cases
                        .iter()
                        .find(|x| x.classname == n.name && x.name == control)
                        .unwrap();
                    let found = n.findings.iter().any(|f| f.code() == control);
                    assert_eq!(case.failure.is_some(), found);
                    if let Some((_, kind, _)) = &case.failure {
                        assert_eq!(kind, control);
                    }
                }
            }
        }
        // The diagnostics are the suite's standard error, one line each.
        let err = xml
            .split_once("<system-err>")
            .map(|(_, rest)| rest.split_once("</system-err>").unwrap().0)
            .unwrap_or("");
        assert_eq!(err.lines().count(), r.diagnostics.len(), "{name}");
        for d in &r.diagnostics {
            assert!(err.contains(d.code.as_str()));
        }
        // A report's notebooks all pass exactly when it is compliant.
        assert_eq!(
            failures == 0,
            r.notebooks.iter().all(|n| n.compliant),
            "{name}"
        );
    }
}

#[test]
fn junit_escapes_what_the_snapshot_says() {
    let mut r = one("public-subnet");
    let evil = "nb<&\"'>\n\tx\u{1}";
    r.notebooks[0].name = evil.into();
    let xml = junit::render(&r, &no_time());
    let (cases, _, _) = parse_junit(&xml);
    let mine: Vec<&XmlCase> = cases
        .iter()
        .filter(|c| c.classname.starts_with("nb<"))
        .collect();
    assert_eq!(mine.len(), r.notebooks[0].checks.0.len() + 2);
    // Everything survives but the control character XML cannot carry.
    assert_eq!(mine[0].classname, "nb<&\"'>\n\tx\u{FFFD}");
    let m = ReportMeta {
        timestamp: Some(TIME.into()),
    };
    assert!(junit::render(&r, &m).contains("timestamp=\"2026-03-21T10:04:05\""));
}

// ---------------------------------------------------------------------------------------------
// CSV

fn parse_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = rd.headers().unwrap().iter().map(str::to_string).collect();
    let rows = rd
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_has_a_row_per_notebook_and_check() {
    for (name, r) in all_reports() {
        let text = csv_out::render(r);
        assert!(text.ends_with("\r\n"));
        let (header, rows) = parse_csv(&text);
        assert_eq!(header, csv_out::HEADER);
        let mut i = 0;
        for n in &r.notebooks {
            for c in &n.checks.0 {
                let row = &rows[i];
                i += 1;
                assert_eq!(row.len(), 11);
                assert_eq!(row[0], r.region.as_deref().unwrap());
                assert_eq!(row[1], n.account_id.as_deref().unwrap_or(""));
                assert_eq!(row[2], n.name);
                assert_eq!(row[3], c.name);
                assert_eq!(row[4], c.verdict.status.as_str());
                assert_eq!(row[5], c.verdict.private.to_string());
                assert_eq!(
                    row[6],
                    c.verdict
                        .via
                        .filter(|_| c.verdict.status != vpcreach_core::analysis::Status::Unreachable)
                        .map(|v| v.as_str())
                        .unwrap_or("")
                );
                assert_eq!(row[7], c.passes.to_string());
                let simply_passes = c.passes && !c.undecided;
                assert_eq!(
                    row[8].is_empty(),
                    simply_passes,
                    "{name}: {} {}",
                    n.name,
                    c.name
                );
                assert_eq!(row[10].is_empty(), simply_passes);
                if !simply_passes && !row[9].is_empty() {
                    let b = c
                        .verdict
                        .blocked_by
                        .iter()
                        .chain(&c.verdict.unknown_because)
                        .find(|b| b.code.as_str() == row[8])
                        .unwrap_or_else(|| {
                            panic!("{name}: {} names a block of the verdict", row[8])
                        });
                    assert_eq!(row[9], b.component());
                }
            }
        }
        assert_eq!(i, rows.len(), "{name}");
    }
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    let mut r = one("endpoint-mistakes");
    let evil = "nb, \"quoted\"\r\nnext line ";
    r.notebooks[0].name = evil.into();
    let (_, rows) = parse_csv(&csv_out::render(&r));
    let n = &r.notebooks[0];
    assert_eq!(
        rows.len(),
        r.notebooks.iter().map(|n| n.checks.0.len()).sum::<usize>()
    );
    for (row, c) in rows.iter().zip(&n.checks.0) {
        assert_eq!(row[2], evil);
        assert_eq!(row[3], c.name);
    }
    // Details are sentences with commas and colons: they too come back whole.
    assert!(rows.iter().any(|row| row[10].contains(',')));
}

// ---------------------------------------------------------------------------------------------
// Determinism and snapshots

#[test]
fn the_same_report_gives_the_same_bytes() {
    let a = one("endpoint-mistakes");
    let b = one("endpoint-mistakes");
    assert_eq!(sarif::render(&a, &no_time()), sarif::render(&b, &no_time()));
    assert_eq!(asff::render(&a, TIME).json, asff::render(&b, TIME).json);
    assert_eq!(junit::render(&a, &no_time()), junit::render(&b, &no_time()));
    assert_eq!(csv_out::render(&a), csv_out::render(&b));
}

#[test]
fn snapshots() {
    let r = one("endpoint-mistakes");
    insta::assert_snapshot!("sarif", sarif::render(&r, &no_time()));
    insta::assert_snapshot!("asff", asff::render(&r, TIME).json);
    insta::assert_snapshot!("junit", junit::render(&r, &no_time()));
    insta::assert_snapshot!("csv", csv_out::render(&r));
}

/// The samples exercise every branch the structural tests check: each SARIF level, a result
/// explained by a block and one by `PROFILE_NOT_MET`, each ASFF compliance status for checks and
/// controls, diagnostics.
#[test]
fn the_samples_cover_every_outcome() {
    let mut levels = BTreeSet::new();
    let mut rules = BTreeSet::new();
    let mut statuses = BTreeSet::new();
    for (_, r) in all_reports() {
        let doc: Value = serde_json::from_str(&sarif::render(r, &no_time())).unwrap();
        for res in doc["runs"][0]["results"].as_array().unwrap() {
            levels.insert(res["level"].as_str().unwrap().to_string());
            rules.insert(res["ruleId"].as_str().unwrap().to_string());
        }
        let a: Value = serde_json::from_str(&asff::render(r, TIME).json).unwrap();
        for f in a["Findings"].as_array().unwrap() {
            let control = f["Compliance"].get("SecurityControlId").is_some();
            statuses.insert((
                control,
                f["Compliance"]["Status"].as_str().unwrap().to_string(),
            ));
        }
    }
    assert_eq!(
        levels,
        BTreeSet::from(["error", "warning", "note"].map(String::from))
    );
    for rule in [
        sarif::PROFILE_NOT_MET,
        "NO_ROUTE_TO_DESTINATION",
        "LEAVES_MODELLED_SCOPE",
        "SageMaker.1",
        "SageMaker.2",
        "SageMaker.3",
    ] {
        assert!(rules.contains(rule), "{rule}");
    }
    for s in ["PASSED", "FAILED", "WARNING"] {
        assert!(statuses.contains(&(false, s.to_string())), "check {s}");
    }
    for s in ["PASSED", "FAILED"] {
        assert!(statuses.contains(&(true, s.to_string())), "control {s}");
    }
}
