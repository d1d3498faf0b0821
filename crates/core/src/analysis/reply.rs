//! The reply of each connection a service check's forward walk delivered, back along the way it
//! came (DESIGN §3: replies pass every stateless ACL again, and replies follow routes too).
//!
//! Connections are (service address × client source port). Two kinds of step, in reverse order of
//! the forward path:
//! - a network ACL the forward packets crossed, evaluated in the other direction on the reply's
//!   destination port (the client's, or a NAT gateway's 1024–65535);
//! - a route lookup where the reply leaves an interface endpoint's or NAT gateway's interface, or
//!   enters through an internet gateway with a gateway route table: the same longest-prefix match
//!   as forward routing ([`route_split`]) on the address the reply goes to. `local` carries it; a
//!   blackhole drops it; any other target (an appliance interface, a Gateway Load Balancer or
//!   Network Firewall endpoint: middlebox routing) leaves the modelled scope.

use crate::model::{Network, RouteState, TargetKind};
use crate::space::{AddrSet, Family, Packet, PacketSet, PortRange, ProtoSet, TCP};

use super::explain;
use super::filters::{acl_entries, acl_eval, route_split};
use super::walk::{Branch, ReplyCheck, ReplyStep, RouteReply};
use super::{Block, Code, Hop};

/// Linux's default ephemeral ports (`net.ipv4.ip_local_port_range`), the notebook's source ports.
pub const CLIENT_PORTS: PortRange = PortRange {
    lo: 32768,
    hi: 60999,
};
/// The source ports a NAT gateway uses for translated connections.
pub const NAT_PORTS: PortRange = PortRange {
    lo: 1024,
    hi: 65535,
};

fn push_unique(v: &mut Vec<Block>, b: Block) {
    if !v.contains(&b) {
        v.push(b);
    }
}

/// What happened to the replies of one delivered branch.
pub struct ReplyOutcome {
    /// Connections (address × client port) whose replies get back.
    pub works: PacketSet,
    /// Some connection's reply is dropped for certain.
    pub failed: bool,
    pub blocked: Vec<Block>,
    pub unknown: Vec<Block>,
    /// Evidence hops for the first working connection.
    pub hops: Vec<Hop>,
}

/// The fate of a reply route lookup (the same for every connection of a branch: it depends only
/// on where the reply goes).
enum RouteFate {
    Pass(String),
    Drop(Block),
    Undecided(Block),
}

/// Evaluate one reply route lookup for the replies of family `fam`.
fn route_fate(net: &Network, step: &RouteReply, fam: Family) -> Option<RouteFate> {
    let dest = step.dest.intersect(&AddrSet::all_of(fam));
    if dest.is_empty() {
        return None;
    }
    let Some(rt) = step.table.as_ref().and_then(|t| net.route_tables.get(t)) else {
        return Some(RouteFate::Undecided(Block {
            code: Code::MissingData,
            component: step.at.clone(),
            detail: format!(
                "{} is routed by {}'s route table ({}), which is not in the snapshot",
                step.from,
                step.at,
                step.table.as_deref().unwrap_or("none")
            ),
        }));
    };
    let probe = PacketSet::matching(ProtoSet::single(TCP), &dest, PortRange::ALL);
    let split = route_split(net, rt, &probe);
    let mut pass = AddrSet::empty();
    let mut local_route: Option<String> = None;
    let mut drops: Vec<Block> = Vec::new();
    let mut dropped = AddrSet::empty();
    let mut undecided: Option<Block> = None;
    for (i, may) in &split.contested {
        if may.is_empty() {
            // A gateway endpoint's list holds public service addresses only: never the reply's.
            continue;
        }
        undecided.get_or_insert_with(|| Block {
            code: super::filters::prefix_list_code(net, &rt.routes[*i].dest.to_string()),
            component: rt.id.clone(),
            detail: format!(
                "{} to {} may be claimed by route {} → {} of {}, whose prefix list is not fully in the snapshot",
                step.from,
                dest.describe(2),
                rt.routes[*i].dest,
                rt.routes[*i].target.id,
                rt.id
            ),
        });
    }
    for (i, part) in &split.routed {
        let r = &rt.routes[*i];
        let addrs = part.addresses();
        let text = format!("route {} → {}", r.dest, r.target.id);
        match (&r.state, r.target.kind) {
            (RouteState::Blackhole, _) | (RouteState::Other(_), _) => {
                dropped = dropped.union(&addrs);
                drops.push(Block {
                    code: Code::BadStateRoute,
                    component: rt.id.clone(),
                    detail: format!(
                        "{} to {} matches {text} in {}, which is {}: the reply is dropped",
                        step.from,
                        addrs.describe(2),
                        rt.id,
                        match &r.state {
                            RouteState::Other(s) => s.as_str(),
                            _ => "a blackhole",
                        }
                    ),
                });
            }
            (RouteState::Active, TargetKind::Local) => {
                pass = pass.union(&addrs);
                local_route.get_or_insert(text);
            }
            (RouteState::Active, kind) => {
                undecided.get_or_insert_with(|| Block {
                    code: Code::LeavesModelledScope,
                    component: r.target.id.clone(),
                    detail: format!(
                        "{} to {} matches {text} in {} (middlebox routing): it goes to {} {}, which the model does not follow",
                        step.from,
                        addrs.describe(2),
                        rt.id,
                        kind.as_str(),
                        r.target.id
                    ),
                });
            }
        }
    }
    if !split.unrouted.is_empty() {
        let addrs = split.unrouted.addresses();
        dropped = dropped.union(&addrs);
        drops.push(Block {
            code: Code::NoRouteToDestination,
            component: rt.id.clone(),
            detail: format!(
                "{} to {} has no route in {}",
                step.from,
                addrs.describe(2),
                rt.id
            ),
        });
    }
    Some(if let Some(b) = undecided {
        RouteFate::Undecided(b)
    } else if !drops.is_empty() && !pass.is_empty() {
        // The notebook has one address, but the snapshot does not say which.
        RouteFate::Undecided(Block {
            code: Code::DependsOnSourceAddress,
            component: rt.id.clone(),
            detail: format!(
                "{} is dropped in {} for some of the possible addresses ({}) and carried for others",
                step.from,
                rt.id,
                dropped.describe(2)
            ),
        })
    } else if let Some(b) = drops.into_iter().next() {
        RouteFate::Drop(b)
    } else {
        RouteFate::Pass(format!(
            "{} to {}: {}",
            step.from,
            dest.describe(2),
            local_route.unwrap_or_else(|| "local".into())
        ))
    })
}

/// The replies of the connections of delivered branch `b`: every stateless ACL the forward path
/// crossed and every reply route lookup, in reverse order. Where the reply's port is a NAT
/// gateway's, every NAT port must pass for the address to fully work.
pub fn replies(net: &Network, b: &Branch) -> ReplyOutcome {
    let mut conns = PacketSet::matching(ProtoSet::single(TCP), &b.set.addresses(), CLIENT_PORTS);
    let mut out = ReplyOutcome {
        works: PacketSet::empty(),
        failed: false,
        blocked: Vec::new(),
        unknown: Vec::new(),
        hops: Vec::new(),
    };
    // Per ACL check: the set that passed it (to explain the witness later); per route lookup,
    // its evidence.
    enum Passed<'a> {
        Acl(&'a ReplyCheck, PacketSet),
        Route(String, String),
    }
    let mut passed: Vec<Passed> = Vec::new();
    for step in b.replies.iter().rev() {
        if conns.is_empty() {
            break;
        }
        let rc = match step {
            ReplyStep::Acl(rc) => rc,
            ReplyStep::Route(rr) => {
                for fam in [Family::V4, Family::V6] {
                    let fam_conns = conns.restrict_addrs(&AddrSet::all_of(fam));
                    if fam_conns.is_empty() {
                        continue;
                    }
                    match route_fate(net, rr, fam) {
                        None => {}
                        Some(RouteFate::Pass(detail)) => {
                            passed.push(Passed::Route(rr.table.clone().unwrap_or_default(), detail))
                        }
                        Some(RouteFate::Drop(bl)) => {
                            out.failed = true;
                            push_unique(&mut out.blocked, bl);
                            conns = conns.difference(&fam_conns);
                        }
                        Some(RouteFate::Undecided(bl)) => {
                            push_unique(&mut out.unknown, bl);
                            conns = conns.difference(&fam_conns);
                        }
                    }
                }
                continue;
            }
        };
        let Some(acl) = rc.acl.as_ref().and_then(|a| net.acls.get(a)) else {
            out.unknown.push(Block {
                code: Code::MissingData,
                component: rc.subnet.clone(),
                detail: format!("the network ACL of {} is not in the snapshot", rc.subnet),
            });
            return out;
        };
        let entries = acl_entries(acl, rc.dir);
        let set = if rc.nat_ports {
            PacketSet::matching(ProtoSet::single(TCP), &conns.addresses(), NAT_PORTS)
        } else {
            conns.clone()
        };
        let r = acl_eval(entries, &set, &rc.role);
        let ports = if rc.nat_ports {
            "the NAT gateway's ports"
        } else {
            "the client's ports"
        };
        for (rule, denied) in &r.denied {
            out.failed = true;
            let why = match rule {
                Some(t) => format!("{} rule {t} denies", rc.dir.word()),
                None => format!("no {} rule allows (implicit deny)", rc.dir.word()),
            };
            push_unique(
                &mut out.blocked,
                Block {
                    code: Code::AclReturnTraffic,
                    component: acl.id.clone(),
                    detail: format!(
                        "return traffic to {ports}: {why} {} in {}",
                        denied.describe(),
                        rc.subnet
                    ),
                },
            );
        }
        if !r.undecided.is_empty() {
            push_unique(
                &mut out.unknown,
                Block {
                    code: Code::DependsOnSourceAddress,
                    component: acl.id.clone(),
                    detail: format!(
                        "a {} rule of {} covers only part of the notebook's possible addresses",
                        rc.dir.word(),
                        acl.id
                    ),
                },
            );
        }
        if rc.nat_ports {
            // An address works for a connection only if every NAT port the gateway may pick is
            // let back in; otherwise it works for some connections only (partial).
            let denied_addrs = r
                .denied
                .iter()
                .fold(AddrSet::empty(), |a, (_, s)| a.union(&s.addresses()))
                .union(&r.undecided.addresses());
            let ok_addrs = r.allowed.addresses();
            let full = ok_addrs.difference(&denied_addrs);
            if !ok_addrs.difference(&full).is_empty() {
                out.failed = true;
            }
            // Keep partially working addresses as evidence of what works, flagged as failed.
            conns = conns.restrict_addrs(&ok_addrs.difference(&r.undecided.addresses()));
        } else {
            conns = r.allowed.clone();
        }
        passed.push(Passed::Acl(rc, r.allowed));
    }
    out.works = conns;
    let Some(c) = out.works.representative() else {
        return out;
    };
    for p in passed {
        match p {
            Passed::Route(table, detail) => out.hops.push(Hop {
                component: table,
                kind: "route-table",
                detail,
                probe: explain::Probe::None,
            }),
            Passed::Acl(rc, allowed) => {
                let probe_port = if rc.nat_ports {
                    allowed
                        .restrict_addrs(&AddrSet::single(c.destination))
                        .representative()
                        .map_or(NAT_PORTS.lo, |p| p.port)
                } else {
                    c.port
                };
                let p = Packet {
                    protocol: TCP,
                    destination: c.destination,
                    port: probe_port,
                };
                let detail = net
                    .acls
                    .get(rc.acl.as_deref().unwrap_or_default())
                    .and_then(|a| explain::acl_match(acl_entries(a, rc.dir), &p, &rc.role))
                    .map(|e| {
                        format!(
                            "return traffic from {} to port {probe_port}: {} rule {} matches",
                            c.destination,
                            rc.dir.word(),
                            e.text
                        )
                    })
                    .unwrap_or_default();
                out.hops.push(Hop {
                    component: rc.acl.clone().unwrap_or_default(),
                    kind: "network-acl",
                    detail,
                    probe: explain::Probe::None,
                });
            }
        }
    }
    out
}
