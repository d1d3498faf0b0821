//! The three filters on packet sets (`analysis/filters.rs`): network ACLs (ordered first match,
//! implicit deny, undecidable partial covers of a fixed source), security groups (union of allow
//! rules, group references, prefix lists, gaps instead of denies) and route selection (longest
//! prefix, static > prefix list > propagated, contested undescribed prefix lists).

use crate::model::{RouteOrigin, SgPeer, TargetKind};
use crate::space::{AddrSet, Family, ICMP, PacketSet, PortRange, ProtoSet, TCP, UDP};

use super::super::Code;
use super::super::evidence::{Missing, SgGapWhy};
use super::super::filters::{
    AclOutcome, AddrRole, Dir, Source, acl_eval, peer_addrs, prefix_list_code, prefix_list_gap,
    route_split, sg_egress, sg_ingress,
};
use super::{
    TestNet, acl_entry, addrs, any_to, assert_same, isolated, packets, route, sg_cidr, sg_rule, tcp,
};

const ALL: PortRange = PortRange::ALL;

/// The outcome is an exact partition of `set`.
#[track_caller]
fn assert_acl_partition(o: &AclOutcome, set: &PacketSet) {
    let parts: Vec<&PacketSet> = std::iter::once(&o.allowed)
        .chain(o.denied.iter().map(|(_, s)| s))
        .chain(std::iter::once(&o.undecided))
        .collect();
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            assert!(!a.overlaps(b), "ACL outcome parts overlap");
        }
    }
    let union = parts.iter().fold(PacketSet::empty(), |u, p| u.union(p));
    assert_same(&union, set);
}

fn fixed(cidrs: &[&str]) -> AddrRole {
    AddrRole::Fixed(addrs(cidrs))
}

// ---------------------------------------------------------------------------------------------
// Network ACLs
// ---------------------------------------------------------------------------------------------

#[test]
fn the_first_matching_acl_entry_decides_and_later_entries_are_not_consulted() {
    let entries = [
        acl_entry(
            100,
            false,
            ProtoSet::single(TCP),
            "10.0.0.0/8",
            PortRange::single(443),
        ),
        acl_entry(200, true, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let set = packets(
        &[TCP],
        &["10.0.0.0/8", "8.8.8.0/24"],
        PortRange::new(80, 443),
    );
    let o = acl_eval(&entries, &set, &AddrRole::Packet);
    assert_acl_partition(&o, &set);
    assert_eq!(o.denied.len(), 1);
    let (entry, denied) = &o.denied[0];
    assert_eq!(entry.as_ref().map(|e| e.rule_number), Some(100));
    assert_same(denied, &tcp(&["10.0.0.0/8"], 443));
    assert_same(&o.allowed, &set.difference(&tcp(&["10.0.0.0/8"], 443)));
    assert!(o.undecided.is_empty());

    // An allow numbered before a deny of the same packets lets them all through.
    let entries = [
        acl_entry(90, true, ProtoSet::all(), "0.0.0.0/0", ALL),
        acl_entry(100, false, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let set = any_to(&addrs(&["0.0.0.0/0"]));
    let o = acl_eval(&entries, &set, &AddrRole::Packet);
    assert_same(&o.allowed, &set);
    assert!(o.denied.is_empty() && o.undecided.is_empty());
}

#[test]
fn packets_no_acl_entry_matches_fall_to_the_implicit_deny() {
    let entries = [acl_entry(
        100,
        true,
        ProtoSet::single(TCP),
        "0.0.0.0/0",
        PortRange::single(443),
    )];
    let set = packets(
        &[TCP, UDP],
        &["8.8.8.8", "2001:4860::8888"],
        PortRange::single(443),
    );
    let o = acl_eval(&entries, &set, &AddrRole::Packet);
    assert_acl_partition(&o, &set);
    assert_same(&o.allowed, &tcp(&["8.8.8.8"], 443));
    // UDP, and IPv6 (an IPv4 entry never matches it): one implicit deny, entry `None`.
    assert_eq!(o.denied.len(), 1);
    assert_eq!(o.denied[0].0, None);
    assert_same(&o.denied[0].1, &set.difference(&tcp(&["8.8.8.8"], 443)));
}

#[test]
fn a_fixed_source_is_decided_by_the_first_entry_covering_it_whatever_the_packets_address() {
    // Entry 50 misses the source altogether and is skipped; entry 100 covers it wholly.
    let entries = [
        acl_entry(50, true, ProtoSet::all(), "192.168.0.0/16", ALL),
        acl_entry(100, false, ProtoSet::all(), "10.0.1.0/24", ALL),
        acl_entry(200, true, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let set = tcp(&["10.0.0.5", "52.216.0.0/15"], 443);
    let o = acl_eval(&entries, &set, &fixed(&["10.0.1.10"]));
    assert_acl_partition(&o, &set);
    assert_eq!(o.denied.len(), 1);
    assert_eq!(o.denied[0].0.as_ref().map(|e| e.rule_number), Some(100));
    assert_same(&o.denied[0].1, &set);
}

#[test]
fn an_acl_entry_covering_only_part_of_a_fixed_source_is_undecided_and_ends_the_evaluation() {
    let entries = [
        acl_entry(100, false, ProtoSet::all(), "10.0.1.0/25", ALL),
        acl_entry(200, true, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let set = packets(&[TCP, UDP], &["10.0.0.5"], ALL);
    // The notebook is somewhere in 10.0.1.0/24 (its interface is not described).
    let o = acl_eval(&entries, &set, &fixed(&["10.0.1.0/24"]));
    assert_acl_partition(&o, &set);
    assert_same(&o.undecided, &set);
    assert!(o.allowed.is_empty() && o.denied.is_empty());
}

#[test]
fn an_acl_entry_covering_part_of_a_fixed_source_is_decided_when_every_part_meets_the_same_fate() {
    // Entry 100 allows 10.0.1.0/25 and entry 200 the rest of 10.0.1.0/24: wherever in the subnet
    // the notebook is, the packets pass, so nothing here depends on its address.
    let entries = [
        acl_entry(100, true, ProtoSet::all(), "10.0.1.0/25", ALL),
        acl_entry(200, true, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let set = tcp(&["10.0.0.5"], 443);
    let o = acl_eval(&entries, &set, &fixed(&["10.0.1.0/24"]));
    assert_acl_partition(&o, &set);
    assert_same(&o.allowed, &set);
    assert!(o.undecided.is_empty() && o.denied.is_empty());
}

#[test]
fn a_fixed_sources_ipv6_address_does_not_make_an_ipv4_entry_undecided() {
    let entries = [acl_entry(100, true, ProtoSet::all(), "10.0.0.0/8", ALL)];
    let v4 = tcp(&["10.0.0.5"], 443);
    let v6 = tcp(&["2600:1f18::5"], 443);
    let set = v4.union(&v6);
    let o = acl_eval(&entries, &set, &fixed(&["10.0.1.10", "2600:1f18:0:1::10"]));
    assert_acl_partition(&o, &set);
    // IPv4 packets come from 10.0.1.10, wholly inside the entry; IPv6 ones from the IPv6
    // address, which no entry covers: the implicit deny.
    assert_same(&o.allowed, &v4);
    assert!(o.undecided.is_empty());
    assert_eq!(o.denied.len(), 1);
    assert_eq!(o.denied[0].0, None);
    assert_same(&o.denied[0].1, &v6);
}

// ---------------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------------

#[test]
fn security_group_egress_is_the_union_of_every_groups_allow_rules() {
    let mut t = TestNet::new();
    t.sg("sg-a").egress = vec![sg_cidr(
        ProtoSet::single(TCP),
        PortRange::single(443),
        "0.0.0.0/0",
    )];
    t.sg("sg-b").egress = vec![sg_cidr(
        ProtoSet::single(UDP),
        PortRange::single(53),
        "10.0.0.0/8",
    )];
    let set = packets(&[TCP, UDP, ICMP], &["10.0.0.0/8", "8.8.8.0/24"], ALL);
    let o = sg_egress(&t.net, &["sg-a".into(), "sg-b".into()], &set);
    let allowed = tcp(&["10.0.0.0/8", "8.8.8.0/24"], 443).union(&packets(
        &[UDP],
        &["10.0.0.0/8"],
        PortRange::single(53),
    ));
    assert_same(&o.allowed, &allowed);
    assert_same(&o.denied, &set.difference(&allowed));
    assert!(o.undecided.is_empty() && o.why.is_empty());
}

#[test]
fn an_egress_rule_naming_a_security_group_matches_only_its_members_addresses() {
    let mut t = isolated();
    t.sg("sg-ep");
    t.eni("eni-x", super::SUB_NB, &["10.0.1.50"], &["sg-ep"]);
    t.sg("sg-ref").egress = vec![sg_rule(
        ProtoSet::single(TCP),
        PortRange::single(443),
        SgPeer::Group("sg-ep".into()),
    )];
    let set = tcp(&["10.0.0.0/16", "52.216.0.0/15"], 443);
    let o = sg_egress(&t.net, &["sg-ref".into()], &set);
    assert_same(&o.allowed, &tcp(&["10.0.1.50"], 443));
    assert_same(&o.denied, &set.difference(&tcp(&["10.0.1.50"], 443)));
}

#[test]
fn an_egress_rule_to_a_prefix_list_allows_exactly_its_entries() {
    let mut t = isolated();
    t.sg("sg-pl").egress = vec![sg_rule(
        ProtoSet::single(TCP),
        PortRange::single(443),
        SgPeer::PrefixList("pl-s3".into()),
    )];
    let set = tcp(&["52.0.0.0/8"], 443);
    let o = sg_egress(&t.net, &["sg-pl".into()], &set);
    assert_same(&o.allowed, &tcp(&["52.216.0.0/15"], 443));
    assert_same(&o.denied, &set.difference(&o.allowed));
}

#[test]
fn an_egress_rule_to_an_unreadable_prefix_list_leaves_its_packets_undecided_not_denied() {
    let mut t = TestNet::new();
    t.sg("sg-a").egress = vec![
        sg_rule(
            ProtoSet::single(TCP),
            PortRange::single(443),
            SgPeer::PrefixList("pl-gone".into()),
        ),
        sg_cidr(ProtoSet::single(TCP), PortRange::single(443), "10.0.0.0/8"),
    ];
    let set = packets(
        &[TCP, UDP],
        &["10.0.0.0/8", "8.8.8.8"],
        PortRange::single(443),
    );
    let o = sg_egress(&t.net, &["sg-a".into()], &set);
    // Another rule allows 10/8 for sure; the missing list may allow the rest of TCP 443.
    assert_same(&o.allowed, &tcp(&["10.0.0.0/8"], 443));
    assert_same(&o.undecided, &tcp(&["8.8.8.8"], 443));
    assert_same(
        &o.denied,
        &packets(&[UDP], &["10.0.0.0/8", "8.8.8.8"], PortRange::single(443)),
    );
    assert_eq!(o.code(), Code::MissingData);
    assert_eq!(o.why.len(), 1);
    assert_eq!(o.why[0].1.group, "sg-a");
    assert_eq!(o.why[0].1.direction, Dir::Egress);
    assert_eq!(
        o.why[0].1.why,
        SgGapWhy::PrefixList {
            id: "pl-gone".into(),
            listed: false
        }
    );

    // A list described without its entries: the same, with its own code.
    t.prefix_list("pl-gone", "some-list", None, false);
    let o = sg_egress(&t.net, &["sg-a".into()], &set);
    assert_same(&o.undecided, &tcp(&["8.8.8.8"], 443));
    assert_eq!(o.code(), Code::PrefixListEntriesUnknown);
    assert_eq!(
        o.why[0].1.why,
        SgGapWhy::PrefixList {
            id: "pl-gone".into(),
            listed: true
        }
    );
}

#[test]
fn a_security_group_missing_from_the_snapshot_leaves_the_whole_set_undecided() {
    let t = TestNet::new();
    let set = packets(&[TCP, UDP], &["8.8.8.8"], ALL);
    let o = sg_egress(&t.net, &["sg-gone".into()], &set);
    assert_same(&o.undecided, &set);
    assert!(o.allowed.is_empty() && o.denied.is_empty());
    assert_eq!(o.code(), Code::MissingData);
    let gap = &o.why[0].1;
    assert_eq!(
        (gap.group.as_str(), &gap.rule, &gap.why),
        ("sg-gone", &None, &SgGapWhy::GroupMissing)
    );
}

fn nb_source(cidrs: &[&str], groups: &[&str]) -> Source {
    Source {
        addrs: addrs(cidrs),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    }
}

#[test]
fn ingress_from_a_referenced_group_is_decided_by_membership_not_by_address() {
    let mut t = TestNet::new();
    t.sg("sg-ep").ingress = vec![sg_rule(
        ProtoSet::single(TCP),
        PortRange::single(443),
        SgPeer::Group("sg-nb".into()),
    )];
    let set = tcp(&["10.0.2.5"], 443);
    let groups = ["sg-ep".to_string()];
    let member = sg_ingress(
        &t.net,
        &groups,
        &nb_source(&["10.0.1.10"], &["sg-nb"]),
        &set,
    );
    assert_same(&member.allowed, &set);
    assert!(member.denied.is_empty() && member.undecided.is_empty());
    let other = sg_ingress(&t.net, &groups, &nb_source(&["10.0.1.10"], &["sg-x"]), &set);
    assert_same(&other.denied, &set);
    assert!(other.allowed.is_empty() && other.undecided.is_empty());
}

#[test]
fn ingress_rules_match_the_packets_protocol_and_destination_port_and_the_fixed_source() {
    let mut t = TestNet::new();
    t.sg("sg-ep").ingress = vec![sg_cidr(
        ProtoSet::single(TCP),
        PortRange::single(443),
        "10.0.0.0/16",
    )];
    let set = packets(&[TCP, UDP], &["10.0.2.5"], PortRange::new(80, 443));
    let groups = ["sg-ep".to_string()];
    let inside = sg_ingress(&t.net, &groups, &nb_source(&["10.0.1.10"], &[]), &set);
    assert_same(&inside.allowed, &tcp(&["10.0.2.5"], 443));
    assert_same(&inside.denied, &set.difference(&tcp(&["10.0.2.5"], 443)));
    let outside = sg_ingress(&t.net, &groups, &nb_source(&["192.168.0.1"], &[]), &set);
    assert_same(&outside.denied, &set);
    assert!(outside.allowed.is_empty());
}

#[test]
fn an_ingress_rule_covering_part_of_the_source_is_undecided_with_depends_on_source_address() {
    let mut t = TestNet::new();
    t.sg("sg-ep").ingress = vec![sg_cidr(
        ProtoSet::single(TCP),
        PortRange::single(443),
        "10.0.1.0/25",
    )];
    let set = tcp(&["10.0.2.5"], 443);
    let o = sg_ingress(
        &t.net,
        &["sg-ep".into()],
        &nb_source(&["10.0.1.0/24"], &[]),
        &set,
    );
    assert_same(&o.undecided, &set);
    assert!(o.allowed.is_empty() && o.denied.is_empty());
    assert_eq!(o.code(), Code::DependsOnSourceAddress);
    assert_eq!(o.why[0].1.why, SgGapWhy::PartOfSource);
    assert_eq!(o.why[0].1.direction, Dir::Ingress);
}

#[test]
fn ingress_rules_that_together_cover_the_whole_source_admit_it() {
    let mut t = TestNet::new();
    t.sg("sg-ep").ingress = ["10.0.1.0/25", "10.0.1.128/25"]
        .map(|c| sg_cidr(ProtoSet::single(TCP), PortRange::single(443), c))
        .to_vec();
    let set = tcp(&["10.0.2.5"], 443);
    let o = sg_ingress(
        &t.net,
        &["sg-ep".into()],
        &nb_source(&["10.0.1.0/24"], &[]),
        &set,
    );
    assert_same(&o.allowed, &set);
    assert!(o.undecided.is_empty() && o.denied.is_empty());
}

#[test]
fn peer_addrs_know_a_memberless_group_as_empty_and_an_unreadable_prefix_list_as_unknown() {
    let mut t = isolated();
    t.prefix_list("pl-x", "x", None, false);
    let n = &t.net;
    assert_eq!(
        peer_addrs(n, &SgPeer::Cidr(super::cidr("10.0.0.0/8"))),
        Some(addrs(&["10.0.0.0/8"]))
    );
    assert_eq!(
        peer_addrs(n, &SgPeer::Group(super::SG_NB.into())),
        Some(addrs(&[super::NB_IP]))
    );
    assert_eq!(
        peer_addrs(n, &SgPeer::Group("sg-nobody".into())),
        Some(AddrSet::empty())
    );
    assert_eq!(
        peer_addrs(n, &SgPeer::PrefixList("pl-s3".into())),
        Some(addrs(&["52.216.0.0/15"]))
    );
    assert_eq!(peer_addrs(n, &SgPeer::PrefixList("pl-x".into())), None);
    assert_eq!(peer_addrs(n, &SgPeer::PrefixList("pl-gone".into())), None);
}

#[test]
fn prefix_list_code_and_gap_tell_a_list_without_entries_from_a_missing_one() {
    let mut t = TestNet::new();
    t.prefix_list("pl-x", "x", None, false);
    assert_eq!(
        prefix_list_code(&t.net, "pl-x"),
        Code::PrefixListEntriesUnknown
    );
    assert_eq!(prefix_list_code(&t.net, "pl-gone"), Code::MissingData);
    assert_eq!(
        prefix_list_gap(&t.net, "pl-x"),
        Missing::PrefixList {
            id: "pl-x".into(),
            listed: true
        }
    );
    assert_eq!(
        prefix_list_gap(&t.net, "pl-gone"),
        Missing::PrefixList {
            id: "pl-gone".into(),
            listed: false
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Route selection
// ---------------------------------------------------------------------------------------------

/// The packets route `i` wins.
fn won(split: &super::super::filters::RouteSplit, i: usize) -> PacketSet {
    split
        .routed
        .iter()
        .find(|(j, _)| *j == i)
        .map(|(_, s)| s.clone())
        .unwrap_or_default()
}

#[test]
fn the_longest_prefix_wins_whatever_the_order_of_the_routes() {
    let mut t = TestNet::new();
    t.vpc(super::VPC, &[]);
    let rt = t.route_table("rtb", super::VPC);
    rt.routes = vec![
        route("0.0.0.0/0", TargetKind::InternetGateway, "igw-1"),
        route("10.0.0.0/16", TargetKind::Local, "local"),
        route("10.0.5.0/24", TargetKind::NatGateway, "nat-1"),
    ];
    let rt = rt.clone();
    let set = any_to(&AddrSet::all_of(Family::V4)).union(&tcp(&["2600::1"], 443));
    let s = route_split(&t.net, &rt, &set);
    assert!(s.contested.is_empty());
    assert_same(&won(&s, 2), &any_to(&addrs(&["10.0.5.0/24"])));
    assert_same(
        &won(&s, 1),
        &any_to(&addrs(&["10.0.0.0/16"]).difference(&addrs(&["10.0.5.0/24"]))),
    );
    assert_same(
        &won(&s, 0),
        &any_to(&AddrSet::all_of(Family::V4).difference(&addrs(&["10.0.0.0/16"]))),
    );
    // No IPv6 route: the IPv6 packets are unrouted.
    assert_same(&s.unrouted, &tcp(&["2600::1"], 443));
}

#[test]
fn equal_prefixes_rank_a_static_route_then_a_prefix_list_route_then_a_propagated_one() {
    let mut t = isolated();
    let mut propagated = route("52.216.0.0/15", TargetKind::VirtualPrivateGateway, "vgw-1");
    propagated.origin = RouteOrigin::Propagated;
    let pl = route("pl-s3", TargetKind::GatewayEndpoint, "vpce-s3");
    let stat = route("52.216.0.0/15", TargetKind::InternetGateway, "igw-1");
    let set = tcp(&["52.216.0.0/15"], 443);

    let rt = t.rt_mut(super::RTB_NB);
    rt.routes = vec![propagated.clone(), pl.clone(), stat.clone()];
    let rt = rt.clone();
    assert_same(&won(&route_split(&t.net, &rt, &set), 2), &set);

    let rt = t.rt_mut(super::RTB_NB);
    rt.routes = vec![propagated.clone(), pl];
    let rt = rt.clone();
    let s = route_split(&t.net, &rt, &set);
    assert_eq!(s.routed.len(), 1);
    assert_same(&won(&s, 1), &set);

    let rt = t.rt_mut(super::RTB_NB);
    rt.routes = vec![propagated, stat];
    let rt = rt.clone();
    let s = route_split(&t.net, &rt, &set);
    assert_eq!(s.routed.len(), 1);
    assert_same(&won(&s, 1), &set);
}

#[test]
fn a_prefix_list_route_matches_each_entry_at_that_entrys_own_length() {
    let mut t = TestNet::new();
    t.vpc(super::VPC, &[]);
    t.prefix_list("pl-2", "two", Some(&["52.216.0.0/15", "3.5.0.0/20"]), true);
    let rt = t.route_table("rtb", super::VPC);
    rt.routes = vec![
        route("3.5.0.0/16", TargetKind::NatGateway, "nat-1"),
        route("pl-2", TargetKind::GatewayEndpoint, "vpce-1"),
    ];
    let rt = rt.clone();
    let set = tcp(&["3.5.0.0/16", "52.216.0.0/15"], 443);
    let s = route_split(&t.net, &rt, &set);
    // The /20 entry is longer than the static /16; the /15 entry is the only match for 52.216/15.
    assert_same(&won(&s, 1), &tcp(&["3.5.0.0/20", "52.216.0.0/15"], 443));
    assert_same(
        &won(&s, 0),
        &tcp(&["3.5.0.0/16"], 443).difference(&tcp(&["3.5.0.0/20"], 443)),
    );
    assert!(s.unrouted.is_empty());
}

#[test]
fn a_route_to_an_undescribed_prefix_list_is_contested_over_public_addresses_only_for_a_gateway_endpoint()
 {
    let mut t = TestNet::new();
    t.vpc(super::VPC, &[]);
    let rt = t.route_table("rtb", super::VPC);
    rt.routes = vec![
        route("pl-gone", TargetKind::GatewayEndpoint, "vpce-1"),
        route("pl-gone", TargetKind::NatGateway, "nat-1"),
    ];
    let rt = rt.clone();
    let set = tcp(&["10.0.0.5", "52.216.0.1"], 443);
    let s = route_split(&t.net, &rt, &set);
    assert!(s.routed.is_empty());
    assert_same(&s.unrouted, &set);
    assert_eq!(s.contested.len(), 2);
    assert_eq!(s.contested[0].0, 0);
    assert_same(&s.contested[0].1, &tcp(&["52.216.0.1"], 443));
    assert_eq!(s.contested[1].0, 1);
    assert_same(&s.contested[1].1, &set);
}

// ---------------------------------------------------------------------------------------------
// The run's memo of filter evaluations (analysis/cache.rs)
// ---------------------------------------------------------------------------------------------

/// Inside one analysis run the memo must never hand one evaluation's outcome to another that
/// differs in what decides it. The traps: two notebooks in different subnets behind one ACL whose
/// first entry holds one source and not the other (a key without the fixed source would let the
/// denied one pass); two ACLs with equal-looking but different entries; and two empty entry lists,
/// which share an address (`Vec::new()`'s) and must give the same — implicit deny — outcome.
#[test]
fn the_memo_tells_apart_what_decides_an_acl() {
    use super::super::cache;
    let entries = [
        acl_entry(100, false, ProtoSet::all(), "10.0.1.0/24", ALL),
        acl_entry(200, true, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let other = [
        acl_entry(100, false, ProtoSet::all(), "10.0.2.0/24", ALL),
        acl_entry(200, true, ProtoSet::all(), "0.0.0.0/0", ALL),
    ];
    let set = packets(&[TCP], &["10.0.9.10/32"], PortRange::single(443));
    let (a, b) = (fixed(&["10.0.1.5"]), fixed(&["10.0.2.5"]));
    let empty_a: Vec<crate::model::AclEntry> = Vec::new();
    let empty_b: Vec<crate::model::AclEntry> = Vec::new();
    let outcomes = cache::run(cache::new_run(), || {
        [
            acl_eval(&entries, &set, &a),
            acl_eval(&entries, &set, &b),
            // The same again: answered from the memo, and still the same answers.
            acl_eval(&entries, &set, &a),
            acl_eval(&entries, &set, &b),
            acl_eval(&other, &set, &a),
            acl_eval(&empty_a, &set, &a),
            acl_eval(&empty_b, &set, &b),
        ]
    });
    cache::clear();
    let denied = |o: &AclOutcome| o.allowed.is_empty() && !o.denied.is_empty();
    assert!(denied(&outcomes[0]), "10.0.1.5 is denied by rule 100");
    assert_same(&outcomes[1].allowed, &set);
    assert!(denied(&outcomes[2]));
    assert_same(&outcomes[3].allowed, &set);
    assert_same(&outcomes[4].allowed, &set);
    for o in &outcomes[5..] {
        assert!(denied(o) && o.denied[0].0.is_none(), "implicit deny");
    }
    // Every outcome equals the one computed outside any run (no memo).
    for (o, (e, r)) in outcomes.iter().zip([
        (&entries[..], &a),
        (&entries[..], &b),
        (&entries[..], &a),
        (&entries[..], &b),
        (&other[..], &a),
        (&[][..], &a),
        (&[][..], &b),
    ]) {
        let plain = acl_eval(e, &set, r);
        assert_same(&o.allowed, &plain.allowed);
        assert_eq!(o.denied.len(), plain.denied.len());
    }
}
