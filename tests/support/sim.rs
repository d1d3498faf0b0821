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

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use vpcreach::model::{
    AclEntry, AttachedGateway, Endpoint, EndpointKind, Network, Notebook, RouteDest, RouteOrigin,
    RouteState, SgPeer, SgRule, TargetKind, Toggle,
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
    /// The source's address is not known exactly and different rules decided different possible
    /// addresses, yet all got the same fate (before a delivery, or a drop of them all).
    pub doubt: Option<String>,
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

    /// Is `ip` in the internet check's universe for this notebook?
    pub fn in_internet_universe(&self, nb: &Notebook, ip: IpAddr) -> bool {
        let fam_ok = match ip {
            IpAddr::V4(_) => true,
            IpAddr::V6(_) => nb.subnet_id.is_some() && self.notebook_has_v6(nb),
        };
        fam_ok && is_public(ip) && !self.notebook_vpc_cidrs(nb).iter().any(|c| net_has(c, ip))
    }

    /// An interface endpoint's addresses: its interfaces' private IPs when every interface is
    /// described and they have some, else its subnets' CIDRs (DESIGN §3).
    pub fn endpoint_addrs(&self, ep: &Endpoint) -> Vec<IpNet> {
        let net = self.net;
        let all_known = !ep.interfaces.is_empty()
            && ep.interfaces.iter().all(|i| net.interfaces.contains_key(i));
        if all_known {
            let ips: Vec<IpNet> = ep
                .interfaces
                .iter()
                .flat_map(|i| {
                    net.interfaces[i]
                        .private_ips
                        .iter()
                        .map(|ip| IpNet::from(*ip))
                })
                .collect();
            if !ips.is_empty() {
                return ips;
            }
        }
        ep.subnets
            .iter()
            .filter_map(|s| net.subnets.get(s))
            .flat_map(|s| s.cidrs.iter().copied())
            .collect()
    }

    /// The addresses `svc`'s name resolves to from `nb` (DESIGN §3), or why that is unknown.
    pub fn service_addresses(&self, nb: &Notebook, svc: &str) -> Result<ServiceAddrs, String> {
        let net = self.net;
        let name = self.service_name(svc);
        let vpc = nb
            .subnet_id
            .as_ref()
            .and_then(|s| net.subnets.get(s))
            .and_then(|s| net.vpcs.get(&s.vpc_id));
        if nb.subnet_id.is_none() {
            // The service network reaches the service wherever it is.
            return Ok(self
                .public_service_addrs(&name)
                .unwrap_or(ServiceAddrs::PublicExcept(Vec::new())));
        }
        let Some(vpc) = vpc else {
            return self.public_service_addrs(&name);
        };
        let mut usable: Vec<&Endpoint> = Vec::new();
        for ep in net.endpoints.values() {
            if ep.kind != EndpointKind::Interface
                || ep.vpc_id.as_deref() != Some(vpc.id.as_str())
                || ep.service != name
            {
                continue;
            }
            if ep.state != "available" || !ep.private_dns {
                continue;
            }
            if vpc.dns_support == Some(false) || vpc.dns_hostnames == Some(false) {
                continue;
            }
            if vpc.dns_support.is_none() || vpc.dns_hostnames.is_none() {
                return Err(format!("{}'s DNS attributes are missing", vpc.id));
            }
            usable.push(ep);
        }
        if usable.is_empty() {
            return self.public_service_addrs(&name);
        }
        let nets: Vec<IpNet> = usable.iter().flat_map(|e| self.endpoint_addrs(e)).collect();
        if nets.is_empty() {
            return Err(format!("no address is known for the endpoint(s) of {name}"));
        }
        Ok(ServiceAddrs::Nets(nets))
    }

    fn public_service_addrs(&self, name: &str) -> Result<ServiceAddrs, String> {
        let net = self.net;
        let short = name.rsplit('.').next().unwrap_or(name);
        if short == "s3" || short == "dynamodb" {
            return net
                .prefix_lists
                .values()
                .find(|p| p.name.as_deref() == Some(name))
                .and_then(|p| p.cidrs.clone())
                .map(ServiceAddrs::Nets)
                .ok_or_else(|| format!("prefix list {name} or its entries are missing"));
        }
        let managed: Vec<IpNet> = net
            .prefix_lists
            .values()
            .filter(|p| {
                p.name
                    .as_deref()
                    .is_some_and(|n| n.starts_with("com.amazonaws."))
            })
            .flat_map(|p| p.cidrs.iter().flatten().copied())
            .collect();
        Ok(ServiceAddrs::PublicExcept(managed))
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
        if outcomes.iter().all(Outcome::is_delivered) {
            let via = outcomes[0].via().unwrap_or_default().to_string();
            return Outcome::Delivered {
                via,
                caveat: Caveat { missing, doubt },
            };
        }
        if outcomes.iter().all(Outcome::is_dropped) {
            let reason = match &outcomes[0] {
                Outcome::Dropped { reason, .. } => reason.clone(),
                _ => unreachable!(),
            };
            return Outcome::Dropped {
                reason,
                caveat: Caveat { missing, doubt },
            };
        }
        unknown("the fate depends on a route to a missing prefix list")
    }

    /// The internet check for one packet: can it be delivered to the internet?
    pub fn internet_packet(&self, nb: &Notebook, proto: u8, dst: IpAddr, port: u16) -> Outcome {
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
    /// stateless ACL the forward packet crossed.
    pub fn connect(
        &self,
        nb: &Notebook,
        svc: &str,
        dst: IpAddr,
        cport: u16,
        nport: u16,
    ) -> Outcome {
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
            .any(|(v, s)| v == vpc && (s == "available" || s == "attached"))
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
    crossings: Vec<Crossing>,
    /// For each source constant, the candidate addresses still delivering.
    alive: BTreeMap<Who, Vec<IpAddr>>,
    /// Some candidate address of some source was dropped.
    lost: bool,
    /// Something the walk went past was undecided.
    unknown: Option<String>,
    /// Something the walk went past looked undecidable but did not matter (see `decide`).
    doubt: Option<String>,
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
            crossings: Vec::new(),
            alive: BTreeMap::new(),
            lost: false,
            unknown: None,
            doubt: None,
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
                    doubt: self
                        .lost
                        .then(|| "some possible source addresses were dropped earlier".to_string())
                        .or_else(|| self.doubt.clone()),
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
        // (prefix length, tie rank: static 0 < prefix list 1 < propagated 2, route index)
        let mut best: Option<(u8, u8, usize)> = None;
        // Routes to prefix lists the snapshot lacks that may match this destination: their
        // entries are unknown, so each is an alternative fate (an AWS-managed list behind a
        // gateway endpoint holds public service ranges only; any other list may hold anything).
        let mut contested: Vec<usize> = Vec::new();
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
                            if r.target.kind != TargetKind::GatewayEndpoint || is_public(self.dst) {
                                contested.push(i);
                            }
                            continue;
                        }
                    }
                }
            };
            for (n, rank) in nets {
                if !net_has(&n, self.dst) {
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
        let chosen = if contested.is_empty() {
            best.map(|b| b.2)
        } else {
            // Alternative 0: the routes we know; alternative k: the k-th contested route wins.
            match self.choose(1 + contested.len()) {
                0 => best.map(|b| b.2),
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
        self.crossings.push(Crossing {
            subnet: self.subnet.clone(),
            outbound: true,
            src: self.who.clone(),
            dst: self.dst,
            sport: self.sport,
        });
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
        self.crossings.push(Crossing {
            subnet: subnet.to_string(),
            outbound: false,
            src: self.who.clone(),
            dst: self.dst,
            sport: self.sport,
        });
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
        if !is_public(self.dst) {
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
        if nat.state != "available" {
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
        if self.dst.is_ipv6() {
            return Err(unknown(format!("IPv6 to {id} (NAT64) is not modelled")));
        }
        if ns != self.subnet {
            self.cross_out()?;
            self.cross_in(&ns)?;
        }
        if !matches!(self.proto, TCP | UDP | ICMP) {
            return Err(dropped(format!("{id} translates only TCP, UDP and ICMP")));
        }
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
        if ep.state != "available" {
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
        Ok(self.first_via.unwrap_or("interface-endpoint"))
    }

    // ---- reply ----

    /// The reply, back through every subnet boundary the forward packet crossed, in reverse.
    fn replies(&mut self) -> Result<(), Outcome> {
        let crossings = self.crossings.clone();
        for c in crossings.iter().rev() {
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
}
