//! The forward walk: a packet set leaves the notebook and is split, hop by hop, until every part
//! is delivered, dropped or undecided.
//!
//! Hops in order: the notebook's security groups (egress), the subnet's route table (longest
//! prefix match), the subnet's network ACL where the traffic crosses the subnet boundary, then the
//! route target: the VPC itself (`local`, to an interface endpoint's subnet, its ACL and SGs), an
//! internet gateway (public source address only), a NAT gateway (its own subnet's ACL both ways and
//! route table), a gateway endpoint (TCP only, its service only), an egress-only gateway (IPv6
//! only), or a target outside the modelled scope (undecided). Every stateless ACL crossing also
//! records the reply check that a connection needs on the way back.

use crate::model::{Network, Notebook, RouteState, Subnet, TargetKind, Toggle};
use crate::space::{AddrSet, Family, PacketSet};

use super::evidence::{
    Cause, Component, Missing, ReplyOf, RuleRef, ServiceNetworkReason, Step, route_ref,
};
use super::explain::Probe;
use super::filters::{AddrRole, Dir, Source, acl_entries, acl_eval, route_split, sg_egress};
use super::{Block, Code, Hop, Via};

mod endpoints;
mod nat;
mod trail;

pub use trail::Trail;

/// What the packets are trying to reach.
#[derive(Debug, Clone)]
pub enum Dest {
    /// Any public address.
    Internet,
    /// An AWS service, by full name (`com.amazonaws.us-east-1.s3`).
    Service(String),
    /// `vpcreach trace` to an address: the packets' own destination, wherever it is — the
    /// internet, the AWS service behind a gateway endpoint whose route they take, any interface
    /// endpoint of the VPC, or a subnet of the VPC (delivered *to the subnet*, after the ACLs
    /// between the two subnets: which interface holds the address is `trace`'s last step). No
    /// check uses it, so no verdict depends on it.
    Anywhere,
}

/// A step the *reply* of a connection must pass, back along the forward path.
#[derive(Debug, Clone)]
pub enum ReplyStep {
    /// A stateless ACL where the forward packets crossed a subnet boundary.
    Acl(ReplyCheck),
    /// A route lookup where the reply leaves an ENI (interface endpoint, NAT gateway) or enters
    /// the VPC through an internet gateway with a gateway route table.
    Route(RouteReply),
}

/// The route lookup of a reply: the table that routes it and the fixed addresses it goes to
/// (the forward source: the notebook, or a NAT gateway on the way back in).
#[derive(Debug, Clone)]
pub struct RouteReply {
    /// The route table (`None`: the subnet has none the snapshot describes).
    pub table: Option<String>,
    /// Where the table applies: the subnet, or the internet gateway of an edge association.
    pub at: String,
    /// What sends the reply, and where it goes.
    pub reply: ReplyOf,
    /// Past a NAT64 translation: the reply here is the IPv4 packet the NAT gateway will translate
    /// back (the connection's addresses are `64:ff9b::/96`-embedded).
    pub nat64: bool,
}

/// A stateless ACL the *reply* of a connection must pass.
#[derive(Debug, Clone)]
pub struct ReplyCheck {
    pub subnet: String,
    pub acl: Option<String>,
    /// The direction of the reply at this ACL.
    pub dir: Dir,
    /// How the entry's CIDR is matched for the reply.
    pub role: AddrRole,
    /// The reply's destination port is a NAT gateway's port (1024–65535), not the client's.
    pub nat_ports: bool,
    /// Past a NAT64 translation: the reply here is IPv4 (see [`RouteReply::nat64`]).
    pub nat64: bool,
}

impl ReplyStep {
    /// Whether the reply at this step is the IPv4 side of a NAT64 connection.
    pub fn nat64(&self) -> bool {
        match self {
            ReplyStep::Acl(c) => c.nat64,
            ReplyStep::Route(r) => r.nat64,
        }
    }

    fn mark_nat64(&mut self) {
        match self {
            ReplyStep::Acl(c) => c.nat64 = true,
            ReplyStep::Route(r) => r.nat64 = true,
        }
    }
}

#[derive(Debug, Clone)]
pub enum End {
    Delivered { via: Via, private: bool },
    Dropped(Block),
    Undecided { via: Option<Via>, why: Block },
}

/// One part of the set and what happened to it.
#[derive(Debug, Clone)]
pub struct Branch {
    pub set: PacketSet,
    pub hops: Trail<Hop>,
    /// Oldest first; replies take them newest first.
    pub replies: Trail<ReplyStep>,
    pub end: End,
}

#[derive(Debug, Clone)]
struct Ctx<'a> {
    /// The subnet the packets are in.
    here: &'a Subnet,
    vpc: std::sync::Arc<str>,
    /// The current source (the notebook, or a NAT gateway after translation).
    src: std::sync::Arc<Source>,
    public_v4: bool,
    public_v4_unknown: Option<String>,
    has_v6: bool,
    /// The first gateway the packets went through (a NAT), which names the path.
    first_via: Option<Via>,
    hops: Trail<Hop>,
    replies: Trail<ReplyStep>,
    visited: Trail<String>,
    nat_ports: bool,
}

/// The notebook as the walk sees it.
#[derive(Debug, Clone)]
pub struct Origin {
    pub src: Source,
    pub public_v4: bool,
    /// Why a public IPv4 address cannot be ruled out (its interface could not be collected).
    pub public_v4_unknown: Option<String>,
    pub has_v6: bool,
}

/// The notebook's source facts: addresses, groups, public IPv4, IPv6.
pub fn origin(net: &Network, nb: &Notebook) -> Origin {
    super::cache::origin(net, nb, || origin_uncached(net, nb))
}

fn origin_uncached(net: &Network, nb: &Notebook) -> Origin {
    let eni = nb.interface_id.as_ref().and_then(|i| net.interfaces.get(i));
    let subnet = nb.subnet_id.as_ref().and_then(|s| net.subnets.get(s));
    let addrs = crate::model::notebook_private_addrs(net, nb);
    let has_v6 = match eni {
        Some(e) => !e.ipv6.is_empty(),
        // Not described: it may have one if its subnet has an IPv6 block.
        None => subnet.is_some_and(|s| s.cidrs.iter().any(|c| matches!(c, ipnet::IpNet::V6(_)))),
    };
    Origin {
        src: Source {
            addrs,
            groups: nb.security_groups.clone(),
        },
        // DESIGN §3: no public IPv4 address unless the interface shows one.
        public_v4: eni.is_some_and(|e| e.public_ips.iter().any(|ip| ip.is_ipv4())),
        public_v4_unknown: match (eni, net.interfaces_incomplete()) {
            (None, Some(why)) => Some(why.to_string()),
            _ => None,
        },
        has_v6,
    }
}

/// Walk `set` from the notebook towards `dest`.
pub fn walk_notebook(net: &Network, nb: &Notebook, set: &PacketSet, dest: &Dest) -> Vec<Branch> {
    let mut w = Walker {
        net,
        dest,
        out: Vec::new(),
    };
    if set.is_empty() {
        return w.out;
    }
    let Some(subnet_id) = &nb.subnet_id else {
        let why = if nb.kind.is_studio() {
            ServiceNetworkReason::StudioPublicInternet
        } else {
            ServiceNetworkReason::NoSubnet
        };
        w.service_network(Trail::default(), set.clone(), why);
        return w.out;
    };
    let Some(subnet) = net.subnets.get(subnet_id) else {
        w.undecided(
            Trail::default(),
            set.clone(),
            None,
            Code::MissingData,
            Component::Subnet(subnet_id.clone()),
            Cause::Missing(Missing::Subnet {
                subnet: subnet_id.clone(),
                notebooks: true,
            }),
        );
        return w.out;
    };
    let mut eni_part = set.clone();
    if nb.direct_internet_access == Toggle::Enabled {
        let vpc_cidrs = net
            .vpcs
            .get(&subnet.vpc_id)
            .map(|v| AddrSet::from_nets(v.cidrs.iter()))
            .unwrap_or_default();
        eni_part = set.restrict_addrs(&vpc_cidrs);
        let out = set.difference(&eni_part);
        if !out.is_empty() {
            w.service_network(
                Trail::default(),
                out,
                ServiceNetworkReason::DirectInternetAccess,
            );
        }
    }
    if eni_part.is_empty() {
        return w.out;
    }
    let o = origin(net, nb);
    let ctx = Ctx {
        here: subnet,
        vpc: subnet.vpc_id.as_str().into(),
        src: std::sync::Arc::new(o.src),
        public_v4: o.public_v4,
        public_v4_unknown: o.public_v4_unknown,
        has_v6: o.has_v6,
        first_via: None,
        hops: Trail::default(),
        replies: Trail::default(),
        visited: Trail::default(),
        nat_ports: false,
    };
    w.eni(ctx, eni_part, nb);
    w.out
}

struct Walker<'a> {
    net: &'a Network,
    dest: &'a Dest,
    out: Vec<Branch>,
}

fn hop(at: Component, step: Step, probe: Probe) -> Hop {
    Hop::new(at, step, probe)
}

impl<'a> Walker<'a> {
    fn push(&mut self, ctx_hops: Trail<Hop>, replies: Trail<ReplyStep>, set: PacketSet, end: End) {
        if !set.is_empty() {
            self.out.push(Branch {
                set,
                hops: ctx_hops,
                replies,
                end,
            });
        }
    }

    fn dropped(&mut self, ctx: &Ctx<'a>, set: PacketSet, code: Code, at: Component, cause: Cause) {
        self.push(
            ctx.hops.clone(),
            ctx.replies.clone(),
            set,
            End::Dropped(Block::new(code, at, cause)),
        );
    }

    fn undecided(
        &mut self,
        hops: Trail<Hop>,
        set: PacketSet,
        via: Option<Via>,
        code: Code,
        at: Component,
        cause: Cause,
    ) {
        self.push(
            hops,
            Trail::default(),
            set,
            End::Undecided {
                via,
                why: Block::new(code, at, cause),
            },
        );
    }

    fn service_network(&mut self, hops: Trail<Hop>, set: PacketSet, why: ServiceNetworkReason) {
        let mut hops = hops;
        hops.push(hop(
            Component::ServiceNetwork,
            Step::ServiceNetwork(why),
            Probe::None,
        ));
        self.push(
            hops,
            Trail::default(),
            set,
            End::Delivered {
                via: Via::ServiceNetwork,
                private: false,
            },
        );
    }

    fn delivered(&mut self, ctx: &Ctx<'a>, set: PacketSet, via: Via) {
        let via = ctx.first_via.unwrap_or(via);
        let private = via.is_endpoint();
        self.push(
            ctx.hops.clone(),
            ctx.replies.clone(),
            set,
            End::Delivered { via, private },
        );
    }

    /// The notebook's own interface: its security groups' egress rules.
    fn eni(&mut self, mut ctx: Ctx<'a>, set: PacketSet, nb: &Notebook) {
        let groups = &nb.security_groups;
        if groups.is_empty() {
            self.undecided(
                ctx.hops.clone(),
                set,
                None,
                Code::MissingData,
                Component::Notebook(nb.name.clone()),
                Cause::Missing(Missing::NoSecurityGroups),
            );
            return;
        }
        let sg = sg_egress(self.net, groups, &set);
        let at = Component::SecurityGroups(groups.clone());
        if !sg.denied.is_empty() {
            self.dropped(
                &ctx,
                sg.denied.clone(),
                Code::EniSgRulesMismatch,
                at.clone(),
                Cause::SgEgressDenied {
                    packets: sg.denied.clone().into(),
                },
            );
        }
        if !sg.undecided.is_empty() {
            // Allowed or denied depending on data the snapshot lacks: denied is a drop, so these
            // packets are dropped for sure only if the rest of the path drops them too.
            let why = Block::new(sg.code(), at.clone(), sg.cause());
            let mut c = ctx.clone();
            c.hops
                .push(hop(at.clone(), Step::SgEgressMaybe, Probe::None));
            let undecided = sg.undecided.clone();
            self.uncertain(why, |w| w.route_in(c, undecided));
        }
        if sg.allowed.is_empty() {
            return;
        }
        ctx.hops.push(hop(
            at,
            Step::SgEgress { rule: None },
            Probe::SgEgress(groups.clone()),
        ));
        self.route_in(ctx, sg.allowed.clone());
    }

    /// Route `set` with the route table of `ctx.subnet` and follow each route.
    fn route_in(&mut self, ctx: Ctx<'a>, set: PacketSet) {
        let net = self.net;
        let subnet = ctx.here;
        let Some(rt) = subnet
            .route_table
            .as_ref()
            .and_then(|r| net.route_tables.get(r))
        else {
            self.undecided(
                ctx.hops.clone(),
                set,
                None,
                Code::MissingData,
                Component::Subnet(subnet.id.clone()),
                Cause::Missing(Missing::RouteTable {
                    subnet: subnet.id.clone(),
                    table: subnet.route_table.clone(),
                }),
            );
            return;
        };
        let split = route_split(net, rt, &set);
        let maybe = split
            .contested
            .iter()
            .fold(PacketSet::empty(), |a, (_, m)| a.union(m));
        let drop_only = split
            .contested
            .iter()
            .all(|(i, _)| self.drops_all(&rt.routes[*i]));
        let unrouted = if drop_only {
            split.unrouted.clone()
        } else {
            split.unrouted.difference(&maybe)
        };
        if !unrouted.is_empty() {
            // Dropped whatever a contested route would do with them: no route, or a route that
            // could only drop them (see below).
            self.dropped(
                &ctx,
                unrouted.clone(),
                Code::NoRouteToDestination,
                Component::RouteTable(rt.id.clone()),
                Cause::NoRoute {
                    subnet: subnet.id.clone(),
                    packets: unrouted.clone().into(),
                },
            );
        }
        // Routes to prefix lists the snapshot lacks: their destinations are unknown, so the packets
        // they may claim have two possible fates. When the contested routes could only drop those
        // packets (a gateway endpoint of another service, a blackhole), the packets keep their
        // normal fate if that is a drop and become undecided otherwise; when a contested route could
        // deliver them, they are undecided.
        let why = contested_block(net, rt, &split.contested);
        if !drop_only && !maybe.is_empty() {
            let contested = split
                .routed
                .iter()
                .fold(PacketSet::empty(), |a, (_, p)| a.union(p))
                .union(&split.unrouted)
                .intersect(&maybe);
            self.push(
                ctx.hops.clone(),
                Trail::default(),
                contested,
                End::Undecided {
                    via: None,
                    why: why.clone(),
                },
            );
        }
        for (i, part) in split.routed.iter().cloned() {
            let sure = part.difference(&maybe);
            let unsure = part.intersect(&maybe);
            self.follow(ctx.clone(), rt, i, sure);
            if drop_only && !unsure.is_empty() {
                let c = ctx.clone();
                self.uncertain(why.clone(), |w| w.follow(c, rt, i, unsure));
            }
        }
    }

    /// Would `route` drop every packet of this walk's destination (so that it cannot change a
    /// drop into a delivery)?
    fn drops_all(&self, route: &crate::model::Route) -> bool {
        if route.state == RouteState::Blackhole {
            return true;
        }
        match route.target.kind {
            TargetKind::GatewayEndpoint => {
                match (self.dest, self.net.endpoints.get(&route.target.id)) {
                    (Dest::Internet, Some(_)) => true,
                    (Dest::Service(name), Some(ep)) => ep.service != *name,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Run `f` on a sub-walk whose packets only *may* get this far (the alternative being a drop):
    /// its drops stay drops; anything it would deliver or leave undecided is undecided, for `why`.
    fn uncertain(&mut self, why: Block, f: impl FnOnce(&mut Walker<'a>)) {
        let mut sub = Walker {
            net: self.net,
            dest: self.dest,
            out: Vec::new(),
        };
        f(&mut sub);
        for b in sub.out {
            let end = match b.end {
                End::Dropped(_) | End::Undecided { .. } => b.end,
                End::Delivered { .. } => End::Undecided {
                    via: None,
                    why: why.clone(),
                },
            };
            self.out.push(Branch { end, ..b });
        }
    }

    /// Follow route `i` of `rt` with `part`.
    fn follow(&mut self, ctx: Ctx<'a>, rt: &crate::model::RouteTable, i: usize, part: PacketSet) {
        if part.is_empty() {
            return;
        }
        let r = &rt.routes[i];
        let mut c = ctx;
        c.hops.push(hop(
            Component::RouteTable(rt.id.clone()),
            Step::Route { route: r.clone() },
            Probe::None,
        ));
        if r.state != RouteState::Active {
            return self.dropped(
                &c,
                part,
                Code::BadStateRoute,
                Component::RouteTable(rt.id.clone()),
                Cause::RouteNotActive {
                    route: route_ref(&rt.id, r),
                    state: r.state.clone(),
                },
            );
        }
        self.target(c, part, &r.target.kind, &r.target.id);
    }

    /// Leave `ctx.subnet` through its ACL (outbound, matched on destination).
    fn cross_out(&mut self, ctx: &mut Ctx<'a>, set: PacketSet) -> PacketSet {
        let here = ctx.here;
        self.cross(ctx, set, here, Dir::Egress, AddrRole::Packet)
    }

    /// Enter `subnet` through its ACL (inbound, matched on the fixed source).
    fn cross_in(&mut self, ctx: &mut Ctx<'a>, set: PacketSet, subnet: &'a Subnet) -> PacketSet {
        let role = AddrRole::Fixed(ctx.src.addrs.clone());
        self.cross(ctx, set, subnet, Dir::Ingress, role)
    }

    fn cross(
        &mut self,
        ctx: &mut Ctx<'a>,
        set: PacketSet,
        subnet: &'a Subnet,
        dir: Dir,
        role: AddrRole,
    ) -> PacketSet {
        let net = self.net;
        let subnet_id = subnet.id.as_str();
        let acl_id = subnet.acl.clone();
        let Some(acl) = acl_id.as_ref().and_then(|a| net.acls.get(a)) else {
            self.undecided(
                ctx.hops.clone(),
                set,
                None,
                Code::MissingData,
                Component::Subnet(subnet_id.to_string()),
                Cause::Missing(Missing::Acl {
                    subnet: subnet_id.to_string(),
                    acl: acl_id.clone(),
                }),
            );
            return PacketSet::empty();
        };
        let out = acl_eval(acl_entries(acl, dir), &set, &role);
        for (entry, denied) in &out.denied {
            self.dropped(
                ctx,
                denied.clone(),
                Code::SubnetAclRestriction,
                Component::NetworkAcl(acl.id.clone()),
                Cause::AclDenied {
                    subnet: subnet_id.to_string(),
                    direction: dir,
                    rule: RuleRef::AclEntry {
                        acl: acl.id.clone(),
                        direction: dir,
                        entry: entry.clone(),
                    },
                    packets: denied.clone().into(),
                },
            );
        }
        if !out.undecided.is_empty() {
            self.undecided(
                ctx.hops.clone(),
                out.undecided.clone(),
                None,
                Code::DependsOnSourceAddress,
                Component::NetworkAcl(acl.id.clone()),
                Cause::AclPartialSource {
                    direction: dir,
                    source: ctx.src.addrs.clone(),
                    reply: false,
                },
            );
        }
        if !out.allowed.is_empty() {
            ctx.hops.push(hop(
                Component::NetworkAcl(acl.id.clone()),
                Step::Acl {
                    subnet: subnet_id.to_string(),
                    direction: dir,
                    rule: None,
                },
                Probe::Acl {
                    acl: acl.id.clone(),
                    dir,
                    role: role.clone(),
                },
            ));
            ctx.replies.push(ReplyStep::Acl(ReplyCheck {
                subnet: subnet_id.to_string(),
                acl: Some(acl.id.clone()),
                dir: dir.reverse(),
                role,
                nat_ports: ctx.nat_ports,
                nat64: false,
            }));
        }
        out.allowed.clone()
    }

    fn target(&mut self, mut ctx: Ctx<'a>, set: PacketSet, kind: &TargetKind, id: &str) {
        let net = self.net;
        match kind {
            TargetKind::Local => self.local(ctx, set),
            TargetKind::InternetGateway => {
                let Some(igw) = net.internet_gateways.get(id) else {
                    return self.dangling(&ctx, set, *kind, id);
                };
                if !igw.attached_to(&ctx.vpc) {
                    return self.dropped(
                        &ctx,
                        set,
                        Code::IgwNotAttached,
                        Component::target(*kind, id),
                        Cause::NotAttached {
                            vpc: ctx.vpc.to_string(),
                        },
                    );
                }
                let set = self.cross_out(&mut ctx, set);
                if let Some(edge) = &igw.edge_route_table {
                    // Replies enter the VPC through the gateway route table (edge association).
                    ctx.replies.push(ReplyStep::Route(RouteReply {
                        table: Some(edge.clone()),
                        at: id.to_string(),
                        reply: ReplyOf {
                            from: Component::target(TargetKind::InternetGateway, id),
                            dest: ctx.src.addrs.clone(),
                        },
                        nat64: false,
                    }));
                }
                self.public_exit(ctx, set, id, Via::Target(TargetKind::InternetGateway));
            }
            TargetKind::EgressOnlyInternetGateway => {
                let Some(g) = net.egress_only_gateways.get(id) else {
                    return self.dangling(&ctx, set, *kind, id);
                };
                if !g.attached_to(&ctx.vpc) {
                    return self.dropped(
                        &ctx,
                        set,
                        Code::IgwNotAttached,
                        Component::target(*kind, id),
                        Cause::NotAttached {
                            vpc: ctx.vpc.to_string(),
                        },
                    );
                }
                let v4 = set.of_family(Family::V4);
                if !v4.is_empty() {
                    self.dropped(
                        &ctx,
                        v4.clone(),
                        Code::EgressOnlyIgwIpv6Only,
                        Component::target(*kind, id),
                        Cause::Ipv6Only {
                            packets: v4.clone().into(),
                        },
                    );
                }
                let v6 = set.of_family(Family::V6);
                let v6 = self.cross_out(&mut ctx, v6);
                self.public_exit(
                    ctx,
                    v6,
                    id,
                    Via::Target(TargetKind::EgressOnlyInternetGateway),
                );
            }
            TargetKind::NatGateway => self.nat(ctx, set, id),
            TargetKind::GatewayEndpoint => self.gateway_endpoint(ctx, set, id),
            TargetKind::VpcEndpoint => self.dangling(&ctx, set, *kind, id),
            k if k.leaves_scope() => {
                let set = self.cross_out(&mut ctx, set);
                let via = Via::Target(*k);
                let mut hops = ctx.hops.clone();
                hops.push(hop(
                    Component::target(*k, id),
                    Step::LeavesScope,
                    Probe::None,
                ));
                self.undecided(
                    hops,
                    set,
                    Some(ctx.first_via.unwrap_or(via)),
                    Code::LeavesModelledScope,
                    Component::target(*k, id),
                    Cause::LeavesScope { kind: *k },
                );
            }
            _ => self.dangling(&ctx, set, *kind, id),
        }
    }

    fn dangling(&mut self, ctx: &Ctx<'a>, set: PacketSet, kind: TargetKind, id: &str) {
        self.undecided(
            ctx.hops.clone(),
            set,
            None,
            Code::DanglingReference,
            Component::target(kind, id),
            Cause::Dangling,
        );
    }

    /// Out through an internet or egress-only gateway: IPv4 needs a public source address,
    /// IPv6 an IPv6 source address.
    fn public_exit(&mut self, mut ctx: Ctx<'a>, set: PacketSet, gw: &str, via: Via) {
        let kind = match via {
            Via::Target(k) => k,
            _ => TargetKind::InternetGateway,
        };
        let at = Component::target(kind, gw);
        if set.is_empty() {
            return;
        }
        let v4 = set.of_family(Family::V4);
        let v6 = set.of_family(Family::V6);
        let mut ok = PacketSet::empty();
        if !v4.is_empty() {
            if ctx.public_v4 {
                ok = ok.union(&v4);
            } else if let Some(why) = ctx.public_v4_unknown.clone() {
                self.undecided(
                    ctx.hops.clone(),
                    v4.clone(),
                    None,
                    Code::MissingData,
                    at.clone(),
                    Cause::PublicIpUnknown { why },
                );
            } else {
                self.dropped(
                    &ctx,
                    v4.clone(),
                    Code::IgwPublicIpAssociationForEgress,
                    at.clone(),
                    Cause::NoPublicIpv4 {
                        source: ctx.src.addrs.clone(),
                        packets: v4.clone().into(),
                    },
                );
            }
        }
        if !v6.is_empty() {
            if ctx.has_v6 {
                ok = ok.union(&v6);
            } else {
                self.dropped(
                    &ctx,
                    v6.clone(),
                    Code::NoIpv6Address,
                    at.clone(),
                    Cause::NoIpv6 {
                        packets: v6.clone().into(),
                    },
                );
            }
        }
        ctx.hops.push(hop(at, Step::ToInternet, Probe::None));
        self.delivered(&ctx, ok, via);
    }
}

/// Why packets a route to an undescribed prefix list may claim are undecided.
fn contested_block(
    net: &Network,
    rt: &crate::model::RouteTable,
    contested: &[(usize, PacketSet)],
) -> Block {
    let lists: Vec<String> = contested
        .iter()
        .map(|(i, _)| rt.routes[*i].dest.to_string())
        .collect();
    let code = lists
        .iter()
        .map(|p| super::filters::prefix_list_code(net, p))
        .min()
        .unwrap_or(Code::MissingData);
    Block::new(
        code,
        Component::RouteTable(rt.id.clone()),
        Cause::ContestedRoutes {
            lists: lists
                .iter()
                .map(|p| super::filters::prefix_list_gap(net, p))
                .collect(),
        },
    )
}
