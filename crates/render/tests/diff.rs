//! The verdict diff end to end: saved JSON reports read back ([`parse_report_json`]) equal the
//! view of the in-process reports they were written from, inputs that are not reports are refused,
//! and the fixtures in `tests/fixtures/diff/` diff as expected, with the table, Markdown and JSON
//! renderings pinned as insta snapshots.
//!
//! The fixtures are saved reports of the bundled samples (judged in-process, then rendered by
//! `json::render`), edited as typed reports to tell a pull request's story:
//! - `before.json`: `samples/isolated` — two private, compliant notebooks (one object);
//! - `after.json`: us-east-1 where `nb-isolated-hardened` now sits behind a NAT gateway (the
//!   verdicts of `samples/nat-egress`) and `nb-public-eip` appeared (from `samples/public-subnet`),
//!   then a second region, eu-west-1, with `samples/direct-internet`'s two notebooks
//!   (two concatenated objects, as `analyze` prints several regions);
//! - `fixed.json`: `samples/isolated` again, as a JSON array.
//!
//! `UPDATE_FIXTURES=1 cargo test -p vpcreach-render --test diff` rewrites them; otherwise the test
//! `fixtures_are_current` checks that they still hold the verdicts the engine gives.

use std::path::{Path, PathBuf};

use vpcreach_core::analysis::Status;
use vpcreach_core::assess::Options;
use vpcreach_core::diff::{Change, Kind, Verdicts, diff};
use vpcreach_core::report::Report;
use vpcreach_render::diff::{
    looks_like_report, parse_report_json, render_json, render_markdown, render_table,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The reports of one bundled sample under the default options.
fn sample(name: &str) -> Vec<Report> {
    let loaded = vpcreach_aws::load_regions(&[root().join("samples").join(name)]).unwrap();
    vpcreach_aws::judge(&loaded, &Options::default())
        .unwrap()
        .reports
        .into_iter()
        .map(|(_, r)| r)
        .collect()
}

fn one(name: &str) -> Report {
    let mut r = sample(name);
    assert_eq!(r.len(), 1, "{name}: one region");
    r.remove(0)
}

fn resummarise(r: &mut Report) {
    r.summary.notebooks = r.notebooks.len();
    r.summary.compliant = r.notebooks.iter().filter(|n| n.compliant).count();
}

/// The reports each fixture is written from.
fn before() -> Vec<Report> {
    vec![one("isolated")]
}

fn after() -> Vec<Report> {
    let mut east = one("isolated");
    let mut nat = one("nat-egress").notebooks.remove(0);
    nat.name = "nb-isolated-hardened".into();
    let i = east
        .notebooks
        .iter()
        .position(|n| n.name == "nb-isolated-hardened")
        .unwrap();
    east.notebooks[i] = nat;
    let public = one("public-subnet");
    east.notebooks.extend(
        public
            .notebooks
            .into_iter()
            .filter(|n| n.name == "nb-public-eip"),
    );
    resummarise(&mut east);
    let mut west = one("direct-internet");
    west.region = Some("eu-west-1".into());
    vec![east, west]
}

fn fixed() -> Vec<Report> {
    vec![one("isolated")]
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/diff").join(name)
}

/// The text of a fixture, rewritten from `reports` first under `UPDATE_FIXTURES=1`.
fn read_fixture(name: &str, reports: &[Report], array: bool) -> String {
    let path = fixture(name);
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        let parts: Vec<String> = reports.iter().map(vpcreach_render::json::render).collect();
        let text = if array {
            format!("[\n{}]\n", parts.join(",\n"))
        } else {
            parts.concat()
        };
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn views() -> (Verdicts, Verdicts, Verdicts) {
    (
        parse_report_json(&read_fixture("before.json", &before(), false)).unwrap(),
        parse_report_json(&read_fixture("after.json", &after(), false)).unwrap(),
        parse_report_json(&read_fixture("fixed.json", &fixed(), true)).unwrap(),
    )
}

#[test]
fn fixtures_are_current() {
    let (b, a, f) = views();
    assert_eq!(b, Verdicts::from_reports(&before()));
    assert_eq!(a, Verdicts::from_reports(&after()));
    assert_eq!(f, Verdicts::from_reports(&fixed()));
}

#[test]
fn saved_json_reads_back_as_the_in_process_view() {
    for s in [
        "isolated",
        "nat-egress",
        "public-subnet",
        "direct-internet",
        "endpoint-mistakes",
        "acl-traps",
        "large",
    ] {
        let reports = sample(s);
        let text: String = reports.iter().map(vpcreach_render::json::render).collect();
        assert!(looks_like_report(&text), "{s}");
        let parsed = parse_report_json(&text).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(parsed, Verdicts::from_reports(&reports), "{s}");
        // Checks keep report order: internet first, then the services as asked.
        for (_, n) in parsed.notebooks() {
            let names: Vec<&str> = n.checks.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                [
                    "internet",
                    "s3",
                    "sagemaker.api",
                    "sagemaker.runtime",
                    "sts",
                    "logs"
                ],
                "{s}"
            );
        }
        assert!(!diff(&parsed, &parsed).has_regression());
    }
}

#[test]
fn concatenated_and_array_forms_agree() {
    let reports = after();
    let parts: Vec<String> = reports.iter().map(vpcreach_render::json::render).collect();
    let concatenated = parse_report_json(&parts.concat()).unwrap();
    let compact: String = parts
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let array = parse_report_json(&format!("[{}]", parts.join(","))).unwrap();
    assert_eq!(concatenated.regions.len(), 2);
    assert_eq!(concatenated, array);
    assert_eq!(concatenated, parse_report_json(&compact).unwrap());
}

fn err(text: &str) -> String {
    parse_report_json(text).unwrap_err().to_string()
}

#[test]
fn anything_but_a_report_is_refused() {
    // A snapshot (AWS CLI output).
    let snap = std::fs::read_to_string(root().join("samples/isolated/vpcs.json")).unwrap();
    assert!(!looks_like_report(&snap));
    let e = err(&snap);
    assert!(e.contains("not a vpcreach JSON report"), "{e}");
    assert!(e.contains("missing field `region`"), "{e}");
    // Random JSON, empty input, an empty array, a scalar.
    assert!(err(r#"{"hello": 1}"#).contains("missing field `region`"));
    assert!(err("").contains("no JSON report"));
    assert!(err("  []  ").contains("no JSON report"));
    assert!(err("42").contains("a vpcreach report object"));
    // A report missing its notebooks / a notebook missing compliance / a check missing `via`.
    assert!(
        err(r#"{"region": null, "profile": "isolated", "summary": {"notebooks": 0, "compliant": 0}}"#)
            .contains("missing field `notebooks`")
    );
    let nb = |body: &str| {
        format!(
            r#"{{"region": "us-east-1", "profile": "isolated", "notebooks": [{body}], "diagnostics": [], "summary": {{"notebooks": 1, "compliant": 1}}}}"#
        )
    };
    assert!(
        err(&nb(
            r#"{"name": "a", "checks": {"internet": {"status": "unreachable", "private": false, "via": null}}}"#
        ))
        .contains("missing field `compliant`")
    );
    assert!(
        err(&nb(
            r#"{"name": "a", "compliant": true, "checks": {"internet": {"status": "unreachable", "private": false}}}"#
        ))
        .contains("missing field `via`")
    );
    // Values the report never holds.
    let e = err(&nb(
        r#"{"name": "a", "compliant": true, "checks": {"internet": {"status": "blocked", "private": false, "via": null}}}"#,
    ));
    assert!(e.contains("unknown status `blocked`"), "{e}");
    let e = err(&nb(
        r#"{"name": "a", "compliant": true, "checks": {"s3": {"status": "reachable", "private": true, "via": "gateway-endpoint"}}}"#,
    ));
    assert!(e.contains("no `internet` check"), "{e}");
    let e = err(&nb(
        r#"{"name": "a", "compliant": true, "checks": {"internet": {"status": "unreachable", "private": false, "via": null}, "internet": {"status": "reachable", "private": false, "via": null}}}"#,
    ));
    assert!(e.contains("appears twice"), "{e}");
    let e = err(&nb("").replace("\"notebooks\": 1", "\"notebooks\": 3"));
    assert!(e.contains("summary counts 3"), "{e}");
    let e = err(&nb(
        r#"{"name": "a", "compliant": true, "checks": {"internet": {"status": "unreachable", "private": false, "via": null}}}"#,
    )
    .replace("isolated", "paranoid"));
    assert!(e.contains("unknown profile `paranoid`"), "{e}");
    // The second of two concatenated reports is broken: named by its position.
    let good = nb(
        r#"{"name": "a", "compliant": true, "checks": {"internet": {"status": "unreachable", "private": false, "via": null}}}"#,
    );
    let e = err(&format!("{good}\n{{\"region\": \"x\"}}"));
    assert!(e.starts_with("report 2:"), "{e}");
    // Trailing garbage after a report.
    let e = err(&format!("{good} ]"));
    assert!(e.starts_with("report 2:"), "{e}");
}

#[test]
fn planned_notebooks_are_read() {
    let text = r#"{"region": "us-east-1", "profile": "isolated", "notebooks": [
        {"name": "a", "compliant": true, "planned": "create", "checks": {"internet": {"status": "unreachable", "private": false, "via": null}}},
        {"name": "b", "compliant": true, "planned": {"action": "update"}, "checks": {"internet": {"status": "unreachable", "private": false, "via": null}}}
    ], "diagnostics": [], "summary": {"notebooks": 2, "compliant": 2}}"#;
    let v = parse_report_json(text).unwrap();
    let planned: Vec<_> = v.notebooks().map(|(_, n)| n.planned.clone()).collect();
    assert_eq!(planned, [Some("create".into()), Some("update".into())]);
}

#[test]
fn before_to_after_regresses() {
    let (b, a, _) = views();
    let d = diff(&b, &a);
    assert!(d.has_regression());
    assert_eq!(d.exit_code(), 1);
    let summary: Vec<(Option<&str>, &str, Change, Kind)> = d
        .notebooks
        .iter()
        .map(|n| (n.region.as_deref(), n.name.as_str(), n.change, n.kind()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                Some("eu-west-1"),
                "nb-direct-internet",
                Change::Added,
                Kind::Regression
            ),
            (
                Some("eu-west-1"),
                "nb-no-vpc",
                Change::Added,
                Kind::Regression
            ),
            (
                Some("us-east-1"),
                "nb-isolated",
                Change::Unchanged,
                Kind::Neutral
            ),
            (
                Some("us-east-1"),
                "nb-isolated-hardened",
                Change::Changed,
                Kind::Regression
            ),
            (
                Some("us-east-1"),
                "nb-public-eip",
                Change::Added,
                Kind::Regression
            ),
        ]
    );
    let hardened = &d.notebooks[3];
    assert_eq!(hardened.compliant_old, Some(true));
    assert_eq!(hardened.compliant_new, Some(false));
    assert_eq!(hardened.compliant_kind, Kind::Regression);
    let internet = &hardened.checks[0];
    assert_eq!(internet.name, "internet");
    assert_eq!(internet.kind, Kind::Regression);
    assert_eq!(
        internet.new.as_ref().unwrap().via.as_deref(),
        Some("nat-gateway")
    );
    assert!(
        hardened.checks.iter().all(|c| c.kind == Kind::Regression),
        "{hardened:#?}"
    );
    assert_eq!(d.unchanged(), 1);
}

#[test]
fn after_to_fixed_only_improves() {
    let (_, a, f) = views();
    let d = diff(&a, &f);
    assert!(!d.has_regression(), "{d:#?}");
    assert_eq!(d.exit_code(), 0);
    let changes: Vec<(&str, Change, Kind)> = d
        .notebooks
        .iter()
        .map(|n| (n.name.as_str(), n.change, n.kind()))
        .collect();
    assert_eq!(
        changes,
        [
            ("nb-direct-internet", Change::Removed, Kind::Neutral),
            ("nb-no-vpc", Change::Removed, Kind::Neutral),
            ("nb-isolated", Change::Unchanged, Kind::Neutral),
            ("nb-isolated-hardened", Change::Changed, Kind::Improvement),
            ("nb-public-eip", Change::Removed, Kind::Neutral),
        ]
    );
    assert!(d.improvements() > 0);
}

#[test]
fn before_to_after_table() {
    let (b, a, _) = views();
    insta::assert_snapshot!(render_table(&diff(&b, &a)));
}

#[test]
fn before_to_after_markdown() {
    let (b, a, _) = views();
    insta::assert_snapshot!(render_markdown(&diff(&b, &a)));
}

#[test]
fn after_to_fixed_table() {
    let (_, a, f) = views();
    insta::assert_snapshot!(render_table(&diff(&a, &f)));
}

#[test]
fn after_to_fixed_markdown() {
    let (_, a, f) = views();
    insta::assert_snapshot!(render_markdown(&diff(&a, &f)));
}

#[test]
fn unchanged_renderings() {
    let (b, _, _) = views();
    let d = diff(&b, &b);
    insta::assert_snapshot!(render_table(&d));
    insta::assert_snapshot!(render_markdown(&d));
}

#[test]
fn json_rendering() {
    let (b, a, _) = views();
    let d = diff(&b, &a);
    let text = render_json(&d);
    insta::assert_snapshot!(text);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["regressions"], d.regressions());
    assert_eq!(v["improvements"], d.improvements());
    assert_eq!(v["unchanged"], 1);
    let nbs = v["notebooks"].as_array().unwrap();
    assert_eq!(nbs.len(), 5);
    let hardened = &nbs[3];
    assert_eq!(hardened["name"], "nb-isolated-hardened");
    assert_eq!(hardened["change"], "changed");
    assert_eq!(hardened["compliant"]["old"], true);
    assert_eq!(hardened["compliant"]["new"], false);
    assert_eq!(hardened["compliant"]["kind"], "regression");
    let internet = &hardened["checks"][0];
    assert_eq!(internet["name"], "internet");
    assert_eq!(internet["old"]["status"], "unreachable");
    assert_eq!(internet["new"]["status"], "reachable");
    assert_eq!(internet["new"]["via"], "nat-gateway");
    assert_eq!(internet["kind"], "regression");
    // An added notebook has no old side.
    assert!(nbs[0]["checks"][0]["old"].is_null());
    assert!(nbs[0]["compliant"]["old"].is_null());
}

/// `samples/isolated` where `nb-isolated-hardened` could not be read (a failed collection of the
/// notebooks: the report records why, and its diagnostics say so).
fn unread() -> Report {
    use vpcreach_core::analysis::Code;
    use vpcreach_core::model::{Diagnostic, Severity};
    let mut r = one("isolated");
    r.notebooks.retain(|n| n.name != "nb-isolated-hardened");
    resummarise(&mut r);
    let why = "DescribeNotebookInstance in us-east-1: AccessDenied";
    r.unread_notebooks = Some(why.into());
    r.diagnostics.push(Diagnostic {
        severity: Severity::Error,
        code: Code::IncompleteData,
        resource: "NotebookInstances".into(),
        message: format!(
            "NotebookInstances could not be collected completely: {why}; verdicts that depend on it are unknown"
        ),
    });
    r
}

#[test]
fn an_unread_notebook_is_not_silently_removed() {
    let (b, _, _) = views();
    let r = unread();
    let in_process = Verdicts::from(&r);
    let saved = parse_report_json(&vpcreach_render::json::render(&r)).unwrap();
    assert!(in_process.regions[0].notebooks_incomplete.is_some());
    assert!(
        saved.regions[0]
            .notebooks_incomplete
            .as_deref()
            .unwrap()
            .contains("AccessDenied")
    );
    for new in [&in_process, &saved] {
        let d = diff(&b, new);
        assert!(d.has_regression(), "{d:#?}");
        assert_eq!(d.regressions(), 1);
        let gone = d
            .notebooks
            .iter()
            .find(|n| n.name == "nb-isolated-hardened")
            .unwrap();
        assert_eq!(gone.change, Change::Removed);
    }
    let d = diff(&b, &saved);
    insta::assert_snapshot!(render_table(&d));
    insta::assert_snapshot!(render_markdown(&d));
    // Read again later: complete again is an improvement.
    assert!(!diff(&saved, &b).has_regression());
    assert_eq!(diff(&saved, &b).improvements(), 1);
}

/// A hand-made view: names that could break Markdown, planned notebooks, one name in two
/// accounts, a profile change.
#[test]
fn labels_and_escaping() {
    use vpcreach_core::diff::{CheckState, CheckVerdict, NotebookVerdict, RegionVerdicts};
    let check = |status: Status, private: bool, via: Option<&str>| CheckVerdict {
        name: "internet".into(),
        state: CheckState {
            status,
            private,
            via: via.map(str::to_string),
        },
    };
    let nb = |name: &str, account: Option<&str>, planned: Option<&str>, c: CheckVerdict| {
        NotebookVerdict {
            name: name.into(),
            account_id: account.map(str::to_string),
            compliant: c.state.status == Status::Unreachable,
            planned: planned.map(str::to_string),
            checks: vec![c],
        }
    };
    let region = |profile: &str, notebooks: Vec<NotebookVerdict>| Verdicts {
        regions: vec![RegionVerdicts {
            region: Some("us-east-1".into()),
            profile: profile.into(),
            notebooks,
            notebooks_incomplete: None,
        }],
    };
    let old = region(
        "isolated",
        vec![
            nb(
                "a|b`<x>*",
                None,
                None,
                check(Status::Unreachable, false, None),
            ),
            nb(
                "shared",
                Some("111122223333"),
                None,
                check(Status::Unreachable, false, None),
            ),
            nb(
                "shared",
                Some("444455556666"),
                None,
                check(Status::Unreachable, false, None),
            ),
            nb(
                "planned",
                None,
                Some("create"),
                check(Status::Unreachable, false, None),
            ),
        ],
    );
    let new = region(
        "nat-egress",
        vec![
            nb(
                "a|b`<x>*",
                None,
                None,
                check(Status::Unknown, false, Some("transit-gateway")),
            ),
            nb(
                "shared",
                Some("444455556666"),
                None,
                check(Status::Reachable, false, Some("nat-gateway")),
            ),
            nb(
                "shared",
                Some("111122223333"),
                None,
                check(Status::Unreachable, false, None),
            ),
            nb(
                "planned",
                None,
                None,
                check(Status::Reachable, false, Some("internet-gateway")),
            ),
        ],
    );
    let d = diff(&old, &new);
    let md = render_markdown(&d);
    for line in md.lines().filter(|l| l.starts_with("| `")) {
        // Six cells: no pipe from a name leaks out.
        assert_eq!(line.matches(" | ").count(), 5, "{line}");
    }
    assert!(!md.contains("<x>"));
    insta::assert_snapshot!(md);
    insta::assert_snapshot!(render_table(&d));
}
