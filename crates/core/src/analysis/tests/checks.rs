//! The two checks (`analysis/checks.rs`) folded from the walk's branches into verdicts: `internet`
//! and one per service, on the isolated baseline (with S3's gateway endpoint, an interface
//! endpoint) and on the NAT baseline — status, `private`, `via`, witness and the codes of
//! `blocked_by` / `unknown_because`.

use crate::model::TargetKind;
use crate::space::{PortRange, ProtoSet, TCP};

use super::super::checks::{internet, service};
use super::super::{Code, Status, Verdict, Via, Witness};
use super::{ACL_PUB, RTB_NB, TestNet, VPC_CIDR, acl_entry, ip, isolated, with_endpoint, with_nat};

fn codes(blocks: &[super::super::Block]) -> Vec<(Code, String)> {
    blocks.iter().map(|b| (b.code, b.at.id())).collect()
}

fn check(t: &TestNet, what: &str) -> Verdict {
    if what == "internet" {
        internet(&t.net, &t.nb())
    } else {
        service(&t.net, &t.nb(), what)
    }
}

#[test]
fn an_isolated_notebook_reaches_neither_the_internet_nor_a_public_service() {
    let t = isolated();
    for what in ["internet", "sts"] {
        let v = check(&t, what);
        assert_eq!(v.status, Status::Unreachable, "{what}");
        assert_eq!(
            codes(&v.blocked_by),
            [(Code::NoRouteToDestination, RTB_NB.to_string())],
            "{what}"
        );
        assert!(v.witness.is_none() && v.via.is_none() && v.unknown_because.is_empty());
    }
}

#[test]
fn an_isolated_notebook_reaches_s3_privately_through_its_gateway_endpoint() {
    let mut t = isolated();
    t.gateway_endpoint("vpce-s3", "s3", "pl-s3", &[RTB_NB]);
    let v = check(&t, "s3");
    assert_eq!(v.status, Status::Reachable);
    assert!(v.private);
    assert_eq!(v.via, Some(Via::Target(TargetKind::GatewayEndpoint)));
    assert_eq!(
        v.witness,
        Some(Witness {
            protocol: "tcp".into(),
            destination: ip("52.216.0.1"),
            port: 443,
            source_port: Some(32768)
        })
    );
    assert!(v.blocked_by.is_empty() && v.unknown_because.is_empty());
    // The gateway endpoint is no way to the internet.
    let v = check(&t, "internet");
    assert_eq!(v.status, Status::Unreachable);
}

#[test]
fn an_interface_endpoint_makes_its_service_reachable_privately() {
    let t = with_endpoint();
    let v = check(&t, "sagemaker.api");
    assert_eq!(v.status, Status::Reachable);
    assert!(v.private);
    assert_eq!(v.via, Some(Via::InterfaceEndpoint));
    assert_eq!(v.vias, [Via::InterfaceEndpoint]);
}

#[test]
fn a_nat_notebook_reaches_the_internet_and_public_services_but_not_privately() {
    let t = with_nat();
    let v = check(&t, "internet");
    assert_eq!(v.status, Status::Reachable);
    assert!(!v.private);
    assert_eq!(v.via, Some(Via::Target(TargetKind::NatGateway)));
    let w = v.witness.expect("a witness");
    assert_eq!((w.protocol.as_str(), w.port), ("tcp", 443));
    assert!(v.unknown_because.is_empty());

    let v = check(&t, "sts");
    assert_eq!(v.status, Status::Reachable);
    assert!(!v.private);
    assert_eq!(v.via, Some(Via::Target(TargetKind::NatGateway)));
}

#[test]
fn a_nat_subnet_acl_that_admits_only_some_nat_ports_makes_a_service_partial() {
    let mut t = with_nat();
    t.acl_mut(ACL_PUB).ingress = vec![
        acl_entry(
            100,
            true,
            ProtoSet::single(TCP),
            VPC_CIDR,
            PortRange::single(443),
        ),
        acl_entry(
            110,
            true,
            ProtoSet::single(TCP),
            "0.0.0.0/0",
            PortRange::new(32768, 65535),
        ),
    ];
    let v = check(&t, "sts");
    assert_eq!(v.status, Status::Partial);
    assert_eq!(
        codes(&v.blocked_by),
        [(Code::AclReturnTraffic, ACL_PUB.to_string())]
    );
    assert!(v.witness.is_some());
}

#[test]
fn dns_support_off_makes_a_service_unreachable_even_through_a_gateway_endpoint() {
    let mut t = isolated();
    t.gateway_endpoint("vpce-s3", "s3", "pl-s3", &[RTB_NB]);
    t.vpc_mut().dns_support = Some(false);
    let v = check(&t, "s3");
    assert_eq!(v.status, Status::Unreachable);
    // By address the gateway endpoint would work: nothing else blocks.
    assert_eq!(
        codes(&v.blocked_by),
        [(Code::DnsResolutionDisabled, super::VPC.to_string())]
    );
}

#[test]
fn missing_vpc_dns_attributes_make_a_service_unknown_and_a_transit_gateway_the_internet_unknown() {
    let mut t = isolated();
    t.vpc_mut().dns_support = None;
    let v = check(&t, "sts");
    assert_eq!(v.status, Status::Unknown);
    assert_eq!(
        codes(&v.unknown_because),
        [(Code::MissingVpcAttributes, super::VPC.to_string())]
    );

    let mut t = isolated();
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::TransitGateway, "tgw-1");
    let v = check(&t, "internet");
    assert_eq!(v.status, Status::Unknown);
    assert_eq!(v.via, Some(Via::Target(TargetKind::TransitGateway)));
    assert_eq!(
        codes(&v.unknown_because),
        [(Code::LeavesModelledScope, "tgw-1".to_string())]
    );
}
