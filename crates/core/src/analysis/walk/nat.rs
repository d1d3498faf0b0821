//! NAT gateways in the walk: state and loops, the NAT subnet's ACLs, which protocols are
//! translated (IPv4: TCP, UDP, ICMP; NAT64: TCP, UDP and ICMPv6 echo to `64:ff9b::/96`), the reply
//! route from the gateway's interface, and the walk going on from the gateway's own subnet.

use crate::model::{ResourceState, Subnet, TargetKind};
use crate::space::{AddrSet, Family, ICMP, ICMPV6, PacketSet, ProtoSet, TCP, UDP, nat64};

use super::super::evidence::{Cause, Component, Missing, ReplyOf, Step};
use super::super::explain::Probe;
use super::super::filters::Source;
use super::super::{Code, Via};
use super::{Ctx, End, ReplyStep, RouteReply, Trail, Walker, hop};

impl<'a> Walker<'a> {
    pub(super) fn nat(&mut self, mut ctx: Ctx<'a>, set: PacketSet, id: &str) {
        let net = self.net;
        let Some(nat) = net.nat_gateways.get(id) else {
            return self.dangling(&ctx, set, TargetKind::NatGateway, id);
        };
        let at = Component::NatGateway(id.to_string());
        if nat.state != ResourceState::Available {
            return self.dropped(
                &ctx,
                set,
                Code::BadState,
                at,
                Cause::NotAvailable {
                    state: nat.state.clone(),
                },
            );
        }
        if ctx.visited.iter_rev().any(|v| v == id) {
            return self.dropped(&ctx, set, Code::RoutingLoop, at, Cause::RoutingLoop);
        }
        let Some(nat_subnet) = nat.subnet_id.as_ref().and_then(|s| net.subnets.get(s)) else {
            return self.undecided(
                ctx.hops.clone(),
                set,
                None,
                Code::MissingData,
                at,
                Cause::Missing(Missing::NatSubnet(id.to_string())),
            );
        };
        let mut set = set;
        if nat_subnet.id != ctx.here.id {
            set = self.cross_out(&mut ctx, set);
            set = self.cross_in(&mut ctx, set, nat_subnet);
        }
        // IPv4 packets are translated if TCP, UDP or ICMP; IPv6 packets (NAT64) if TCP, UDP or
        // ICMPv6 to 64:ff9b::/96. Other protocols are dropped.
        let v4 = set.of_family(Family::V4);
        let v6 = set.of_family(Family::V6);
        let unsupported = v4
            .restrict_protos(ProtoSet::all().difference(&ProtoSet::of(&[TCP, UDP, ICMP])))
            .union(
                &v6.restrict_protos(ProtoSet::all().difference(&ProtoSet::of(&[TCP, UDP, ICMPV6]))),
            );
        if !unsupported.is_empty() {
            self.dropped(
                &ctx,
                unsupported.clone(),
                Code::NatGatewayUnsupportedProtocol,
                at.clone(),
                Cause::NatProtocol {
                    packets: unsupported.clone().into(),
                },
            );
        }
        let v4 = v4.restrict_protos(ProtoSet::of(&[TCP, UDP, ICMP]));
        let v6 = v6.restrict_protos(ProtoSet::of(&[TCP, UDP, ICMPV6]));
        let nat64 = nat64::translatable(&v6);
        let untranslated = v6.difference(&nat64);
        // ICMPv6 other than echo to 64:ff9b::/96: the gateway drops it or translates it to some
        // ICMP message (RFC 7915); decided below by what any ICMP could do after the gateway.
        let icmp_other = untranslated
            .restrict_protos(ProtoSet::single(ICMPV6))
            .restrict_addrs(&nat64::prefix());
        let untranslated = untranslated.difference(&icmp_other);
        if !untranslated.is_empty() {
            self.undecided(
                ctx.hops.clone(),
                untranslated.clone(),
                Some(Via::Target(TargetKind::NatGateway)),
                Code::Nat64Untranslated,
                at.clone(),
                Cause::Nat64Untranslated {
                    packets: untranslated.clone().into(),
                    icmp: false,
                },
            );
        }
        if v4.is_empty() && nat64.is_empty() && icmp_other.is_empty() {
            return;
        }
        self.nat_onward(ctx, id, nat_subnet, [v4, nat64, icmp_other]);
    }

    /// Past the gateway's translation: the hop, the reply route from its interface, and the walk
    /// going on from its own subnet with its address as the source — for IPv4, NAT64 and the
    /// ICMPv6 messages NAT64 may translate or drop.
    fn nat_onward(
        &mut self,
        mut ctx: Ctx<'a>,
        id: &str,
        nat_subnet: &'a Subnet,
        sets: [PacketSet; 3],
    ) {
        let net = self.net;
        let nat = &net.nat_gateways[id];
        let at = Component::NatGateway(id.to_string());
        let [v4, nat64, icmp_other] = sets;
        ctx.hops.push(hop(
            at.clone(),
            Step::Nat {
                public: nat.public,
                public_ip: nat.public_ips.first().copied(),
                subnet: nat_subnet.id.clone(),
            },
            Probe::None,
        ));
        let nat_addrs = if nat.private_ips.is_empty() {
            AddrSet::from_nets(nat_subnet.cidrs.iter())
        } else {
            nat.private_ips
                .iter()
                .fold(AddrSet::empty(), |a, ip| a.union(&AddrSet::single(*ip)))
        };
        // The reply leaves the NAT gateway's interface through its subnet's route table.
        ctx.replies.push(ReplyStep::Route(RouteReply {
            table: nat_subnet.route_table.clone(),
            at: nat_subnet.id.clone(),
            reply: ReplyOf {
                from: at.clone(),
                dest: ctx.src.addrs.clone(),
            },
            nat64: false,
        }));
        ctx.visited.push(id.to_string());
        ctx.first_via = ctx.first_via.or(Some(Via::Target(TargetKind::NatGateway)));
        ctx.here = nat_subnet;
        ctx.src = std::sync::Arc::new(Source {
            addrs: nat_addrs,
            groups: Vec::new(),
        });
        // A public NAT gateway always has an Elastic IP; a private one never does.
        ctx.public_v4 = nat.public;
        ctx.public_v4_unknown = None;
        ctx.has_v6 = false;
        ctx.nat_ports = true;
        if !nat64.is_empty() {
            self.nat64(ctx.clone(), &nat64, id);
        }
        if !icmp_other.is_empty() {
            self.nat64_icmp_other(ctx.clone(), &icmp_other, id);
        }
        self.route_in(ctx, v4);
    }

    /// ICMPv6 messages other than echo that reach a NAT gateway for 64:ff9b::/96: dropped for
    /// certain only if no ICMP message at all could get anywhere after the gateway; otherwise
    /// what happens to them is undecided.
    fn nat64_icmp_other(&mut self, ctx: Ctx<'a>, six: &PacketSet, id: &str) {
        let probe = PacketSet::matching(
            ProtoSet::single(ICMP),
            &nat64::unembed(&six.addresses()),
            crate::space::PortRange::ALL,
        );
        let mut sub = Walker {
            net: self.net,
            dest: self.dest,
            out: Vec::new(),
        };
        sub.route_in(ctx.clone(), probe);
        let first_drop = sub.out.iter().find_map(|b| match &b.end {
            End::Dropped(bl) => Some(bl.clone()),
            _ => None,
        });
        match first_drop {
            Some(bl) if sub.out.iter().all(|b| matches!(b.end, End::Dropped(_))) => self.dropped(
                &ctx,
                six.clone(),
                bl.code,
                bl.at,
                Cause::Nat64IcmpDropped {
                    nat: id.to_string(),
                    after: Box::new(bl.cause),
                },
            ),
            _ => self.undecided(
                ctx.hops.clone(),
                six.clone(),
                Some(Via::Target(TargetKind::NatGateway)),
                Code::Nat64Untranslated,
                Component::NatGateway(id.to_string()),
                Cause::Nat64Untranslated {
                    packets: six.clone().into(),
                    icmp: true,
                },
            ),
        }
    }

    /// NAT64: the IPv6 packets `six` (to 64:ff9b::/96) continue as the IPv4 packets they are
    /// translated to; every outcome is reported for the IPv6 packets the notebook sent, and the
    /// evidence after the gateway probes the translated packet.
    fn nat64(&mut self, mut ctx: Ctx<'a>, six: &PacketSet, id: &str) {
        ctx.hops.push(hop(
            Component::NatGateway(id.to_string()),
            Step::Nat64,
            Probe::None,
        ));
        let from = ctx.hops.len();
        let replies_from = ctx.replies.len();
        let mut sub = Walker {
            net: self.net,
            dest: self.dest,
            out: Vec::new(),
        };
        sub.route_in(ctx, nat64::to_v4(six));
        for mut b in sub.out {
            b.set = nat64::to_v6(&b.set);
            // Replies past the gateway are IPv4 until it translates them back.
            let mut replies = b.replies.to_vec();
            for r in replies.iter_mut().skip(replies_from) {
                r.mark_nat64();
            }
            b.replies = Trail::from_vec(replies);
            let mut hops = b.hops.to_vec();
            for h in hops.iter_mut().skip(from) {
                h.probe = Probe::Nat64(Box::new(std::mem::take(&mut h.probe)));
            }
            b.hops = Trail::from_vec(hops);
            self.out.push(b);
        }
    }
}
