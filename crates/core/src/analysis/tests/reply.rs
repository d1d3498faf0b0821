//! The reply path (`analysis/reply.rs`): the replies of the connections a forward walk delivered
//! pass every stateless ACL again in the other direction (on the client's ports, or on every NAT
//! port) and the route lookup where they leave an interface endpoint's or NAT gateway's
//! interface: `local` carries them, a blackhole drops them, a middlebox route leaves the modelled
//! scope, and a missing route table leaves them undecided.

use crate::model::{AclEntry, RouteState, TargetKind};
use crate::space::{PacketSet, PortRange, ProtoSet, TCP, nat64};

use super::super::Code;
use super::super::evidence::{Cause, Component, ReplyOf, RuleRef, Step};
use super::super::filters::Dir;
use super::super::reply::{CLIENT_PORTS, ReplyOutcome, replies};
use super::super::{Block, Hop};
use super::{
    ACL_NB, ACL_PUB, EP, EP_IP, NB_IP, RTB_EP, RTB_NB, SUB_EP, SUB_NB, TestNet, acl_entry, addrs,
    assert_same, branch, ip, isolated, packets, route, tcp, walk_to, with_endpoint, with_nat,
};

/// The replies of the one delivered branch of a walk of TCP 443 to `cidrs` towards `short`.
#[track_caller]
fn replies_of(t: &TestNet, cidrs: &[&str], short: &str, via: &str) -> ReplyOutcome {
    let b = walk_to(t, &tcp(cidrs, 443), short);
    replies(&t.net, branch(&b, &format!("delivered via {via}")))
}

/// Connections to `cidrs` from the client ports `ports` (the replies' destination ports).
fn conns(cidrs: &[&str], ports: PortRange) -> PacketSet {
    packets(&[TCP], cidrs, ports)
}

/// [`isolated`] with S3's gateway endpoint in the notebook's route table, and the notebook's ACL
/// admitting `ingress` only.
fn s3_gateway(ingress: Vec<AclEntry>) -> TestNet {
    let mut t = isolated();
    t.gateway_endpoint("vpce-s3", "s3", "pl-s3", &[RTB_NB]);
    t.acl_mut(ACL_NB).ingress = ingress;
    t
}

fn tcp_in(n: i64, ports: PortRange) -> AclEntry {
    acl_entry(n, true, ProtoSet::single(TCP), "0.0.0.0/0", ports)
}

const S3: &str = "52.216.0.0/15";
const GW: &str = "gateway-endpoint (private)";

#[test]
fn replies_pass_the_notebooks_acl_when_it_lets_the_client_ports_back_in() {
    let entry = tcp_in(100, PortRange::new(1024, 65535));
    let t = s3_gateway(vec![entry.clone()]);
    let r = replies_of(&t, &[S3], "s3", GW);
    assert_same(&r.works, &conns(&[S3], CLIENT_PORTS));
    assert!(!r.failed && r.blocked.is_empty() && r.unknown.is_empty());
    // The evidence names the entry that lets the witness connection's reply in.
    assert_eq!(
        r.hops,
        vec![Hop::new(
            Component::NetworkAcl(ACL_NB.into()),
            Step::ReplyAcl {
                source: ip("52.216.0.1"),
                port: CLIENT_PORTS.lo,
                direction: Dir::Ingress,
                rule: Some(RuleRef::AclEntry {
                    acl: ACL_NB.into(),
                    direction: Dir::Ingress,
                    entry: Some(entry)
                })
            },
            Default::default()
        )]
    );
}

#[test]
fn an_acl_that_lets_no_client_port_back_in_drops_every_reply_with_acl_return_traffic() {
    let t = s3_gateway(vec![tcp_in(100, PortRange::single(443))]);
    let r = replies_of(&t, &[S3], "s3", GW);
    assert!(r.works.is_empty() && r.failed && r.unknown.is_empty());
    assert_eq!(
        r.blocked,
        vec![Block::new(
            Code::AclReturnTraffic,
            Component::NetworkAcl(ACL_NB.into()),
            Cause::AclReplyDenied {
                subnet: SUB_NB.into(),
                direction: Dir::Ingress,
                rule: RuleRef::AclEntry {
                    acl: ACL_NB.into(),
                    direction: Dir::Ingress,
                    entry: None
                },
                packets: conns(&[S3], CLIENT_PORTS).into(),
                nat_ports: false
            }
        )]
    );
}

#[test]
fn an_acl_that_lets_some_client_ports_back_in_makes_only_those_connections_work() {
    let t = s3_gateway(vec![tcp_in(100, PortRange::new(32768, 40000))]);
    let r = replies_of(&t, &[S3], "s3", GW);
    assert!(r.failed);
    assert_same(&r.works, &conns(&[S3], PortRange::new(32768, 40000)));
    let [b] = r.blocked.as_slice() else {
        panic!("one block expected: {:?}", r.blocked)
    };
    let Cause::AclReplyDenied { packets, .. } = &b.cause else {
        panic!("AclReplyDenied expected")
    };
    assert_same(&packets.0, &conns(&[S3], PortRange::new(40001, 60999)));
}

#[test]
fn the_reply_from_an_interface_endpoint_is_routed_local_by_its_subnets_table() {
    let t = with_endpoint();
    let r = replies_of(
        &t,
        &[EP_IP],
        "sagemaker.api",
        "interface-endpoint (private)",
    );
    assert_same(&r.works, &conns(&[EP_IP], CLIENT_PORTS));
    assert!(!r.failed && r.blocked.is_empty() && r.unknown.is_empty());
    // Back along the way: the route from the endpoint's interface, out of its subnet's ACL, into
    // the notebook's.
    let at: Vec<String> = r.hops.iter().map(|h| h.at.id()).collect();
    assert_eq!(at, [RTB_EP, "acl-ep", ACL_NB]);
    let Step::ReplyRoute { from, dest, route } = &r.hops[0].step else {
        panic!("a reply route first")
    };
    assert_eq!(*from, Component::InterfaceEndpoint(EP.into()));
    assert_eq!(*dest, addrs(&[NB_IP]));
    assert_eq!(route.target.kind, TargetKind::Local);
    assert!(matches!(
        r.hops[1].step,
        Step::ReplyAcl {
            direction: Dir::Egress,
            ..
        }
    ));
}

#[test]
fn a_reply_route_to_a_middlebox_leaves_the_modelled_scope() {
    let mut t = with_endpoint();
    let fw = t
        .route(
            RTB_EP,
            "10.0.1.0/24",
            TargetKind::NetworkInterface,
            "eni-fw",
        )
        .clone();
    let r = replies_of(
        &t,
        &[EP_IP],
        "sagemaker.api",
        "interface-endpoint (private)",
    );
    assert!(r.works.is_empty() && !r.failed && r.blocked.is_empty());
    assert_eq!(
        r.unknown,
        vec![Block::new(
            Code::LeavesModelledScope,
            Component::Target(TargetKind::NetworkInterface, "eni-fw".into()),
            Cause::ReplyRoute {
                reply: ReplyOf {
                    from: Component::InterfaceEndpoint(EP.into()),
                    dest: addrs(&[NB_IP])
                },
                table: RTB_EP.into(),
                route: Some(fw)
            }
        )]
    );
}

#[test]
fn a_blackhole_reply_route_drops_the_replies_with_bad_state_route() {
    let mut t = with_endpoint();
    let r = t.route(RTB_EP, "10.0.1.0/24", TargetKind::NatGateway, "nat-gone");
    r.state = RouteState::Blackhole;
    let hole = r.clone();
    let r = replies_of(
        &t,
        &[EP_IP],
        "sagemaker.api",
        "interface-endpoint (private)",
    );
    assert!(r.works.is_empty() && r.failed && r.unknown.is_empty());
    assert_eq!(r.blocked.len(), 1);
    assert_eq!(r.blocked[0].code, Code::BadStateRoute);
    assert_eq!(r.blocked[0].at, Component::RouteTable(RTB_EP.into()));
    assert!(matches!(&r.blocked[0].cause, Cause::ReplyRoute { route: Some(x), .. } if *x == hole));
}

#[test]
fn a_reply_routed_by_a_table_missing_from_the_snapshot_is_undecided() {
    let mut t = with_endpoint();
    t.net.route_tables.remove(RTB_EP);
    let r = replies_of(
        &t,
        &[EP_IP],
        "sagemaker.api",
        "interface-endpoint (private)",
    );
    assert!(r.works.is_empty() && !r.failed);
    assert_eq!(r.unknown.len(), 1);
    assert_eq!(r.unknown[0].code, Code::MissingData);
    assert_eq!(r.unknown[0].at, Component::Subnet(SUB_EP.into()));
    assert!(matches!(
        &r.unknown[0].cause,
        Cause::ReplyRouteTableMissing { table: Some(x), .. } if x == RTB_EP
    ));
}

#[test]
fn replies_into_a_nat_subnet_must_pass_on_every_nat_port() {
    // Every NAT port let back in: the connections work.
    let t = with_nat();
    let r = replies_of(&t, &["8.8.8.0/24"], "sts", "nat-gateway");
    assert_same(&r.works, &conns(&["8.8.8.0/24"], CLIENT_PORTS));
    assert!(!r.failed && r.blocked.is_empty());

    // Only 32768–65535 let back in (the forward TCP 443 from the VPC still is): the gateway may
    // pick a port below, so the replies fail for some connections of every address.
    let mut t = with_nat();
    t.acl_mut(ACL_PUB).ingress = vec![
        acl_entry(
            100,
            true,
            ProtoSet::single(TCP),
            super::VPC_CIDR,
            PortRange::single(443),
        ),
        tcp_in(110, PortRange::new(32768, 65535)),
    ];
    let r = replies_of(&t, &["8.8.8.0/24"], "sts", "nat-gateway");
    assert!(r.failed);
    assert_same(&r.works, &conns(&["8.8.8.0/24"], CLIENT_PORTS));
    let [b] = r.blocked.as_slice() else {
        panic!("one block expected: {:?}", r.blocked)
    };
    assert_eq!(
        (b.code, &b.at),
        (
            Code::AclReturnTraffic,
            &Component::NetworkAcl(ACL_PUB.into())
        )
    );
    let Cause::AclReplyDenied {
        packets, nat_ports, ..
    } = &b.cause
    else {
        panic!("AclReplyDenied expected")
    };
    assert!(*nat_ports);
    assert_same(
        &packets.0,
        &conns(&["8.8.8.0/24"], PortRange::new(1024, 32767)),
    );
}

#[test]
fn replies_check_the_routes_of_the_notebooks_own_address() {
    // The reply route looks up the notebook's address, not the service's: a more specific route
    // for some other address in the endpoint subnet's table changes nothing.
    let mut t = with_endpoint();
    t.rt_mut(RTB_EP).routes.push(route(
        "10.0.1.128/25",
        TargetKind::NetworkInterface,
        "eni-fw",
    ));
    let r = replies_of(
        &t,
        &[EP_IP],
        "sagemaker.api",
        "interface-endpoint (private)",
    );
    assert_same(&r.works, &conns(&[EP_IP], CLIENT_PORTS));
    assert!(!r.failed && r.unknown.is_empty());
}

#[test]
fn a_reply_entering_through_an_internet_gateway_follows_its_gateway_route_table() {
    let mut t = isolated();
    t.igw(super::IGW, super::VPC).edge_route_table = Some("rtb-edge".into());
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::InternetGateway, super::IGW);
    t.net.interfaces.get_mut(super::ENI_NB).unwrap().public_ips = vec![ip("54.1.1.1")];
    t.route_table("rtb-edge", super::VPC);
    // Only the local route: the reply reaches the notebook.
    let r = replies_of(&t, &["8.8.8.0/24"], "sts", "internet-gateway");
    assert_same(&r.works, &conns(&["8.8.8.0/24"], CLIENT_PORTS));
    assert!(!r.failed && r.unknown.is_empty());

    // The notebook's subnet routed through a firewall appliance: out of the modelled scope.
    t.route(
        "rtb-edge",
        "10.0.1.0/24",
        TargetKind::NetworkInterface,
        "eni-fw",
    );
    let r = replies_of(&t, &["8.8.8.0/24"], "sts", "internet-gateway");
    assert!(r.works.is_empty() && !r.failed);
    let [b] = r.unknown.as_slice() else {
        panic!("one undecided reply expected: {:?}", r.unknown)
    };
    assert_eq!(b.code, Code::LeavesModelledScope);
    let Cause::ReplyRoute { reply, table, .. } = &b.cause else {
        panic!("ReplyRoute expected")
    };
    assert_eq!(table, "rtb-edge");
    assert_eq!(
        reply.from,
        Component::Target(TargetKind::InternetGateway, super::IGW.into())
    );
}

#[test]
fn the_replies_of_a_nat64_connection_enter_the_nat_subnet_as_ipv4() {
    // The notebook connects to 64:ff9b::8.8.8.x; the NAT gateway sends IPv4 to 8.8.8.x, and the
    // replies enter the NAT's subnet as IPv4 from 8.8.8.x to a NAT port, which entry 120 allows
    // (entry 100 is IPv6-only and must not be what decides). Checks do not reach this today (no
    // service resolves into 64:ff9b::/96); `replies` must get any NAT64 branch right anyway.
    let mut t = with_nat();
    super::dual_stack(&mut t, true);
    t.route(RTB_NB, "64:ff9b::/96", TargetKind::NatGateway, super::NAT);
    t.acl_mut(ACL_PUB).ingress = vec![
        acl_entry(100, true, ProtoSet::all(), "2600:1f18::/56", PortRange::ALL),
        tcp_in(120, PortRange::new(1024, 65535)),
    ];
    let six = nat64::embed(&addrs(&["8.8.8.0/24"]));
    let set = PacketSet::matching(ProtoSet::single(TCP), &six, PortRange::single(443));
    let b = super::walk_to(&t, &set, "sts");
    let r = replies(&t.net, branch(&b, "delivered via nat-gateway"));
    assert!(r.blocked.is_empty(), "{:?}", r.blocked);
    assert!(!r.failed && r.unknown.is_empty());
    assert_same(
        &r.works,
        &PacketSet::matching(ProtoSet::single(TCP), &six, CLIENT_PORTS),
    );
    // The witness's reply hop at the NAT subnet's ACL names the IPv4 source and entry 120.
    let at_nat_acl = r
        .hops
        .iter()
        .find(|h| h.at == Component::NetworkAcl(ACL_PUB.into()))
        .expect("a reply hop at the NAT subnet's ACL");
    let Step::ReplyAcl { source, rule, .. } = &at_nat_acl.step else {
        panic!("ReplyAcl expected: {:?}", at_nat_acl.step)
    };
    assert!(addrs(&["8.8.8.0/24"]).contains(*source), "{source}");
    let Some(RuleRef::AclEntry { entry: Some(e), .. }) = rule else {
        panic!("the matching entry expected: {rule:?}")
    };
    assert_eq!(e.rule_number, 120);
}

#[test]
fn an_ipv4_acl_that_denies_nat_ports_fails_a_nat64_connection_with_ipv4_evidence() {
    let mut t = with_nat();
    super::dual_stack(&mut t, true);
    t.route(RTB_NB, "64:ff9b::/96", TargetKind::NatGateway, super::NAT);
    // IPv6 replies would pass; the IPv4 replies NAT64 actually receives meet the implicit deny.
    t.acl_mut(ACL_PUB).ingress = vec![acl_entry(
        100,
        true,
        ProtoSet::all(),
        "::/0",
        PortRange::ALL,
    )];
    let six = nat64::embed(&addrs(&["8.8.8.0/24"]));
    let set = PacketSet::matching(ProtoSet::single(TCP), &six, PortRange::single(443));
    let b = super::walk_to(&t, &set, "sts");
    let r = replies(&t.net, branch(&b, "delivered via nat-gateway"));
    assert!(r.failed && r.works.is_empty());
    let [bl] = r.blocked.as_slice() else {
        panic!("one block expected: {:?}", r.blocked)
    };
    assert_eq!(bl.code, Code::AclReturnTraffic);
    assert_eq!(bl.at, Component::NetworkAcl(ACL_PUB.into()));
    let Cause::AclReplyDenied {
        packets, nat_ports, ..
    } = &bl.cause
    else {
        panic!("AclReplyDenied expected: {:?}", bl.cause)
    };
    assert!(*nat_ports);
    assert_eq!(packets.0.addresses(), addrs(&["8.8.8.0/24"]));
}

#[test]
fn a_nat64_reply_follows_the_gateway_route_table_it_enters_through() {
    // Past the NAT gateway the reply is IPv4 to the NAT's address; an edge route table that
    // blackholes the public subnet drops it, which must fail the IPv6 connection.
    let mut t = with_nat();
    super::dual_stack(&mut t, true);
    t.route(RTB_NB, "64:ff9b::/96", TargetKind::NatGateway, super::NAT);
    t.igw(super::IGW, super::VPC).edge_route_table = Some("rtb-edge".into());
    t.route_table("rtb-edge", super::VPC);
    let r = t.route(
        "rtb-edge",
        "10.0.0.0/24",
        TargetKind::NatGateway,
        "nat-gone",
    );
    r.state = RouteState::Blackhole;
    let six = nat64::embed(&addrs(&["8.8.8.0/24"]));
    let set = PacketSet::matching(ProtoSet::single(TCP), &six, PortRange::single(443));
    let b = super::walk_to(&t, &set, "sts");
    let r = replies(&t.net, branch(&b, "delivered via nat-gateway"));
    assert!(r.failed && r.works.is_empty(), "{:?}", r.works);
    let [bl] = r.blocked.as_slice() else {
        panic!("one block expected: {:?}", r.blocked)
    };
    assert_eq!(bl.code, Code::BadStateRoute);
    assert_eq!(bl.at, Component::RouteTable("rtb-edge".into()));
}
