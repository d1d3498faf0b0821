//! Verdicts shared by the notebooks of one placement.
//!
//! Most notebooks of an organisation share their placement with others: the same subnet, the same
//! security groups, the same direct-internet-access setting. Their verdicts differ only where the
//! analysis looks at the notebook itself, which is:
//! - its name (evidence that blames the notebook: `Component::Notebook`);
//! - its interface's facts (`walk::origin`: public IPv4, IPv6, whether the interface is known);
//! - its private *source address*, which the analysis compares with CIDR-shaped things only: network
//!   ACL entries (crossing into an endpoint's subnet, and replies), route destinations (reply routes
//!   and longest-prefix match), security-group ingress peers that are CIDRs or prefix lists
//!   (group peers match by *group*, never by address), VPC and subnet CIDRs.
//!
//! So two notebooks get the same verdicts, up to their own name and address in the evidence, when
//! their [`Key`]s are equal. For a source that is one address, the key holds its *signature*: the
//! prefix lengths `L` at which `address/L` is a prefix that appears anywhere in the network (every
//! CIDR of every VPC, subnet, route, ACL entry, security-group rule and prefix list, plus the
//! fixed ranges the analysis uses). Membership of the address in every such prefix — and so in
//! every union of them — follows from the signature, so every comparison the analysis makes comes
//! out the same for two addresses with one signature. Any other source (several addresses, a subnet
//! CIDR standing for an interface that is not described) is keyed by its exact address set.
//!
//! The verdicts of the first notebook of a key are computed; the others get a copy with the
//! notebook's name and address put where the first one's stood ([`rebase`]). A test compares this
//! path with the per-notebook one on every sample, scenario and generated organisation.

use std::cell::Cell;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use super::evidence::{Block, Cause, Component, Hop, ReplyOf, Step};
use super::explain::Probe;
use super::filters::{AddrRole, Source};
use super::walk::origin;
use super::{NotebookVerdicts, Verdict};
use crate::model::{Network, Notebook, RouteDest, SgPeer, SourceKind, Toggle};
use crate::space::{AddrSet, nat64};

/// What a notebook's verdicts depend on, besides its name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    /// Sources other than notebook instances (Studio, ENIs, instances) are judged each on its
    /// own: their kind decides the services and findings. Their name is their key.
    individual: Option<String>,
    placement_known: bool,
    subnet: Option<String>,
    vpc: Option<String>,
    groups: Vec<String>,
    direct_internet_access: Toggle,
    public_v4: bool,
    public_v4_unknown: Option<String>,
    has_v6: bool,
    source: SourceKey,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum SourceKey {
    /// One address: its family and the prefix lengths at which it meets a registered prefix.
    Single { v6: bool, lengths: Vec<u8> },
    /// Anything else: the exact addresses.
    Exact(AddrSet),
}

/// Every prefix the analysis may compare a source address with.
pub struct Placements {
    /// The registered IPv4 prefixes as network addresses, grouped by prefix length and sorted
    /// within a length (`v4[v4_at[L]..v4_at[L + 1]]` are those of length `L`); likewise IPv6.
    /// Collected on both threads and sorted in parallel: a hash set filled one insertion at a
    /// time was a sequential stretch of the analysis.
    v4: Vec<u32>,
    v4_at: [usize; 34],
    v6: Vec<u128>,
    v6_at: Vec<usize>,
}

impl Placements {
    pub fn new(net: &Network) -> Placements {
        use rayon::prelude::*;
        let (mut acl_sg, mut rest): (Vec<IpNet>, Vec<IpNet>) = rayon::join(
            || {
                let acls = net
                    .acls
                    .par_iter()
                    .flat_map_iter(|(_, a)| a.ingress.iter().chain(&a.egress).map(|e| e.cidr));
                let groups = net.security_groups.par_iter().flat_map_iter(|(_, g)| {
                    g.ingress
                        .iter()
                        .chain(&g.egress)
                        .filter_map(|rule| match &rule.peer {
                            SgPeer::Cidr(n) => Some(*n),
                            _ => None,
                        })
                });
                acls.chain(groups).map(|n| n.trunc()).collect()
            },
            || {
                let mut r: Vec<IpNet> = Vec::new();
                r.extend(net.vpcs.values().flat_map(|v| &v.cidrs));
                r.extend(net.subnets.values().flat_map(|s| &s.cidrs));
                for t in net.route_tables.values() {
                    r.extend(t.routes.iter().filter_map(|route| match &route.dest {
                        RouteDest::Cidr(n) => Some(*n),
                        RouteDest::PrefixList(_) => None,
                    }));
                }
                r.extend(
                    net.prefix_lists
                        .values()
                        .flat_map(|p| p.cidrs.iter().flatten()),
                );
                for n in net.nat_gateways.values() {
                    r.extend(
                        n.private_ips
                            .iter()
                            .chain(&n.public_ips)
                            .map(|ip| IpNet::from(*ip)),
                    );
                }
                for fixed in [AddrSet::public_v4(), AddrSet::public_v6(), nat64::prefix()] {
                    r.extend(fixed.to_nets());
                }
                r.iter_mut().for_each(|n| *n = n.trunc());
                r
            },
        );
        acl_sg.append(&mut rest);
        let mut r = acl_sg;
        // By family, then prefix length, then address: each length's prefixes are one sorted run.
        r.par_sort_unstable_by_key(|n| match n {
            IpNet::V4(n) => (0u8, n.prefix_len(), u128::from(u32::from(n.network()))),
            IpNet::V6(n) => (1u8, n.prefix_len(), u128::from(n.network())),
        });
        r.dedup();
        let split = r.partition_point(|n| n.addr().is_ipv4());
        let (mut v4, mut v4_at) = (Vec::with_capacity(split), [0usize; 34]);
        let (mut v6, mut v6_at) = (Vec::with_capacity(r.len() - split), vec![0usize; 130]);
        for n in &r {
            match n {
                IpNet::V4(n) => {
                    v4.push(u32::from(n.network()));
                    v4_at[usize::from(n.prefix_len()) + 1] = v4.len();
                }
                IpNet::V6(n) => {
                    v6.push(u128::from(n.network()));
                    v6_at[usize::from(n.prefix_len()) + 1] = v6.len();
                }
            }
        }
        // Lengths without prefixes: empty runs.
        for l in 1..v4_at.len() {
            v4_at[l] = v4_at[l].max(v4_at[l - 1]);
        }
        for l in 1..v6_at.len() {
            v6_at[l] = v6_at[l].max(v6_at[l - 1]);
        }
        Placements {
            v4,
            v4_at,
            v6,
            v6_at,
        }
    }

    /// The key of a notebook's verdicts.
    pub fn key(&self, net: &Network, nb: &Notebook) -> Key {
        let o = origin(net, nb);
        let source = match single(&o.src.addrs) {
            Some(ip) => self.signature(ip),
            None => SourceKey::Exact(o.src.addrs.clone()),
        };
        Key {
            individual: (nb.kind != SourceKind::NotebookInstance || nb.studio.is_some())
                .then(|| nb.name.clone()),
            placement_known: nb.placement_known,
            subnet: nb.subnet_id.clone(),
            vpc: nb.vpc_id.clone(),
            groups: nb.security_groups.clone(),
            direct_internet_access: nb.direct_internet_access.clone(),
            public_v4: o.public_v4,
            public_v4_unknown: o.public_v4_unknown,
            has_v6: o.has_v6,
            source,
        }
    }

    fn signature(&self, ip: IpAddr) -> SourceKey {
        let lengths = match ip {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                (0..=32u8)
                    .filter(|&l| {
                        let run =
                            &self.v4[self.v4_at[usize::from(l)]..self.v4_at[usize::from(l) + 1]];
                        let mask = u32::MAX.checked_shl(32 - u32::from(l)).unwrap_or(0);
                        !run.is_empty() && run.binary_search(&(a & mask)).is_ok()
                    })
                    .collect()
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                (0..=128u8)
                    .filter(|&l| {
                        let run =
                            &self.v6[self.v6_at[usize::from(l)]..self.v6_at[usize::from(l) + 1]];
                        let mask = u128::MAX.checked_shl(128 - u32::from(l)).unwrap_or(0);
                        !run.is_empty() && run.binary_search(&(a & mask)).is_ok()
                    })
                    .collect()
            }
        };
        SourceKey::Single {
            v6: ip.is_ipv6(),
            lengths,
        }
    }
}

/// The one address of `a`, if it holds exactly one.
fn single(a: &AddrSet) -> Option<IpAddr> {
    match a.ranges() {
        [r] if r.lo_addr() == r.hi_addr() => Some(r.lo_addr()),
        _ => None,
    }
}

/// Which of `first`'s verdicts mention the notebook itself (its name or its source address)
/// anywhere in their evidence: only those need a copy per notebook in [`rebase`]; the others are
/// shared as they are. Only counts: the visit changes nothing (it takes `&mut` because it is the
/// visit [`rebase`] makes; a verdict some other owner shares is visited on a copy).
pub fn mentions_source(net: &Network, first: &mut NotebookVerdicts) -> Vec<bool> {
    let addrs = crate::model::notebook_private_addrs(net, &first.notebook);
    let r = Rebase {
        from_name: &first.notebook.name,
        to_name: &first.notebook.name,
        from: &addrs,
        to: &addrs,
        count_only: true,
        hits: Cell::new(0),
    };
    // A verdict two checks of this notebook share (see `analysis::analyze_sharing`) is visited
    // once.
    let mut seen: Vec<(*const Verdict, bool)> = Vec::new();
    first
        .checks
        .iter_mut()
        .map(|(_, v)| {
            let ptr = Arc::as_ptr(v);
            if let Some(&(_, m)) = seen.iter().find(|(p, _)| *p == ptr) {
                return m;
            }
            r.hits.set(0);
            match Arc::get_mut(v) {
                Some(v) => r.verdict(v),
                None => r.verdict(&mut Verdict::clone(v)),
            }
            let m = r.hits.get() > 0;
            seen.push((ptr, m));
            m
        })
        .collect()
}

/// `first`'s verdicts made `nb`'s: its name and source address where `first`'s stood. Verdicts
/// that do not mention the source (`mentions`, from [`mentions_source`]) are shared, not copied.
pub fn rebase(
    net: &Network,
    first: &NotebookVerdicts,
    mentions: &[bool],
    nb: &Notebook,
) -> NotebookVerdicts {
    let from = crate::model::notebook_private_addrs(net, &first.notebook);
    let to = crate::model::notebook_private_addrs(net, nb);
    let r = Rebase {
        from_name: &first.notebook.name,
        to_name: &nb.name,
        from: &from,
        to: &to,
        count_only: false,
        hits: Cell::new(0),
    };
    // Checks that share a verdict in `first` share its copy too.
    let mut copies: Vec<(*const Verdict, Arc<Verdict>)> = Vec::new();
    let checks = first
        .checks
        .iter()
        .zip(mentions)
        .map(|((name, v), &mentioned)| {
            if !mentioned || r.is_identity() {
                return (name.clone(), Arc::clone(v));
            }
            let ptr = Arc::as_ptr(v);
            if let Some((_, copy)) = copies.iter().find(|(p, _)| *p == ptr) {
                return (name.clone(), Arc::clone(copy));
            }
            let mut v = Verdict::clone(v);
            r.verdict(&mut v);
            let v = Arc::new(v);
            copies.push((ptr, Arc::clone(&v)));
            (name.clone(), v)
        })
        .collect();
    NotebookVerdicts {
        notebook: nb.clone(),
        checks,
    }
}

struct Rebase<'a> {
    from_name: &'a str,
    to_name: &'a str,
    from: &'a AddrSet,
    to: &'a AddrSet,
    /// Count the places only, change nothing ([`mentions_source`]).
    count_only: bool,
    /// How many places named the source (whether or not the name changed).
    hits: Cell<usize>,
}

impl Rebase<'_> {
    fn is_identity(&self) -> bool {
        self.from_name == self.to_name && self.from == self.to
    }

    fn verdict(&self, v: &mut Verdict) {
        v.path.iter_mut().for_each(|h| self.hop(h));
        v.blocked_by.iter_mut().for_each(|b| self.block(b));
        v.unknown_because.iter_mut().for_each(|b| self.block(b));
    }

    fn addrs(&self, a: &mut AddrSet) {
        if a == self.from {
            self.hits.set(self.hits.get() + 1);
            if !self.count_only {
                *a = self.to.clone();
            }
        }
    }

    fn component(&self, c: &mut Component) {
        if let Component::Notebook(n) = c
            && n == self.from_name
        {
            self.hits.set(self.hits.get() + 1);
            if !self.count_only {
                *n = self.to_name.to_string();
            }
        }
    }

    fn reply(&self, r: &mut ReplyOf) {
        self.component(&mut r.from);
        self.addrs(&mut r.dest);
    }

    fn hop(&self, h: &mut Hop) {
        self.component(&mut h.at);
        match &mut h.step {
            Step::ReplyRoute { from, dest, .. } => {
                self.component(from);
                self.addrs(dest);
            }
            // The replying peer's address (an endpoint's, a NAT gateway's), never the notebook's.
            Step::ReplyAcl { .. } => {}
            Step::SgEgress { .. }
            | Step::SgEgressMaybe
            | Step::SgIngress { .. }
            | Step::Route { .. }
            | Step::Acl { .. }
            | Step::Nat { .. }
            | Step::Nat64
            | Step::InterfaceEndpoint { .. }
            | Step::GatewayEndpoint { .. }
            | Step::ToInternet
            | Step::LeavesScope
            | Step::ServiceNetwork(_) => {}
        }
        self.probe(&mut h.probe);
    }

    fn probe(&self, p: &mut Probe) {
        match p {
            Probe::SgIngress { src, .. } => self.source(src),
            Probe::Acl {
                role: AddrRole::Fixed(a),
                ..
            } => self.addrs(a),
            Probe::Nat64(inner) => self.probe(inner),
            Probe::None | Probe::SgEgress(_) | Probe::Acl { .. } => {}
        }
    }

    fn source(&self, s: &mut Source) {
        self.addrs(&mut s.addrs);
    }

    fn block(&self, b: &mut Block) {
        self.component(&mut b.at);
        self.cause(&mut b.cause);
    }

    fn cause(&self, c: &mut Cause) {
        match c {
            Cause::SgIngressDenied { source, .. }
            | Cause::AclPartialSource { source, .. }
            | Cause::NoPublicIpv4 { source, .. } => self.addrs(source),
            Cause::ReplyRoute { reply, .. }
            | Cause::ReplyRouteContested { reply, .. }
            | Cause::ReplyRouteTableMissing { reply, .. } => self.reply(reply),
            Cause::ReplyRouteSplit { reply, dropped } => {
                self.reply(reply);
                self.addrs(dropped);
            }
            Cause::Nat64IcmpDropped { after, .. } => self.cause(after),
            // Named so that a new cause carrying addresses cannot be forgotten here.
            Cause::SgEgressDenied { .. }
            | Cause::SgUndecided { .. }
            | Cause::AclDenied { .. }
            | Cause::AclReplyDenied { .. }
            | Cause::NoRoute { .. }
            | Cause::StaysLocal { .. }
            | Cause::RouteNotActive { .. }
            | Cause::ContestedRoutes { .. }
            | Cause::LeavesScope { .. }
            | Cause::Dangling
            | Cause::NotAvailable { .. }
            | Cause::NotAttached { .. }
            | Cause::PublicIpUnknown { .. }
            | Cause::NoIpv6 { .. }
            | Cause::Ipv6Only { .. }
            | Cause::NatProtocol { .. }
            | Cause::Nat64Untranslated { .. }
            | Cause::RoutingLoop
            | Cause::GatewayEndpointTcpOnly { .. }
            | Cause::GatewayEndpointServiceOnly { .. }
            | Cause::GatewayEndpointOtherService { .. }
            | Cause::Missing(_)
            | Cause::DnsDisabled { .. }
            | Cause::VpcDnsSupportOff { .. }
            | Cause::VpcDnsOff { .. }
            | Cause::EndpointNotAvailable { .. }
            | Cause::PrivateDnsDisabled { .. }
            | Cause::PrivateDnsInboundOnly { .. }
            | Cause::RecordTypeNotModelled { .. }
            | Cause::RecordTypeMismatch { .. }
            | Cause::CustomDns { .. }
            | Cause::ManagedListInexact { .. }
            | Cause::PlacementUnknown
            | Cause::StudioPlacementUnknown => {}
        }
    }
}
