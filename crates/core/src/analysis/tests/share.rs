//! Service checks of one notebook that share a verdict (`analysis::analyze_sharing`): services no
//! endpoint on the way serves, resolving alike, share one; a gateway endpoint of one of them, or
//! evidence that names the service, keeps them apart. Each trap is checked against
//! `analyze_each`, which never shares.

use std::sync::Arc;

use crate::model::TargetKind;

use super::super::{
    Analysis, Cause, Code, Config, NotebookVerdicts, Status, Verdict, Via, analyze_each,
    analyze_selected,
};
use super::{RTB_NB, TestNet, isolated, svc, with_nat};

fn config(services: &[&str]) -> Config {
    Config {
        services: services.iter().map(|s| s.to_string()).collect(),
    }
}

/// The shared path's verdicts of the one notebook, after checking them equal to the unshared
/// path's.
fn judged(t: &TestNet, services: &[&str]) -> NotebookVerdicts {
    let cfg = config(services);
    let shared: Analysis = analyze_selected(&t.net, &cfg, &|_| true);
    let each = analyze_each(&t.net, &cfg, &|_| true);
    let [nb] = &shared.notebooks[..] else {
        panic!("one notebook")
    };
    let [alone] = &each.notebooks[..] else {
        panic!("one notebook")
    };
    assert_eq!(nb.checks.len(), services.len() + 1);
    for ((name, v), (name_alone, v_alone)) in nb.checks.iter().zip(&alone.checks) {
        assert_eq!(name, name_alone);
        assert_eq!(
            **v, **v_alone,
            "{name}: shared and unshared verdicts differ"
        );
    }
    nb.clone()
}

fn verdict<'a>(nb: &'a NotebookVerdicts, check: &str) -> &'a Arc<Verdict> {
    &nb.checks.iter().find(|(n, _)| n == check).expect(check).1
}

#[test]
fn services_a_nat_gateway_takes_share_one_verdict() {
    let t = with_nat();
    let nb = judged(&t, &["sts", "logs", "sagemaker.api"]);
    let sts = verdict(&nb, "sts");
    assert_eq!(sts.status, Status::Reachable);
    assert_eq!(sts.via, Some(Via::Target(TargetKind::NatGateway)));
    for other in ["logs", "sagemaker.api"] {
        assert!(
            Arc::ptr_eq(sts, verdict(&nb, other)),
            "{other} is not shared"
        );
    }
}

/// S3's gateway endpoint is routed; DynamoDB's prefix list holds (adversarially) the same
/// addresses, so both resolve alike. The route takes DynamoDB's packets into S3's endpoint, which
/// reaches only S3: sharing S3's verdict would call DynamoDB reachable through it.
#[test]
fn a_routed_gateway_endpoint_keeps_its_service_apart() {
    let mut t = isolated();
    t.gateway_endpoint("vpce-s3", "s3", "pl-s3", &[RTB_NB]);
    t.prefix_list("pl-ddb", &svc("dynamodb"), Some(&["52.216.0.0/15"]), true);
    let nb = judged(&t, &["s3", "dynamodb"]);
    let s3 = verdict(&nb, "s3");
    assert_eq!(s3.status, Status::Reachable);
    assert!(s3.private);
    let ddb = verdict(&nb, "dynamodb");
    assert_eq!(ddb.status, Status::Unreachable);
    assert!(
        ddb.blocked_by
            .iter()
            .any(|b| b.code == Code::GatewayEndpointServiceMismatch)
    );
}

/// The VPC holds a public CIDR (`8.8.0.0/16`, routed `local`), so part of every public service
/// address stays in the VPC, and that drop names the service asked for (no endpoint of it takes
/// the packets). Two such services resolve alike, yet their verdicts differ in that name.
#[test]
fn a_verdict_that_names_its_service_is_not_shared() {
    let mut t = isolated();
    t.vpc_mut().cidrs.push("8.8.0.0/16".parse().unwrap());
    t.route(RTB_NB, "8.8.0.0/16", TargetKind::Local, "local");
    let nb = judged(&t, &["sts", "logs"]);
    for (check, other) in [("sts", "logs"), ("logs", "sts")] {
        let v = verdict(&nb, check);
        assert_eq!(v.status, Status::Unreachable, "{check}");
        let named: Vec<&str> = v
            .blocked_by
            .iter()
            .filter_map(|b| match &b.cause {
                Cause::StaysLocal {
                    service: Some(s), ..
                } => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(named, [svc(check).as_str()], "{check}");
        assert!(!named.contains(&svc(other).as_str()));
    }
    assert!(!Arc::ptr_eq(verdict(&nb, "sts"), verdict(&nb, "logs")));
}
