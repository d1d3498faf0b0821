//! An independent, literal packet simulator, used only by the differential tests.
//!
//! It takes the vendor-free model and ONE concrete packet (protocol, destination address,
//! destination port; for service connections also the client's source port and the NAT gateway's
//! port) and walks it hop by hop the way DESIGN §3 describes, with plain loops: the route is found
//! by scanning every route for the longest matching prefix (with the tie rules), an ACL by scanning
//! its entries in rule-number order for the first match, a security group with `any`. It shares no
//! code with the engine's set algebra; its only inputs are the model's fields.
//!
//! The one thing that is not concrete is the *source* address: the notebook's (or a NAT gateway's)
//! private address is a fixed but possibly unknown constant — one of the interface's addresses, or
//! any address of its subnet when the interface is not described. Every decision that depends on
//! it (an inbound ACL matched on the source, an endpoint's security-group ingress, the outbound ACL
//! a reply crosses on its way back) is evaluated for every candidate address: if some candidates
//! pass and some do not, the verdict depends on which address it is, i.e. `Unknown`.
//!
//! Where the snapshot lacks something the walk can still get past (a missing ACL or security
//! group), the walk records `Unknown` and carries on as if it passed: a later certain drop still
//! makes the packet `Dropped` (dropped whatever the missing piece says). Where it cannot go on (a
//! dangling route target, a missing route table, a target that leaves the modelled scope) it stops
//! with `Unknown`. A route to a prefix list the snapshot lacks may or may not win the route lookup:
//! the walk is run for every alternative, and the packet is delivered (dropped) only if it is in
//! all of them. A [`Caveat`] on a delivered or dropped outcome says what missing data or which
//! source-address doubt the walk went past without it mattering.
//!
//! Beyond the forward walk (DESIGN §3, issue 7):
//! - Name resolution ([`Sim::resolve`]) decides which addresses a service check is about: the
//!   VPC's `enableDnsSupport` (false: nothing resolves; missing: undecided), its resolver (only
//!   AmazonProvidedDNS is modelled), then the interface endpoints whose private DNS applies
//!   (available, private DNS on, not inbound-Resolver-only, `enableDnsHostnames`), their record
//!   type and the notebook's families; else the public addresses.
//! - Replies follow routes: where the reply of a connection leaves an interface endpoint's or a
//!   NAT gateway's interface, or enters through an internet gateway with an edge-associated route
//!   table, that table's longest-prefix match on the address the reply goes to (each candidate
//!   address of the forward source) decides: `local` carries it, a blackhole or no route drops
//!   it, any other target (middlebox routing), a missing table or a route to a prefix list whose
//!   entries are unknown stops the walk with `Unknown`.
//! - NAT64: a NAT gateway translates TCP, UDP and ICMPv6 echo to `64:ff9b::/96` into IPv4 to the
//!   embedded address (ICMPv6 echo request/reply become ICMP echo request/reply); other IPv6 at a
//!   NAT gateway is undecided.
//! - A notebook known only from a `list-notebook-instances` summary has no known placement: every
//!   outcome is `Unknown`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use vpcreach::model::{
    AclEntry, AttachedGateway, AttachmentState, Endpoint, EndpointKind, Network, Notebook,
    RecordIpType, Resolver, ResourceState, RouteDest, RouteOrigin, RouteState, RouteTable, SgPeer,
    SgRule, TargetKind, Toggle,
};

pub const ICMP: u8 = 1;
pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ICMPV6: u8 = 58;

/// The notebook's source ports (Linux default ephemeral range).
pub const CLIENT_PORTS: (u16, u16) = (32768, 60999);
/// A NAT gateway's source ports for translated connections.
pub const NAT_PORTS: (u16, u16) = (1024, 65535);

/// What a delivered or dropped verdict went past on its way (both empty for a plain verdict).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Caveat {
    /// Missing data was consulted but did not change the fate: a missing ACL or security group
    /// before a certain drop, or a route to a missing prefix list whose every alternative has the
    /// same fate.
    pub missing: Option<String>,
    /// The source's address is not known exactly and different rules of one filter decided
    /// different possible addresses, yet all got the same fate there.
    pub doubt: Option<String>,
    /// Some possible source addresses were dropped by one filter and the others by a later one:
    /// the packet is dropped whichever address the source has (KNOWN ENGINE BUG E: the engine
    /// stops at the first filter and calls the packet undecided).
    pub lost: Option<String>,
    /// A reply route lookup passed over a gateway-endpoint route whose (AWS-managed) prefix
    /// list has no known entries: such a list holds public service ranges only, never the
    /// private address the reply goes to (KNOWN ENGINE BUG D: the engine calls the reply
    /// undecided).
    pub reply_list: Option<String>,
}

/// What happened to one packet (or one connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Delivered; `via` names the way out as DESIGN §4 does (`internet-gateway`, `nat-gateway`, …).
    Delivered {
        via: String,
        caveat: Caveat,
    },
    /// Dropped for certain.
    Dropped {
        reason: String,
        caveat: Caveat,
    },
    Unknown {
        reason: String,
    },
}

impl Outcome {
    pub fn is_delivered(&self) -> bool {
        matches!(self, Outcome::Delivered { .. })
    }
    pub fn is_unknown(&self) -> bool {
        matches!(self, Outcome::Unknown { .. })
    }
    pub fn is_dropped(&self) -> bool {
        matches!(self, Outcome::Dropped { .. })
    }
    /// The caveat of a delivered or dropped verdict.
    pub fn caveat(&self) -> Option<&Caveat> {
        match self {
            Outcome::Delivered { caveat, .. } | Outcome::Dropped { caveat, .. } => Some(caveat),
            Outcome::Unknown { .. } => None,
        }
    }
    /// Whether the walk met missing data, even if it did not change the fate.
    pub fn met_missing(&self) -> bool {
        self.caveat().is_none_or(|c| c.missing.is_some())
    }
    /// Whether the walk met a source-address doubt that did not change the fate.
    pub fn met_doubt(&self) -> bool {
        self.caveat().is_some_and(|c| c.doubt.is_some())
    }
    /// Whether possible source addresses were dropped by different filters (see
    /// [`Caveat::lost`]).
    pub fn met_lost(&self) -> bool {
        self.caveat().is_some_and(|c| c.lost.is_some())
    }
    /// Whether a reply route lookup passed over a gateway-endpoint route to a prefix list
    /// without entries (see [`Caveat::reply_list`]).
    pub fn met_reply_list(&self) -> bool {
        self.caveat().is_some_and(|c| c.reply_list.is_some())
    }
    pub fn via(&self) -> Option<&str> {
        match self {
            Outcome::Delivered { via, .. } => Some(via),
            _ => None,
        }
    }
}

fn dropped(reason: impl Into<String>) -> Outcome {
    Outcome::Dropped {
        reason: reason.into(),
        caveat: Caveat::default(),
    }
}

fn unknown(reason: impl Into<String>) -> Outcome {
    Outcome::Unknown {
        reason: reason.into(),
    }
}

/// Does `n` contain `ip` (families must agree)?
pub fn net_has(n: &IpNet, ip: IpAddr) -> bool {
    match (n, ip) {
        (IpNet::V4(n), IpAddr::V4(a)) => n.contains(&a),
        (IpNet::V6(n), IpAddr::V6(a)) => n.contains(&a),
        _ => false,
    }
}

/// Public (internet-routable) address per DESIGN §3: not RFC 1918, RFC 6598, loopback,
/// link-local, multicast, reserved or documentation space; for IPv6, global unicast 2000::/3
/// minus the IETF, documentation and 6to4 blocks. Written independently of `AddrSet::public_*`.
pub fn is_public(ip: IpAddr) -> bool {
    const V4: [(&str, u8); 15] = [
        ("0.0.0.0", 8),
        ("10.0.0.0", 8),
        ("100.64.0.0", 10),
        ("127.0.0.0", 8),
        ("169.254.0.0", 16),
        ("172.16.0.0", 12),
        ("192.0.0.0", 24),
        ("192.0.2.0", 24),
        ("192.88.99.0", 24),
        ("192.168.0.0", 16),
        ("198.18.0.0", 15),
        ("198.51.100.0", 24),
        ("203.0.113.0", 24),
        ("224.0.0.0", 4),
        ("240.0.0.0", 4),
    ];
    const V6_OUT: [(&str, u8); 4] = [
        ("2001::", 23),
        ("2001:db8::", 32),
        ("2002::", 16),
        ("3fff::", 20),
    ];
    match ip {
        IpAddr::V4(a) => !V4.iter().any(|(n, l)| {
            let n: Ipv4Addr = n.parse().unwrap();
            let mask = if *l == 0 { 0 } else { u32::MAX << (32 - l) };
            u32::from(a) & mask == u32::from(n)
        }),
        IpAddr::V6(a) => {
            let v = u128::from(a);
            let in_block = |n: &str, l: u8| {
                let n: Ipv6Addr = n.parse().unwrap();
                let mask = u128::MAX << (128 - l);
                v & mask == u128::from(n)
            };
            in_block("2000::", 3) && !V6_OUT.iter().any(|(n, l)| in_block(n, *l))
        }
    }
}

/// The IPv4 address embedded in a NAT64 address (`64:ff9b::/96`, the low 32 bits), if `ip` is one.
pub fn nat64_embedded(ip: IpAddr) -> Option<Ipv4Addr> {
    match ip {
        IpAddr::V6(a) => {
            let v = u128::from(a);
            (v >> 32 == 0x0064_ff9b_0000_0000_0000_0000).then(|| Ipv4Addr::from(v as u32))
        }
        IpAddr::V4(_) => None,
    }
}

/// `64:ff9b::<v4>`.
pub fn nat64_of(v4: Ipv4Addr) -> IpAddr {
    IpAddr::V6(Ipv6Addr::from(
        (0x0064_ff9b_u128 << 96) | u128::from(u32::from(v4)),
    ))
}

/// Does the internet deliver a packet to `ip`: a public address, or a NAT64 address whose
/// embedded IPv4 address is public?
pub fn routable(ip: IpAddr) -> bool {
    is_public(ip) || nat64_embedded(ip).is_some_and(|e| is_public(IpAddr::V4(e)))
}

/// What a service's name resolves to for one notebook (DESIGN §3: DNS decides the address set).
#[derive(Debug, Clone)]
pub enum Resolution {
    /// These addresses. `inexact` says why the set may hold more than the service's addresses
    /// (an AWS-managed prefix list without entries): a verdict that splits it is undecided.
    Addrs {
        addrs: ServiceAddrs,
        inexact: Option<String>,
    },
    /// No address the notebook can use: every connection by name fails.
    Nothing(String),
    /// Which addresses is not decided.
    Unknown(String),
}

/// The fate of a reply at one route lookup, for one address it goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fate {
    Carried,
    Dropped(String),
    Unknown(String),
}

/// The addresses a service name may resolve to.
#[derive(Debug, Clone)]
pub enum ServiceAddrs {
    /// Exactly these blocks (interface endpoint addresses, or the S3 prefix list).
    Nets(Vec<IpNet>),
    /// Any public IPv4 address outside these blocks (the AWS-managed prefix lists).
    PublicExcept(Vec<IpNet>),
}

impl ServiceAddrs {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match self {
            ServiceAddrs::Nets(ns) => ns.iter().any(|n| net_has(n, ip)),
            ServiceAddrs::PublicExcept(ns) => {
                ip.is_ipv4() && is_public(ip) && !ns.iter().any(|n| net_has(n, ip))
            }
        }
    }
}

/// The simulator over one network.
pub struct Sim<'a> {
    pub net: &'a Network,
}

/// Whose address a packet carries as its source at some point of the walk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Notebook,
    Nat(String),
}

/// Which source port the packet carries at some point of the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SrcPort {
    Client,
    Nat,
}

/// A step the reply of a connection takes, recorded on the way out (replayed in reverse).
#[derive(Debug, Clone)]
enum Step {
    /// The forward packet crossed a subnet boundary; the reply crosses it the other way.
    Acl(Crossing),
    /// The reply is routed by `table` (`None`: the snapshot has none) at `at` (a subnet, or an
    /// internet gateway's edge association), towards the address of `to`.
    Route {
        table: Option<String>,
        at: String,
        to: Who,
    },
}

/// One crossing of a subnet boundary by the forward packet; the reply crosses it the other way.
#[derive(Debug, Clone)]
struct Crossing {
    subnet: String,
    outbound: bool,
    src: Who,
    dst: IpAddr,
    sport: SrcPort,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Goal<'s> {
    Internet,
    Service(&'s str),
}

/// A per-candidate decision about a source-dependent rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Pass,
    Block,
    Maybe,
}

impl<'a> Sim<'a> {
    pub fn new(net: &'a Network) -> Self {
        Sim { net }
    }

    /// `com.amazonaws.<region>.<svc>`.
    pub fn service_name(&self, svc: &str) -> String {
        format!(
            "com.amazonaws.{}.{svc}",
            self.net.region.as_deref().unwrap_or("unknown-region")
        )
    }

    /// Whether the notebook may have an IPv6 address (its interface shows one; or the interface
    /// is not described and its subnet has an IPv6 block).
    pub fn notebook_has_v6(&self, nb: &Notebook) -> bool {
        let net = self.net;
        match nb.interface_id.as_ref().and_then(|i| net.interfaces.get(i)) {
            Some(eni) => !eni.ipv6.is_empty(),
            None => nb
                .subnet_id
                .as_ref()
                .and_then(|s| net.subnets.get(s))
                .is_some_and(|s| s.cidrs.iter().any(|c| matches!(c, IpNet::V6(_)))),
        }
    }

    /// The notebook's VPC CIDR blocks (excluded from the internet universe).
    pub fn notebook_vpc_cidrs(&self, nb: &Notebook) -> Vec<IpNet> {
        nb.subnet_id
            .as_ref()
            .and_then(|s| self.net.subnets.get(s))
            .and_then(|s| self.net.vpcs.get(&s.vpc_id))
            .map(|v| v.cidrs.clone())
            .unwrap_or_default()
    }

    /// Is `ip` in the internet check's universe for this notebook? Public IPv4 addresses; for a
    /// notebook that may have an IPv6 address also public IPv6 addresses and NAT64 addresses
    /// (`64:ff9b::/96`) whose embedded IPv4 address is public; never the VPC's own addresses
    /// (nor their NAT64 forms).
    pub fn in_internet_universe(&self, nb: &Notebook, ip: IpAddr) -> bool {
        let own = self.notebook_vpc_cidrs(nb);
        let outside = |a: IpAddr| is_public(a) && !own.iter().any(|c| net_has(c, a));
        match ip {
            IpAddr::V4(_) => outside(ip),
            IpAddr::V6(_) => {
                nb.subnet_id.is_some()
                    && self.notebook_has_v6(nb)
                    && (outside(ip) || nat64_embedded(ip).is_some_and(|e| outside(IpAddr::V4(e))))
            }
        }
    }

    /// An interface endpoint's addresses (DESIGN §3): each of its interfaces that the snapshot
    /// describes gives exactly its own addresses (private IPv4 and IPv6); only when some listed
    /// interface is absent (or none is listed) do the CIDRs of the endpoint's subnets that no
    /// described interface lies in stand in.
    pub fn endpoint_addrs(&self, ep: &Endpoint) -> Vec<IpNet> {
        let net = self.net;
        let mut out: Vec<IpNet> = Vec::new();
        let mut covered: Vec<&str> = Vec::new();
        let mut some_absent = ep.interfaces.is_empty();
        for i in &ep.interfaces {
            match net.interfaces.get(i) {
                Some(eni) => {
                    for ip in eni.private_ips.iter().chain(&eni.ipv6) {
                        out.push(IpNet::from(*ip));
                    }
                    if let Some(s) = &eni.subnet_id {
                        covered.push(s);
                    }
                }
                None => some_absent = true,
            }
        }
        if some_absent {
            for sid in &ep.subnets {
                if covered.contains(&sid.as_str()) {
                    continue;
                }
                if let Some(sub) = net.subnets.get(sid) {
                    out.extend(sub.cidrs.iter().copied());
                }
            }
        }
        out
    }

    /// What `svc`'s name resolves to for `nb` (DESIGN §3).
    pub fn resolve(&self, nb: &Notebook, svc: &str) -> Resolution {
        let net = self.net;
        let name = self.service_name(svc);
        if !nb.placement_known {
            return Resolution::Unknown(format!("{}'s placement is not known", nb.name));
        }
        let Some(sid) = &nb.subnet_id else {
            // The service network resolves the public name and reaches the service wherever it
            // is.
            let (addrs, inexact) = self.public_addrs(&name);
            return Resolution::Addrs {
                addrs: addrs.unwrap_or(ServiceAddrs::PublicExcept(Vec::new())),
                inexact,
            };
        };
        let Some(vpc) = net.subnets.get(sid).and_then(|s| net.vpcs.get(&s.vpc_id)) else {
            return Resolution::Unknown(format!(
                "the notebook's subnet {sid} or its VPC is missing"
            ));
        };
        match vpc.dns_support {
            Some(false) => {
                return Resolution::Nothing(format!(
                    "{} has enableDnsSupport=false: no name resolves",
                    vpc.id
                ));
            }
            None => {
                return Resolution::Unknown(format!("{}'s enableDnsSupport is missing", vpc.id));
            }
            Some(true) => {}
        }
        match &vpc.resolver {
            Resolver::Amazon { .. } => {}
            Resolver::Custom(servers) => {
                return Resolution::Unknown(format!(
                    "{} uses DNS servers {servers:?}: not modelled",
                    vpc.id
                ));
            }
            Resolver::Unknown(why) => {
                return Resolution::Unknown(format!(
                    "{}'s DNS servers are not known: {why}",
                    vpc.id
                ));
            }
        }
        if let Some(why) = net.incomplete.get("endpoints") {
            return Resolution::Unknown(format!("the endpoint list is incomplete: {why}"));
        }
        let has_v6 = self.notebook_has_v6(nb);
        let mut any_usable = false;
        let mut nets: Vec<IpNet> = Vec::new();
        let mut mismatch: Option<String> = None;
        for ep in net.endpoints.values() {
            if ep.kind != EndpointKind::Interface
                || ep.vpc_id.as_deref() != Some(vpc.id.as_str())
                || ep.service != name
            {
                continue;
            }
            // Whether the private DNS of this endpoint answers clients in the VPC.
            if ep.state != ResourceState::Available
                || !ep.private_dns
                || ep.private_dns_inbound_only
            {
                continue;
            }
            match vpc.dns_hostnames {
                None => {
                    return Resolution::Unknown(format!(
                        "{}'s enableDnsHostnames is missing (does {} apply?)",
                        vpc.id, ep.id
                    ));
                }
                Some(false) => continue,
                Some(true) => {}
            }
            let (a, aaaa) = match &ep.record_ip_type {
                RecordIpType::Ipv4 => (true, false),
                RecordIpType::Ipv6 => (false, true),
                RecordIpType::Dualstack => (true, true),
                RecordIpType::Other(t) => {
                    return Resolution::Unknown(format!("{} has DnsRecordIpType {t}", ep.id));
                }
            };
            any_usable = true;
            let all = self.endpoint_addrs(ep);
            let usable: Vec<IpNet> = all
                .iter()
                .copied()
                .filter(|n| match n {
                    IpNet::V4(_) => a,
                    IpNet::V6(_) => aaaa && has_v6,
                })
                .collect();
            if usable.is_empty() && !all.is_empty() && mismatch.is_none() {
                mismatch = Some(format!(
                    "{}'s records hold no address of a family the notebook has",
                    ep.id
                ));
            }
            nets.extend(usable);
        }
        if any_usable {
            if !nets.is_empty() {
                return Resolution::Addrs {
                    addrs: ServiceAddrs::Nets(nets),
                    inexact: None,
                };
            }
            return match mismatch {
                Some(m) => Resolution::Nothing(m),
                None => {
                    Resolution::Unknown(format!("no address is known for the endpoints of {name}"))
                }
            };
        }
        let (addrs, inexact) = self.public_addrs(&name);
        match addrs {
            Err(why) => Resolution::Unknown(why),
            Ok(ServiceAddrs::Nets(ns)) => {
                let ns: Vec<IpNet> = ns
                    .into_iter()
                    .filter(|n| matches!(n, IpNet::V4(_)) || has_v6)
                    .collect();
                if ns.is_empty() {
                    Resolution::Unknown(format!("no address of {name} of the notebook's families"))
                } else {
                    Resolution::Addrs {
                        addrs: ServiceAddrs::Nets(ns),
                        inexact,
                    }
                }
            }
            Ok(a) => Resolution::Addrs { addrs: a, inexact },
        }
    }

    /// The public addresses of a service (S3 and DynamoDB: their AWS-managed prefix list; any
    /// other: every public IPv4 address outside the AWS-managed prefix lists), and why that set
    /// may be too large (an AWS-managed list without entries).
    fn public_addrs(&self, name: &str) -> (Result<ServiceAddrs, String>, Option<String>) {
        let net = self.net;
        let short = name.rsplit('.').next().unwrap_or(name);
        if short == "s3" || short == "dynamodb" {
            let addrs = net
                .prefix_lists
                .values()
                .find(|p| p.name.as_deref() == Some(name))
                .and_then(|p| p.cidrs.clone())
                .map(ServiceAddrs::Nets)
                .ok_or_else(|| format!("prefix list {name} or its entries are missing"));
            return (addrs, None);
        }
        let mut managed: Vec<IpNet> = Vec::new();
        let mut inexact = None;
        for p in net.prefix_lists.values() {
            if !p
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with("com.amazonaws."))
            {
                continue;
            }
            match &p.cidrs {
                Some(c) => managed.extend(c.iter().copied()),
                None => {
                    inexact.get_or_insert_with(|| {
                        format!("AWS-managed prefix list {} has no entries", p.id)
                    });
                }
            }
        }
        (Ok(ServiceAddrs::PublicExcept(managed)), inexact)
    }

    /// Run `walk` for every combination of alternatives at its branch points (routes whose
    /// prefix list is missing) and combine: delivered if every alternative is, dropped if every
    /// alternative is, unknown otherwise.
    fn explore(&self, walk: impl Fn(Vec<usize>) -> (Outcome, Vec<usize>)) -> Outcome {
        let mut outcomes: Vec<Outcome> = Vec::new();
        let mut stack: Vec<Vec<usize>> = vec![Vec::new()];
        while let Some(script) = stack.pop() {
            let (o, points) = walk(script.clone());
            // Every alternative at the branch points this run met beyond its script.
            for (k, &n) in points.iter().enumerate().skip(script.len()) {
                for alt in 1..n {
                    let mut s: Vec<usize> = script.clone();
                    s.resize(k, 0);
                    s.push(alt);
                    stack.push(s);
                }
            }
            outcomes.push(o);
            if outcomes.len() > 256 {
                break;
            }
        }
        if outcomes.len() == 1 {
            return outcomes.pop().unwrap();
        }
        let missing =
            Some("a route names a missing prefix list, but every alternative agrees".to_string());
        let doubt = outcomes
            .iter()
            .find_map(|o| o.caveat().and_then(|c| c.doubt.clone()));
        let lost = outcomes
            .iter()
            .find_map(|o| o.caveat().and_then(|c| c.lost.clone()));
        let reply_list = outcomes
            .iter()
            .find_map(|o| o.caveat().and_then(|c| c.reply_list.clone()));
        if outcomes.iter().all(Outcome::is_delivered) {
            let via = outcomes[0].via().unwrap_or_default().to_string();
            return Outcome::Delivered {
                via,
                caveat: Caveat {
                    missing,
                    doubt,
                    lost,
                    reply_list,
                },
            };
        }
        if outcomes.iter().all(Outcome::is_dropped) {
            let reason = match &outcomes[0] {
                Outcome::Dropped { reason, .. } => reason.clone(),
                _ => unreachable!(),
            };
            return Outcome::Dropped {
                reason,
                caveat: Caveat {
                    missing,
                    doubt,
                    lost,
                    reply_list,
                },
            };
        }
        unknown("the fate depends on a route to a missing prefix list")
    }

    /// The internet check for one packet: can it be delivered to the internet?
    pub fn internet_packet(&self, nb: &Notebook, proto: u8, dst: IpAddr, port: u16) -> Outcome {
        if !nb.placement_known {
            return unknown(format!("{}'s placement is not known", nb.name));
        }
        self.explore(|script| {
            let mut w = Walk::new(self, nb, Goal::Internet, proto, dst, port, 0, 0);
            w.script = script;
            let o = match w.forward() {
                Err(o) => w.stamp(o),
                Ok(via) => w.finish(via),
            };
            (o, w.branch_points)
        })
    }

    /// One TCP 443 connection to `dst` from client port `cport` (and, where a NAT gateway
    /// translates it, NAT port `nport`): the forward packet, then the reply back through every
    /// stateless ACL the forward packet crossed and every route lookup the reply meets (where it
    /// leaves an interface endpoint or NAT gateway, or enters through an internet gateway with
    /// a gateway route table).
    pub fn connect(
        &self,
        nb: &Notebook,
        svc: &str,
        dst: IpAddr,
        cport: u16,
        nport: u16,
    ) -> Outcome {
        if !nb.placement_known {
            return unknown(format!("{}'s placement is not known", nb.name));
        }
        let name = self.service_name(svc);
        self.explore(|script| {
            let mut w = Walk::new(self, nb, Goal::Service(&name), TCP, dst, 443, cport, nport);
            w.script = script;
            let o = match w.forward() {
                Err(o) => w.stamp(o),
                Ok(via) => match w.replies() {
                    Err(o) => w.stamp(o),
                    Ok(()) => w.finish(via),
                },
            };
            (o, w.branch_points)
        })
    }

    /// Does the connection work for SOME NAT port? (The NAT port only matters in ACL decisions,
    /// which are constant between consecutive entry port boundaries, so trying every boundary
    /// and its neighbours is exhaustive.) Returns the best outcome seen: delivered, else unknown,
    /// else the first drop.
    pub fn connect_any_nat_port(
        &self,
        nb: &Notebook,
        svc: &str,
        dst: IpAddr,
        cport: u16,
    ) -> Outcome {
        let mut first: Option<Outcome> = None;
        let mut unknown_seen: Option<Outcome> = None;
        for nport in self.nat_port_candidates() {
            let o = self.connect(nb, svc, dst, cport, nport);
            match o {
                Outcome::Delivered { .. } => return o,
                Outcome::Unknown { .. } => {
                    unknown_seen.get_or_insert(o);
                }
                Outcome::Dropped { .. } => {
                    first.get_or_insert(o);
                }
            }
        }
        unknown_seen.or(first).expect("at least one NAT port")
    }

    /// Every ICMP type/code value (`type << 8 | code`) at which some ACL entry or security-group
    /// rule for ICMP begins or ends, with neighbours, and the ends of the range: between two
    /// consecutive values every rule decides the same.
    pub fn icmp_port_candidates(&self) -> Vec<u16> {
        let mut v: Vec<u16> = vec![0, 0x0800, 0xffff];
        let mut add = |lo: u16, hi: u16| {
            v.extend([lo.saturating_sub(1), lo, hi, hi.saturating_add(1)]);
        };
        for acl in self.net.acls.values() {
            for e in acl.ingress.iter().chain(&acl.egress) {
                if e.protocols.contains(ICMP) {
                    add(e.ports.lo, e.ports.hi);
                }
            }
        }
        for sg in self.net.security_groups.values() {
            for r in sg.ingress.iter().chain(&sg.egress) {
                if r.protocols.contains(ICMP) {
                    add(r.ports.lo, r.ports.hi);
                }
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every NAT port at which some ACL entry's port range begins or ends, with neighbours,
    /// clipped to the NAT range.
    pub fn nat_port_candidates(&self) -> Vec<u16> {
        let (lo, hi) = NAT_PORTS;
        let mut v: Vec<u16> = vec![lo, hi];
        for acl in self.net.acls.values() {
            for e in acl.ingress.iter().chain(&acl.egress) {
                for p in [
                    e.ports.lo.saturating_sub(1),
                    e.ports.lo,
                    e.ports.hi,
                    e.ports.hi.saturating_add(1),
                ] {
                    if (lo..=hi).contains(&p) {
                        v.push(p);
                    }
                }
            }
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    // ---- literal rule matching ----

    /// Longest-prefix match of `dst` in `rt`: the winning route among those whose destinations
    /// are known (on equal length a static CIDR route beats a prefix-list route, which beats a
    /// propagated one; then the first listed), and the routes to prefix lists whose entries are
    /// unknown that may hold `dst` (an AWS-managed list behind a gateway endpoint holds public
    /// service ranges only; any other list may hold anything).
    fn lookup(&self, rt: &RouteTable, dst: IpAddr) -> (Option<usize>, Vec<usize>, Vec<usize>) {
        let net = self.net;
        // (prefix length, tie rank: static 0 < prefix list 1 < propagated 2, route index)
        let mut best: Option<(u8, u8, usize)> = None;
        let mut contested: Vec<usize> = Vec::new();
        // Gateway-endpoint routes to lists without entries that cannot hold `dst`.
        let mut passed_over: Vec<usize> = Vec::new();
        for (i, r) in rt.routes.iter().enumerate() {
            let nets: Vec<(IpNet, u8)> = match &r.dest {
                RouteDest::Cidr(n) => {
                    let rank = if r.origin == RouteOrigin::Propagated {
                        2
                    } else {
                        0
                    };
                    vec![(*n, rank)]
                }
                RouteDest::PrefixList(p) => {
                    match net.prefix_lists.get(p).and_then(|pl| pl.cidrs.as_ref()) {
                        Some(cidrs) => cidrs.iter().map(|c| (*c, 1)).collect(),
                        None => {
                            if r.target.kind != TargetKind::GatewayEndpoint || is_public(dst) {
                                contested.push(i);
                            } else {
                                passed_over.push(i);
                            }
                            continue;
                        }
                    }
                }
            };
            for (n, rank) in nets {
                if !net_has(&n, dst) {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((l, k, _)) => n.prefix_len() > l || (n.prefix_len() == l && rank < k),
                };
                if better {
                    best = Some((n.prefix_len(), rank, i));
                }
            }
        }
        (best.map(|b| b.2), contested, passed_over)
    }

    /// Where a reply to `dst` goes when `rt` routes it: `local` carries it; a blackhole (or any
    /// inactive route) or no route drops it; any other target (middlebox routing), or a route
    /// whose prefix list's entries are unknown and may hold `dst`, leaves it undecided.
    fn reply_fate(&self, rt: &RouteTable, dst: IpAddr) -> Fate {
        let (best, contested, _) = self.lookup(rt, dst);
        if let Some(&i) = contested.first() {
            return Fate::Unknown(format!(
                "reply route: {} route {} (entries unknown) may claim the reply to {dst}",
                rt.id, rt.routes[i].dest
            ));
        }
        let Some(i) = best else {
            return Fate::Dropped(format!(
                "reply route: {} has no route for the reply to {dst}",
                rt.id
            ));
        };
        let r = &rt.routes[i];
        match (&r.state, r.target.kind) {
            (RouteState::Active, TargetKind::Local) => Fate::Carried,
            (RouteState::Active, k) => Fate::Unknown(format!(
                "reply route: {} routes the reply to {dst} to {} {} (middlebox routing)",
                rt.id,
                k.as_str(),
                r.target.id
            )),
            (RouteState::Blackhole, _) => Fate::Dropped(format!(
                "reply route: {} route {} for the reply to {dst} is a blackhole",
                rt.id, r.dest
            )),
            (RouteState::Other(st), _) => Fate::Dropped(format!(
                "reply route: {} route {} for the reply to {dst} is {st}",
                rt.id, r.dest
            )),
        }
    }

    /// Does a security-group rule cover this protocol and port?
    fn sg_rule_traffic(r: &SgRule, proto: u8, port: u16) -> bool {
        r.protocols.contains(proto) && r.ports.contains(port)
    }

    /// First matching entry in ascending rule-number order; implicit deny after the last.
    fn acl_allows(entries: &[AclEntry], proto: u8, port: u16, addr: IpAddr) -> bool {
        Self::acl_first_match(entries, proto, port, addr).0
    }

    /// The decision and the deciding entry (its position in rule-number order; `None` for the
    /// implicit deny).
    fn acl_first_match(
        entries: &[AclEntry],
        proto: u8,
        port: u16,
        addr: IpAddr,
    ) -> (bool, Option<usize>) {
        let mut sorted: Vec<&AclEntry> = entries.iter().collect();
        sorted.sort_by_key(|e| e.rule_number);
        for (i, e) in sorted.into_iter().enumerate() {
            if e.protocols.contains(proto) && e.ports.contains(port) && net_has(&e.cidr, addr) {
                return (e.allow, Some(i));
            }
        }
        (false, None)
    }

    /// An ACL decision for one candidate address, keyed by the deciding entry.
    fn acl_decision(
        entries: &[AclEntry],
        proto: u8,
        port: u16,
        addr: IpAddr,
    ) -> (Decision, Vec<String>) {
        let (allow, entry) = Self::acl_first_match(entries, proto, port, addr);
        let d = if allow {
            Decision::Pass
        } else {
            Decision::Block
        };
        (d, vec![format!("{entry:?}")])
    }

    /// Is `ip` a private address of an interface that is a member of `group`?
    fn is_member(&self, group: &str, ip: IpAddr) -> bool {
        let net = self.net;
        let g = group.to_string();
        if net
            .interfaces
            .values()
            .any(|i| i.groups.contains(&g) && i.private_ips.iter().chain(&i.ipv6).any(|a| *a == ip))
        {
            return true;
        }
        if net.endpoints.values().any(|e| {
            e.kind == EndpointKind::Interface
                && e.groups.contains(&g)
                && self.endpoint_addrs(e).iter().any(|n| net_has(n, ip))
        }) {
            return true;
        }
        net.notebooks.iter().any(|n| {
            n.security_groups.contains(&g)
                && self.notebook_addr_nets(n).iter().any(|x| net_has(x, ip))
        })
    }

    /// The notebook's private addresses: its interface's, or its subnet's CIDRs.
    fn notebook_addr_nets(&self, nb: &Notebook) -> Vec<IpNet> {
        let net = self.net;
        if let Some(eni) = nb.interface_id.as_ref().and_then(|i| net.interfaces.get(i)) {
            return eni
                .private_ips
                .iter()
                .chain(&eni.ipv6)
                .map(|ip| IpNet::from(*ip))
                .collect();
        }
        nb.subnet_id
            .as_ref()
            .and_then(|s| net.subnets.get(s))
            .map(|s| s.cidrs.clone())
            .unwrap_or_default()
    }

    fn attached(g: &AttachedGateway, vpc: &str) -> bool {
        g.attachments
            .iter()
            .any(|(v, s)| v == vpc && *s == AttachmentState::Attached)
    }
}

/// Every address of `n` (for small blocks), else its first and last 512 (IPv4) or 16 (IPv6).
fn hosts(n: &IpNet) -> Vec<IpAddr> {
    match n {
        IpNet::V4(n) => {
            let lo = u32::from(n.network());
            let hi = u32::from(n.broadcast());
            if hi - lo < 1024 {
                (lo..=hi).map(|v| IpAddr::V4(v.into())).collect()
            } else {
                (lo..lo + 512)
                    .chain(hi - 511..=hi)
                    .map(|v| IpAddr::V4(v.into()))
                    .collect()
            }
        }
        IpNet::V6(n) => {
            let lo = u128::from(n.network());
            let hi = u128::from(n.broadcast());
            if hi - lo < 32 {
                (lo..=hi).map(|v| IpAddr::V6(v.into())).collect()
            } else {
                (lo..lo + 16)
                    .chain(hi - 15..=hi)
                    .map(|v| IpAddr::V6(v.into()))
                    .collect()
            }
        }
    }
}

/// One walk of one packet (and, for services, its reply).
struct Walk<'s, 'n> {
    sim: &'s Sim<'n>,
    net: &'n Network,
    nb: &'s Notebook,
    goal: Goal<'s>,
    proto: u8,
    dst: IpAddr,
    dport: u16,
    cport: u16,
    nport: u16,
    // Where the packet is.
    subnet: String,
    vpc: String,
    who: Who,
    sport: SrcPort,
    public_v4: bool,
    has_v6: bool,
    first_via: Option<&'static str>,
    visited_nats: Vec<String>,
    steps: Vec<Step>,
    /// For each source constant, the candidate addresses still delivering.
    alive: BTreeMap<Who, Vec<IpAddr>>,
    /// Some candidate address of some source was dropped.
    lost: bool,
    /// Something the walk went past was undecided.
    unknown: Option<String>,
    /// Something the walk went past looked undecidable but did not matter (see `decide`).
    doubt: Option<String>,
    /// See [`Caveat::reply_list`].
    reply_list: Option<String>,
    route_lookups: u32,
    /// The alternatives to take at each branch point (see [`Sim::explore`]), and how many
    /// alternatives each branch point met so far had.
    script: Vec<usize>,
    branch_points: Vec<usize>,
}

impl<'s, 'n> Walk<'s, 'n> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        sim: &'s Sim<'n>,
        nb: &'s Notebook,
        goal: Goal<'s>,
        proto: u8,
        dst: IpAddr,
        dport: u16,
        cport: u16,
        nport: u16,
    ) -> Self {
        Walk {
            sim,
            net: sim.net,
            nb,
            goal,
            proto,
            dst,
            dport,
            cport,
            nport,
            subnet: String::new(),
            vpc: String::new(),
            who: Who::Notebook,
            sport: SrcPort::Client,
            public_v4: false,
            has_v6: false,
            first_via: None,
            visited_nats: Vec::new(),
            steps: Vec::new(),
            alive: BTreeMap::new(),
            lost: false,
            unknown: None,
            doubt: None,
            reply_list: None,
            route_lookups: 0,
            script: Vec::new(),
            branch_points: Vec::new(),
        }
    }

    /// Take the scripted alternative at the next branch point (0 beyond the script).
    fn choose(&mut self, options: usize) -> usize {
        let k = self.branch_points.len();
        self.branch_points.push(options);
        self.script.get(k).copied().unwrap_or(0).min(options - 1)
    }

    fn note_unknown(&mut self, why: impl Into<String>) {
        if self.unknown.is_none() {
            self.unknown = Some(why.into());
        }
    }

    /// A terminal outcome, marked with whatever undecided step the walk went past.
    fn stamp(&self, o: Outcome) -> Outcome {
        match o {
            Outcome::Dropped { reason, .. } => Outcome::Dropped {
                reason,
                caveat: Caveat {
                    missing: self.unknown.clone(),
                    doubt: self.doubt.clone(),
                    lost: self
                        .lost
                        .then(|| "some possible source addresses were dropped earlier".to_string()),
                    reply_list: self.reply_list.clone(),
                },
            },
            o => o,
        }
    }

    fn finish(&self, via: &'static str) -> Outcome {
        if let Some(u) = &self.unknown {
            return unknown(u.clone());
        }
        if self.lost {
            return unknown(
                "the outcome depends on which of its possible addresses the source has",
            );
        }
        Outcome::Delivered {
            via: via.to_string(),
            caveat: Caveat {
                missing: None,
                doubt: self.doubt.clone(),
                lost: None,
                reply_list: self.reply_list.clone(),
            },
        }
    }

    /// Candidate addresses of a source constant, of the packet's family.
    fn candidates(&self, who: &Who) -> Vec<IpAddr> {
        let net = self.net;
        let v4 = self.dst.is_ipv4();
        let fam = |ips: &[IpAddr]| -> Vec<IpAddr> {
            ips.iter().copied().filter(|a| a.is_ipv4() == v4).collect()
        };
        let subnet_hosts = |sid: Option<&String>| -> Vec<IpAddr> {
            sid.and_then(|s| net.subnets.get(s))
                .map(|s| {
                    s.cidrs
                        .iter()
                        .filter(|c| matches!(c, IpNet::V4(_)) == v4)
                        .flat_map(hosts)
                        .collect()
                })
                .unwrap_or_default()
        };
        match who {
            Who::Notebook => {
                if let Some(eni) = self
                    .nb
                    .interface_id
                    .as_ref()
                    .and_then(|i| net.interfaces.get(i))
                {
                    let mut all = eni.private_ips.clone();
                    all.extend(eni.ipv6.iter().copied());
                    return fam(&all);
                }
                subnet_hosts(self.nb.subnet_id.as_ref())
            }
            Who::Nat(id) => {
                let nat = &net.nat_gateways[id];
                let ips = fam(&nat.private_ips);
                if !ips.is_empty() {
                    return ips;
                }
                subnet_hosts(nat.subnet_id.as_ref())
            }
        }
    }

    /// Decide a source-dependent rule for every still-alive candidate address of `who`.
    ///
    /// `f` also names the rules that decide each candidate; when every candidate gets the same
    /// decision but no one rule decides them all (an ACL entry matches some candidates, a later
    /// one the rest), the outcome does not depend on the address, but the walk notes the doubt.
    fn decide(
        &mut self,
        who: &Who,
        what: &str,
        f: impl Fn(IpAddr) -> (Decision, Vec<String>),
    ) -> Result<(), Outcome> {
        let cands = match self.alive.get(who) {
            Some(c) => c.clone(),
            None => self.candidates(who),
        };
        if cands.is_empty() {
            self.note_unknown(format!("{what}: the source has no known address"));
            return Ok(());
        }
        let decided: Vec<(IpAddr, Decision, Vec<String>)> = cands
            .iter()
            .map(|a| {
                let (d, keys) = f(*a);
                (*a, d, keys)
            })
            .collect();
        let unanimous = decided.iter().all(|(_, d, _)| *d == decided[0].1);
        let common_rule = decided[0]
            .2
            .iter()
            .any(|k| decided.iter().all(|(_, _, ks)| ks.contains(k)));
        if unanimous && !common_rule && self.doubt.is_none() {
            self.doubt = Some(format!(
                "{what}: different rules decide different possible source addresses"
            ));
        }
        let results: Vec<(IpAddr, Decision)> =
            decided.into_iter().map(|(a, d, _)| (a, d)).collect();
        if results.iter().all(|(_, d)| *d == Decision::Block) {
            return Err(dropped(format!(
                "{what} blocks every possible source address"
            )));
        }
        if results.iter().any(|(_, d)| *d == Decision::Block) {
            self.lost = true;
        }
        if results.iter().any(|(_, d)| *d == Decision::Maybe) {
            self.note_unknown(format!("{what} cannot be decided"));
        }
        self.alive.insert(
            who.clone(),
            results
                .into_iter()
                .filter(|(_, d)| *d != Decision::Block)
                .map(|(a, _)| a)
                .collect(),
        );
        Ok(())
    }

    fn acl_of(&self, subnet: &str) -> Option<&'n vpcreach::model::Acl> {
        self.net
            .subnets
            .get(subnet)
            .and_then(|s| s.acl.as_ref())
            .and_then(|a| self.net.acls.get(a))
    }

    // ---- forward ----

    fn forward(&mut self) -> Result<&'static str, Outcome> {
        let net = self.net;
        let nb = self.nb;
        let Some(sid) = &nb.subnet_id else {
            return Ok("service-network");
        };
        let Some(subnet) = net.subnets.get(sid) else {
            return Err(unknown(format!("the notebook's subnet {sid} is missing")));
        };
        self.subnet = subnet.id.clone();
        self.vpc = subnet.vpc_id.clone();
        if nb.direct_internet_access == Toggle::Enabled {
            let in_vpc = net
                .vpcs
                .get(&subnet.vpc_id)
                .is_some_and(|v| v.cidrs.iter().any(|c| net_has(c, self.dst)));
            if !in_vpc {
                return Ok("service-network");
            }
        }
        let eni = nb.interface_id.as_ref().and_then(|i| net.interfaces.get(i));
        self.public_v4 = eni.is_some_and(|e| e.public_ips.iter().any(|a| a.is_ipv4()));
        self.has_v6 = self.sim.notebook_has_v6(nb);
        if self.dst.is_ipv6() && !self.has_v6 {
            return Err(dropped(
                "the notebook has no IPv6 address to send an IPv6 packet from",
            ));
        }
        self.sg_egress()?;
        self.route()
    }

    fn sg_egress(&mut self) -> Result<(), Outcome> {
        let net = self.net;
        let groups = &self.nb.security_groups;
        if groups.is_empty() {
            self.note_unknown("the notebook lists no security groups");
            return Ok(());
        }
        let mut maybe = false;
        for g in groups {
            let Some(sg) = net.security_groups.get(g) else {
                maybe = true;
                continue;
            };
            for r in &sg.egress {
                if !Sim::sg_rule_traffic(r, self.proto, self.dport) {
                    continue;
                }
                let hit = match &r.peer {
                    SgPeer::Cidr(n) => Some(net_has(n, self.dst)),
                    SgPeer::PrefixList(p) => net
                        .prefix_lists
                        .get(p)
                        .and_then(|pl| pl.cidrs.as_ref())
                        .map(|cidrs| cidrs.iter().any(|c| net_has(c, self.dst))),
                    SgPeer::Group(pg) => Some(self.sim.is_member(pg, self.dst)),
                };
                match hit {
                    Some(true) => return Ok(()),
                    Some(false) => {}
                    None => maybe = true,
                }
            }
        }
        if maybe {
            self.note_unknown("a notebook security group (or a prefix list it names) is missing");
            Ok(())
        } else {
            Err(dropped(
                "no egress rule of the notebook's security groups allows it",
            ))
        }
    }

    fn route(&mut self) -> Result<&'static str, Outcome> {
        self.route_lookups += 1;
        if self.route_lookups > 64 {
            return Err(dropped("routing loop (too many hops)"));
        }
        let net = self.net;
        let Some(subnet) = net.subnets.get(&self.subnet) else {
            return Err(unknown(format!("subnet {} is missing", self.subnet)));
        };
        let Some(rt) = subnet
            .route_table
            .as_ref()
            .and_then(|r| net.route_tables.get(r))
        else {
            return Err(unknown(format!(
                "the route table of {} is missing",
                subnet.id
            )));
        };
        let (best, contested, _) = self.sim.lookup(rt, self.dst);
        let chosen = if contested.is_empty() {
            best
        } else {
            // Alternative 0: the routes we know; alternative k: the k-th contested route wins.
            match self.choose(1 + contested.len()) {
                0 => best,
                k => Some(contested[k - 1]),
            }
        };
        let Some(i) = chosen else {
            return Err(dropped(format!("{} has no route to {}", rt.id, self.dst)));
        };
        let r = &rt.routes[i];
        match &r.state {
            RouteState::Active => {}
            RouteState::Blackhole => {
                return Err(dropped(format!(
                    "{} route {} is a blackhole",
                    rt.id, r.dest
                )));
            }
            RouteState::Other(s) => {
                return Err(dropped(format!("{} route {} is {s}", rt.id, r.dest)));
            }
        }
        let id = r.target.id.clone();
        match r.target.kind {
            TargetKind::Local => self.local(),
            TargetKind::InternetGateway => {
                let Some(igw) = net.internet_gateways.get(&id) else {
                    return Err(unknown(format!("{id} is missing (dangling route)")));
                };
                if !Sim::attached(igw, &self.vpc) {
                    return Err(dropped(format!("{id} is not attached to {}", self.vpc)));
                }
                self.cross_out()?;
                if let Some(edge) = &igw.edge_route_table {
                    // The reply enters the VPC through the gateway route table.
                    self.steps.push(Step::Route {
                        table: Some(edge.clone()),
                        at: id.clone(),
                        to: self.who.clone(),
                    });
                }
                self.exit_public("internet-gateway")
            }
            TargetKind::EgressOnlyInternetGateway => {
                let Some(g) = net.egress_only_gateways.get(&id) else {
                    return Err(unknown(format!("{id} is missing (dangling route)")));
                };
                if !Sim::attached(g, &self.vpc) {
                    return Err(dropped(format!("{id} is not attached to {}", self.vpc)));
                }
                if self.dst.is_ipv4() {
                    return Err(dropped(format!("{id} carries IPv6 only")));
                }
                self.cross_out()?;
                self.exit_public("egress-only-internet-gateway")
            }
            TargetKind::NatGateway => self.nat(&id),
            TargetKind::GatewayEndpoint => self.gateway_endpoint(&id),
            TargetKind::VpcEndpoint => {
                Err(unknown(format!("{id} is not described (dangling route)")))
            }
            TargetKind::TransitGateway
            | TargetKind::VpcPeering
            | TargetKind::VirtualPrivateGateway
            | TargetKind::NetworkInterface
            | TargetKind::Instance
            | TargetKind::LocalGateway
            | TargetKind::CarrierGateway
            | TargetKind::CoreNetwork
            | TargetKind::GatewayLoadBalancerEndpoint
            | TargetKind::Other => {
                self.cross_out()?;
                Err(unknown(format!("leaves the modelled scope through {id}")))
            }
        }
    }

    /// Out of the current subnet: its outbound ACL, matched on the destination.
    fn cross_out(&mut self) -> Result<(), Outcome> {
        self.steps.push(Step::Acl(Crossing {
            subnet: self.subnet.clone(),
            outbound: true,
            src: self.who.clone(),
            dst: self.dst,
            sport: self.sport,
        }));
        let Some(acl) = self.acl_of(&self.subnet) else {
            self.note_unknown(format!("the ACL of {} is missing", self.subnet));
            return Ok(());
        };
        if Sim::acl_allows(&acl.egress, self.proto, self.dport, self.dst) {
            Ok(())
        } else {
            Err(dropped(format!("{} outbound denies it", acl.id)))
        }
    }

    /// Into `subnet`: its inbound ACL, matched on the (candidate) source address.
    fn cross_in(&mut self, subnet: &str) -> Result<(), Outcome> {
        self.steps.push(Step::Acl(Crossing {
            subnet: subnet.to_string(),
            outbound: false,
            src: self.who.clone(),
            dst: self.dst,
            sport: self.sport,
        }));
        let Some(acl) = self.acl_of(subnet) else {
            self.note_unknown(format!("the ACL of {subnet} is missing"));
            return Ok(());
        };
        let (proto, port) = (self.proto, self.dport);
        let who = self.who.clone();
        self.decide(&who, &format!("{} inbound", acl.id), |src| {
            Sim::acl_decision(&acl.ingress, proto, port, src)
        })
    }

    fn exit_public(&mut self, via: &'static str) -> Result<&'static str, Outcome> {
        let ok = if self.dst.is_ipv4() {
            self.public_v4
        } else {
            self.has_v6
        };
        if !ok {
            return Err(dropped(format!(
                "the source has no public address of {}'s family",
                self.dst
            )));
        }
        if !routable(self.dst) {
            // The internet does not route private destinations (an endpoint's address sent to
            // an internet gateway never reaches the endpoint).
            return Err(dropped(format!(
                "{} is not routable on the internet",
                self.dst
            )));
        }
        Ok(self.first_via.unwrap_or(via))
    }

    fn nat(&mut self, id: &str) -> Result<&'static str, Outcome> {
        let net = self.net;
        let Some(nat) = net.nat_gateways.get(id) else {
            return Err(unknown(format!("{id} is missing (dangling route)")));
        };
        if nat.state != ResourceState::Available {
            return Err(dropped(format!("{id} is {}", nat.state)));
        }
        if self.visited_nats.iter().any(|v| v == id) {
            return Err(dropped(format!("routing loop through {id}")));
        }
        let Some(ns) = nat
            .subnet_id
            .clone()
            .filter(|s| net.subnets.contains_key(s))
        else {
            return Err(unknown(format!("{id}'s subnet is missing")));
        };
        if ns != self.subnet {
            self.cross_out()?;
            self.cross_in(&ns)?;
        }
        if self.dst.is_ipv4() {
            if !matches!(self.proto, TCP | UDP | ICMP) {
                return Err(dropped(format!("{id} translates only TCP, UDP and ICMP")));
            }
        } else {
            // NAT64: TCP, UDP and ICMPv6 echo to 64:ff9b::/96 become IPv4 to the embedded
            // address; other protocols are dropped; other IPv6 is not modelled.
            if !matches!(self.proto, TCP | UDP | ICMPV6) {
                return Err(dropped(format!(
                    "{id} translates only TCP, UDP and ICMPv6 (IPv6)"
                )));
            }
            let Some(v4) = nat64_embedded(self.dst) else {
                return Err(unknown(format!(
                    "{id} receives IPv6 to {} (outside 64:ff9b::/96): not modelled",
                    self.dst
                )));
            };
            if self.proto == ICMPV6 {
                let (ty, code) = (self.dport >> 8, self.dport & 0xff);
                match ty {
                    128 => {
                        self.proto = ICMP;
                        self.dport = (8 << 8) | code;
                    }
                    129 => {
                        self.proto = ICMP;
                        self.dport = code;
                    }
                    _ => {
                        // RFC 7915: the gateway drops it, or translates it to some ICMP message.
                        // Alternative 0: dropped; the others: each ICMP "port" where some rule
                        // changes its mind. Dropped only if every alternative is.
                        let candidates = self.sim.icmp_port_candidates();
                        let k = self.choose(1 + candidates.len());
                        if k == 0 {
                            return Err(dropped(format!("{id} drops ICMPv6 type {ty} (not echo)")));
                        }
                        self.proto = ICMP;
                        self.dport = candidates[k - 1];
                    }
                }
            }
            self.dst = IpAddr::V4(v4);
        }
        // The reply leaves the NAT gateway's interface through its subnet's route table, towards
        // the source the packet had before the translation.
        self.steps.push(Step::Route {
            table: net.subnets[&ns].route_table.clone(),
            at: ns.clone(),
            to: self.who.clone(),
        });
        self.visited_nats.push(id.to_string());
        self.first_via.get_or_insert("nat-gateway");
        self.who = Who::Nat(id.to_string());
        self.sport = SrcPort::Nat;
        self.public_v4 = nat.public;
        self.has_v6 = false;
        self.vpc = net.subnets[&ns].vpc_id.clone();
        self.subnet = ns;
        self.route()
    }

    fn gateway_endpoint(&mut self, id: &str) -> Result<&'static str, Outcome> {
        let Some(ep) = self
            .net
            .endpoints
            .get(id)
            .filter(|e| e.kind == EndpointKind::Gateway)
        else {
            return Err(unknown(format!("{id} is not a described gateway endpoint")));
        };
        if ep.state != ResourceState::Available {
            return Err(dropped(format!("{id} is {}", ep.state)));
        }
        if self.proto != TCP {
            return Err(dropped(format!("gateway endpoint {id} carries TCP only")));
        }
        self.cross_out()?;
        match self.goal {
            Goal::Internet => Err(dropped(format!("{id} reaches only {}", ep.service))),
            Goal::Service(name) if name == ep.service => {
                Ok(self.first_via.unwrap_or("gateway-endpoint"))
            }
            Goal::Service(_) => Err(dropped(format!("{id} is for {}", ep.service))),
        }
    }

    fn local(&mut self) -> Result<&'static str, Outcome> {
        let net = self.net;
        let Goal::Service(name) = self.goal else {
            return Err(dropped("a local destination is not the internet"));
        };
        let dst = self.dst;
        let Some(ep) = net.endpoints.values().find(|e| {
            e.kind == EndpointKind::Interface
                && e.vpc_id.as_deref() == Some(self.vpc.as_str())
                && e.service == name
                && self.sim.endpoint_addrs(e).iter().any(|n| net_has(n, dst))
        }) else {
            return Err(dropped(format!(
                "nothing of {name} is at {dst} in {}",
                self.vpc
            )));
        };
        let Some(ds) = net
            .subnets
            .values()
            .find(|s| s.vpc_id == self.vpc && s.cidrs.iter().any(|c| net_has(c, dst)))
        else {
            return Err(unknown(format!("{dst} lies in no subnet of {}", self.vpc)));
        };
        if ds.id != self.subnet {
            self.cross_out()?;
            self.cross_in(&ds.id.clone())?;
        }
        // The endpoint's security groups: ingress from the (candidate) source.
        if ep.groups.is_empty() {
            return Err(dropped(format!("{} has no security groups", ep.id)));
        }
        let who = self.who.clone();
        let nb_groups = self.nb.security_groups.clone();
        let (proto, port) = (self.proto, self.dport);
        // Keyed by every rule that admits the candidate (a rule admitting them all decides).
        let decide_one = |src: IpAddr| -> (Decision, Vec<String>) {
            let mut maybe = false;
            let mut admitting: Vec<String> = Vec::new();
            for g in &ep.groups {
                let Some(sg) = net.security_groups.get(g) else {
                    maybe = true;
                    continue;
                };
                for (ri, r) in sg.ingress.iter().enumerate() {
                    if !Sim::sg_rule_traffic(r, proto, port) {
                        continue;
                    }
                    let hit = match &r.peer {
                        SgPeer::Cidr(n) => Some(net_has(n, src)),
                        SgPeer::PrefixList(p) => net
                            .prefix_lists
                            .get(p)
                            .and_then(|pl| pl.cidrs.as_ref())
                            .map(|cidrs| cidrs.iter().any(|c| net_has(c, src))),
                        SgPeer::Group(pg) => Some(who == Who::Notebook && nb_groups.contains(pg)),
                    };
                    match hit {
                        Some(true) => admitting.push(format!("{g}#{ri}")),
                        Some(false) => {}
                        None => maybe = true,
                    }
                }
            }
            if !admitting.is_empty() {
                (Decision::Pass, admitting)
            } else if maybe {
                (Decision::Maybe, vec![String::new()])
            } else {
                (Decision::Block, vec![String::new()])
            }
        };
        self.decide(&who, &format!("{}'s security groups", ep.id), decide_one)?;
        // The reply leaves the endpoint's interface through its subnet's route table.
        self.steps.push(Step::Route {
            table: ds.route_table.clone(),
            at: ds.id.clone(),
            to: who,
        });
        Ok(self.first_via.unwrap_or("interface-endpoint"))
    }

    // ---- reply ----

    /// The reply, back through every subnet boundary the forward packet crossed and every route
    /// lookup on its way, in reverse.
    fn replies(&mut self) -> Result<(), Outcome> {
        let steps = self.steps.clone();
        for st in steps.iter().rev() {
            let c = match st {
                Step::Acl(c) => c,
                Step::Route { table, at, to } => {
                    self.reply_route(table.as_deref(), at, to)?;
                    continue;
                }
            };
            let port = match c.sport {
                SrcPort::Client => self.cport,
                SrcPort::Nat => self.nport,
            };
            let Some(acl) = self.acl_of(&c.subnet) else {
                self.note_unknown(format!("the ACL of {} is missing", c.subnet));
                continue;
            };
            if c.outbound {
                // The reply comes back in, from the forward destination.
                if !Sim::acl_allows(&acl.ingress, TCP, port, c.dst) {
                    return Err(dropped(format!(
                        "{} inbound denies the reply from {} to port {port}",
                        acl.id, c.dst
                    )));
                }
            } else {
                // The reply goes back out, to the forward source.
                self.decide(&c.src, &format!("{} outbound (reply)", acl.id), |a| {
                    Sim::acl_decision(&acl.egress, TCP, port, a)
                })?;
            }
        }
        Ok(())
    }

    /// The reply's route lookup in `table` (at `at`), towards each possible address of `to`.
    fn reply_route(&mut self, table: Option<&str>, at: &str, to: &Who) -> Result<(), Outcome> {
        let net = self.net;
        let Some(rt) = table.and_then(|t| net.route_tables.get(t)) else {
            return Err(unknown(format!(
                "reply route: the reply is routed by the route table of {at} ({}), which is missing",
                table.unwrap_or("none")
            )));
        };
        let cands = match self.alive.get(to) {
            Some(c) => c.clone(),
            None => self.candidates(to),
        };
        if cands.is_empty() {
            return Err(unknown(format!(
                "the reply's destination at {} has no known address",
                rt.id
            )));
        }
        let mut carried: Vec<IpAddr> = Vec::new();
        let mut drop: Option<String> = None;
        for a in cands {
            let (_, _, passed_over) = self.sim.lookup(rt, a);
            if let Some(&i) = passed_over.first() {
                self.reply_list.get_or_insert_with(|| {
                    format!(
                        "{} route {} → {}: its list has no known entries, but cannot hold {a}",
                        rt.id, rt.routes[i].dest, rt.routes[i].target.id
                    )
                });
            }
            match self.sim.reply_fate(rt, a) {
                Fate::Carried => carried.push(a),
                Fate::Dropped(why) => {
                    drop.get_or_insert(why);
                }
                Fate::Unknown(why) => return Err(unknown(why)),
            }
        }
        if carried.is_empty() {
            return Err(dropped(drop.unwrap_or_default()));
        }
        if drop.is_some() {
            // Carried for some possible addresses, dropped for others.
            self.lost = true;
        }
        self.alive.insert(to.clone(), carried);
        Ok(())
    }
}
