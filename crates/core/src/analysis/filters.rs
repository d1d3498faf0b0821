//! Set-level semantics of the three filters a packet meets: security groups (stateful, union of
//! allow rules), network ACLs (stateless, ordered first match, implicit deny) and route tables
//! (longest prefix match with AWS's tie rules).
//!
//! Each function takes a packet set and partitions it exactly: what passes, what is stopped (and by
//! which rule), and what cannot be decided from the snapshot. Nothing here samples packets.

use std::sync::Arc;

use ipnet::IpNet;

use crate::model::{
    Acl, AclEntry, Network, RouteDest, RouteOrigin, RouteTable, SgPeer, TargetKind,
};
use crate::space::{AddrSet, Family, PacketSet, PortRange, ProtoSet};

use super::Code;
use super::evidence::{Cause, Missing, SgGap, SgGapWhy};

/// How the address side of a rule is matched for one crossing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AddrRole {
    /// Against the packet set's address dimension (the destination going out, or the remote
    /// service address on the way back).
    Packet,
    /// Against a fixed address set that is not a dimension of the packet set (the notebook's or a
    /// NAT gateway's address). A rule that covers only part of it cannot be decided.
    Fixed(AddrSet),
}

/// How one fixed source/destination relates to a rule's CIDR.
enum Cover {
    All,
    None,
    Part,
}

fn cover(fixed: &AddrSet, rule: &AddrSet) -> Cover {
    if fixed.is_subset(rule) {
        Cover::All
    } else if fixed.intersect(rule).is_empty() {
        Cover::None
    } else {
        Cover::Part
    }
}

/// The result of an ACL: exact partition of the input.
#[derive(Debug, Clone, Default)]
pub struct AclOutcome {
    pub allowed: PacketSet,
    /// Denied packets, per denying entry (`None` = the implicit deny after the last entry).
    pub denied: Vec<(Option<AclEntry>, PacketSet)>,
    /// Packets an entry matches only for some of the fixed addresses.
    pub undecided: PacketSet,
}

/// The packets of one address family, and the fixed addresses of that family: an IPv4 packet has
/// an IPv4 source, so an interface's IPv6 address must not make an IPv4 rule undecidable.
fn by_family(set: &PacketSet, fixed: &AddrSet) -> [(PacketSet, AddrSet); 2] {
    [Family::V4, Family::V6].map(|f| {
        let fam = AddrSet::all_of(f);
        (set.restrict_addrs(&fam), fixed.intersect(&fam))
    })
}

/// Evaluate `entries` (already sorted by rule number) on `set`: first match wins.
pub fn acl_eval(entries: &[AclEntry], set: &PacketSet, role: &AddrRole) -> Arc<AclOutcome> {
    super::cache::acl(entries, set, role, || acl_eval_uncached(entries, set, role))
}

fn acl_eval_uncached(entries: &[AclEntry], set: &PacketSet, role: &AddrRole) -> AclOutcome {
    if let AddrRole::Fixed(f) = role {
        let mut out = AclOutcome::default();
        for (part, fixed) in by_family(set, f) {
            if part.is_empty() {
                continue;
            }
            let o = acl_eval_one(entries, &part, &AddrRole::Fixed(fixed));
            out.allowed = out.allowed.union(&o.allowed);
            out.undecided = out.undecided.union(&o.undecided);
            out.denied.extend(o.denied);
        }
        return out;
    }
    acl_eval_one(entries, set, role)
}

/// The fixed addresses `f` cut by every rule address set that covers only part of it: within one
/// atom, every rule covers all or nothing. (The source is one address of `f`, unknown which.)
fn atoms<'a>(f: &AddrSet, rules: impl IntoIterator<Item = &'a AddrSet>) -> Vec<AddrSet> {
    let mut out = vec![f.clone()];
    for r in rules {
        out = out
            .into_iter()
            .flat_map(|a| [a.intersect(r), a.difference(r)])
            .filter(|a| !a.is_empty())
            .collect();
    }
    out
}

/// First match with a fixed address: where an entry covers only part of the fixed addresses, the
/// packets are decided all the same when every atom of the fixed set (see [`atoms`]) gives them
/// the same fate — allowed everywhere, or denied everywhere (reported with the entries of the
/// first atom) — and undecided only where the atoms disagree.
fn acl_eval_one(entries: &[AclEntry], set: &PacketSet, role: &AddrRole) -> AclOutcome {
    let coarse = acl_first_match(entries, set, role);
    let AddrRole::Fixed(f) = role else {
        return coarse;
    };
    if coarse.undecided.is_empty() {
        return coarse;
    }
    let cuts: Vec<AddrSet> = entries
        .iter()
        .map(|e| AddrSet::from_net(&e.cidr))
        .filter(|a| matches!(cover(f, a), Cover::Part))
        .collect();
    let per_atom: Vec<AclOutcome> = atoms(f, &cuts)
        .into_iter()
        .map(|a| acl_first_match(entries, set, &AddrRole::Fixed(a)))
        .collect();
    let denied_of = |o: &AclOutcome| {
        o.denied
            .iter()
            .fold(PacketSet::empty(), |acc, (_, d)| acc.union(d))
    };
    let mut allowed = set.clone();
    let mut denied = set.clone();
    for o in &per_atom {
        allowed = allowed.intersect(&o.allowed);
        denied = denied.intersect(&denied_of(o));
    }
    AclOutcome {
        undecided: set.difference(&allowed).difference(&denied),
        denied: per_atom[0]
            .denied
            .iter()
            .map(|(e, d)| (e.clone(), d.intersect(&denied)))
            .filter(|(_, d)| !d.is_empty())
            .collect(),
        allowed,
    }
}

fn acl_first_match(entries: &[AclEntry], set: &PacketSet, role: &AddrRole) -> AclOutcome {
    let mut out = AclOutcome::default();
    let mut remaining = set.clone();
    for e in entries {
        if remaining.is_empty() {
            break;
        }
        let rule_addrs = AddrSet::from_net(&e.cidr);
        let (addrs, undecided) = match role {
            AddrRole::Packet => (rule_addrs, false),
            AddrRole::Fixed(f) => match cover(f, &rule_addrs) {
                Cover::All => (AddrSet::all(), false),
                Cover::None => continue,
                Cover::Part => (AddrSet::all(), true),
            },
        };
        if !remaining.meets(e.protocols, &addrs, e.ports) {
            continue;
        }
        let hit = remaining.intersect_matching(e.protocols, &addrs, e.ports);
        remaining = if hit.cubes() == remaining.cubes() {
            PacketSet::empty()
        } else {
            remaining.difference(&hit)
        };
        if undecided {
            out.undecided = out.undecided.union(&hit);
        } else if e.allow {
            out.allowed = out.allowed.union(&hit);
        } else {
            out.denied.push((Some(e.clone()), hit));
        }
    }
    if !remaining.is_empty() {
        out.denied.push((None, remaining));
    }
    out
}

/// Which direction of an ACL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Dir {
    Ingress,
    Egress,
}

impl Dir {
    pub fn reverse(self) -> Dir {
        match self {
            Dir::Ingress => Dir::Egress,
            Dir::Egress => Dir::Ingress,
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            Dir::Ingress => "inbound",
            Dir::Egress => "outbound",
        }
    }
}

pub fn acl_entries(acl: &Acl, dir: Dir) -> &[AclEntry] {
    match dir {
        Dir::Ingress => &acl.ingress,
        Dir::Egress => &acl.egress,
    }
}

/// The addresses a security-group rule peer stands for; `None` when the snapshot lacks them (a
/// prefix list that is missing, or described without its entries).
pub fn peer_addrs(net: &Network, peer: &SgPeer) -> Option<AddrSet> {
    match peer {
        SgPeer::Cidr(n) => Some(AddrSet::from_net(n)),
        SgPeer::PrefixList(p) => net.prefix_list_addrs(p),
        SgPeer::Group(g) => Some(net.sg_members.get(g).cloned().unwrap_or_default()),
    }
}

/// What a prefix list the analysis cannot read is: missing from the snapshot, or described
/// without its entries.
pub fn prefix_list_gap(net: &Network, p: &str) -> Missing {
    Missing::PrefixList {
        id: p.to_string(),
        listed: net.prefix_lists.contains_key(p),
    }
}

/// The code for an undecidable prefix list: entries not given, or the list missing altogether.
pub fn prefix_list_code(net: &Network, p: &str) -> Code {
    if net.prefix_lists.contains_key(p) {
        Code::PrefixListEntriesUnknown
    } else {
        Code::MissingData
    }
}

fn gap_of(net: &Network, g: &str, direction: Dir, r: &crate::model::SgRule) -> (Code, SgGap) {
    let (code, why) = match &r.peer {
        SgPeer::PrefixList(p) => (
            prefix_list_code(net, p),
            SgGapWhy::PrefixList {
                id: p.clone(),
                listed: net.prefix_lists.contains_key(p),
            },
        ),
        _ => (Code::MissingData, SgGapWhy::GroupMissing),
    };
    (
        code,
        SgGap {
            group: g.to_string(),
            direction,
            rule: Some(r.clone()),
            why,
        },
    )
}

fn group_missing(g: &str, direction: Dir) -> (Code, SgGap) {
    (
        Code::MissingData,
        SgGap {
            group: g.to_string(),
            direction,
            rule: None,
            why: SgGapWhy::GroupMissing,
        },
    )
}

/// The result of a security-group stage.
#[derive(Debug, Clone, Default)]
pub struct SgOutcome {
    pub allowed: PacketSet,
    pub denied: PacketSet,
    pub undecided: PacketSet,
    /// Why the undecided part is undecided: a code and the rule per reason.
    pub why: Vec<(Code, SgGap)>,
}

impl SgOutcome {
    /// The code of the first reason the undecided part is undecided.
    pub fn code(&self) -> Code {
        self.why.first().map_or(Code::MissingData, |(c, _)| *c)
    }

    /// Every reason, as the cause of an undecided block.
    pub fn cause(&self) -> Cause {
        Cause::SgUndecided {
            gaps: self.why.iter().map(|(_, g)| g.clone()).collect(),
        }
    }
}

/// Egress through the union of `groups`: a packet passes if any rule of any group allows its
/// protocol, port and destination.
pub fn sg_egress(net: &Network, groups: &[String], set: &PacketSet) -> Arc<SgOutcome> {
    super::cache::sg(groups, set, || sg_egress_uncached(net, groups, set))
}

fn sg_egress_uncached(net: &Network, groups: &[String], set: &PacketSet) -> SgOutcome {
    let mut hits = Vec::new();
    let mut maybe = PacketSet::empty();
    let mut why = Vec::new();
    for g in groups {
        let Some(sg) = net.security_groups.get(g) else {
            maybe = set.clone();
            why.push(group_missing(g, Dir::Egress));
            continue;
        };
        for r in &sg.egress {
            match peer_addrs(net, &r.peer) {
                Some(a) => {
                    if set.meets(r.protocols, &a, r.ports) {
                        hits.push(set.intersect_matching(r.protocols, &a, r.ports));
                    }
                }
                None => {
                    let hit = set.intersect_matching(r.protocols, &AddrSet::all(), r.ports);
                    maybe = maybe.union(&hit);
                    why.push(gap_of(net, g, Dir::Egress, r));
                }
            }
        }
    }
    let allowed = union_all(hits);
    let undecided = maybe.difference(&allowed);
    let denied = set.difference(&allowed).difference(&undecided);
    SgOutcome {
        allowed,
        denied,
        undecided,
        why,
    }
}

/// The union of many sets, merged pairwise: one rule after another into a growing set was
/// quadratic in the number of rules (10⁶ security-group rules, tests/hostile.rs).
fn union_all(mut sets: Vec<PacketSet>) -> PacketSet {
    while sets.len() > 1 {
        sets = sets
            .chunks(2)
            .map(|p| match p {
                [a, b] => a.union(b),
                [a] => a.clone(),
                _ => unreachable!("chunks of two"),
            })
            .collect();
    }
    sets.pop().unwrap_or_default()
}

/// The notebook as a traffic source for someone else's ingress rules: its addresses and groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub addrs: AddrSet,
    pub groups: Vec<String>,
}

/// Ingress into the union of `groups` from `src`: ingress rules match the packet's protocol and
/// destination port and the *source*, which is fixed.
pub fn sg_ingress(net: &Network, groups: &[String], src: &Source, set: &PacketSet) -> SgOutcome {
    let mut out = SgOutcome::default();
    for (part, addrs) in by_family(set, &src.addrs) {
        if part.is_empty() {
            continue;
        }
        let src = Source {
            addrs,
            groups: src.groups.clone(),
        };
        let o = sg_ingress_one(net, groups, &src, &part);
        out.allowed = out.allowed.union(&o.allowed);
        out.denied = out.denied.union(&o.denied);
        out.undecided = out.undecided.union(&o.undecided);
        out.why.extend(o.why);
    }
    out
}

/// Ingress with a fixed source: where a rule covers only part of the source addresses, packets
/// are decided all the same when every atom of the source (see [`atoms`]) gives them the same
/// fate (rules for `10.0.1.0/25` and `10.0.1.128/25` together admit all of `10.0.1.0/24`).
fn sg_ingress_one(net: &Network, groups: &[String], src: &Source, set: &PacketSet) -> SgOutcome {
    let coarse = sg_ingress_rules(net, groups, src, set);
    let partial = |w: &(Code, SgGap)| matches!(w.1.why, SgGapWhy::PartOfSource);
    if coarse.undecided.is_empty() || !coarse.why.iter().any(partial) {
        return coarse;
    }
    let cuts: Vec<AddrSet> = groups
        .iter()
        .filter_map(|g| net.security_groups.get(g))
        .flat_map(|sg| &sg.ingress)
        .filter_map(|r| match &r.peer {
            SgPeer::Group(_) => None,
            other => peer_addrs(net, other),
        })
        .filter(|a| matches!(cover(&src.addrs, a), Cover::Part))
        .collect();
    let mut allowed = set.clone();
    let mut denied = set.clone();
    for a in atoms(&src.addrs, &cuts) {
        let atom = Source {
            addrs: a,
            groups: src.groups.clone(),
        };
        let o = sg_ingress_rules(net, groups, &atom, set);
        allowed = allowed.intersect(&o.allowed);
        denied = denied.intersect(&o.denied);
    }
    let undecided = set.difference(&allowed).difference(&denied);
    SgOutcome {
        why: if undecided.is_empty() {
            Vec::new()
        } else {
            coarse.why
        },
        allowed,
        denied,
        undecided,
    }
}

fn sg_ingress_rules(net: &Network, groups: &[String], src: &Source, set: &PacketSet) -> SgOutcome {
    let mut allowed = PacketSet::empty();
    let mut maybe = PacketSet::empty();
    let mut why = Vec::new();
    for g in groups {
        let Some(sg) = net.security_groups.get(g) else {
            maybe = set.clone();
            why.push(group_missing(g, Dir::Ingress));
            continue;
        };
        for r in &sg.ingress {
            let decided = match &r.peer {
                // Membership is by group, whatever the address.
                SgPeer::Group(pg) => Some(src.groups.contains(pg)),
                other => match peer_addrs(net, other) {
                    Some(a) => match cover(&src.addrs, &a) {
                        Cover::All => Some(true),
                        Cover::None => Some(false),
                        Cover::Part => {
                            why.push((
                                Code::DependsOnSourceAddress,
                                SgGap {
                                    group: g.clone(),
                                    direction: Dir::Ingress,
                                    rule: Some(r.clone()),
                                    why: SgGapWhy::PartOfSource,
                                },
                            ));
                            None
                        }
                    },
                    None => {
                        why.push(gap_of(net, g, Dir::Ingress, r));
                        None
                    }
                },
            };
            match decided {
                Some(true) => {
                    allowed = allowed.union(&set.intersect_matching(
                        r.protocols,
                        &AddrSet::all(),
                        r.ports,
                    ))
                }
                Some(false) => {}
                None => {
                    maybe =
                        maybe.union(&set.intersect_matching(r.protocols, &AddrSet::all(), r.ports))
                }
            }
        }
    }
    let undecided = maybe.difference(&allowed);
    let denied = set.difference(&allowed).difference(&undecided);
    SgOutcome {
        allowed,
        denied,
        undecided,
        why,
    }
}

/// Route selection over a set: which packets each route wins.
#[derive(Debug, Clone, Default)]
pub struct RouteSplit {
    /// `(route index, packets)` in route-table order, ignoring contested routes.
    pub routed: Vec<(usize, PacketSet)>,
    pub unrouted: PacketSet,
    /// Routes to prefix lists the snapshot lacks (or lacks the entries of), with the packets each
    /// *may* claim.
    pub contested: Vec<(usize, PacketSet)>,
}

/// Longest prefix match; on equal prefixes a static CIDR route beats a prefix-list route, which
/// beats a propagated route. A prefix-list route matches each entry of the list.
///
/// A route to a prefix list the snapshot lacks cannot be placed in that order; it is reported as
/// contested, with the packets it may claim: only public addresses when it leads to a gateway
/// endpoint (whose list is an AWS service's public ranges), otherwise any packet.
pub fn route_split(net: &Network, rt: &RouteTable, set: &PacketSet) -> Arc<RouteSplit> {
    super::cache::route(&rt.routes, set, || route_split_uncached(net, rt, set))
}

fn route_split_uncached(net: &Network, rt: &RouteTable, set: &PacketSet) -> RouteSplit {
    let parts = super::cache::route_parts(&rt.routes, || route_parts(net, rt));
    let split = RouteSplit {
        routed: parts
            .routed
            .iter()
            .filter_map(|(i, addrs)| {
                let part = set.restrict_addrs(addrs);
                (!part.is_empty()).then_some((*i, part))
            })
            .collect(),
        unrouted: set.restrict_addrs(&parts.unrouted),
        contested: contested_routes(net, rt, set),
    };
    #[cfg(debug_assertions)]
    {
        let reference = route_split_by_groups(net, rt, set);
        let same = |a: &[(usize, PacketSet)], b: &[(usize, PacketSet)]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(x, y)| x.0 == y.0 && x.1.same_as(&y.1))
        };
        debug_assert!(
            same(&split.routed, &reference.routed)
                && split.unrouted.same_as(&reference.unrouted)
                && same(&split.contested, &reference.contested),
            "route split by address partition differs from the split by groups"
        );
    }
    split
}

/// The addresses each route of `rt` wins (longest prefix match, see [`route_split`]), and those
/// no route takes: a function of the table alone, so a packet set's split is its restriction to
/// each part (kept per run and table, `cache::route_parts`). Contested routes take no part here.
pub(crate) struct RouteParts {
    /// `(route index, addresses)` in route-table order, non-empty parts only.
    routed: Vec<(usize, AddrSet)>,
    unrouted: AddrSet,
}

fn route_parts(net: &Network, rt: &RouteTable) -> RouteParts {
    let mut remaining = AddrSet::all();
    let mut per_route: Vec<AddrSet> = vec![AddrSet::empty(); rt.routes.len()];
    for (i, group) in route_groups(net, rt) {
        if remaining.is_empty() {
            break;
        }
        let hit = remaining.intersect(&group);
        if hit.is_empty() {
            continue;
        }
        remaining = remaining.difference(&group);
        per_route[i] = per_route[i].union(&hit);
    }
    RouteParts {
        routed: per_route
            .into_iter()
            .enumerate()
            .filter(|(_, a)| !a.is_empty())
            .collect(),
        unrouted: remaining,
    }
}

/// The destinations of `rt`'s routes in the order longest prefix match tries them: longest
/// prefix first, then a static CIDR route before a prefix-list route before a propagated one,
/// then route order; the entries of one route with the same length and tie rank as one address
/// set (prefixes of one length never overlap unless equal: one set operation per group instead
/// of one per prefix — a prefix list of 10⁵ entries was quadratic, tests/hostile.rs). Routes to
/// prefix lists the snapshot lacks (or lacks the entries of) are left out ([`contested_routes`]).
fn route_groups(net: &Network, rt: &RouteTable) -> Vec<(usize, AddrSet)> {
    // (prefix, tie rank, route index)
    let mut entries: Vec<(IpNet, u8, usize)> = Vec::new();
    for (i, r) in rt.routes.iter().enumerate() {
        match &r.dest {
            RouteDest::Cidr(n) => {
                let rank = if r.origin == RouteOrigin::Propagated {
                    2
                } else {
                    0
                };
                entries.push((*n, rank, i));
            }
            RouteDest::PrefixList(p) => {
                if let Some(cidrs) = net.prefix_lists.get(p).and_then(|pl| pl.cidrs.as_ref()) {
                    entries.extend(cidrs.iter().map(|n| (*n, 1, i)));
                }
            }
        }
    }
    entries.sort_by(|a, b| {
        b.0.prefix_len()
            .cmp(&a.0.prefix_len())
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    // Equal prefixes of different routes still go to the first in tie order.
    let mut groups: Vec<(u8, u8, usize, Vec<IpNet>)> = Vec::new();
    for (n, rank, i) in entries {
        match groups.last_mut() {
            Some((len, r, j, nets)) if *len == n.prefix_len() && *r == rank && *j == i => {
                nets.push(n)
            }
            _ => groups.push((n.prefix_len(), rank, i, vec![n])),
        }
    }
    groups
        .into_iter()
        .map(|(_, _, i, nets)| (i, AddrSet::from_nets(&nets)))
        .collect()
}

/// Routes to a prefix list the snapshot lacks (or lacks the entries of), with the packets of
/// `set` each may claim: only public addresses when it leads to a gateway endpoint (whose list is
/// an AWS service's public ranges), otherwise any packet.
fn contested_routes(net: &Network, rt: &RouteTable, set: &PacketSet) -> Vec<(usize, PacketSet)> {
    let mut contested = Vec::new();
    for (i, r) in rt.routes.iter().enumerate() {
        if let RouteDest::PrefixList(p) = &r.dest
            && net
                .prefix_lists
                .get(p)
                .and_then(|pl| pl.cidrs.as_ref())
                .is_none()
        {
            let may = if r.target.kind == TargetKind::GatewayEndpoint {
                set.restrict_addrs(&AddrSet::public_v4().union(&AddrSet::public_v6()))
            } else {
                set.clone()
            };
            contested.push((i, may));
        }
    }
    contested
}

/// The split as the packet set is cut group by group (the definition [`route_split`] computes
/// by address partition; debug builds compare the two).
#[cfg(debug_assertions)]
fn route_split_by_groups(net: &Network, rt: &RouteTable, set: &PacketSet) -> RouteSplit {
    let mut remaining = set.clone();
    let mut per_route: Vec<PacketSet> = vec![PacketSet::empty(); rt.routes.len()];
    for (i, group) in route_groups(net, rt) {
        if remaining.is_empty() {
            break;
        }
        let hit = remaining.restrict_addrs(&group);
        if hit.is_empty() {
            continue;
        }
        remaining = remaining.restrict_addrs(&group.complement());
        per_route[i] = per_route[i].union(&hit);
    }
    RouteSplit {
        routed: per_route
            .into_iter()
            .enumerate()
            .filter(|(_, s)| !s.is_empty())
            .collect(),
        unrouted: remaining,
        contested: contested_routes(net, rt, set),
    }
}

/// Every protocol with the given port range, for any address.
pub fn ports_only(protos: ProtoSet, ports: PortRange) -> PacketSet {
    PacketSet::matching(protos, &AddrSet::all(), ports)
}
