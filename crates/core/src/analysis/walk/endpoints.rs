//! VPC endpoints in the walk: gateway endpoints (TCP only, their service only) and the VPC-local
//! route to an interface endpoint (the ACLs between the subnets, the endpoint's security groups,
//! and the reply route from its interface).

use crate::model::{Endpoint, EndpointKind, ResourceState, Subnet, TargetKind};
use crate::space::{AddrSet, PacketSet, ProtoSet, TCP};

use super::super::evidence::{Cause, Component, Missing, ReplyOf, Step};
use super::super::explain::Probe;
use super::super::filters::sg_ingress;
use super::super::{Code, Via};
use super::{Ctx, Dest, ReplyStep, RouteReply, Walker, hop};

impl<'a> Walker<'a> {
    pub(super) fn gateway_endpoint(&mut self, mut ctx: Ctx<'a>, set: PacketSet, id: &str) {
        let Some(ep) = self.net.endpoints.get(id) else {
            return self.dangling(&ctx, set, TargetKind::GatewayEndpoint, id);
        };
        if ep.kind != EndpointKind::Gateway {
            return self.dangling(&ctx, set, TargetKind::GatewayEndpoint, id);
        }
        let at = Component::GatewayEndpoint(id.to_string());
        if ep.state != ResourceState::Available {
            return self.dropped(
                &ctx,
                set,
                Code::BadState,
                at,
                Cause::NotAvailable {
                    state: ep.state.clone(),
                },
            );
        }
        let non_tcp = set.restrict_protos(ProtoSet::all().difference(&ProtoSet::single(TCP)));
        if !non_tcp.is_empty() {
            self.dropped(
                &ctx,
                non_tcp.clone(),
                Code::VpceGatewayProtocolRestriction,
                at.clone(),
                Cause::GatewayEndpointTcpOnly {
                    packets: non_tcp.clone().into(),
                },
            );
        }
        let tcp = set.restrict_protos(ProtoSet::single(TCP));
        let tcp = self.cross_out(&mut ctx, tcp);
        if tcp.is_empty() {
            return;
        }
        ctx.hops.push(hop(
            at.clone(),
            Step::GatewayEndpoint {
                service: ep.service.clone(),
            },
            Probe::None,
        ));
        match self.dest {
            Dest::Internet => self.dropped(
                &ctx,
                tcp.clone(),
                Code::GatewayEndpointServiceOnly,
                at,
                Cause::GatewayEndpointServiceOnly {
                    service: ep.service.clone(),
                    packets: tcp.clone().into(),
                },
            ),
            Dest::Service(name) if *name == ep.service => {
                self.delivered(&ctx, tcp, Via::Target(TargetKind::GatewayEndpoint))
            }
            // A trace: the route took the packets into the endpoint, so they reach its service.
            Dest::Anywhere => self.delivered(&ctx, tcp, Via::Target(TargetKind::GatewayEndpoint)),
            Dest::Service(name) => {
                let name = name.clone();
                self.dropped(
                    &ctx,
                    tcp,
                    Code::GatewayEndpointServiceMismatch,
                    at,
                    Cause::GatewayEndpointOtherService {
                        service: ep.service.clone(),
                        wanted: name,
                    },
                )
            }
        }
    }

    /// The VPC-local route: the destination is an address inside the VPC. Only an interface
    /// endpoint of the service asked for is a destination here.
    pub(super) fn local(&mut self, ctx: Ctx<'a>, set: PacketSet) {
        let net = self.net;
        let endpoints: Vec<&Endpoint> = match self.dest {
            Dest::Service(name) => net.interface_endpoints(&ctx.vpc, name).collect(),
            Dest::Internet => Vec::new(),
            // A trace: every available interface endpoint of the VPC is a destination (another's
            // address is left to the trace's last step, which does not claim it answers).
            Dest::Anywhere => net
                .vpcs
                .get(&*ctx.vpc)
                .map(|v| v.interface_endpoints.as_slice())
                .unwrap_or_default()
                .iter()
                .filter_map(|e| net.endpoints.get(e))
                .filter(|e| e.state == ResourceState::Available)
                .collect(),
        };
        let mut rest = set;
        for ep in endpoints {
            let addrs = net.endpoint_addresses(ep);
            let part = rest.restrict_addrs(&addrs);
            if part.is_empty() {
                continue;
            }
            rest = rest.difference(&part);
            // Per destination subnet: the ACLs between the two subnets, then the endpoint's SGs.
            let mut remaining = part;
            for s in net.vpc_subnets(&ctx.vpc) {
                if remaining.is_empty() {
                    break;
                }
                let p = remaining.restrict_addrs(&AddrSet::from_nets(s.cidrs.iter()));
                if p.is_empty() {
                    continue;
                }
                remaining = remaining.difference(&p);
                self.endpoint_in_subnet(ctx.clone(), p, ep, s);
            }
            if !remaining.is_empty() {
                self.undecided(
                    ctx.hops.clone(),
                    remaining,
                    None,
                    Code::MissingData,
                    Component::InterfaceEndpoint(ep.id.clone()),
                    Cause::Missing(Missing::EndpointOutsideSubnets {
                        vpc: ctx.vpc.to_string(),
                    }),
                );
            }
        }
        if matches!(self.dest, Dest::Anywhere) && !rest.is_empty() {
            // A trace to an address in the VPC: delivered to the subnet that holds it, past the
            // ACLs between the two subnets (none within one subnet).
            for s in net.vpc_subnets(&ctx.vpc) {
                if rest.is_empty() {
                    break;
                }
                let p = rest.restrict_addrs(&AddrSet::from_nets(s.cidrs.iter()));
                if p.is_empty() {
                    continue;
                }
                rest = rest.difference(&p);
                let mut c = ctx.clone();
                let p = if s.id != c.here.id {
                    let p = self.cross_out(&mut c, p);
                    self.cross_in(&mut c, p, s)
                } else {
                    p
                };
                self.delivered(&c, p, Via::Target(TargetKind::Local));
            }
        }
        if !rest.is_empty() {
            let rt = ctx
                .hops
                .last()
                .map(|h| h.at.clone())
                .unwrap_or_else(|| Component::Vpc(ctx.vpc.to_string()));
            let cause = Cause::StaysLocal {
                vpc: ctx.vpc.to_string(),
                packets: rest.clone().into(),
                service: match self.dest {
                    Dest::Internet | Dest::Anywhere => None,
                    Dest::Service(n) => Some(n.clone()),
                },
            };
            self.dropped(&ctx, rest, Code::NoRouteToDestination, rt, cause);
        }
    }

    /// Packets `p` to the addresses endpoint `ep` has in subnet `s`: the ACLs between the two
    /// subnets (none within one subnet), then the endpoint's security groups; what they allow is
    /// delivered, with the reply route lookup from `s` recorded.
    fn endpoint_in_subnet(
        &mut self,
        mut c: Ctx<'a>,
        mut p: PacketSet,
        ep: &Endpoint,
        s: &'a Subnet,
    ) {
        if s.id != c.here.id {
            p = self.cross_out(&mut c, p);
            p = self.cross_in(&mut c, p, s);
        }
        if p.is_empty() {
            return;
        }
        let sg = sg_ingress(self.net, &ep.groups, &c.src, &p);
        let at = Component::InterfaceEndpoint(ep.id.clone());
        if !sg.denied.is_empty() {
            self.dropped(
                &c,
                sg.denied.clone(),
                Code::EndpointSgIngressMismatch,
                at.clone(),
                Cause::SgIngressDenied {
                    endpoint: ep.id.clone(),
                    groups: ep.groups.clone(),
                    packets: sg.denied.clone().into(),
                    source: c.src.addrs.clone(),
                },
            );
        }
        if !sg.undecided.is_empty() {
            self.undecided(
                c.hops.clone(),
                sg.undecided.clone(),
                None,
                sg.code(),
                at.clone(),
                sg.cause(),
            );
        }
        if sg.allowed.is_empty() {
            return;
        }
        c.hops.push(hop(
            Component::SecurityGroups(ep.groups.clone()),
            Step::SgIngress { rule: None },
            Probe::SgIngress {
                groups: ep.groups.clone(),
                src: (*c.src).clone(),
            },
        ));
        c.hops.push(hop(
            at.clone(),
            Step::InterfaceEndpoint {
                service: ep.service.clone(),
                subnet: s.id.clone(),
            },
            Probe::None,
        ));
        // The reply leaves the endpoint's interface through its subnet's route table.
        c.replies.push(ReplyStep::Route(RouteReply {
            table: s.route_table.clone(),
            at: s.id.clone(),
            reply: ReplyOf {
                from: at,
                dest: c.src.addrs.clone(),
            },
            nat64: false,
        }));
        self.delivered(&c, sg.allowed, Via::InterfaceEndpoint);
    }
}
