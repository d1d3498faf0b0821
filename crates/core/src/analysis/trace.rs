//! `vpcreach trace`: one concrete flow from a source (a notebook, or any interface of the
//! snapshot) to an address or an AWS service — forward and reply, every hop with the rule that
//! passed or dropped it.
//!
//! The trace *is* the engine's walk ([`walk_notebook`]) restricted to the flow's one packet, so a
//! trace and a verdict cannot disagree: the internet and service checks walk whole sets through
//! the same code. What a trace adds:
//! - the destination: an address is walked with [`Dest::Anywhere`] (the internet, the service
//!   behind a gateway endpoint, any interface endpoint, or a subnet of the VPC); a service name is
//!   resolved for the source exactly as the service checks resolve it ([`resolve`]) and walked with
//!   [`Dest::Service`], to one of its addresses chosen deterministically (the others are listed);
//! - the last step to an interface in the VPC: which interface holds the address, and its security
//!   groups' ingress rules (a NAT gateway's own address accepts nothing; a load balancer's or
//!   other AWS-managed interface leads beyond the model);
//! - the rule of every hop for this packet ([`explain::matched_rule`]), and the reply of a
//!   delivered flow through every stateless ACL and reply route lookup on the way back
//!   ([`reply::replies_of`]).
//!
//! A flow that reaches a transit gateway, peering connection, VPN gateway, … ends `unknown`
//! naming that component: beyond it is outside the model.

use std::net::IpAddr;

use crate::model::{Network, Notebook, TargetKind, Toggle};
use crate::space::{AddrSet, ICMP, ICMPV6, Packet, PacketSet, PortRange, ProtoSet, TCP, UDP};

use super::evidence::{Component, ReplyOf, Step};
use super::explain::{self, Probe};
use super::filters::{Source, sg_ingress};
use super::reply::{self, CLIENT_PORTS};
use super::resolve::{Resolved, resolve};
use super::walk::{Branch, Dest, End, ReplyStep, RouteReply, origin, walk_notebook};
use super::{Block, Hop, Via};

/// The source port a trace uses when none is given: the first of Linux's ephemeral ports
/// (`net.ipv4.ip_local_port_range` 32768–60999), the ports the service checks assume.
pub const DEFAULT_SOURCE_PORT: u16 = CLIENT_PORTS.lo;

/// Where a trace starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// A SageMaker notebook, by name.
    Notebook,
    /// A network interface (`eni-…`) of `NetworkInterfaces`: its subnet, addresses and groups.
    Interface,
}

/// The source of a trace, as the walk sees it (an interface becomes a notebook-shaped origin in
/// its subnet with its security groups and no direct internet access).
#[derive(Debug, Clone)]
pub struct TraceSource {
    pub kind: SourceKind,
    /// The name or ID the user gave.
    pub id: String,
    pub origin: Notebook,
}

/// Why `--from` names no source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// No notebook or interface has this name or ID (`known`: a few that exist).
    NotFound { given: String, known: Vec<String> },
    /// The interface is in the snapshot but has no subnet.
    InterfaceWithoutSubnet(String),
    /// An instance ID: instances are not in the model (give the instance's primary ENI).
    InstanceNotModelled(String),
    /// A notebook known only from a list summary: where it is placed, nobody said.
    PlacementUnknown(String),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::NotFound { given, known } => {
                write!(
                    f,
                    "no notebook named {given} and no network interface {given} in the snapshot"
                )?;
                if !known.is_empty() {
                    write!(f, " (sources it has: {})", known.join(", "))?;
                }
                Ok(())
            }
            SourceError::InterfaceWithoutSubnet(i) => write!(
                f,
                "network interface {i} has no SubnetId in NetworkInterfaces: a trace needs its subnet"
            ),
            SourceError::InstanceNotModelled(i) => write!(
                f,
                "{i} is an EC2 instance the snapshot does not describe with its primary network interface (add `aws ec2 describe-instances` output, or give the interface: eni-…, NetworkInterfaces[].Attachment.InstanceId)"
            ),
            SourceError::PlacementUnknown(n) => write!(
                f,
                "notebook {n} is known only from list-notebook-instances (no subnet or security groups): add its describe-notebook-instance output"
            ),
        }
    }
}

impl std::error::Error for SourceError {}

/// The source named `from`: a notebook name or an interface ID. (The one place a new kind of
/// source — EC2 instances, Studio apps — is added.)
pub fn find_source(net: &Network, from: &str) -> Result<TraceSource, SourceError> {
    if let Some(nb) = net.notebooks.iter().find(|n| n.name == from) {
        if !nb.placement_known {
            return Err(SourceError::PlacementUnknown(from.to_string()));
        }
        return Ok(TraceSource {
            kind: SourceKind::Notebook,
            id: from.to_string(),
            origin: nb.clone(),
        });
    }
    if let Some(eni) = net.interfaces.get(from) {
        let Some(subnet) = eni.subnet_id.clone() else {
            return Err(SourceError::InterfaceWithoutSubnet(from.to_string()));
        };
        let vpc = net
            .subnets
            .get(&subnet)
            .map(|s| s.vpc_id.clone())
            .or_else(|| eni.vpc_id.clone());
        return Ok(TraceSource {
            kind: SourceKind::Interface,
            id: from.to_string(),
            origin: Notebook {
                name: from.to_string(),
                arn: None,
                account_id: None,
                status: None,
                subnet_id: Some(subnet),
                vpc_id: vpc,
                security_groups: eni.groups.clone(),
                interface_id: Some(eni.id.clone()),
                direct_internet_access: Toggle::Disabled,
                root_access: Toggle::Missing,
                placement_known: true,
                kind: crate::model::SourceKind::NetworkInterface,
                studio: None,
            },
        });
    }
    // An EC2 instance (`describe-instances`): traced from its primary network interface.
    if let Some(eni) = net
        .instances
        .get(from)
        .and_then(|i| i.primary_interface.as_deref())
        .filter(|e| net.interfaces.contains_key(*e))
    {
        let mut s = find_source(net, eni)?;
        s.id = from.to_string();
        s.origin.name = from.to_string();
        s.origin.kind = crate::model::SourceKind::Ec2Instance;
        return Ok(s);
    }
    if from.starts_with("i-") {
        return Err(SourceError::InstanceNotModelled(from.to_string()));
    }
    let mut known: Vec<String> = net.notebooks.iter().map(|n| n.name.clone()).collect();
    known.sort();
    known.truncate(8);
    Err(SourceError::NotFound {
        given: from.to_string(),
        known,
    })
}

/// Where the flow goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum To {
    Address(IpAddr),
    /// A service name as given (`sts`, or `com.amazonaws.<region>.sts`).
    Service(String),
}

/// The flow's protocol and ports as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowSpec {
    /// `None`: every protocol (and every port unless `port` is given) — the trace then has one
    /// part per fate.
    pub protocol: Option<u8>,
    /// The destination port (TCP/UDP), or the ICMP type (`type << 8`, code 0) for ICMP.
    pub port: Option<u16>,
    pub source_port: Option<u16>,
}

/// What a service name resolved to for the source, and which address the trace takes.
#[derive(Debug, Clone)]
pub struct ServiceChoice {
    /// Full name (`com.amazonaws.us-east-1.sts`).
    pub service: String,
    /// Every address the name may resolve to for this source.
    pub addresses: AddrSet,
    /// The one traced (the set's representative: deterministic).
    pub chosen: IpAddr,
    /// The interface endpoints whose private DNS answers (empty: the public name).
    pub endpoints: Vec<String>,
    /// The AWS-managed prefix list the public addresses come from (S3, DynamoDB).
    pub prefix_list: Option<String>,
    /// Why interface endpoints were passed over, if any.
    pub notes: Vec<Block>,
}

/// Where a delivered flow arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arrival {
    /// The internet, through an internet / egress-only gateway (after a NAT gateway, if any).
    Internet { gateway: String },
    /// The SageMaker service network (no subnet, or direct internet access).
    ServiceNetwork,
    /// An AWS service through a gateway endpoint.
    GatewayEndpoint { endpoint: String, service: String },
    /// An interface endpoint's interface.
    InterfaceEndpoint { endpoint: String, service: String },
    /// An interface in the VPC (its security groups admitted the flow).
    Interface { interface: String, subnet: String },
}

/// Why a trace stopped that is not a walk's [`Block`]: the last step to an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastStep {
    /// No interface of the snapshot holds the address (the subnet has it).
    NoInterface { address: IpAddr, subnet: String },
    /// The destination interface's security groups admit no such packet from the source.
    SgIngressDenied {
        interface: String,
        groups: Vec<String>,
        source: AddrSet,
    },
    /// The address is a NAT gateway's own: a NAT gateway accepts no connection to itself.
    NatGatewayAddress { nat: String },
    /// An AWS-managed interface (a load balancer node, …): what it does is outside the model.
    ManagedInterface {
        interface: String,
        interface_type: String,
    },
    /// The interface list is incomplete: whether some interface holds the address is unknown.
    InterfacesIncomplete { why: String },
}

impl LastStep {
    /// The code (Reachability Analyzer's where one fits; see docs/trace.md).
    pub fn code(&self) -> &'static str {
        match self {
            LastStep::NoInterface { .. } => "NO_INTERFACE_AT_ADDRESS",
            LastStep::SgIngressDenied { .. } => "ENI_SG_RULES_MISMATCH",
            LastStep::NatGatewayAddress { .. } => "NAT_GATEWAY_OWN_ADDRESS",
            LastStep::ManagedInterface { .. } => "LEAVES_MODELLED_SCOPE",
            LastStep::InterfacesIncomplete { .. } => "MISSING_DATA",
        }
    }

    /// The component it is about.
    pub fn component(&self) -> String {
        match self {
            LastStep::NoInterface { subnet, .. } => subnet.clone(),
            LastStep::SgIngressDenied { groups, .. } => groups.join(", "),
            LastStep::NatGatewayAddress { nat } => nat.clone(),
            LastStep::ManagedInterface { interface, .. } => interface.clone(),
            LastStep::InterfacesIncomplete { .. } => "NetworkInterfaces".into(),
        }
    }
}

/// Why a trace stopped: a block of the walk, or the last step to an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    Walk(Block),
    Last(LastStep),
}

impl Stop {
    pub fn code(&self) -> &'static str {
        match self {
            Stop::Walk(b) => b.code.as_str(),
            Stop::Last(l) => l.code(),
        }
    }
    pub fn component(&self) -> String {
        match self {
            Stop::Walk(b) => b.component(),
            Stop::Last(l) => l.component(),
        }
    }
}

/// The end of a forward path or a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    Delivered,
    Dropped(Stop),
    /// Undecided: it leaves the modelled scope, or needs data the snapshot lacks.
    Unknown(Stop),
}

impl Fate {
    pub fn as_str(&self) -> &'static str {
        match self {
            Fate::Delivered => "delivered",
            Fate::Dropped(_) => "dropped",
            Fate::Unknown(_) => "unknown",
        }
    }
}

/// The trace's verdict on the whole flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TraceStatus {
    /// Forward delivered and (where one is expected) the reply returns.
    Delivered,
    /// Dropped on the way there or back.
    NotDelivered,
    /// Not decided: beyond the model, or data missing.
    Unknown,
}

impl TraceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TraceStatus::Delivered => "delivered",
            TraceStatus::NotDelivered => "not-delivered",
            TraceStatus::Unknown => "unknown",
        }
    }
}

/// The reply of a delivered flow.
#[derive(Debug, Clone)]
pub struct ReplyTrace {
    /// The reply packet as the source receives it (protocol, the remote address, the source's
    /// port; for ICMP echo the echo reply).
    pub packet: Packet,
    pub hops: Vec<Hop>,
    pub fate: Fate,
    /// Through a NAT gateway: the gateway picks the port of the reply, and for some of its
    /// ports (1024–65535) the reply is dropped here (the flow works for the others).
    pub nat_ports_dropped: Vec<Block>,
}

/// One part of the flow: for a concrete packet the only one; for `--protocol all` one per fate.
#[derive(Debug, Clone)]
pub struct TracePart {
    pub packets: PacketSet,
    /// The concrete packet of this part (its representative).
    pub packet: Packet,
    pub hops: Vec<Hop>,
    pub fate: Fate,
    pub via: Option<Via>,
    pub arrival: Option<Arrival>,
    /// `None`: no reply is traced (the forward packets were not delivered, or no reply is
    /// expected, e.g. ICMP other than echo).
    pub reply: Option<ReplyTrace>,
    pub status: TraceStatus,
    /// The engine's walk delivered this part (to the internet, a service, an endpoint, or the
    /// destination's subnet — before the trace's last step to an interface).
    pub walk_delivered: bool,
}

/// A whole trace.
#[derive(Debug, Clone)]
pub struct Trace {
    pub source: TraceSource,
    /// The source's own addresses (the interface's, or its subnet's range when not described).
    pub source_addrs: AddrSet,
    pub to: To,
    pub spec: FlowSpec,
    /// The source port used (given, or [`DEFAULT_SOURCE_PORT`]); `None` for portless protocols.
    pub source_port: Option<u16>,
    pub source_port_defaulted: bool,
    pub service: Option<ServiceChoice>,
    /// Why the service name gives no address to trace (`Fate::Dropped`: nothing resolves;
    /// `Fate::Unknown`: which addresses is not decided).
    pub resolution_failed: Option<Fate>,
    pub parts: Vec<TracePart>,
    pub status: TraceStatus,
}

/// Trace one flow from `src`.
pub fn trace(net: &Network, src: &TraceSource, to: &To, spec: FlowSpec) -> Trace {
    let nb = &src.origin;
    let source_addrs = crate::model::notebook_private_addrs(net, nb);
    let ported = spec.protocol.is_some_and(|p| p == TCP || p == UDP);
    let source_port = ported.then(|| spec.source_port.unwrap_or(DEFAULT_SOURCE_PORT));
    let mut t = Trace {
        source: src.clone(),
        source_addrs,
        to: to.clone(),
        spec,
        source_port,
        source_port_defaulted: ported && spec.source_port.is_none(),
        service: None,
        resolution_failed: None,
        parts: Vec::new(),
        status: TraceStatus::Unknown,
    };
    let (addr, dest) = match to {
        To::Address(a) => (*a, Dest::Anywhere),
        To::Service(s) => {
            let name = net.service_name(s);
            let res = resolve(net, nb, &name, false);
            match res.outcome {
                Resolved::Addrs(addrs) => {
                    let chosen = choose(&addrs, spec);
                    t.service = Some(ServiceChoice {
                        endpoints: endpoints_of(net, nb, &name, chosen),
                        prefix_list: net
                            .prefix_lists
                            .values()
                            .find(|p| p.name.as_deref() == Some(name.as_str()))
                            .map(|p| p.id.clone()),
                        service: name.clone(),
                        addresses: addrs,
                        chosen,
                        notes: res.notes,
                    });
                    (chosen, Dest::Service(name))
                }
                Resolved::Nothing(b) => {
                    t.resolution_failed = Some(Fate::Dropped(Stop::Walk(b)));
                    t.status = TraceStatus::NotDelivered;
                    return t;
                }
                Resolved::Unknown(b) => {
                    t.resolution_failed = Some(Fate::Unknown(Stop::Walk(b)));
                    t.status = TraceStatus::Unknown;
                    return t;
                }
            }
        }
    };
    t.parts = trace_parts(net, nb, addr, &dest, spec);
    t.status = overall(&t.parts);
    t
}

/// The parts of the flow `spec` from `nb` to `addr`, walked towards `dest` (what [`trace`]
/// does once the destination is known; `Dest::Service` traces any address of a service).
pub fn trace_parts(
    net: &Network,
    nb: &Notebook,
    addr: IpAddr,
    dest: &Dest,
    spec: FlowSpec,
) -> Vec<TracePart> {
    let ported = spec.protocol.is_some_and(|p| p == TCP || p == UDP);
    let source_port = ported.then(|| spec.source_port.unwrap_or(DEFAULT_SOURCE_PORT));
    let set = flow_set(addr, spec);
    let mut parts: Vec<TracePart> = walk_notebook(net, nb, &set, dest)
        .iter()
        .map(|b| part(net, nb, b, source_port))
        .collect();
    parts.sort_by_key(|p| p.packet);
    parts
}

/// The engine's answer on a whole set, for comparing traces with: the packets of `set` the walk
/// towards `dest` delivers (forward only, as the internet check counts them).
pub fn delivered(net: &Network, nb: &Notebook, set: &PacketSet, dest: &Dest) -> PacketSet {
    walk_notebook(net, nb, set, dest)
        .iter()
        .filter(|b| matches!(b.end, End::Delivered { .. }))
        .fold(PacketSet::empty(), |a, b| a.union(&b.set))
}

/// The connections of service check `svc` that work forward and back, as the check folds them
/// (reply packets: TCP from a service address to a client port 32768–60999; through a NAT
/// gateway, those that work for some of its ports); `None` when the name resolves to no
/// address (the check is then unreachable or unknown without a walk).
pub fn service_connections(net: &Network, nb: &Notebook, svc: &str) -> Option<PacketSet> {
    let name = net.service_name(svc);
    let Resolved::Addrs(addrs) = resolve(net, nb, &name, false).outcome else {
        return None;
    };
    let set = PacketSet::matching(ProtoSet::single(TCP), &addrs, PortRange::single(443));
    Some(
        walk_notebook(net, nb, &set, &Dest::Service(name))
            .iter()
            .filter(|b| matches!(b.end, End::Delivered { .. }))
            .fold(PacketSet::empty(), |a, b| {
                a.union(&reply::replies(net, b).works)
            }),
    )
}

/// The whole flow's status: a concrete packet has one part; for several parts (`--protocol all`)
/// the best one — any packet delivered, else any undecided, else none.
fn overall(parts: &[TracePart]) -> TraceStatus {
    parts
        .iter()
        .map(|p| p.status)
        .min()
        .unwrap_or(TraceStatus::Unknown)
}

/// The port (or ICMP type) a packet of `protocol` gets when none is given.
pub fn default_port(protocol: u8) -> u16 {
    match protocol {
        TCP | UDP => 443,
        // Echo request.
        ICMP => 8 << 8,
        ICMPV6 => 128 << 8,
        _ => 0,
    }
}

/// The packet set of the flow to `addr`.
pub fn flow_set(addr: IpAddr, spec: FlowSpec) -> PacketSet {
    let one = AddrSet::single(addr);
    match spec.protocol {
        Some(p) => {
            let port = match p {
                TCP | UDP | ICMP | ICMPV6 => spec.port.unwrap_or_else(|| default_port(p)),
                _ => 0,
            };
            PacketSet::single(&Packet::new(p, addr, port))
        }
        None => match spec.port {
            Some(port) => PacketSet::matching(ProtoSet::all(), &one, PortRange::single(port))
                .union(&PacketSet::matching(
                    ProtoSet::all().difference(&ProtoSet::of(&[TCP, UDP])),
                    &one,
                    PortRange::ALL,
                )),
            None => PacketSet::matching(ProtoSet::all(), &one, PortRange::ALL),
        },
    }
}

/// The address a service trace takes: the representative of the flow to the whole address set.
fn choose(addrs: &AddrSet, spec: FlowSpec) -> IpAddr {
    let proto = spec.protocol.unwrap_or(TCP);
    let ports = match proto {
        TCP | UDP | ICMP | ICMPV6 => PortRange::single(spec.port.unwrap_or(default_port(proto))),
        _ => PortRange::ALL,
    };
    PacketSet::matching(ProtoSet::single(proto), addrs, ports)
        .representative()
        .map(|p| p.destination)
        .or_else(|| addrs.first())
        .expect("a resolution's address set is never empty")
}

/// The interface endpoints of the source's VPC for `name` that hold `addr`.
fn endpoints_of(net: &Network, nb: &Notebook, name: &str, addr: IpAddr) -> Vec<String> {
    let Some(vpc) = &nb.vpc_id else {
        return Vec::new();
    };
    net.interface_endpoints(vpc, name)
        .filter(|e| net.endpoint_addresses(e).contains(addr))
        .map(|e| e.id.clone())
        .collect()
}

/// The source as the last hop sees it: the notebook, or the NAT gateway the flow went through.
fn last_source(net: &Network, nb: &Notebook, hops: &[Hop]) -> Source {
    let nat = hops.iter().rev().find_map(|h| match (&h.at, &h.step) {
        (Component::NatGateway(id), Step::Nat { subnet, .. }) => Some((id.clone(), subnet.clone())),
        _ => None,
    });
    match nat {
        Some((id, subnet)) => {
            let g = &net.nat_gateways[&id];
            let addrs = if g.private_ips.is_empty() {
                net.subnets
                    .get(&subnet)
                    .map(|s| AddrSet::from_nets(s.cidrs.iter()))
                    .unwrap_or_default()
            } else {
                g.private_ips
                    .iter()
                    .fold(AddrSet::empty(), |a, ip| a.union(&AddrSet::single(*ip)))
            };
            Source {
                addrs,
                groups: Vec::new(),
            }
        }
        None => origin(net, nb).src,
    }
}

/// One branch of the walk as a part of the trace.
fn part(net: &Network, nb: &Notebook, b: &Branch, source_port: Option<u16>) -> TracePart {
    let p = b.set.representative().expect("branches are never empty");
    let mut hops = super::checks::finalize(net, b.hops.iter(), &p);
    let mut out = TracePart {
        packets: b.set.clone(),
        packet: p,
        hops: Vec::new(),
        fate: Fate::Delivered,
        via: None,
        arrival: None,
        reply: None,
        status: TraceStatus::Unknown,
        walk_delivered: matches!(b.end, End::Delivered { .. }),
    };
    let mut branch = b.clone();
    match &b.end {
        End::Dropped(bl) => {
            out.fate = Fate::Dropped(Stop::Walk(bl.clone()));
            out.status = TraceStatus::NotDelivered;
        }
        End::Undecided { via, why } => {
            out.fate = Fate::Unknown(Stop::Walk(why.clone()));
            out.via = *via;
            out.status = TraceStatus::Unknown;
        }
        End::Delivered { via, .. } => {
            out.via = Some(*via);
            let last = hops.last().map(|h| (h.at.clone(), h.step.clone()));
            let arrival = match last {
                Some((Component::GatewayEndpoint(id), Step::GatewayEndpoint { service })) => {
                    Some(Arrival::GatewayEndpoint {
                        endpoint: id,
                        service,
                    })
                }
                Some((
                    Component::InterfaceEndpoint(id),
                    Step::InterfaceEndpoint { service, .. },
                )) => Some(Arrival::InterfaceEndpoint {
                    endpoint: id,
                    service,
                }),
                Some((Component::ServiceNetwork, _)) => Some(Arrival::ServiceNetwork),
                Some((at, Step::ToInternet)) => Some(Arrival::Internet { gateway: at.id() }),
                _ => None,
            };
            match arrival {
                Some(a) => out.arrival = Some(a),
                None => {
                    // Delivered to a subnet of the VPC (a trace to an address): the interface.
                    let src = last_source(net, nb, &hops);
                    match to_interface(net, nb, &p, &src, &mut hops, &mut branch) {
                        Ok(a) => out.arrival = Some(a),
                        Err(f) => out.fate = *f,
                    }
                }
            }
            out.status = match out.fate {
                Fate::Delivered => TraceStatus::Delivered,
                Fate::Dropped(_) => TraceStatus::NotDelivered,
                Fate::Unknown(_) => TraceStatus::Unknown,
            };
            if out.fate == Fate::Delivered
                && let Some(reply_packet) = reply_packet(&p, source_port)
            {
                let r = trace_reply(net, &branch, reply_packet);
                out.status = match r.fate {
                    Fate::Delivered => TraceStatus::Delivered,
                    Fate::Dropped(_) => TraceStatus::NotDelivered,
                    Fate::Unknown(_) => TraceStatus::Unknown,
                };
                out.reply = Some(r);
            }
        }
    }
    out.hops = hops;
    out
}

/// The reply the source gets for `p`: TCP/UDP to its source port, an echo reply for an echo
/// request, the same protocol for portless ones; `None` for ICMP messages that get no reply.
pub fn reply_packet(p: &Packet, source_port: Option<u16>) -> Option<Packet> {
    let port = match p.protocol {
        TCP | UDP => source_port.unwrap_or(DEFAULT_SOURCE_PORT),
        ICMP if p.port >> 8 == 8 => 0,
        ICMPV6 if p.port >> 8 == 128 => 129 << 8,
        ICMP | ICMPV6 => return None,
        _ => 0,
    };
    Some(Packet::new(p.protocol, p.destination, port))
}

/// The reply of delivered branch `b` for the reply packet `r`.
fn trace_reply(net: &Network, b: &Branch, r: Packet) -> ReplyTrace {
    let o = reply::replies_of(net, b, PacketSet::single(&r));
    let fate = if !o.works.is_empty() {
        Fate::Delivered
    } else if let Some(u) = o.unknown.first() {
        Fate::Unknown(Stop::Walk(u.clone()))
    } else if let Some(d) = o.blocked.first() {
        Fate::Dropped(Stop::Walk(d.clone()))
    } else {
        Fate::Unknown(Stop::Walk(Block::new(
            super::Code::MissingData,
            Component::Notebook(String::new()),
            super::Cause::Missing(super::evidence::Missing::ServiceAddresses),
        )))
    };
    let nat_ports_dropped = if fate == Fate::Delivered && o.failed {
        o.blocked.clone()
    } else {
        Vec::new()
    };
    let mut hops = o.hops;
    if fate != Fate::Delivered {
        // The steps the reply passed before it stopped: the longest tail of the reply steps (they
        // are taken last first) through which the reply still gets.
        let all = b.replies.to_vec();
        let n = all.len();
        for j in (1..n).rev() {
            let mut part = b.clone();
            part.replies = super::walk::Trail::from_vec(all[n - j..].to_vec());
            let passed = reply::replies_of(net, &part, PacketSet::single(&r));
            if !passed.works.is_empty() {
                hops = passed.hops;
                break;
            }
        }
    }
    ReplyTrace {
        packet: r,
        hops,
        fate,
        nat_ports_dropped,
    }
}

/// A trace's last step fails with `f`.
fn stop(f: Fate) -> Result<Arrival, Box<Fate>> {
    Err(Box::new(f))
}

/// The last step of a flow delivered into a subnet of the VPC: the interface that holds the
/// address, and its security groups' ingress rules. On success the hop is added to `hops` and
/// the reply route from the interface's subnet to the branch's replies.
fn to_interface(
    net: &Network,
    nb: &Notebook,
    p: &Packet,
    src: &Source,
    hops: &mut Vec<Hop>,
    branch: &mut Branch,
) -> Result<Arrival, Box<Fate>> {
    let vpc = nb.vpc_id.clone().unwrap_or_default();
    let subnet = net
        .vpc_subnets(&vpc)
        .find(|s| AddrSet::from_nets(s.cidrs.iter()).contains(p.destination))
        .map(|s| (s.id.clone(), s.route_table.clone()));
    let (subnet, table) = subnet.unwrap_or_default();
    // A NAT gateway translates connections its clients start; external parties "can't initiate a
    // connection" through it (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html),
    // and nothing listens on its own address (Batfish's NAT test: DENIED_IN at the gateway).
    if let Some(nat) = net
        .nat_gateways
        .values()
        .find(|n| n.private_ips.contains(&p.destination))
    {
        return stop(Fate::Dropped(Stop::Last(LastStep::NatGatewayAddress {
            nat: nat.id.clone(),
        })));
    }
    let eni = net.interfaces.values().find(|i| {
        (i.private_ips.contains(&p.destination) || i.ipv6.contains(&p.destination))
            && (i.vpc_id.as_deref() == Some(vpc.as_str())
                || i.subnet_id.as_deref() == Some(subnet.as_str()))
    });
    let Some(eni) = eni else {
        let why = match net.interfaces_incomplete() {
            Some(why) => Some(why.to_string()),
            // A snapshot without NetworkInterfaces says nothing about which addresses are used.
            None if net.interfaces.is_empty() => {
                Some("the snapshot has no NetworkInterfaces".to_string())
            }
            None => None,
        };
        if let Some(why) = why {
            return stop(Fate::Unknown(Stop::Last(LastStep::InterfacesIncomplete {
                why,
            })));
        }
        return stop(Fate::Dropped(Stop::Last(LastStep::NoInterface {
            address: p.destination,
            subnet,
        })));
    };
    match eni.interface_type.as_deref() {
        None | Some("interface") => {}
        Some("nat_gateway") => {
            return stop(Fate::Dropped(Stop::Last(LastStep::NatGatewayAddress {
                nat: eni.id.clone(),
            })));
        }
        Some(other) => {
            return stop(Fate::Unknown(Stop::Last(LastStep::ManagedInterface {
                interface: eni.id.clone(),
                interface_type: other.to_string(),
            })));
        }
    }
    // Security groups are stateful and apply to the interface: inbound rules decide what reaches
    // it, and "responses to allowed inbound traffic are allowed to leave" whatever the outbound
    // rules (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html).
    let one = PacketSet::single(p);
    let sg = sg_ingress(net, &eni.groups, src, &one);
    let groups = Component::SecurityGroups(eni.groups.clone());
    if !sg.undecided.is_empty() {
        return stop(Fate::Unknown(Stop::Walk(Block::new(
            sg.code(),
            groups,
            sg.cause(),
        ))));
    }
    if sg.allowed.is_empty() {
        return stop(Fate::Dropped(Stop::Last(LastStep::SgIngressDenied {
            interface: eni.id.clone(),
            groups: eni.groups.clone(),
            source: src.addrs.clone(),
        })));
    }
    let probe = Probe::SgIngress {
        groups: eni.groups.clone(),
        src: src.clone(),
    };
    hops.push(Hop::new(
        groups,
        Step::SgIngress {
            rule: explain::matched_rule(net, &probe, p),
        },
        probe,
    ));
    let at = Component::Target(TargetKind::NetworkInterface, eni.id.clone());
    // The reply leaves the interface through its subnet's route table.
    branch.replies.push(ReplyStep::Route(RouteReply {
        table,
        at: subnet.clone(),
        reply: ReplyOf {
            from: at,
            dest: src.addrs.clone(),
        },
        nat64: false,
    }));
    Ok(Arrival::Interface {
        interface: eni.id.clone(),
        subnet,
    })
}
