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

use crate::model::{Network, Route, RouteState, TargetKind};
use crate::space::{AddrSet, Family, Packet, PacketSet, PortRange, ProtoSet, TCP};

use super::evidence::{Cause, Component, Missing, ReplyOf, RuleRef, Step};
use super::explain::{self, Probe};
use super::filters::{AddrRole, acl_entries, acl_eval, route_split};
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
    Pass(Hop),
    Drop(Block),
    Undecided(Block),
}

/// Evaluate one reply route lookup for the replies of family `fam`.
fn route_fate(net: &Network, step: &RouteReply, fam: Family) -> Option<RouteFate> {
    let dest = step.reply.dest.intersect(&AddrSet::all_of(fam));
    if dest.is_empty() {
        return None;
    }
    let reply = |dest: &AddrSet| ReplyOf {
        from: step.reply.from.clone(),
        dest: dest.clone(),
    };
    let Some(rt) = step.table.as_ref().and_then(|t| net.route_tables.get(t)) else {
        return Some(RouteFate::Undecided(Block::new(
            Code::MissingData,
            Component::Subnet(step.at.clone()),
            Cause::ReplyRouteTableMissing {
                reply: reply(&dest),
                table: step.table.clone(),
            },
        )));
    };
    let table = Component::RouteTable(rt.id.clone());
    let probe = PacketSet::matching(ProtoSet::single(TCP), &dest, PortRange::ALL);
    let split = route_split(net, rt, &probe);
    let mut pass = AddrSet::empty();
    let mut local_route: Option<Route> = None;
    let mut drops: Vec<Block> = Vec::new();
    let mut dropped = AddrSet::empty();
    let mut undecided: Option<Block> = None;
    for (i, may) in &split.contested {
        if may.is_empty() {
            // A gateway endpoint's list holds public service addresses only: never the reply's.
            continue;
        }
        let r = &rt.routes[*i];
        undecided.get_or_insert_with(|| {
            Block::new(
                super::filters::prefix_list_code(net, &r.dest.to_string()),
                table.clone(),
                Cause::ReplyRouteContested {
                    reply: reply(&dest),
                    route: r.clone(),
                },
            )
        });
    }
    for (i, part) in &split.routed {
        let r = &rt.routes[*i];
        let addrs = part.addresses();
        match (&r.state, r.target.kind) {
            (RouteState::Blackhole, _) | (RouteState::Other(_), _) => {
                dropped = dropped.union(&addrs);
                drops.push(Block::new(
                    Code::BadStateRoute,
                    table.clone(),
                    Cause::ReplyRoute {
                        reply: reply(&addrs),
                        table: rt.id.clone(),
                        route: Some(r.clone()),
                    },
                ));
            }
            (RouteState::Active, TargetKind::Local) => {
                pass = pass.union(&addrs);
                local_route.get_or_insert_with(|| r.clone());
            }
            (RouteState::Active, kind) => {
                // Middlebox routing: an appliance interface, a Gateway Load Balancer or Network
                // Firewall endpoint (or any other target) takes the reply.
                undecided.get_or_insert_with(|| {
                    Block::new(
                        Code::LeavesModelledScope,
                        Component::target(kind, &r.target.id),
                        Cause::ReplyRoute {
                            reply: reply(&addrs),
                            table: rt.id.clone(),
                            route: Some(r.clone()),
                        },
                    )
                });
            }
        }
    }
    if !split.unrouted.is_empty() {
        let addrs = split.unrouted.addresses();
        dropped = dropped.union(&addrs);
        drops.push(Block::new(
            Code::NoRouteToDestination,
            table.clone(),
            Cause::ReplyRoute {
                reply: reply(&addrs),
                table: rt.id.clone(),
                route: None,
            },
        ));
    }
    Some(if let Some(b) = undecided {
        RouteFate::Undecided(b)
    } else if !drops.is_empty() && !pass.is_empty() {
        // The notebook has one address, but the snapshot does not say which.
        RouteFate::Undecided(Block::new(
            Code::DependsOnSourceAddress,
            table,
            Cause::ReplyRouteSplit {
                reply: reply(&dest),
                dropped,
            },
        ))
    } else if let Some(b) = drops.into_iter().next() {
        RouteFate::Drop(b)
    } else {
        RouteFate::Pass(Hop::new(
            table,
            Step::ReplyRoute {
                from: step.reply.from.clone(),
                dest,
                route: local_route.expect("every address passed through a local route"),
            },
            Probe::None,
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
        Route(Box<Hop>),
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
                        Some(RouteFate::Pass(hop)) => passed.push(Passed::Route(Box::new(hop))),
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
            out.unknown.push(Block::new(
                Code::MissingData,
                Component::Subnet(rc.subnet.clone()),
                Cause::Missing(Missing::Acl {
                    subnet: rc.subnet.clone(),
                    acl: rc.acl.clone(),
                }),
            ));
            return out;
        };
        let entries = acl_entries(acl, rc.dir);
        let set = if rc.nat_ports {
            PacketSet::matching(ProtoSet::single(TCP), &conns.addresses(), NAT_PORTS)
        } else {
            conns.clone()
        };
        let r = acl_eval(entries, &set, &rc.role);
        for (entry, denied) in &r.denied {
            out.failed = true;
            push_unique(
                &mut out.blocked,
                Block::new(
                    Code::AclReturnTraffic,
                    Component::NetworkAcl(acl.id.clone()),
                    Cause::AclReplyDenied {
                        subnet: rc.subnet.clone(),
                        direction: rc.dir,
                        rule: RuleRef::AclEntry {
                            acl: acl.id.clone(),
                            direction: rc.dir,
                            entry: entry.clone(),
                        },
                        packets: denied.clone().into(),
                        nat_ports: rc.nat_ports,
                    },
                ),
            );
        }
        if !r.undecided.is_empty() {
            push_unique(
                &mut out.unknown,
                Block::new(
                    Code::DependsOnSourceAddress,
                    Component::NetworkAcl(acl.id.clone()),
                    Cause::AclPartialSource {
                        direction: rc.dir,
                        source: match &rc.role {
                            AddrRole::Fixed(a) => a.clone(),
                            AddrRole::Packet => AddrSet::empty(),
                        },
                        reply: true,
                    },
                ),
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
            Passed::Route(hop) => out.hops.push(*hop),
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
                let acl = rc.acl.clone().unwrap_or_default();
                let rule = net
                    .acls
                    .get(&acl)
                    .and_then(|a| explain::acl_match(acl_entries(a, rc.dir), &p, &rc.role))
                    .map(|e| RuleRef::AclEntry {
                        acl: acl.clone(),
                        direction: rc.dir,
                        entry: Some(e.clone()),
                    });
                out.hops.push(Hop::new(
                    Component::NetworkAcl(acl),
                    Step::ReplyAcl {
                        source: c.destination,
                        port: probe_port,
                        direction: rc.dir,
                        rule,
                    },
                    Probe::None,
                ));
            }
        }
    }
    out
}
