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

use crate::model::{Acl, Network, Route, RouteState, RouteTable, TargetKind};
use crate::space::{AddrSet, Family, Packet, PacketSet, PortRange, ProtoSet, TCP, UDP, nat64};

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
    let t = route_tally(net, rt, &dest, &reply);
    Some(if let Some(b) = t.undecided {
        RouteFate::Undecided(b)
    } else if !t.drops.is_empty() && !t.pass.is_empty() {
        // The notebook has one address, but the snapshot does not say which.
        RouteFate::Undecided(Block::new(
            Code::DependsOnSourceAddress,
            table,
            Cause::ReplyRouteSplit {
                reply: reply(&dest),
                dropped: t.dropped,
            },
        ))
    } else if let Some(b) = t.drops.into_iter().next() {
        RouteFate::Drop(b)
    } else {
        RouteFate::Pass(Hop::new(
            table,
            Step::ReplyRoute {
                from: step.reply.from.clone(),
                dest,
                route: t
                    .local_route
                    .expect("every address passed through a local route"),
            },
            Probe::None,
        ))
    })
}

/// Where route table `rt` sends replies to `dest`: carried by `local`, dropped (blackhole or no
/// route), or undecided (a contested prefix-list route, middlebox routing: the first such reason).
struct RouteTally {
    pass: AddrSet,
    local_route: Option<Route>,
    drops: Vec<Block>,
    dropped: AddrSet,
    undecided: Option<Block>,
}

fn route_tally(
    net: &Network,
    rt: &RouteTable,
    dest: &AddrSet,
    reply: &dyn Fn(&AddrSet) -> ReplyOf,
) -> RouteTally {
    let table = Component::RouteTable(rt.id.clone());
    let probe = PacketSet::matching(ProtoSet::single(TCP), dest, PortRange::ALL);
    let split = route_split(net, rt, &probe);
    let mut t = RouteTally {
        pass: AddrSet::empty(),
        local_route: None,
        drops: Vec::new(),
        dropped: AddrSet::empty(),
        undecided: None,
    };
    for (i, may) in &split.contested {
        if may.is_empty() {
            // A gateway endpoint's list holds public service addresses only: never the reply's.
            continue;
        }
        let r = &rt.routes[*i];
        t.undecided.get_or_insert_with(|| {
            Block::new(
                super::filters::prefix_list_code(net, &r.dest.to_string()),
                table.clone(),
                Cause::ReplyRouteContested {
                    reply: reply(dest),
                    route: r.clone(),
                },
            )
        });
    }
    for (i, part) in &split.routed {
        let r = &rt.routes[*i];
        let addrs = part.addresses();
        let routed = || Cause::ReplyRoute {
            reply: reply(&addrs),
            table: rt.id.clone(),
            route: Some(r.clone()),
        };
        match (&r.state, r.target.kind) {
            (RouteState::Blackhole, _) | (RouteState::Other(_), _) => {
                t.dropped = t.dropped.union(&addrs);
                t.drops
                    .push(Block::new(Code::BadStateRoute, table.clone(), routed()));
            }
            (RouteState::Active, TargetKind::Local) => {
                t.pass = t.pass.union(&addrs);
                t.local_route.get_or_insert_with(|| r.clone());
            }
            (RouteState::Active, kind) => {
                // Middlebox routing: an appliance interface, a Gateway Load Balancer or Network
                // Firewall endpoint (or any other target) takes the reply.
                t.undecided.get_or_insert_with(|| {
                    Block::new(
                        Code::LeavesModelledScope,
                        Component::target(kind, &r.target.id),
                        routed(),
                    )
                });
            }
        }
    }
    if !split.unrouted.is_empty() {
        let addrs = split.unrouted.addresses();
        t.dropped = t.dropped.union(&addrs);
        t.drops.push(Block::new(
            Code::NoRouteToDestination,
            table,
            Cause::ReplyRoute {
                reply: reply(&addrs),
                table: rt.id.clone(),
                route: None,
            },
        ));
    }
    t
}

/// A reply step passed, kept to explain the witness connection afterwards: an ACL check with the
/// set it allowed, or a route lookup's evidence.
enum Passed<'a> {
    Acl(&'a ReplyCheck, PacketSet),
    Route(Box<Hop>),
}

/// The replies of the connections of delivered branch `b`: every stateless ACL the forward path
/// crossed and every reply route lookup, in reverse order. Where the reply's port is a NAT
/// gateway's, every NAT port must pass for the address to fully work.
pub fn replies(net: &Network, b: &Branch) -> ReplyOutcome {
    let conns = PacketSet::matching(ProtoSet::single(TCP), &b.set.addresses(), CLIENT_PORTS);
    replies_of(net, b, conns)
}

/// The replies of the connections `conns` of delivered branch `b`, given as the reply packets
/// (protocol, the remote address, the client's port — for ICMP the reply's type and code), as
/// [`replies`] judges TCP from every client port; `vpcreach trace` asks for one connection.
pub fn replies_of(net: &Network, b: &Branch, conns: PacketSet) -> ReplyOutcome {
    let mut conns = conns;
    let mut out = ReplyOutcome {
        works: PacketSet::empty(),
        failed: false,
        blocked: Vec::new(),
        unknown: Vec::new(),
        hops: Vec::new(),
    };
    let mut passed: Vec<Passed> = Vec::new();
    for step in b.replies.iter_rev() {
        if conns.is_empty() {
            break;
        }
        // Past a NAT64 gateway the replies are the IPv4 packets it translates back: the step sees
        // those, and what passes maps back to the connections (inverse on what translates).
        let nat64 = step.nat64();
        if nat64 {
            conns = nat64::to_v4(&conns);
        }
        match step {
            ReplyStep::Route(rr) => reply_route(net, rr, &mut conns, &mut out, &mut passed),
            ReplyStep::Acl(rc) => {
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
                let allowed = reply_acl(rc, acl, &mut conns, &mut out);
                passed.push(Passed::Acl(rc, allowed));
            }
        }
        if nat64 {
            conns = nat64::to_v6(&conns);
        }
    }
    out.works = conns;
    if let Some(c) = out.works.representative() {
        out.hops = witness_hops(net, passed, &c);
    }
    out
}

/// A reply route lookup, per address family: passing connections stay, dropped or undecided
/// ones leave `conns` with their reason.
fn reply_route<'a>(
    net: &Network,
    rr: &RouteReply,
    conns: &mut PacketSet,
    out: &mut ReplyOutcome,
    passed: &mut Vec<Passed<'a>>,
) {
    for fam in [Family::V4, Family::V6] {
        let fam_conns = conns.of_family(fam);
        if fam_conns.is_empty() {
            continue;
        }
        match route_fate(net, rr, fam) {
            None => {}
            Some(RouteFate::Pass(hop)) => passed.push(Passed::Route(Box::new(hop))),
            Some(RouteFate::Drop(bl)) => {
                out.failed = true;
                push_unique(&mut out.blocked, bl);
                *conns = conns.difference(&fam_conns);
            }
            Some(RouteFate::Undecided(bl)) => {
                push_unique(&mut out.unknown, bl);
                *conns = conns.difference(&fam_conns);
            }
        }
    }
}

/// A stateless ACL crossed by the replies: denied entries become `ACL_RETURN_TRAFFIC` blocks,
/// a rule covering part of a fixed source leaves the answer undecided; `conns` keeps what passes.
/// Returns the set the ACL allowed (the evidence of the witness).
fn reply_acl(
    rc: &ReplyCheck,
    acl: &Acl,
    conns: &mut PacketSet,
    out: &mut ReplyOutcome,
) -> PacketSet {
    let entries = acl_entries(acl, rc.dir);
    let set = if rc.nat_ports {
        // The gateway picks the port of TCP and UDP connections; other replies keep theirs.
        let ported = conns.restrict_protos(ProtoSet::of(&[TCP, UDP]));
        [TCP, UDP]
            .iter()
            .map(|p| {
                let of = ported.restrict_protos(ProtoSet::single(*p));
                PacketSet::matching(ProtoSet::single(*p), &of.addresses(), NAT_PORTS)
            })
            .fold(conns.difference(&ported), |a, s| a.union(&s))
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
        *conns = conns.restrict_addrs(&ok_addrs.difference(&r.undecided.addresses()));
    } else {
        *conns = r.allowed.clone();
    }
    r.allowed.clone()
}

/// The evidence hops of the witness connection `c`'s reply: each route lookup as recorded, each
/// ACL with the entry that let it back (at a NAT port the ACL allowed for that address).
fn witness_hops(net: &Network, passed: Vec<Passed>, c: &Packet) -> Vec<Hop> {
    let mut hops = Vec::new();
    for p in passed {
        match p {
            Passed::Route(hop) => hops.push(*hop),
            Passed::Acl(rc, allowed) => {
                // The address the reply comes from at this ACL (IPv4 past a NAT64 gateway).
                let source = if rc.nat64 {
                    nat64::unembed(&AddrSet::single(c.destination))
                        .first()
                        .unwrap_or(c.destination)
                } else {
                    c.destination
                };
                let probe_port = if rc.nat_ports {
                    allowed
                        .restrict_addrs(&AddrSet::single(source))
                        .representative()
                        .map_or(NAT_PORTS.lo, |p| p.port)
                } else {
                    c.port
                };
                let p = Packet {
                    protocol: c.protocol,
                    destination: source,
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
                hops.push(Hop::new(
                    Component::NetworkAcl(acl),
                    Step::ReplyAcl {
                        source,
                        port: probe_port,
                        direction: rc.dir,
                        rule,
                    },
                    Probe::None,
                ));
            }
        }
    }
    hops
}
