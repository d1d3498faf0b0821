//! Evidence for one concrete packet: which rule of a security group or network ACL passed the
//! witness. The walk works on sets and records *where* it passed a filter (a [`Probe`]); once a
//! witness is chosen, each hop's rule is filled in by finding the one that matches it.

use std::net::IpAddr;

use crate::model::{AclEntry, Network, SgPeer};
use crate::space::{AddrSet, Family, Packet, PacketSet, nat64};

use super::evidence::RuleRef;
use super::filters::{AddrRole, Dir, Source, acl_entries, peer_addrs};

/// Where a hop's detail can be made specific for a witness.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Probe {
    #[default]
    None,
    SgEgress(Vec<String>),
    SgIngress {
        groups: Vec<String>,
        src: Source,
    },
    Acl {
        acl: String,
        dir: Dir,
        role: AddrRole,
    },
    /// A hop after NAT64: probe the IPv4 packet the witness was translated to.
    Nat64(Box<Probe>),
}

/// The fixed address to show for `p`: one of the packet's own family.
fn first_addr(role: &AddrRole, p: &Packet) -> Option<IpAddr> {
    match role {
        AddrRole::Packet => None,
        AddrRole::Fixed(a) => a
            .intersect(&AddrSet::all_of(Family::of(&p.destination)))
            .first()
            .or_else(|| a.first()),
    }
}

/// The first ACL entry that matches `p` (whose address is the packet's, or the fixed one).
pub fn acl_match<'a>(entries: &'a [AclEntry], p: &Packet, role: &AddrRole) -> Option<&'a AclEntry> {
    let addr = first_addr(role, p).unwrap_or(p.destination);
    entries.iter().find(|e| {
        e.protocols.contains(p.protocol) && e.ports.contains(p.port) && e.cidr.contains(&addr)
    })
}

/// The rule that passes the witness packet `p` where the walk recorded `probe`.
pub fn matched_rule(net: &Network, probe: &Probe, p: &Packet) -> Option<RuleRef> {
    match probe {
        Probe::None => None,
        Probe::Nat64(inner) => {
            let four = nat64::to_v4(&PacketSet::single(p)).representative()?;
            matched_rule(net, inner, &four)
        }
        Probe::SgEgress(groups) => groups.iter().find_map(|g| {
            let sg = net.security_groups.get(g)?;
            sg.egress.iter().enumerate().find_map(|(index, r)| {
                let a = peer_addrs(net, &r.peer)?;
                (r.protocols.contains(p.protocol)
                    && r.ports.contains(p.port)
                    && a.contains(p.destination))
                .then(|| RuleRef::SgRule {
                    group: g.clone(),
                    direction: Dir::Egress,
                    index,
                    rule: r.clone(),
                })
            })
        }),
        Probe::SgIngress { groups, src } => groups.iter().find_map(|g| {
            let sg = net.security_groups.get(g)?;
            sg.ingress.iter().enumerate().find_map(|(index, r)| {
                let peer_ok = match &r.peer {
                    SgPeer::Group(pg) => src.groups.contains(pg),
                    other => peer_addrs(net, other).is_some_and(|a| src.addrs.is_subset(&a)),
                };
                (peer_ok && r.protocols.contains(p.protocol) && r.ports.contains(p.port)).then(
                    || RuleRef::SgRule {
                        group: g.clone(),
                        direction: Dir::Ingress,
                        index,
                        rule: r.clone(),
                    },
                )
            })
        }),
        Probe::Acl { acl, dir, role } => {
            let a = net.acls.get(acl)?;
            acl_match(acl_entries(a, *dir), p, role).map(|e| RuleRef::AclEntry {
                acl: acl.clone(),
                direction: *dir,
                entry: Some(e.clone()),
            })
        }
    }
}
