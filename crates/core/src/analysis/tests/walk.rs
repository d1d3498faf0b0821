//! The forward walk (`analysis/walk/`): one test per step a packet set can end at — the notebook's
//! security groups, its route table (no route, blackhole, contested prefix lists, routes that leave
//! the modelled scope), the subnet ACLs, internet and egress-only gateways, NAT gateways (state,
//! onward routing from their own subnet, NAT64, loops), gateway endpoints and the VPC-local route
//! to an interface endpoint — plus `origin`. Every walk goes through [`super::walk`], which checks
//! that the branches partition the input set.

use crate::model::{ResourceState, RouteState, TargetKind, Toggle};
use crate::space::{AddrSet, ICMP, ICMPV6, PacketSet, PortRange, ProtoSet, TCP, UDP, nat64};

use super::super::Code;
use super::super::evidence::{Cause, Missing, RuleRef, ServiceNetworkReason, Step, route_ref};
use super::super::filters::{AddrRole, Dir};
use super::super::walk::{Dest, End, ReplyStep, origin};
use super::super::{Component, Via};
use super::{
    ACL_EP, ACL_NB, ACL_PUB, EP, EP_IP, IGW, NAT, NAT_EIP, NAT_IP, NB_IP, RTB_EP, RTB_NB, RTB_PUB,
    SG_EP, SG_NB, SUB_EP, SUB_NB, SUB_PUB, TestNet, VPC, acl_allow_all, acl_entry, addrs, any_to,
    assert_fates, assert_same, block, branch, ip, isolated, packets, sg_cidr, svc, tcp, walk,
    walk_to, with_endpoint, with_nat,
};

const PUBLIC_IP: &str = "54.1.1.1";

/// Every packet to every public IPv4 address.
fn internet() -> PacketSet {
    any_to(&AddrSet::public_v4())
}

/// [`isolated`] with `0.0.0.0/0` to the attached internet gateway `igw-1`; the notebook's
/// interface has the public address 54.1.1.1 when `public`.
fn with_igw(public: bool) -> TestNet {
    let mut t = isolated();
    t.igw(IGW, VPC);
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::InternetGateway, IGW);
    if public {
        t.net.interfaces.get_mut(super::ENI_NB).unwrap().public_ips = vec![ip(PUBLIC_IP)];
    }
    t
}

fn steps(b: &super::super::walk::Branch) -> Vec<&Step> {
    b.hops.iter().map(|h| &h.step).collect()
}

// ---------------------------------------------------------------------------------------------
// Placement and the notebook's own interface
// ---------------------------------------------------------------------------------------------

#[test]
fn a_notebook_without_a_subnet_delivers_everything_through_the_service_network() {
    let mut t = isolated();
    t.nb_mut().subnet_id = None;
    t.nb_mut().vpc_id = None;
    let set = internet();
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("delivered via service-network", &set)]);
    assert_eq!(
        steps(&b[0]),
        [&Step::ServiceNetwork(ServiceNetworkReason::NoSubnet)]
    );
}

#[test]
fn direct_internet_access_sends_only_destinations_outside_the_vpc_to_the_service_network() {
    let mut t = isolated();
    t.nb_mut().direct_internet_access = Toggle::Enabled;
    let set = tcp(&["10.0.0.0/8", "8.8.8.8"], 443);
    let in_vpc = tcp(&[super::VPC_CIDR], 443);
    let b = walk(&t, &set, &Dest::Internet);
    // The VPC part uses the interface, whose route table keeps it in the VPC.
    assert_fates(
        &b,
        &[
            ("delivered via service-network", &set.difference(&in_vpc)),
            ("dropped NO_ROUTE_TO_DESTINATION at rtb-nb", &in_vpc),
        ],
    );
    assert_eq!(
        block(&b, "dropped NO_ROUTE_TO_DESTINATION at rtb-nb").cause,
        Cause::StaysLocal {
            vpc: VPC.into(),
            packets: in_vpc.into(),
            service: None
        }
    );
}

#[test]
fn packets_no_egress_rule_allows_are_dropped_at_the_notebooks_security_groups() {
    let mut t = with_igw(true);
    t.sg_mut(SG_NB).egress = vec![sg_cidr(
        ProtoSet::single(TCP),
        PortRange::single(443),
        "0.0.0.0/0",
    )];
    let set = packets(&[TCP, UDP], &["8.8.8.8"], PortRange::ALL);
    let ok = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(
        &b,
        &[
            ("delivered via internet-gateway", &ok),
            (
                "dropped ENI_SG_RULES_MISMATCH at sg-nb",
                &set.difference(&ok),
            ),
        ],
    );
    let bl = block(&b, "dropped ENI_SG_RULES_MISMATCH at sg-nb");
    assert_eq!(bl.at, Component::SecurityGroups(vec![SG_NB.into()]));
    assert_eq!(
        bl.cause,
        Cause::SgEgressDenied {
            packets: set.difference(&ok).into()
        }
    );
}

#[test]
fn a_notebook_without_security_groups_is_undecided() {
    let mut t = with_igw(true);
    t.nb_mut().security_groups.clear();
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided MISSING_DATA at nb", &set)]);
    assert_eq!(
        block(&b, "undecided MISSING_DATA at nb").cause,
        Cause::Missing(Missing::NoSecurityGroups)
    );
}

#[test]
fn an_egress_rule_to_a_missing_prefix_list_makes_a_delivery_undecided_but_keeps_a_drop() {
    let rule = super::sg_rule(
        ProtoSet::all(),
        PortRange::ALL,
        crate::model::SgPeer::PrefixList("pl-gone".into()),
    );
    let set = tcp(&["8.8.8.8"], 443);

    // With a way out, the packets may or may not be allowed: undecided at the groups.
    let mut t = with_igw(true);
    t.sg_mut(SG_NB).egress = vec![rule.clone()];
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided MISSING_DATA at sg-nb", &set)]);
    assert!(steps(&b[0]).contains(&&Step::SgEgressMaybe));

    // Without one, they are dropped whatever the list holds.
    let mut t = isolated();
    t.sg_mut(SG_NB).egress = vec![rule];
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped NO_ROUTE_TO_DESTINATION at rtb-nb", &set)]);
}

#[test]
fn origin_reads_the_notebooks_interface_and_falls_back_to_its_subnet_when_it_is_not_described() {
    let t = with_igw(true);
    let o = origin(&t.net, &t.nb());
    assert_eq!(o.src.addrs, addrs(&[NB_IP]));
    assert_eq!(o.src.groups, vec![SG_NB.to_string()]);
    assert!(o.public_v4 && !o.has_v6);
    assert_eq!(o.public_v4_unknown, None);

    let mut t = isolated();
    super::dual_stack(&mut t, false);
    t.net.interfaces.remove(super::ENI_NB);
    t.net
        .incomplete
        .insert("interfaces".into(), "AccessDenied".into());
    let o = origin(&t.net, &t.nb());
    // Anywhere in the subnet, maybe with an IPv6 address since the subnet has a block; a public
    // IPv4 address cannot be ruled out because the interfaces could not all be collected.
    assert_eq!(o.src.addrs, addrs(&["10.0.1.0/24", "2600:1f18:0:1::/64"]));
    assert!(o.has_v6 && !o.public_v4);
    assert_eq!(o.public_v4_unknown.as_deref(), Some("AccessDenied"));
}

// ---------------------------------------------------------------------------------------------
// The route table
// ---------------------------------------------------------------------------------------------

#[test]
fn packets_without_a_route_are_dropped_at_the_route_table_with_no_route_to_destination() {
    let t = isolated();
    let set = internet();
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped NO_ROUTE_TO_DESTINATION at rtb-nb", &set)]);
    assert_eq!(
        block(&b, "dropped NO_ROUTE_TO_DESTINATION at rtb-nb").cause,
        Cause::NoRoute {
            subnet: SUB_NB.into(),
            packets: set.into()
        }
    );
}

#[test]
fn a_subnet_whose_route_table_or_network_acl_is_missing_leaves_the_packets_undecided() {
    let mut t = with_igw(true);
    t.net.route_tables.remove(RTB_NB);
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided MISSING_DATA at subnet-nb", &set)]);
    assert_eq!(
        block(&b, "undecided MISSING_DATA at subnet-nb").cause,
        Cause::Missing(Missing::RouteTable {
            subnet: SUB_NB.into(),
            table: Some(RTB_NB.into())
        })
    );

    // The ACL is needed where the packets leave the subnet, after the route was chosen.
    let mut t = with_igw(true);
    t.net.acls.remove(ACL_NB);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided MISSING_DATA at subnet-nb", &set)]);
    assert_eq!(
        block(&b, "undecided MISSING_DATA at subnet-nb").cause,
        Cause::Missing(Missing::Acl {
            subnet: SUB_NB.into(),
            acl: Some(ACL_NB.into())
        })
    );
}

#[test]
fn a_blackhole_route_drops_its_prefix_and_no_shorter_route_is_tried() {
    let mut t = with_igw(true);
    let r = t.route(RTB_NB, "8.8.8.0/24", TargetKind::NatGateway, "nat-gone");
    r.state = RouteState::Blackhole;
    let r = r.clone();
    let set = tcp(&["8.8.0.0/16"], 443);
    let hole = tcp(&["8.8.8.0/24"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(
        &b,
        &[
            ("delivered via internet-gateway", &set.difference(&hole)),
            ("dropped BAD_STATE_ROUTE at rtb-nb", &hole),
        ],
    );
    assert_eq!(
        block(&b, "dropped BAD_STATE_ROUTE at rtb-nb").cause,
        Cause::RouteNotActive {
            route: route_ref(RTB_NB, &r),
            state: RouteState::Blackhole
        }
    );
}

#[test]
fn a_route_to_a_transit_gateway_leaves_the_modelled_scope() {
    let mut t = isolated();
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::TransitGateway, "tgw-1");
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided LEAVES_MODELLED_SCOPE at tgw-1", &set)]);
    let End::Undecided { via, why } = &b[0].end else {
        unreachable!()
    };
    assert_eq!(*via, Some(Via::Target(TargetKind::TransitGateway)));
    assert_eq!(
        why.cause,
        Cause::LeavesScope {
            kind: TargetKind::TransitGateway
        }
    );
}

#[test]
fn an_active_route_to_a_gateway_missing_from_the_snapshot_is_a_dangling_reference() {
    let mut t = isolated();
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::InternetGateway, "igw-gone");
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided DANGLING_REFERENCE at igw-gone", &set)]);
}

#[test]
fn a_route_to_an_undescribed_prefix_list_that_could_deliver_makes_its_packets_undecided() {
    let mut t = with_igw(true);
    t.route(RTB_NB, "pl-gone", TargetKind::NatGateway, "nat-x");
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided MISSING_DATA at rtb-nb", &set)]);
    assert_eq!(
        block(&b, "undecided MISSING_DATA at rtb-nb").cause,
        Cause::ContestedRoutes {
            lists: vec![Missing::PrefixList {
                id: "pl-gone".into(),
                listed: false
            }]
        }
    );
}

#[test]
fn a_contested_route_that_could_only_drop_leaves_unrouted_packets_dropped() {
    // A gateway endpoint's route never delivers to the internet: whatever its list holds, the
    // packets it may claim are dropped, as are the unrouted ones.
    let mut t = isolated();
    t.gateway_endpoint("vpce-s3", "s3", "pl-gone", &[RTB_NB]);
    let set = tcp(&["8.8.8.8", "52.216.0.1"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped NO_ROUTE_TO_DESTINATION at rtb-nb", &set)]);
}

// ---------------------------------------------------------------------------------------------
// Network ACLs and internet gateways
// ---------------------------------------------------------------------------------------------

#[test]
fn the_subnet_acl_denies_outbound_packets_on_the_way_to_the_internet_gateway() {
    let mut t = with_igw(true);
    let deny = acl_entry(
        100,
        false,
        ProtoSet::single(TCP),
        "0.0.0.0/0",
        PortRange::single(80),
    );
    t.acl_mut(ACL_NB).egress = std::iter::once(deny.clone())
        .chain(acl_allow_all(200))
        .collect();
    let set = tcp(&["8.8.8.8"], 80).union(&tcp(&["8.8.8.8"], 443));
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(
        &b,
        &[
            ("delivered via internet-gateway", &tcp(&["8.8.8.8"], 443)),
            (
                "dropped SUBNET_ACL_RESTRICTION at acl-nb",
                &tcp(&["8.8.8.8"], 80),
            ),
        ],
    );
    assert_eq!(
        block(&b, "dropped SUBNET_ACL_RESTRICTION at acl-nb").cause,
        Cause::AclDenied {
            subnet: SUB_NB.into(),
            direction: Dir::Egress,
            rule: RuleRef::AclEntry {
                acl: ACL_NB.into(),
                direction: Dir::Egress,
                entry: Some(deny)
            },
            packets: tcp(&["8.8.8.8"], 80).into()
        }
    );
}

#[test]
fn an_internet_gateway_delivers_ipv4_from_a_public_address_and_records_the_reply_acl() {
    let t = with_igw(true);
    let set = internet();
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("delivered via internet-gateway", &set)]);
    let s = steps(&b[0]);
    assert!(matches!(s[0], Step::SgEgress { .. }));
    assert!(matches!(s[1], Step::Route { route } if route.target.id == IGW));
    assert!(matches!(
        s[2],
        Step::Acl { subnet, direction: Dir::Egress, .. } if subnet == SUB_NB
    ));
    assert_eq!(s[3], &Step::ToInternet);
    assert_eq!(s.len(), 4);
    // The reply comes back in through the notebook's ACL, matched on the remote address.
    let replies = b[0].replies.to_vec();
    let [ReplyStep::Acl(rc)] = replies.as_slice() else {
        panic!("one reply ACL expected")
    };
    assert_eq!(
        (
            rc.subnet.as_str(),
            rc.acl.as_deref(),
            rc.dir,
            &rc.role,
            rc.nat_ports
        ),
        (SUB_NB, Some(ACL_NB), Dir::Ingress, &AddrRole::Packet, false)
    );
}

#[test]
fn an_internet_gateway_drops_ipv4_from_a_notebook_without_a_public_address_unless_that_is_unknown()
{
    let t = with_igw(false);
    let set = internet();
    let b = walk(&t, &set, &Dest::Internet);
    let f = "dropped IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS at igw-1";
    assert_fates(&b, &[(f, &set)]);
    assert_eq!(
        block(&b, f).cause,
        Cause::NoPublicIpv4 {
            source: addrs(&[NB_IP]),
            packets: set.into()
        }
    );

    // The notebook's interface is absent because the interfaces could not all be collected.
    let mut t = with_igw(false);
    t.net.interfaces.remove(super::ENI_NB);
    t.net
        .incomplete
        .insert("interfaces".into(), "AccessDenied".into());
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("undecided MISSING_DATA at igw-1", &set)]);
    assert_eq!(
        block(&b, "undecided MISSING_DATA at igw-1").cause,
        Cause::PublicIpUnknown {
            why: "AccessDenied".into()
        }
    );
}

#[test]
fn an_internet_gateway_not_attached_to_the_vpc_drops_with_igw_not_attached() {
    let mut t = with_igw(true);
    t.net.internet_gateways.get_mut(IGW).unwrap().attachments =
        vec![("vpc-other".into(), crate::model::AttachmentState::Attached)];
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped IGW_NOT_ATTACHED at igw-1", &set)]);
    let bl = block(&b, "dropped IGW_NOT_ATTACHED at igw-1");
    assert_eq!(
        bl.at,
        Component::Target(TargetKind::InternetGateway, IGW.into())
    );
    assert_eq!(bl.cause, Cause::NotAttached { vpc: VPC.into() });
}

#[test]
fn an_egress_only_gateway_carries_ipv6_only_and_only_from_an_interface_with_an_ipv6_address() {
    let mut t = isolated();
    super::dual_stack(&mut t, true);
    t.eigw("eigw-1", VPC);
    t.route(
        RTB_NB,
        "::/0",
        TargetKind::EgressOnlyInternetGateway,
        "eigw-1",
    );
    t.route(
        RTB_NB,
        "0.0.0.0/0",
        TargetKind::EgressOnlyInternetGateway,
        "eigw-1",
    );
    let v4 = tcp(&["8.8.8.8"], 443);
    let v6 = tcp(&["2a00::1"], 443);
    let b = walk(&t, &v4.union(&v6), &Dest::Internet);
    assert_fates(
        &b,
        &[
            ("delivered via egress-only-internet-gateway", &v6),
            ("dropped EGRESS_ONLY_IGW_IPV6_ONLY at eigw-1", &v4),
        ],
    );

    // Without an IPv6 address on the interface, IPv6 is dropped too.
    t.net
        .interfaces
        .get_mut(super::ENI_NB)
        .unwrap()
        .ipv6
        .clear();
    let b = walk(&t, &v6, &Dest::Internet);
    assert_fates(&b, &[("dropped NO_IPV6_ADDRESS at eigw-1", &v6)]);
}

// ---------------------------------------------------------------------------------------------
// NAT gateways
// ---------------------------------------------------------------------------------------------

#[test]
fn an_available_nat_gateway_translates_tcp_udp_and_icmp_and_goes_on_from_its_own_subnet() {
    let t = with_nat();
    let set = internet();
    let translated = set.restrict_protos(ProtoSet::of(&[TCP, UDP, ICMP]));
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(
        &b,
        &[
            ("delivered via nat-gateway", &translated),
            (
                "dropped NAT_GATEWAY_UNSUPPORTED_PROTOCOL at nat-1",
                &set.difference(&translated),
            ),
        ],
    );
    let d = branch(&b, "delivered via nat-gateway");
    assert!(steps(d).contains(&&Step::Nat {
        public: true,
        public_ip: Some(ip(NAT_EIP)),
        subnet: SUB_PUB.into()
    }));
    // Replies: into the notebook's subnet, out of the NAT's subnet towards the notebook, the
    // route from the NAT's interface, and into the NAT's subnet on a NAT port.
    let kinds: Vec<String> = d
        .replies
        .iter()
        .map(|r| match r {
            ReplyStep::Acl(c) => format!("acl {} {:?} nat_ports={}", c.subnet, c.dir, c.nat_ports),
            ReplyStep::Route(r) => format!(
                "route {} to {}",
                r.table.as_deref().unwrap_or("-"),
                r.reply.dest
            ),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "acl subnet-nb Ingress nat_ports=false",
            "acl subnet-pub Egress nat_ports=false",
            "route rtb-pub to 10.0.1.10/32",
            "acl subnet-pub Ingress nat_ports=true",
        ]
    );
}

#[test]
fn a_nat_gateway_that_is_not_available_drops_with_bad_state() {
    let mut t = with_nat();
    t.net.nat_gateways.get_mut(NAT).unwrap().state = ResourceState::Failed;
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped BAD_STATE at nat-1", &set)]);
    assert_eq!(
        block(&b, "dropped BAD_STATE at nat-1").cause,
        Cause::NotAvailable {
            state: ResourceState::Failed
        }
    );
}

#[test]
fn a_nat_gateways_own_subnet_without_a_default_route_drops_at_its_route_table() {
    let mut t = with_nat();
    t.rt_mut(RTB_PUB).routes.retain(|r| r.target.id != IGW);
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped NO_ROUTE_TO_DESTINATION at rtb-pub", &set)]);
}

#[test]
fn a_private_nat_gateway_has_no_public_address_for_the_internet_gateway() {
    let mut t = with_nat();
    let nat = t.net.nat_gateways.get_mut(NAT).unwrap();
    nat.public = false;
    nat.public_ips.clear();
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    let f = "dropped IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS at igw-1";
    assert_fates(&b, &[(f, &set)]);
    // The source is now the NAT gateway, not the notebook.
    let Cause::NoPublicIpv4 { source, .. } = &block(&b, f).cause else {
        panic!("NoPublicIpv4 expected")
    };
    assert_eq!(*source, addrs(&[NAT_IP]));
}

#[test]
fn the_nat_subnets_inbound_acl_is_undecided_when_it_covers_part_of_an_undescribed_notebook() {
    let mut t = with_nat();
    t.nb_mut().interface_id = None;
    t.acl_mut(ACL_PUB).ingress = std::iter::once(acl_entry(
        100,
        false,
        ProtoSet::all(),
        "10.0.1.0/25",
        PortRange::ALL,
    ))
    .chain(acl_allow_all(200))
    .collect();
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    let f = "undecided DEPENDS_ON_SOURCE_ADDRESS at acl-pub";
    assert_fates(&b, &[(f, &set)]);
    assert_eq!(
        block(&b, f).cause,
        Cause::AclPartialSource {
            direction: Dir::Ingress,
            source: addrs(&["10.0.1.0/24"]),
            reply: false
        }
    );
}

#[test]
fn ipv6_packets_to_the_nat64_prefix_continue_as_ipv4_and_others_are_untranslated() {
    let mut t = with_nat();
    super::dual_stack(&mut t, true);
    t.route(RTB_NB, "64:ff9b::/96", TargetKind::NatGateway, NAT);
    t.route(RTB_NB, "::/0", TargetKind::NatGateway, NAT);
    let six4 = PacketSet::matching(
        ProtoSet::single(TCP),
        &nat64::embed(&addrs(&["8.8.8.0/24"])),
        PortRange::single(443),
    );
    let native = tcp(&["2a00::/16"], 443);
    // ICMPv6 destination unreachable (type 1) to the prefix: what the gateway makes of it is not
    // modelled, and an ICMP message could get out here.
    let icmp_other = PacketSet::matching(
        ProtoSet::single(ICMPV6),
        &nat64::embed(&addrs(&["8.8.8.0/24"])),
        PortRange::icmp(Some(1), None),
    );
    let b = walk(&t, &six4.union(&native).union(&icmp_other), &Dest::Internet);
    assert_fates(
        &b,
        &[
            ("delivered via nat-gateway", &six4),
            (
                "undecided NAT64_UNTRANSLATED at nat-1",
                &native.union(&icmp_other),
            ),
        ],
    );
    assert!(steps(branch(&b, "delivered via nat-gateway")).contains(&&Step::Nat64));
    // One undecided branch per reason, both named after the NAT gateway's way out.
    let mut icmp_flags = Vec::new();
    for br in &b {
        if let End::Undecided { via, why } = &br.end {
            assert_eq!(*via, Some(Via::Target(TargetKind::NatGateway)));
            let Cause::Nat64Untranslated { packets, icmp } = &why.cause else {
                panic!("Nat64Untranslated expected")
            };
            assert_same(&packets.0, if *icmp { &icmp_other } else { &native });
            icmp_flags.push(*icmp);
        }
    }
    icmp_flags.sort_unstable();
    assert_eq!(icmp_flags, [false, true]);
}

#[test]
fn nat_gateways_routing_to_each_other_are_a_routing_loop() {
    let mut t = isolated();
    for (s, c, rt, acl) in [
        ("subnet-a", "10.0.10.0/24", "rtb-a", "acl-a"),
        ("subnet-b", "10.0.11.0/24", "rtb-b", "acl-b"),
    ] {
        t.route_table(rt, VPC);
        t.acl(acl, VPC);
        t.subnet(s, VPC, &[c], rt, acl);
    }
    t.nat("nat-a", "subnet-a", "10.0.10.5", Some("54.0.0.10"));
    t.nat("nat-b", "subnet-b", "10.0.11.5", Some("54.0.0.11"));
    t.route(RTB_NB, "0.0.0.0/0", TargetKind::NatGateway, "nat-a");
    t.route("rtb-a", "0.0.0.0/0", TargetKind::NatGateway, "nat-b");
    t.route("rtb-b", "0.0.0.0/0", TargetKind::NatGateway, "nat-a");
    let set = tcp(&["8.8.8.8"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(&b, &[("dropped ROUTING_LOOP at nat-a", &set)]);
    assert_eq!(
        block(&b, "dropped ROUTING_LOOP at nat-a").cause,
        Cause::RoutingLoop
    );
}

// ---------------------------------------------------------------------------------------------
// Gateway endpoints
// ---------------------------------------------------------------------------------------------

#[test]
fn a_gateway_endpoint_carries_only_tcp_and_other_packets_do_not_fall_through() {
    // The default route to an internet gateway (with a public address) is shorter than the S3
    // list's entries: UDP to S3 is dropped at the endpoint, not sent to the internet.
    let mut t = with_igw(true);
    t.gateway_endpoint("vpce-s3", "s3", "pl-s3", &[RTB_NB]);
    let set = packets(&[TCP, UDP], &["52.216.0.0/15"], PortRange::single(443));
    let tcp_part = tcp(&["52.216.0.0/15"], 443);
    let b = walk_to(&t, &set, "s3");
    assert_fates(
        &b,
        &[
            ("delivered via gateway-endpoint (private)", &tcp_part),
            (
                "dropped VPCE_GATEWAY_PROTOCOL_RESTRICTION at vpce-s3",
                &set.difference(&tcp_part),
            ),
        ],
    );
    let d = branch(&b, "delivered via gateway-endpoint (private)");
    assert!(steps(d).contains(&&Step::GatewayEndpoint { service: svc("s3") }));
}

#[test]
fn a_gateway_endpoint_delivers_neither_to_the_internet_nor_to_another_service() {
    let mut t = isolated();
    t.gateway_endpoint("vpce-s3", "s3", "pl-s3", &[RTB_NB]);
    let set = tcp(&["52.216.0.0/15"], 443);
    let b = walk(&t, &set, &Dest::Internet);
    assert_fates(
        &b,
        &[("dropped GATEWAY_ENDPOINT_SERVICE_ONLY at vpce-s3", &set)],
    );

    let b = walk_to(&t, &set, "dynamodb");
    let f = "dropped GATEWAY_ENDPOINT_SERVICE_MISMATCH at vpce-s3";
    assert_fates(&b, &[(f, &set)]);
    assert_eq!(
        block(&b, f).cause,
        Cause::GatewayEndpointOtherService {
            service: svc("s3"),
            wanted: svc("dynamodb")
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Interface endpoints (the VPC-local route)
// ---------------------------------------------------------------------------------------------

#[test]
fn an_interface_endpoint_in_another_subnet_is_reached_through_both_acls_and_its_security_group() {
    let t = with_endpoint();
    let set = tcp(&[EP_IP], 443);
    let b = walk_to(&t, &set, "sagemaker.api");
    assert_fates(&b, &[("delivered via interface-endpoint (private)", &set)]);
    let s = steps(&b[0]);
    assert!(matches!(s[1], Step::Route { route } if route.target.kind == TargetKind::Local));
    assert!(matches!(s[2], Step::Acl { subnet, direction: Dir::Egress, .. } if subnet == SUB_NB));
    assert!(matches!(s[3], Step::Acl { subnet, direction: Dir::Ingress, .. } if subnet == SUB_EP));
    assert!(matches!(s[4], Step::SgIngress { .. }));
    assert_eq!(
        s[5],
        &Step::InterfaceEndpoint {
            service: svc("sagemaker.api"),
            subnet: SUB_EP.into()
        }
    );
    // The reply leaves the endpoint's interface through its subnet's route table.
    let Some(ReplyStep::Route(rr)) = b[0].replies.last() else {
        panic!("a reply route expected last")
    };
    assert_eq!(rr.table.as_deref(), Some(RTB_EP));
    assert_eq!(rr.reply.from, Component::InterfaceEndpoint(EP.into()));
    assert_eq!(rr.reply.dest, addrs(&[NB_IP]));
}

#[test]
fn an_interface_endpoint_whose_security_group_does_not_admit_the_notebook_drops_the_packets() {
    let mut t = with_endpoint();
    t.sg_mut(SG_EP).ingress = vec![sg_cidr(
        ProtoSet::single(TCP),
        PortRange::single(443),
        "192.168.0.0/16",
    )];
    let set = tcp(&[EP_IP], 443);
    let b = walk_to(&t, &set, "sagemaker.api");
    let f = "dropped ENDPOINT_SG_INGRESS_MISMATCH at vpce-api";
    assert_fates(&b, &[(f, &set)]);
    assert_eq!(
        block(&b, f).cause,
        Cause::SgIngressDenied {
            endpoint: EP.into(),
            groups: vec![SG_EP.into()],
            packets: set.clone().into(),
            source: addrs(&[NB_IP])
        }
    );
}

#[test]
fn the_endpoint_subnets_inbound_acl_can_drop_the_notebooks_packets() {
    let mut t = with_endpoint();
    t.acl_mut(ACL_EP).ingress = std::iter::once(acl_entry(
        100,
        false,
        ProtoSet::all(),
        "10.0.1.0/24",
        PortRange::ALL,
    ))
    .chain(acl_allow_all(200))
    .collect();
    let set = tcp(&[EP_IP], 443);
    let b = walk_to(&t, &set, "sagemaker.api");
    let f = "dropped SUBNET_ACL_RESTRICTION at acl-ep";
    assert_fates(&b, &[(f, &set)]);
    let Cause::AclDenied { direction, .. } = &block(&b, f).cause else {
        panic!("AclDenied expected")
    };
    assert_eq!(*direction, Dir::Ingress);
}

#[test]
fn an_interface_endpoint_in_the_notebooks_own_subnet_bypasses_the_acl() {
    let mut t = with_endpoint();
    // Move the endpoint's interface into the notebook's subnet, whose ACL now denies everything.
    t.net
        .interfaces
        .get_mut("eni-vpce-api")
        .unwrap()
        .private_ips = vec![ip("10.0.1.20")];
    t.net.endpoints.get_mut(EP).unwrap().subnets = vec![SUB_NB.into()];
    let acl = t.acl_mut(ACL_NB);
    acl.ingress.clear();
    acl.egress.clear();
    let set = tcp(&["10.0.1.20"], 443);
    let b = walk_to(&t, &set, "sagemaker.api");
    assert_fates(&b, &[("delivered via interface-endpoint (private)", &set)]);
    assert!(!steps(&b[0]).iter().any(|s| matches!(s, Step::Acl { .. })));
    assert!(!b[0].replies.iter().any(|r| matches!(r, ReplyStep::Acl(_))));
}

#[test]
fn a_local_destination_that_is_not_the_services_endpoint_stays_in_the_vpc() {
    let t = with_endpoint();
    let set = tcp(&["10.0.3.7"], 443);
    let b = walk_to(&t, &set, "sagemaker.api");
    let f = "dropped NO_ROUTE_TO_DESTINATION at rtb-nb";
    assert_fates(&b, &[(f, &set)]);
    assert_eq!(
        block(&b, f).cause,
        Cause::StaysLocal {
            vpc: VPC.into(),
            packets: set.clone().into(),
            service: Some(svc("sagemaker.api"))
        }
    );
    assert_eq!(block(&b, f).code, Code::NoRouteToDestination);
}
