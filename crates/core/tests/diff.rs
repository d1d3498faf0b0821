//! The verdict diff on reports the engine actually produces: the bundled samples, judged
//! in-process under different options, reduced to [`Verdicts`] and diffed structurally.

use std::path::Path;

use vpcreach_core::analysis::Status;
use vpcreach_core::assess::Options;
use vpcreach_core::diff::{Change, Kind, Verdicts, diff};
use vpcreach_core::model::{Network, Planned};
use vpcreach_core::report::{Judgement, Profile, Report};

fn judged(sample: &str, opts: &Options) -> (Vec<Network>, Vec<Report>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../samples")
        .join(sample);
    let loaded = vpcreach_aws::load_regions(&[dir]).unwrap();
    let j = vpcreach_aws::judge(&loaded, opts).unwrap();
    (j.networks, j.reports.into_iter().map(|(_, r)| r).collect())
}

fn view(sample: &str, opts: &Options) -> Verdicts {
    Verdicts::from_reports(&judged(sample, opts).1)
}

fn profile(p: Profile) -> Options {
    Options {
        judgement: Judgement {
            profile: p,
            allow_unknown: false,
        },
        ..Options::default()
    }
}

#[test]
fn the_view_holds_what_the_report_says() {
    let (_, reports) = judged("isolated", &Options::default());
    let v = Verdicts::from(&reports[0]);
    assert_eq!(v.regions.len(), 1);
    let r = &v.regions[0];
    assert_eq!(r.region.as_deref(), Some("us-east-1"));
    assert_eq!(r.profile, "isolated");
    assert_eq!(r.notebooks_incomplete, None);
    for (n, rep) in r.notebooks.iter().zip(&reports[0].notebooks) {
        assert_eq!(n.name, rep.name);
        assert_eq!(n.compliant, rep.compliant);
        assert_eq!(n.planned, None);
        assert_eq!(n.checks.len(), rep.checks.0.len());
        assert_eq!(n.checks[0].name, "internet");
        for (c, rc) in n.checks.iter().zip(&rep.checks.0) {
            assert_eq!(c.name, rc.name);
            assert_eq!(c.state.status, rc.verdict.status);
            assert_eq!(c.state.private, rc.verdict.private);
            assert_eq!(c.state.via.as_deref(), rc.verdict.via.map(|v| v.as_str()));
        }
    }
    let s3 = &r.notebooks[0].checks[1];
    assert_eq!(s3.name, "s3");
    assert_eq!(s3.state.status, Status::Reachable);
    assert!(s3.state.private);
    assert_eq!(s3.state.via.as_deref(), Some("gateway-endpoint"));
}

#[test]
fn the_same_network_twice_changes_nothing() {
    for s in ["isolated", "nat-egress", "acl-traps", "endpoint-mistakes"] {
        let v = view(s, &Options::default());
        let d = diff(&v, &v);
        assert!(!d.has_regression(), "{s}");
        assert_eq!(d.improvements(), 0, "{s}");
        assert!(
            d.notebooks.iter().all(|n| n.change == Change::Unchanged),
            "{s}"
        );
        assert_eq!(d.unchanged(), d.notebooks.len());
    }
}

#[test]
fn a_profile_change_moves_compliance_only() {
    // samples/nat-egress: compliant under nat-egress, not under isolated; same verdicts.
    let isolated = view("nat-egress", &profile(Profile::Isolated));
    let nat = view("nat-egress", &profile(Profile::NatEgress));
    let d = diff(&isolated, &nat);
    assert!(!d.has_regression());
    assert_eq!(d.improvements(), 1);
    let n = &d.notebooks[0];
    assert_eq!(n.change, Change::Changed);
    assert!(n.checks.is_empty(), "{n:#?}");
    assert_eq!(
        (n.compliant_old, n.compliant_new),
        (Some(false), Some(true))
    );
    assert_eq!(n.compliant_kind, Kind::Improvement);
    assert_eq!(d.profile_changes.len(), 1);
    assert_eq!(d.profile_changes[0].old, "isolated");
    assert_eq!(d.profile_changes[0].new, "nat-egress");

    let back = diff(&nat, &isolated);
    assert!(back.has_regression());
    assert_eq!(back.regressions(), 1);
    assert_eq!(back.notebooks[0].compliant_kind, Kind::Regression);
}

#[test]
fn newly_required_services_are_judged_against_absent() {
    let only_s3 = Options {
        services: vec!["s3".into()],
        ..Options::default()
    };
    // Every service private: the new checks are neutral.
    let d = diff(
        &view("isolated", &only_s3),
        &view("isolated", &Options::default()),
    );
    assert!(!d.has_regression(), "{d:#?}");
    for n in &d.notebooks {
        let names: Vec<&str> = n.checks.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["sagemaker.api", "sagemaker.runtime", "sts", "logs"]);
        assert!(n.checks.iter().all(|c| c.old.is_none()));
    }
    // Behind a NAT: the new checks are reachable but not private — regressions.
    let d = diff(
        &view("nat-egress", &only_s3),
        &view("nat-egress", &Options::default()),
    );
    assert!(d.has_regression());
    assert!(
        d.notebooks[0]
            .checks
            .iter()
            .all(|c| c.kind == Kind::Regression && c.old.is_none())
    );
    // Fewer services asked: checks that disappear are neutral.
    let d = diff(
        &view("nat-egress", &Options::default()),
        &view("nat-egress", &only_s3),
    );
    assert!(!d.has_regression());
    assert_eq!(d.improvements(), 0);
    assert!(d.notebooks[0].checks.iter().all(|c| c.new.is_none()));
}

#[test]
fn a_different_network_regresses_notebook_by_notebook() {
    // The isolated sample's notebooks against a view where they sit behind the NAT sample's
    // verdicts: built by renaming the NAT notebook (same region and profile).
    let old = view("isolated", &Options::default());
    let mut new = view("nat-egress", &Options::default());
    new.regions[0].notebooks[0].name = "nb-isolated".into();
    let d = diff(&old, &new);
    let summary: Vec<(&str, Change, Kind)> = d
        .notebooks
        .iter()
        .map(|n| (n.name.as_str(), n.change, n.kind()))
        .collect();
    assert_eq!(
        summary,
        [
            ("nb-isolated", Change::Changed, Kind::Regression),
            ("nb-isolated-hardened", Change::Removed, Kind::Neutral),
        ]
    );
    let nb = &d.notebooks[0];
    // internet became reachable; every service lost its privacy; compliance regressed.
    assert_eq!(nb.checks.len(), 6);
    assert_eq!(nb.checks[0].name, "internet");
    assert_eq!(
        nb.checks[0].new.as_ref().unwrap().via.as_deref(),
        Some("nat-gateway")
    );
    assert!(nb.checks.iter().all(|c| c.kind == Kind::Regression));
    assert_eq!(nb.compliant_kind, Kind::Regression);
    assert_eq!(d.regressions(), 7);
    assert_eq!(d.exit_code(), 1);
}

#[test]
fn planned_notebooks_are_marked_from_the_network() {
    let (mut nets, reports) = judged("isolated", &Options::default());
    nets[0].planned.insert(
        "nb-isolated".into(),
        Planned {
            address: "aws_sagemaker_notebook_instance.nb".into(),
            action: "create".into(),
            file: None,
            line: None,
        },
    );
    let mut v = Verdicts::from_reports(&reports);
    v.mark_planned(&nets[0]);
    let planned: Vec<(&str, Option<&str>)> = v
        .notebooks()
        .map(|(_, n)| (n.name.as_str(), n.planned.as_deref()))
        .collect();
    assert_eq!(
        planned,
        [
            ("nb-isolated", Some("create")),
            ("nb-isolated-hardened", None)
        ]
    );
    // A planned notebook that now exists with the same verdicts: unchanged.
    let d = diff(&v, &Verdicts::from_reports(&reports));
    assert_eq!(d.unchanged(), 2);
    assert_eq!(d.notebooks[0].planned_old.as_deref(), Some("create"));
    assert_eq!(d.notebooks[0].planned_new, None);
}
