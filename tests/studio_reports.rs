//! What the human reports call their sources. A report of notebook instances only says
//! "notebook"/"Notebooks" as it always did (the snapshots of `tests/cli.rs`,
//! `tests/report_formats.rs` and `tests/diagram.rs` pin that); a report that holds any other kind
//! — SageMaker Studio user profiles and spaces, a network interface, an EC2 instance — says
//! "source"/"Sources" and names each row's kind, a notebook instance's included.
//!
//! One insta snapshot per Studio sample and format (table, Markdown, HTML, DOT), plus checks of
//! the words in mixed reports, and of the HTML's shared diagrams: sources that would draw the same
//! picture get one diagram, drawn in the first one's section and naming all of them; every other
//! section points at it, and they really share the placement drawn (subnet and security groups,
//! from the JSON report). The HTML is rendered without Graphviz (`VPCREACH_DOT` names a program
//! that does not exist), as in `tests/report_formats.rs`; `tests/browser.rs` renders it
//! for real.

use std::collections::BTreeMap;
use std::process::{Command, Output};

use serde_json::Value;

const STUDIO: &[&str] = &["studio-vpc-only", "studio-public-internet"];

/// A program name that is never installed: HTML reports are rendered without Graphviz.
const NO_DOT: &str = "vpcreach-test-no-such-dot";

const BATFISH_PUBLIC: &str = "tests/fixtures/batfish/test-public-subnet/aws_configs";

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vpcreach"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("VPCREACH_DOT", NO_DOT)
        .env_remove("NO_COLOR")
        .output()
        .expect("run vpcreach")
}

/// `vpcreach analyze PATHS… --format FORMAT EXTRA…`; exit 0 or 1.
fn report(paths: &[&str], format: &str, extra: &[&str]) -> String {
    let mut args = vec!["analyze"];
    args.extend(paths);
    args.extend(["--format", format]);
    args.extend(extra);
    let o = run(&args);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{paths:?} {format}: {:?} {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

fn masked(s: &str) -> String {
    s.replace(
        &format!("vpcreach {}", env!("CARGO_PKG_VERSION")),
        "vpcreach [VERSION]",
    )
}

#[test]
fn studio_table_markdown_and_html() {
    for s in STUDIO {
        let path = format!("samples/{s}");
        let table = report(&[&path], "table", &[]);
        assert!(table.starts_with("SOURCE "), "{s}: {table}");
        assert!(!table.contains("NOTEBOOK"), "{s}: {table}");
        assert!(
            table.contains("source(s) compliant with profile isolated"),
            "{s}"
        );
        insta::assert_snapshot!(format!("table_{s}"), table);

        let md = report(&[&path], "markdown", &[]);
        assert!(md.contains("\n## Sources\n"), "{s}");
        assert!(md.contains("\n| Sources | "), "{s}");
        assert!(md.contains("\n| source | `internet` |"), "{s}");
        assert!(!md.contains("Notebooks"), "{s}: {md}");
        assert!(md.contains("(Studio user profile)"), "{s}");
        // A Studio source's placement names its domain and access type; no root access of a
        // notebook instance is claimed to be "not reported".
        assert!(md.contains("Studio domain "), "{s}");
        assert!(!md.contains("root access"), "{s}: {md}");
        insta::assert_snapshot!(format!("markdown_{s}"), masked(&md));

        let html = report(&[&path], "html", &[]);
        assert!(html.contains("<h2>Sources</h2>"), "{s}");
        assert!(html.contains("<tr><th>Sources</th>"), "{s}");
        assert!(
            html.contains("<thead><tr><th>source</th><th>compliant</th>"),
            "{s}"
        );
        assert!(!html.contains("Notebooks"), "{s}");
        insta::assert_snapshot!(format!("html_{s}"), masked(&html));
    }
}

#[test]
fn studio_diagram_legend_says_source() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("studio-reports-dot");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for s in STUDIO {
        let out = dir.join(format!("{s}.dot"));
        let o = run(&[
            "diagram",
            &format!("samples/{s}"),
            "-o",
            out.to_str().unwrap(),
        ]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{s}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let dot = std::fs::read_to_string(&out).unwrap();
        assert!(dot.contains("source (NOT compliant)"), "{s}: {dot}");
        assert!(!dot.contains("notebook (NOT compliant)"), "{s}");
        assert!(!dot.contains("notebook (compliant)"), "{s}");
        insta::assert_snapshot!(format!("dot_{s}"), dot);
    }
    // Notebook instances only: the words of before.
    let out = dir.join("isolated.dot");
    let o = run(&[
        "diagram",
        "samples/direct-internet",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let dot = std::fs::read_to_string(&out).unwrap();
    assert!(dot.contains("notebook (NOT compliant)"), "{dot}");
    assert!(!dot.contains("source (NOT compliant)"));
}

#[test]
fn notebook_only_reports_keep_their_words() {
    let table = report(&["samples/isolated"], "table", &[]);
    assert!(table.starts_with("NOTEBOOK "), "{table}");
    assert!(table.contains("notebook(s) compliant"), "{table}");
    assert!(!table.contains("(notebook instance)"));
    let md = report(&["samples/isolated"], "markdown", &[]);
    assert!(md.contains("\n## Notebooks\n") && md.contains("\n| notebook | `internet` |"));
    assert!(!md.contains("Sources"));
    let html = report(&["samples/isolated"], "html", &[]);
    assert!(html.contains("<h2>Notebooks</h2>") && !html.contains("Sources"));
}

#[test]
fn mixed_reports_name_every_kind() {
    // Notebook instances beside Studio sources: every row says its kind.
    let table = report(
        &["samples/isolated", "samples/studio-vpc-only"],
        "table",
        &[],
    );
    assert!(table.starts_with("SOURCE "), "{table}");
    for want in [
        "nb-isolated (notebook instance) ",
        "(Studio space) ",
        "(Studio user profile) ",
    ] {
        assert!(table.contains(want), "no {want:?}: {table}");
    }
    let md = report(
        &["samples/isolated", "samples/studio-vpc-only"],
        "markdown",
        &[],
    );
    assert!(md.contains("| nb-isolated (notebook instance) |"), "{md}");
    assert!(
        md.contains("### nb-isolated (notebook instance) — "),
        "{md}"
    );
    // A notebook instance still says what it does not report.
    let section = &md[md.find("### nb-isolated (notebook instance)").unwrap()..];
    assert!(section.contains("root access: "), "{section}");
    let html = report(
        &["samples/isolated", "samples/studio-vpc-only"],
        "html",
        &[],
    );
    assert!(
        html.contains("<span class=\"nw\">nb-isolated</span> (notebook instance)</a>"),
        "{html}"
    );

    // A network interface and an EC2 instance (`--source`).
    for (id, kind) in [
        ("eni-00064850627e198ee", "network interface"),
        ("i-06669a407b2ef3ae5", "EC2 instance"),
    ] {
        let table = report(&[BATFISH_PUBLIC], "table", &["--source", id]);
        assert!(table.starts_with("SOURCE "), "{table}");
        assert!(table.contains(&format!("{id} ({kind})")), "{table}");
        let md = report(&[BATFISH_PUBLIC], "markdown", &["--source", id]);
        assert!(md.contains(&format!("### {id} ({kind}) — ")), "{md}");
        // Neither direct internet access nor root access is a setting of an interface.
        let section = &md[md.find(&format!("### {id}")).unwrap()..];
        let placement = section.lines().nth(2).unwrap();
        assert!(placement.starts_with("VPC "), "{placement}");
        assert!(!placement.contains("root access"), "{placement}");
    }
}

/// The section of the source whose anchor is `id`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("<section class=\"notebook\" id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    &html[at..at + html[at..].find("</section>").unwrap()]
}

#[test]
fn html_draws_one_diagram_per_shared_picture() {
    let html = report(&["samples/studio-vpc-only"], "html", &[]);
    let json: Value =
        serde_json::from_str(&report(&["samples/studio-vpc-only"], "json", &[])).unwrap();
    let sources = json["notebooks"].as_array().unwrap();
    assert_eq!(sources.len(), 6);
    let anchor = |name: &str| format!("nb-{}", vpcreach::render::dot::file_stem(name));
    // Per source: the section that draws its diagram (its own, or the one it points at).
    let mut drawn_in: BTreeMap<String, String> = BTreeMap::new();
    for n in sources {
        let name = n["name"].as_str().unwrap();
        let own = anchor(name);
        let sec = section(&html, &own);
        let figures = sec.matches("<figure class=\"diagram").count();
        let pointers = sec.matches("<p class=\"same-diagram\">").count();
        assert_eq!(
            figures + pointers,
            1,
            "{name}: a diagram or a pointer: {sec}"
        );
        // Every section keeps its own evidence: the checks table, whoever draws the diagram.
        assert_eq!(sec.matches("<table class=\"checks\">").count(), 1, "{name}");
        let at = if figures == 1 {
            own.clone()
        } else {
            let p = &sec[sec.find("<p class=\"same-diagram\">").unwrap()..];
            let href = &p[p.find("href=\"#").unwrap() + 7..];
            href[..href.find('"').unwrap()].to_string()
        };
        drawn_in.insert(name.to_string(), at);
    }
    // Four distinct pictures for six sources: the space and alice share each subnet's; bob has a
    // second security group.
    let mut groups: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, at) in &drawn_in {
        groups.entry(at).or_default().push(name);
    }
    assert_eq!(groups.len(), 4, "{groups:?}");
    assert_eq!(html.matches("<p class=\"same-diagram\">").count(), 2);
    assert_eq!(html.matches("<p class=\"shared-diagram\">").count(), 2);
    for (at, members) in &groups {
        // The drawing section draws a figure and lists every member.
        let sec = section(&html, at);
        assert_eq!(
            sec.matches("<figure class=\"diagram").count(),
            1,
            "{at} draws the diagram"
        );
        if members.len() > 1 {
            let shared = &sec[sec.find("<p class=\"shared-diagram\">").unwrap()..];
            let end = shared.find("</p>").unwrap();
            // Right before the figure it speaks of, not inside it.
            assert!(
                shared[end..].starts_with("</p><figure class=\"diagram"),
                "{at}: {shared}"
            );
            let shared = &shared[..end];
            for m in members {
                assert!(
                    shared.contains(&format!("href=\"#{}\"", anchor(m))),
                    "{shared}"
                );
            }
        }
        // Sources that share a diagram share the placement it draws.
        let placement = |name: &str| {
            let n = sources.iter().find(|n| n["name"] == name).unwrap();
            (
                n["subnet_id"].clone(),
                n["security_group_ids"].clone(),
                n["compliant"].clone(),
            )
        };
        for m in members {
            assert_eq!(placement(m), placement(members[0]), "{members:?}");
        }
    }
}

/// ASFF types a Studio source as `Other` (Security Hub has no details object for a Studio user
/// profile or space), never as the notebook instance it is not, and names its kind, subnet and
/// groups in `Details.Other`; every finding of both Studio samples is checked.
#[test]
fn asff_types_studio_sources_as_other() {
    for sample in ["samples/studio-vpc-only", "samples/studio-public-internet"] {
        let out = report(&[sample], "asff", &[]);
        let doc: serde_json::Value = serde_json::from_str(&out).expect("ASFF is JSON");
        let findings = doc["Findings"]
            .as_array()
            .or_else(|| doc["findings"].as_array())
            .expect("a list of findings");
        assert!(!findings.is_empty(), "{sample}: findings");
        for f in findings {
            let r = &f["Resources"][0];
            assert_eq!(r["Type"], "Other", "{sample}: {r}");
            assert!(
                r["Details"].get("AwsSageMakerNotebookInstance").is_none(),
                "{r}"
            );
            let other = &r["Details"]["Other"];
            let kind = other["SourceKind"].as_str().expect("SourceKind");
            assert!(kind.starts_with("studio-"), "{sample}: {kind}");
            // A PublicInternetOnly domain's sources have no subnet of the customer's.
            match other["SubnetId"].as_str() {
                Some(s) => assert!(s.starts_with("subnet-"), "{r}"),
                None => assert!(
                    sample.ends_with("public-internet"),
                    "{sample}: no subnet: {r}"
                ),
            }
            assert!(
                other["SecurityGroups"].as_str().unwrap().starts_with("sg-"),
                "{r}"
            );
            let id = r["Id"].as_str().unwrap();
            assert!(
                id.contains(":user-profile/") || id.contains(":space/") || id.contains(":domain/"),
                "{sample}: {id}"
            );
        }
    }
}
